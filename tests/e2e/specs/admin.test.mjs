// SPEC §8–§9 in the real window: a guest's running app is logged out the moment an admin
// deletes them; then the company admin searches the guests list, incorporates one guest and
// deletes another, each behind its Yes/No confirmation, reads the month's activity report and
// exports it through the native save dialog, and shows the group All.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  api, byTestId, codeFromOutbox, logInAgainUk, logInUk, openFreshApp, provisionOrganisation, saveThroughDialog, shot, textsOf,
  typeInto,
  waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

/** Invites a guest through the API as `token`; returns its id and numbers. */
async function invite(token, first, last, number) {
  const r = await api("POST", "/api/v1/invitations", {
    first_name: first, last_name: last, email: `${first.toLowerCase()}.${last.toLowerCase()}@juniper-partner.example`,
    phone: `+44 20 7946 ${number}`, by_sms: true, by_email: false, details: "", conversation_id: null,
  }, token);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.guest.id, phone: `+442079460${number.slice(1)}`, national: `20 7946 ${number}` };
}

/** Waits until the guests list shows exactly these row ids (any order). */
async function waitForRows(ids, timeout = 10000) {
  const want = [...ids].sort().join(",");
  let got = "";
  await app.waitUntil(async () => {
    const rows = await app.$$('[data-testid^="guest-row-"]');
    const seen = [];
    for (const r of rows) seen.push((await r.getAttribute("data-testid")).slice("guest-row-".length));
    got = seen.sort().join(",");
    return got === want;
  }, { timeout, timeoutMsg: `guest rows: wanted ${want}, saw ${got}` });
}

async function confirmWith(answer) {
  const button = await byTestId(app, answer === "Yes" ? "confirm-ok" : "confirm-cancel");
  await button.waitForDisplayed({ timeout: 5000 });
  assert.equal(await button.getText(), answer);
  await button.click();
}

test("a deleted guest is logged out at once; an admin searches, incorporates and deletes with confirmations", async () => {
  const org = await provisionOrganisation("Juniper Labs", "0700", { ines: ["Ines", "Inviter", "0701"] });
  const { ines } = org.people;
  await org.settings({ guest_invitations_enabled: true, activity_report_enabled: true });
  await org.mayInvite(ines.id, true);
  const inesToken = (await api("POST", "/api/v1/auth/login", { phone: "+442079460701", code: ines.code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: "Ines", last_name: "Inviter", accept_terms: true }, inesToken);
  const gina = await invite(inesToken, "Gina", "Alpha", "0711");
  const boris = await invite(inesToken, "Boris", "Beta", "0712");
  const carla = await invite(inesToken, "Carla", "Gamma", "0713");

  // Carla's app is running when an admin deletes her: it is logged out at once.
  app = await openFreshApp();
  const { code: carlaCode } = await codeFromOutbox(carla.phone);
  await logInUk(app, carla.national, carlaCode);
  await shot(app, "70-guest-app-running");
  const deleted = await api("POST", "/api/v1/admin/guests/delete", { guest_ids: [carla.id] }, org.admin.token);
  assert.equal(deleted.status, 200);
  await waitForScreen(app, "login", 10000);
  await shot(app, "71-deleted-guest-logged-out");
  // Her code no longer opens a session.
  assert.equal((await api("POST", "/api/v1/auth/login", { phone: carla.phone, code: carlaCode })).status, 401);

  // The company admin logs in and opens the guests list.
  const before = (await codeFromOutbox(org.admin.phone, { timeout: 1000 }).catch(() => ({ file: null }))).file;
  assert.equal((await api("POST", "/api/v1/auth/request-code", { phone: org.admin.phone })).status, 202);
  const { code: adminCode } = await codeFromOutbox(org.admin.phone, { newerThan: before });
  await logInAgainUk(app, org.admin.national, adminCode);
  await (await byTestId(app, "nav-admin")).click();
  await (await byTestId(app, "admin-screen")).waitForDisplayed({ timeout: 10000 });
  await waitForText(app, "guests-created", "Guests created 2");
  await waitForRows([gina.id, boris.id]);
  await shot(app, "72-admin-guests-list");

  // Search: one character is no filter yet; two find names, the user ID and the inviter.
  await typeInto(app, "guests-search", "b");
  await (await byTestId(app, "guests-search-hint")).waitForDisplayed({ timeout: 5000 });
  await waitForRows([gina.id, boris.id]);
  await typeInto(app, "guests-search", "alpha");
  await waitForRows([gina.id]);
  await shot(app, "73-admin-guests-search");
  await typeInto(app, "guests-search", "7946 0712");
  await waitForRows([boris.id]);
  await typeInto(app, "guests-search", "ines inv");
  await waitForRows([gina.id, boris.id]);

  // Incorporate Gina: No leaves her a guest, Yes makes her a member.
  await typeInto(app, "guests-search", "gina");
  await waitForRows([gina.id]);
  await (await byTestId(app, `guest-check-${gina.id}`)).click();
  await waitForText(app, "guests-selected-count", "1 selected");
  await (await byTestId(app, "guests-incorporate")).click();
  await shot(app, "74-admin-incorporate-confirmation");
  await confirmWith("No");
  await waitForRows([gina.id]);
  await (await byTestId(app, "guests-incorporate")).click();
  await confirmWith("Yes");
  await (await byTestId(app, "guests-no-match")).waitForDisplayed({ timeout: 10000 });
  await waitForText(app, "guests-created", "Guests created 1");
  const me = await api("POST", "/api/v1/auth/request-code", { phone: gina.phone });
  assert.equal(me.status, 202);

  // Delete Boris, after Yes.
  await typeInto(app, "guests-search", "");
  await waitForRows([boris.id]);
  await (await byTestId(app, `guest-check-${boris.id}`)).click();
  await (await byTestId(app, "guests-delete")).click();
  await shot(app, "75-admin-delete-confirmation");
  await confirmWith("Yes");
  await (await byTestId(app, "guests-empty")).waitForDisplayed({ timeout: 10000 });
  await waitForText(app, "guests-created", "Guests created 0");
  await shot(app, "76-admin-guests-empty");

  // Gina is a member now: in the admin's contacts without the Guest badge; Boris is gone.
  const contacts = (await api("GET", "/api/v1/contacts", null, org.admin.token)).body.contacts;
  const ginaContact = contacts.find((c) => c.id === gina.id);
  assert.equal(ginaContact?.kind, "member");
  assert.equal(contacts.some((c) => c.id === boris.id || c.id === carla.id), false);

  // The month's activity report: three invitations, one incorporation, two deletions.
  await (await byTestId(app, "admin-tab-activity")).click();
  await (await byTestId(app, "report-table")).waitForDisplayed({ timeout: 10000 });
  await app.waitUntil(async () => (await app.$$('[data-testid="report-row"]')).length === 6, { timeout: 10000 });
  const actions = [];
  for (const row of await app.$$('[data-testid="report-row"]')) actions.push(await row.getAttribute("data-action"));
  assert.deepEqual(actions.sort(), ["deletion", "deletion", "incorporation", "invitation", "invitation", "invitation"]);
  const text = (await textsOf(app, "report-table")).join(" ");
  assert.match(text, /Hana Admin/);
  assert.match(text, /Ines Inviter/);
  assert.match(text, /Gina Alpha/);
  await shot(app, "77-admin-activity-report");

  // Export CSV: the native save dialog asks where; the file holds the month's six rows.
  const csv = path.join(process.env.PARLEY_E2E_WORK, "juniper-activity.csv");
  await (await byTestId(app, "report-export")).click();
  await saveThroughDialog("Export the activity report", csv);
  await waitForText(app, "toast", `Saved 6 rows to ${csv}`);
  const lines = fs.readFileSync(csv, "utf8").trim().split("\r\n");
  assert.equal(lines[0], "Date,Administrator / Authorised user,Action,Guest");
  assert.equal(lines.length, 7);
  assert.ok(lines.some((l) => /,Hana Admin,Incorporation,Gina Alpha/.test(l)), lines.join("\n"));
  await shot(app, "78-admin-report-exported");

  // Display the group All (SPEC §2): saved in Settings, it is in the members' conversations at
  // once — the admin, Ines, and Gina now that she is a member — with no Manage menu.
  await (await byTestId(app, "admin-tab-settings")).click();
  await (await byTestId(app, "settings-form")).waitForDisplayed({ timeout: 10000 });
  await (await byTestId(app, "settings-group-all")).click();
  await waitForText(app, "settings-state", "You have unsaved changes");
  await (await byTestId(app, "settings-save")).click();
  await waitForText(app, "settings-state", "All changes saved");
  await (await byTestId(app, "nav-conversations")).click();
  const isAll = (t) => t.startsWith("All Everyone in the organization");
  await app.waitUntil(async () => (await textsOf(app, "conversation-item")).some(isAll), { timeout: 10000 }).catch(async () => {
    await shot(app, "zz-no-all-group");
    assert.fail(`the All group never appeared in Conversations: ${JSON.stringify(await textsOf(app, "conversation-item"))}`);
  });
  const allIndex = (await textsOf(app, "conversation-item")).findIndex(isAll);
  await (await app.$$('[data-testid="conversation-item"]'))[allIndex].click();
  await waitForText(app, "conversation-title", "All");
  const sub = await (await app.$('[data-testid="conversation-view"] .view-sub')).getText();
  assert.match(sub, /Everyone in the organization · 3 members/);
  assert.equal(await (await byTestId(app, "manage-menu")).isExisting(), false);
  assert.equal(await (await byTestId(app, "invite-guest-from-conversation")).isExisting(), false);
  await shot(app, "79-all-group");

  // The next spec starts from the login screen.
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
});
