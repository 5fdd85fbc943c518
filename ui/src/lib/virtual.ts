// Window math of the virtualised contact list: which rows are on screen for a scroll position,
// and which pages of `contacts_page` they need. Pure functions, no DOM.

export const ROW_HEIGHT = 56;
export const PAGE_SIZE = 100;
export const OVERSCAN = 8;

/** A half-open range of row indexes `[start, end)`. */
export interface RowRange {
  start: number;
  end: number;
}

/** The rows to render for a viewport: the visible ones plus `overscan` rows on each side,
 *  clamped to `[0, total)`. Empty when there is nothing to show. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  total: number,
  rowHeight: number = ROW_HEIGHT,
  overscan: number = OVERSCAN,
): RowRange {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, Number.isFinite(scrollTop) ? scrollTop : 0);
  const height = Math.max(0, Number.isFinite(viewportHeight) ? viewportHeight : 0);
  const first = Math.min(total - 1, Math.floor(top / rowHeight));
  const lastExclusive = Math.ceil((top + height) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, Math.max(first + 1, lastExclusive) + overscan);
  return { start, end };
}

/** The page indexes (of `pageSize` rows) that cover a row range, in order. */
export function pagesForRange(range: RowRange, pageSize: number = PAGE_SIZE): number[] {
  if (range.end <= range.start || pageSize <= 0) return [];
  const firstPage = Math.floor(range.start / pageSize);
  const lastPage = Math.floor((range.end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = firstPage; p <= lastPage; p++) pages.push(p);
  return pages;
}

/** Height of the scrolled content: every row, loaded or not. */
export function contentHeight(total: number, rowHeight: number = ROW_HEIGHT): number {
  return Math.max(0, total) * rowHeight;
}

/** The largest valid scrollTop for a list, used to clamp after the total shrinks. */
export function maxScrollTop(total: number, viewportHeight: number, rowHeight: number = ROW_HEIGHT): number {
  return Math.max(0, contentHeight(total, rowHeight) - Math.max(0, viewportHeight));
}
