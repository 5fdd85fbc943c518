import { describe, expect, it } from "vitest";
import type { OrganisationSettings } from "./bindings/OrganisationSettings";
import {
  ADMIN_PAGE_SIZE,
  actionLabel,
  addToList,
  amendPhone,
  asAmendField,
  adminTabs,
  ariaSort,
  cloneSettings,
  currentMonth,
  daysHint,
  DEFAULT_GUEST_SORT,
  deleteConfirmText,
  deletedToast,
  effectiveSearch,
  formatDateTime,
  formatDateTimeSeconds,
  groupDepartmentLabel,
  guestsQuery,
  guestStatusLabel,
  hasNextPage,
  hasPreviousPage,
  incorporateConfirmText,
  incorporatedToast,
  initialGuestsView,
  guestPill,
  sponsorLabel,
  sponsorToast,
  isAdmin,
  keepVisible,
  lastPageOffset,
  membersQuery,
  monthLabel,
  nextOffset,
  normaliseListItem,
  offsetAfterRemoval,
  pageRangeLabel,
  pageSelection,
  parseList,
  parseMonth,
  parseWholeNumber,
  previousOffset,
  removeFromList,
  sameGuestsQuery,
  searchHint,
  selectedIds,
  settingsDirty,
  splitPhone,
  stepMonth,
  toggleSelected,
  togglePageSelection,
  toggleSort,
} from "./admin";

describe("who sees the admin screens", () => {
  it("only admins; company admins get every tab, department admins guests and the report", () => {
    expect(isAdmin("company_admin")).toBe(true);
    expect(isAdmin("department_admin")).toBe(true);
    expect(isAdmin("member")).toBe(false);
    expect(isAdmin("guest")).toBe(false);
    expect(adminTabs("company_admin")).toEqual(["guests", "users", "activity", "visibility", "settings"]);
    expect(adminTabs("department_admin")).toEqual(["guests", "activity", "visibility"]);
    expect(adminTabs("member")).toEqual([]);
  });
});

describe("search", () => {
  it("is sent from two characters on, trimmed", () => {
    expect(effectiveSearch("")).toBe("");
    expect(effectiveSearch("a")).toBe("");
    expect(effectiveSearch("  a  ")).toBe("");
    expect(effectiveSearch("é")).toBe("");
    expect(effectiveSearch("ab")).toBe("ab");
    expect(effectiveSearch("  Gina G ")).toBe("Gina G");
  });

  it("counts characters, not UTF-16 units", () => {
    expect(effectiveSearch("𝒜")).toBe("");
    expect(searchHint("𝒜")).toBe("Type at least 2 characters");
  });

  it("hints only while exactly one character is typed", () => {
    expect(searchHint("")).toBeNull();
    expect(searchHint(" ")).toBeNull();
    expect(searchHint("a")).toBe("Type at least 2 characters");
    expect(searchHint(" a ")).toBe("Type at least 2 characters");
    expect(searchHint("ab")).toBeNull();
  });
});

describe("guestsQuery", () => {
  it("starts with every guest, newest invitations first, 50 a page", () => {
    expect(guestsQuery(initialGuestsView())).toEqual({
      search: "",
      status: "all",
      without_sponsor: false,
      sort: "invited_at",
      direction: "desc",
      offset: 0,
      limit: ADMIN_PAGE_SIZE,
    });
    expect(ADMIN_PAGE_SIZE).toBe(50);
  });

  it("does not send a one-character search", () => {
    const view = { ...initialGuestsView(), search: "g", status: "pending" as const };
    const q = guestsQuery(view);
    expect(q.search).toBe("");
    expect(q.status).toBe("pending");
    expect(sameGuestsQuery(q, guestsQuery(initialGuestsView()))).toBe(false);
    expect(sameGuestsQuery(guestsQuery({ ...initialGuestsView(), search: "x" }), guestsQuery(initialGuestsView()))).toBe(true);
  });

  it("sends the sort, direction and offset", () => {
    const q = guestsQuery({
      search: " ann ",
      status: "active",
      withoutSponsor: true,
      sort: { sort: "last_name", direction: "asc" },
      offset: 100,
    });
    expect(q).toEqual({
      search: "ann",
      status: "active",
      without_sponsor: true,
      sort: "last_name",
      direction: "asc",
      offset: 100,
      limit: 50,
    });
    expect(sameGuestsQuery(guestsQuery({ ...initialGuestsView(), withoutSponsor: true }), guestsQuery(initialGuestsView()))).toBe(
      false,
    );
    expect(guestsQuery({ ...initialGuestsView(), offset: -5 }).offset).toBe(0);
  });
});

describe("guestPill", () => {
  it("says Suspended for a guest without a sponsor, whatever the activation", () => {
    expect(guestPill({ status: "pending", access: "suspended" }).label).toBe("Suspended");
    expect(guestPill({ status: "active", access: "suspended" }).kind).toBe("suspended");
    expect(guestPill({ status: "active", access: "open" })).toEqual({ label: "Active", kind: "active" });
    expect(guestPill({ status: "active", access: "awaiting_confirmation" }).label).toBe("Unconfirmed");
    expect(sponsorLabel({ sponsor_name: null })).toBe("No sponsor");
    expect(sponsorToast(1, "Sam Stone")).toBe("Sam Stone now sponsors this guest");
    expect(sponsorToast(3, "Sam Stone")).toBe("Sam Stone now sponsors 3 guests");
  });
});

describe("toggleSort", () => {
  it("flips the direction of the sorted column", () => {
    expect(toggleSort(DEFAULT_GUEST_SORT, "invited_at")).toEqual({ sort: "invited_at", direction: "asc" });
    expect(toggleSort({ sort: "invited_at", direction: "asc" }, "invited_at")).toEqual({ sort: "invited_at", direction: "desc" });
  });

  it("starts another column A→Z, and the date newest first", () => {
    expect(toggleSort(DEFAULT_GUEST_SORT, "first_name")).toEqual({ sort: "first_name", direction: "asc" });
    expect(toggleSort({ sort: "status", direction: "desc" }, "group")).toEqual({ sort: "group", direction: "asc" });
    expect(toggleSort({ sort: "first_name", direction: "asc" }, "invited_at")).toEqual({ sort: "invited_at", direction: "desc" });
  });

  it("tells assistive technology which column is sorted", () => {
    expect(ariaSort(DEFAULT_GUEST_SORT, "invited_at")).toBe("descending");
    expect(ariaSort({ sort: "user_id", direction: "asc" }, "user_id")).toBe("ascending");
    expect(ariaSort(DEFAULT_GUEST_SORT, "first_name")).toBe("none");
  });
});

describe("paging", () => {
  it("labels the rows shown", () => {
    expect(pageRangeLabel(0, 50, 120)).toBe("1–50 of 120");
    expect(pageRangeLabel(50, 50, 120)).toBe("51–100 of 120");
    expect(pageRangeLabel(100, 20, 120)).toBe("101–120 of 120");
    expect(pageRangeLabel(0, 0, 0)).toBe("0 of 0");
    expect(pageRangeLabel(0, 50, 100000)).toBe("1–50 of 100,000");
    expect(pageRangeLabel(0, 50, 1000, true)).toBe("1–50 of 1,000+");
    expect(pageRangeLabel(1000, 50, 1000, true)).toBe("1,001–1,050 of 1,050+");
  });

  it("knows when there is a page before and after", () => {
    expect(hasPreviousPage(0)).toBe(false);
    expect(hasPreviousPage(50)).toBe(true);
    expect(hasNextPage(0, 50, 120)).toBe(true);
    expect(hasNextPage(100, 20, 120)).toBe(false);
    expect(hasNextPage(0, 50, 50)).toBe(false);
    // Past the counted matches of a broad search, a full page may have more.
    expect(hasNextPage(1000, 50, 1000, true)).toBe(true);
    expect(hasNextPage(1000, 20, 1000, true)).toBe(false);
    expect(previousOffset(50)).toBe(0);
    expect(previousOffset(20)).toBe(0);
    expect(nextOffset(50)).toBe(100);
  });

  it("goes back a page when the last rows of the last page are removed", () => {
    expect(offsetAfterRemoval(100, 120, 20)).toBe(50);
    expect(offsetAfterRemoval(100, 120, 5)).toBe(100);
    expect(offsetAfterRemoval(0, 3, 3)).toBe(0);
    expect(offsetAfterRemoval(50, 51, 1)).toBe(0);
  });

  it("finds the last page", () => {
    expect(lastPageOffset(120)).toBe(100);
    expect(lastPageOffset(100)).toBe(50);
    expect(lastPageOffset(1)).toBe(0);
    expect(lastPageOffset(0)).toBe(0);
  });
});

describe("selection", () => {
  const page = ["a", "b", "c"];

  it("toggles one row", () => {
    const one = toggleSelected(new Set(), "b");
    expect([...one]).toEqual(["b"]);
    expect([...toggleSelected(one, "b")]).toEqual([]);
  });

  it("tells the header checkbox none, some or all", () => {
    expect(pageSelection(new Set(), page)).toBe("none");
    expect(pageSelection(new Set(["a"]), page)).toBe("some");
    expect(pageSelection(new Set(page), page)).toBe("all");
    expect(pageSelection(new Set(["a"]), [])).toBe("none");
  });

  it("selects the whole page, or clears it when all were selected", () => {
    expect([...togglePageSelection(new Set(["b"]), page)].sort()).toEqual(page);
    expect([...togglePageSelection(new Set(page), page)]).toEqual([]);
  });

  it("keeps only ids still on screen after the list changed", () => {
    const kept = keepVisible(new Set(["a", "c", "x"]), ["c", "d"]);
    expect([...kept]).toEqual(["c"]);
    expect([...keepVisible(new Set(["a"]), [])]).toEqual([]);
  });

  it("lists the selected ids in page order", () => {
    expect(selectedIds(new Set(["c", "a"]), page)).toEqual(["a", "c"]);
  });
});

describe("wording", () => {
  it("counts guests in confirmations and toasts", () => {
    expect(incorporateConfirmText(2)).toBe(
      "Incorporate 2 guests as members of their department? They will see every member and keep their conversations.",
    );
    expect(incorporateConfirmText(1)).toBe(
      "Incorporate 1 guest as a member of their department? They will see every member and keep their conversations.",
    );
    expect(deleteConfirmText(1)).toBe(
      "Delete 1 guest? They can no longer log in and disappear from contacts. Their messages stay, shown as from a former guest.",
    );
    expect(incorporatedToast(2)).toBe("2 guests incorporated");
    expect(deletedToast(1)).toBe("1 guest deleted");
  });

  it("labels statuses and actions", () => {
    expect(guestStatusLabel("pending")).toBe("Pending");
    expect(guestStatusLabel("active")).toBe("Active");
    expect(actionLabel("invitation")).toBe("Invitation");
    expect(actionLabel("incorporation")).toBe("Incorporation");
    expect(actionLabel("deletion")).toBe("Deletion");
  });

  it("shows the group and the department", () => {
    expect(groupDepartmentLabel({ group_name: "Atlas", department_name: "Sales" })).toBe("Atlas · Sales");
    expect(groupDepartmentLabel({ group_name: null, department_name: "Sales" })).toBe("Sales");
    expect(groupDepartmentLabel({ group_name: "  ", department_name: "Sales" })).toBe("Sales");
  });
});

describe("dates", () => {
  it("formats the invitation date to the minute and the report's date to the second, local time", () => {
    const ms = new Date(2026, 10, 23, 14, 5, 9).getTime();
    expect(formatDateTime(ms)).toBe("2026-11-23 14:05");
    expect(formatDateTimeSeconds(ms)).toBe("2026-11-23 14:05:09");
    expect(formatDateTimeSeconds(new Date(2027, 0, 2, 3, 4, 5).getTime())).toBe("2027-01-02 03:04:05");
  });
});

describe("report months", () => {
  it("reads YYYY-MM", () => {
    expect(parseMonth("2026-11")).toEqual({ year: 2026, month: 11 });
    expect(parseMonth("2026-13")).toBeNull();
    expect(parseMonth("2026-1")).toBeNull();
    expect(parseMonth("")).toBeNull();
  });

  it("starts at the current month", () => {
    expect(currentMonth(new Date(2026, 10, 23))).toBe("2026-11");
    expect(currentMonth(new Date(2027, 0, 1))).toBe("2027-01");
  });

  it("steps across years", () => {
    expect(stepMonth("2026-11", 1)).toBe("2026-12");
    expect(stepMonth("2026-12", 1)).toBe("2027-01");
    expect(stepMonth("2027-01", -1)).toBe("2026-12");
    expect(stepMonth("2026-03", -15)).toBe("2024-12");
    expect(stepMonth("nonsense", 1)).toBe("nonsense");
  });

  it("names the month", () => {
    expect(monthLabel("2026-11")).toBe("November 2026");
    expect(monthLabel("2027-01")).toBe("January 2027");
  });
});

describe("membersQuery", () => {
  it("sends the search from two characters on", () => {
    expect(membersQuery({ search: "a", authorisedOnly: true, offset: 50 })).toEqual({
      search: "",
      authorised_only: true,
      offset: 50,
      limit: 50,
    });
    expect(membersQuery({ search: " ada ", authorisedOnly: false, offset: 0 }).search).toBe("ada");
  });
});

describe("settings", () => {
  const saved: OrganisationSettings = {
    guest_invitations_enabled: true,
    sms_invitations_enabled: true,
    email_invitations_enabled: true,
    forbidden_email_domains: ["rival.example"],
    forbidden_country_codes: ["+33"],
    guest_profile: { desktop_access: true, direct_messages: true, group_conversations: true },
    activation_code_validity_hours: 48,
    reminders_enabled: true,
    reminders_max: 7,
    activity_report_enabled: false,
    display_group_all: false,
    confirm_guest_activation: false,
    guest_access_days_default: 0,
    guest_access_days_max: 0,
    guest_access_reminder_days: 7,
  };

  it("is dirty once a value differs, and clean when changed back", () => {
    const draft = cloneSettings(saved);
    expect(settingsDirty(saved, draft)).toBe(false);
    draft.guest_profile.direct_messages = false;
    expect(settingsDirty(saved, draft)).toBe(true);
    const longer = cloneSettings(saved);
    longer.guest_access_days_max = 90;
    expect(settingsDirty(saved, longer)).toBe(true);
    expect(saved.guest_profile.direct_messages).toBe(true);
    draft.guest_profile.direct_messages = true;
    expect(settingsDirty(saved, draft)).toBe(false);
    draft.forbidden_email_domains.push("other.example");
    expect(settingsDirty(saved, draft)).toBe(true);
    expect(saved.forbidden_email_domains).toEqual(["rival.example"]);
    expect(settingsDirty(saved, { ...saved, reminders_max: 8 })).toBe(true);
    expect(settingsDirty(null, saved)).toBe(false);
  });

  it("parses forbidden domains one a line, or separated by commas", () => {
    expect(parseList("Rival.example\n@partner.COM, spam.example;\n\n rival.example ", "domains")).toEqual([
      "rival.example",
      "partner.com",
      "spam.example",
    ]);
    expect(parseList("   ", "domains")).toEqual([]);
  });

  it("parses forbidden calling codes, adding the plus sign", () => {
    expect(parseList("+44\n33, +1 44", "country_codes")).toEqual(["+44", "+33", "+1"]);
    expect(normaliseListItem(" 4 4 ", "country_codes")).toBe("+44");
    expect(normaliseListItem("+(44)", "country_codes")).toBe("+44");
    expect(normaliseListItem("abc", "country_codes")).toBe("abc");
  });

  it("adds to and removes from a list without repeats", () => {
    expect(addToList(["+44"], "+33 44", "country_codes")).toEqual(["+44", "+33"]);
    expect(removeFromList(["+44", "+33"], "+44")).toEqual(["+33"]);
  });

  it("reads whole numbers only", () => {
    expect(parseWholeNumber("48")).toBe(48);
    expect(parseWholeNumber(" 7 ")).toBe(7);
    expect(parseWholeNumber(12)).toBe(12);
    expect(parseWholeNumber("")).toBeNull();
    expect(parseWholeNumber("1.5")).toBeNull();
    expect(parseWholeNumber("-3")).toBeNull();
  });

  it("gives the validity in days when it is a whole number of days", () => {
    expect(daysHint(48)).toBe("2 days");
    expect(daysHint(24)).toBe("1 day");
    expect(daysHint(36)).toBeNull();
    expect(daysHint(12)).toBeNull();
    expect(daysHint(2160)).toBe("90 days");
  });
});

describe("amending a guest's phone", () => {
  const codes = [
    { region: "CA", name: "Canada", code: "+1" },
    { region: "GB", name: "United Kingdom", code: "+44" },
    { region: "US", name: "United States", code: "+1" },
    { region: "IN", name: "India", code: "+91" },
  ];

  it("splits an E.164 number into the picker's region and the national part", () => {
    expect(splitPhone("+442079460958", codes)).toEqual({ region: "GB", national: "2079460958" });
    expect(splitPhone("+15551000003", codes)).toEqual({ region: "US", national: "5551000003" });
    expect(splitPhone("+15551000003", codes, "CA")).toEqual({ region: "CA", national: "5551000003" });
    expect(splitPhone("+15551000003", codes, "GB")).toEqual({ region: "US", national: "5551000003" });
    expect(splitPhone("+33612345678", codes)).toEqual({ region: null, national: "33612345678" });
  });

  it("sends the number in international form", () => {
    expect(amendPhone("+44", " 20 7946 0958 ")).toBe("+44 20 7946 0958");
    expect(amendPhone(null, "123")).toBe("123");
  });

  it("knows the form's fields", () => {
    expect(asAmendField("email")).toBe("email");
    expect(asAmendField("mode")).toBeNull();
    expect(asAmendField(null)).toBeNull();
  });
});
