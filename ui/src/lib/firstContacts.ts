// The first page of all contacts, asked for at start-up beside `app_state` (AppModel.boot), so
// the Contacts screen shows it without one more round trip after it mounts (issue 12, cold
// start). The early answer is used once, by the first fetch of that very page; any other query,
// a second fetch or a failed early request goes to the Rust side as usual.

import type { ContactsPage } from "./bindings/ContactsPage";
import type { ContactsQuery } from "./bindings/ContactsQuery";
import type { PageFetcher } from "./pageCache";
import { PAGE_SIZE } from "./virtual";

/** What the Contacts screen asks first: page 0 of everyone, in name order. */
export const FIRST_PAGE: ContactsQuery = { search: "", department_id: null, offset: 0, limit: PAGE_SIZE };

let early: Promise<ContactsPage> | null = null;

function isFirstPage(q: ContactsQuery): boolean {
  return (
    q.search === FIRST_PAGE.search &&
    q.department_id === FIRST_PAGE.department_id &&
    q.offset === FIRST_PAGE.offset &&
    q.limit === FIRST_PAGE.limit
  );
}

/** Asks for the first page now; its answer waits for `withEarlyFirstPage`. */
export function askFirstPageEarly(fetcher: PageFetcher): void {
  early = fetcher(FIRST_PAGE);
  // Whoever takes it handles a failure (by asking again); none is unhandled meanwhile.
  early.catch(() => {});
}

/** Drops an early answer nobody took (the start-up screen was not Contacts). */
export function forgetFirstPageEarly(): void {
  early = null;
}

/** `fetcher`, answering the first page from the early request, once. */
export function withEarlyFirstPage(fetcher: PageFetcher): PageFetcher {
  return (query) => {
    const answer = early;
    early = null;
    if (answer && isFirstPage(query)) return answer.catch(() => fetcher(query));
    return fetcher(query);
  };
}
