// The pages of one contact query (search + department), fetched by offset with `contacts_page`
// and cached. No Svelte and no IPC here: the fetcher is passed in, so the logic is tested alone.

import type { ApiError } from "./bindings/ApiError";
import type { Contact } from "./bindings/Contact";
import type { ContactsPage } from "./bindings/ContactsPage";
import type { ContactsQuery } from "./bindings/ContactsQuery";
import { PAGE_SIZE } from "./virtual";

export type PageFetcher = (query: ContactsQuery) => Promise<ContactsPage>;

export interface ContactFilter {
  search: string;
  departmentId: string | null;
}

/** The query text sent to the Rust side: trimmed; blank means "all". */
export function normaliseFilter(search: string, departmentId: string | null): ContactFilter {
  return { search: search.trim(), departmentId: departmentId || null };
}

export function sameFilter(a: ContactFilter, b: ContactFilter): boolean {
  return a.search === b.search && a.departmentId === b.departmentId;
}

export function isFiltered(f: ContactFilter): boolean {
  return f.search !== "" || f.departmentId !== null;
}

export interface RowSlot {
  index: number;
  /** Undefined while its page is loading. */
  contact: Contact | undefined;
}

export class ContactPages {
  readonly filter: ContactFilter;
  /** How many contacts match in all; null until the first page answered. */
  total: number | null = null;
  /** The last page error, cleared by the next success. */
  error: ApiError | null = null;

  private readonly fetcher: PageFetcher;
  private readonly onChange: () => void;
  private readonly pageSize: number;
  private readonly maxPages: number;
  /** Loaded pages, least recently used first. */
  private readonly pages = new Map<number, Contact[]>();
  /** Pages whose content is from before the last `refresh` (still shown until replaced). */
  private readonly stale = new Set<number>();
  private readonly inflight = new Map<number, Promise<void>>();
  /** Bumped by `refresh`: answers to requests sent before it are dropped. */
  private generation = 0;

  constructor(
    filter: ContactFilter,
    fetcher: PageFetcher,
    onChange: () => void = () => {},
    pageSize: number = PAGE_SIZE,
    maxPages = 30,
  ) {
    this.filter = filter;
    this.fetcher = fetcher;
    this.onChange = onChange;
    this.pageSize = pageSize;
    this.maxPages = Math.max(1, maxPages);
  }

  get loadedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }

  hasPage(page: number): boolean {
    return this.pages.has(page);
  }

  isInflight(page: number): boolean {
    return this.inflight.has(page);
  }

  /** The contact at a row index, if its page is loaded. */
  get(index: number): Contact | undefined {
    if (index < 0) return undefined;
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** The row slots of `[start, end)`, loaded or not. */
  slots(start: number, end: number): RowSlot[] {
    const out: RowSlot[] = [];
    for (let i = start; i < end; i++) out.push({ index: i, contact: this.get(i) });
    return out;
  }

  /** Fetches the given pages unless loaded (and fresh) or already on their way. Resolves when
   *  all of them have answered (or failed). Pages past the known total are skipped. */
  ensure(pages: readonly number[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const page of pages) {
      if (page < 0) continue;
      if (this.total !== null && page * this.pageSize >= this.total && page !== 0) continue;
      const pending = this.inflight.get(page);
      if (pending) {
        waits.push(pending);
        continue;
      }
      if (this.pages.has(page) && !this.stale.has(page)) {
        this.touch(page);
        continue;
      }
      waits.push(this.fetchPage(page, pages));
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** The data changed underneath (`contacts-changed`): drop every page except `keep`, show
   *  those until their fresh copy arrives, and fetch them again. */
  refresh(keep: readonly number[]): Promise<void> {
    this.generation++;
    this.inflight.clear();
    const keepSet = new Set(keep);
    for (const page of [...this.pages.keys()]) {
      if (keepSet.has(page)) this.stale.add(page);
      else this.pages.delete(page);
    }
    const toFetch = keep.length > 0 ? keep : [0];
    return Promise.all(toFetch.map((p) => this.fetchPage(p, toFetch))).then(() => undefined);
  }

  private fetchPage(page: number, keep: readonly number[]): Promise<void> {
    const generation = this.generation;
    const promise = this.fetcher({
      search: this.filter.search,
      department_id: this.filter.departmentId,
      offset: page * this.pageSize,
      limit: this.pageSize,
    }).then(
      (answer) => {
        if (generation !== this.generation) return;
        this.inflight.delete(page);
        this.total = answer.total;
        this.error = null;
        this.stale.delete(page);
        this.pages.delete(page);
        this.pages.set(page, answer.items);
        this.dropPagesPastTotal();
        this.evict(keep);
        this.onChange();
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.inflight.delete(page);
        this.error = err as ApiError;
        this.onChange();
      },
    );
    this.inflight.set(page, promise);
    return promise;
  }

  private touch(page: number): void {
    const items = this.pages.get(page);
    if (items === undefined) return;
    this.pages.delete(page);
    this.pages.set(page, items);
  }

  private dropPagesPastTotal(): void {
    if (this.total === null) return;
    for (const page of [...this.pages.keys()]) {
      if (page !== 0 && page * this.pageSize >= this.total) {
        this.pages.delete(page);
        this.stale.delete(page);
      }
    }
  }

  private evict(keep: readonly number[]): void {
    if (this.pages.size <= this.maxPages) return;
    const keepSet = new Set(keep);
    for (const page of [...this.pages.keys()]) {
      if (this.pages.size <= this.maxPages) break;
      if (keepSet.has(page)) continue;
      this.pages.delete(page);
      this.stale.delete(page);
    }
  }
}
