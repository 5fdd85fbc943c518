// DEV ONLY: a stand-in for the Rust side, so `npm run dev:ui` works in a plain browser (outside
// Tauri). Loaded by main.ts only when `import.meta.env.DEV` and there is no Tauri runtime; it is
// not part of the production bundle.
//
// URL parameters: ?screen=login|first_login|contacts  ?contacts=100000  ?sync=error|slow
//                 ?cache=0 (start with nothing cached)  ?code=123456 (the code `login` accepts)

import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { ApiError } from "../lib/bindings/ApiError";
import type { AppState } from "../lib/bindings/AppState";
import type { CallingCode } from "../lib/bindings/CallingCode";
import type { Contact } from "../lib/bindings/Contact";
import type { ContactsPage } from "../lib/bindings/ContactsPage";
import type { ContactsQuery } from "../lib/bindings/ContactsQuery";
import type { DepartmentFilter } from "../lib/bindings/DepartmentFilter";
import type { Me } from "../lib/bindings/Me";
import type { SyncStatus } from "../lib/bindings/SyncStatus";

const CODES: CallingCode[] = [
  { region: "AU", name: "Australia", code: "+61" },
  { region: "CA", name: "Canada", code: "+1" },
  { region: "FR", name: "France", code: "+33" },
  { region: "DE", name: "Germany", code: "+49" },
  { region: "IN", name: "India", code: "+91" },
  { region: "GB", name: "United Kingdom", code: "+44" },
  { region: "US", name: "United States", code: "+1" },
];

const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Frances", "Émile", "Zoë"];
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov", "Ritchie", "Allen", "Zola", "Ng"];
const DEPTS = ["Engineering", "Sales", "Support", "Finance", "People", "Legal", "Marketing"];

function err(code: ApiError["code"], message: string, field?: string): ApiError {
  return field ? { code, message, field } : { code, message };
}

function buildDirectory(n: number): Contact[] {
  const out: Contact[] = [];
  for (let i = 0; i < n; i++) {
    const guest = i % 17 === 5;
    const d = i % DEPTS.length;
    out.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      first_name: FIRST[i % FIRST.length],
      last_name: LAST[Math.floor(i / FIRST.length) % LAST.length],
      phone: `+1555${String(1_000_000 + i).slice(-7)}`,
      phone_display: `+1 555-${String(1_000_000 + i).slice(-7, -4)}-${String(1_000_000 + i).slice(-4)}`,
      email: `user${i}@example.com`,
      kind: guest ? "guest" : "member",
      role: guest ? "guest" : "member",
      status: guest && i % 2 === 0 ? "pending" : "active",
      department_id: `dept-${d}`,
      department_name: DEPTS[d],
    });
  }
  return out;
}

export function installMockBackend(params: URLSearchParams): void {
  const startScreen = (params.get("screen") ?? "login") as AppState["screen"];
  const size = Number(params.get("contacts") ?? "240");
  const syncMode = params.get("sync") ?? "ok";
  const goodCode = params.get("code") ?? "123456";
  const directory = buildDirectory(Number.isFinite(size) ? size : 240);

  let me: Me = {
    id: "me",
    organisation_id: "org",
    organisation_name: "Acme Corporation",
    first_name: "Jordan",
    last_name: "Rivera",
    phone: "+15550100",
    email: "jordan@example.com",
    kind: "member",
    role: "department_admin",
    status: startScreen === "first_login" ? "pending" : "active",
    department_id: "dept-0",
    department_name: "Engineering",
    first_login_required: startScreen === "first_login",
  };
  let cached = startScreen === "contacts" && params.get("cache") !== "0" ? directory.length : 0;
  let status: SyncStatus = {
    connection: syncMode === "error" ? "offline" : "connecting",
    last_synced_at: null,
    syncing: false,
    contact_count: cached,
    error: syncMode === "error" ? err("network", "Cannot reach the server. Check the address and your connection.") : null,
  };

  const setStatus = (next: Partial<SyncStatus>) => {
    status = { ...status, ...next };
    void emit("sync-status", status);
  };

  const runSync = () => {
    if (syncMode === "error") {
      setStatus({ syncing: false, connection: "offline" });
      return;
    }
    setStatus({ syncing: true, connection: "connecting" });
    setTimeout(
      () => {
        cached = directory.length;
        setStatus({ syncing: false, connection: "online", contact_count: cached, error: null, last_synced_at: Date.now() });
        void emit("contacts-changed", null);
      },
      syncMode === "slow" ? 3000 : 400,
    );
  };

  const matches = (q: ContactsQuery) => {
    const s = q.search.trim().toLowerCase();
    return directory.slice(0, cached).filter(
      (c) =>
        (q.department_id === null || c.department_id === q.department_id) &&
        (s === "" ||
          `${c.first_name} ${c.last_name}`.toLowerCase().includes(s) ||
          c.phone.includes(s) ||
          (c.email ?? "").includes(s)),
    );
  };

  const checkPhone = (code: string, national: string) => {
    const digits = national.replace(/[\s.()-]/g, "");
    if (!/^\d{6,14}$/.test(digits)) return { e164: null, error: err("invalid_format", "Invalid format") };
    return { e164: `${code}${digits}`, error: null };
  };

  mockIPC(
    async (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, cmd === "contacts_page" || cmd === "check_phone" ? 5 : 300));
      switch (cmd) {
        case "app_state":
          if (startScreen !== "login") setTimeout(runSync, 100);
          return { server_url: "http://127.0.0.1:8080", me: startScreen === "login" ? null : me, screen: startScreen } satisfies AppState;
        case "calling_codes":
          return CODES;
        case "check_phone":
          return checkPhone(String(args.callingCode), String(args.national));
        case "request_code":
          return { message: "If this number belongs to an account, a new activation code is on its way by SMS or e-mail. It is valid for 15 minutes." };
        case "login":
          if (args.code !== goodCode) throw err("invalid_code", "This activation code is not valid. Check it, or ask for a new one with New User.");
          setTimeout(runSync, 100);
          return me;
        case "complete_first_login":
          if (!args.acceptTerms) throw err("terms_not_accepted", "Please accept the terms of use to continue.");
          if (String(args.lastName).length < 2) throw err("invalid_format", "Invalid format", "last_name");
          me = { ...me, first_name: String(args.firstName), last_name: String(args.lastName), status: "active", first_login_required: false };
          return me;
        case "logout":
          return null;
        case "contacts_page": {
          const q = args.query as ContactsQuery;
          const all = matches(q);
          return { total: all.length, offset: q.offset, items: all.slice(q.offset, q.offset + q.limit) } satisfies ContactsPage;
        }
        case "departments": {
          const counts = new Map<string, DepartmentFilter>();
          for (const c of directory.slice(0, cached)) {
            const d = counts.get(c.department_id) ?? { id: c.department_id, name: c.department_name, count: 0 };
            d.count++;
            counts.set(c.department_id, d);
          }
          return [...counts.values()].sort((a, b) => a.name.localeCompare(b.name));
        }
        case "sync_status":
          return status;
        case "sync_now":
          runSync();
          return status;
        default:
          throw err("internal", `mock backend: unknown command ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );
}
