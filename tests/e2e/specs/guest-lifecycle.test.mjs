// Issue 13 in the real window: the inviter previews what a guest will see before sending the
// invitation and, from the guest's contact card, what it sees now — both from the server's
// visibility rule; then a company admin asks "Why does X see Y?" in Administration. Sponsors:
// a sponsor loses the right to invite, their guests are suspended (refused at login, *Suspended*
// in the guests list and in Contacts); the admin hands one to a colleague, the colleague takes
// the other over from its contact card, and the report records it all. The inviter confirms an
// activation or says *Not my guest*. An access that ends: chosen in the invitation form within
// the maximum, reminded before its end and extended by the sponsor from the contact card — the
// server restarted with its clock moved forward (PARLEY_CLOCK_OFFSET_MS).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  api, byTestId, codeFromOutbox, fillInvitation, logInAgainUk, modeOn, openFreshApp, provisionOrganisation, sendInvitation,
  shot, startServer, stopServer, submitLoginUk, textsOf, typeInto, waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

/** A fresh app for the next test of this file: the driver holds one session at a time. */
async function reopenApp() {
  if (app) await app.deleteSession().catch(() => {});
  app = await openFreshApp();
}

async function activeToken(person, number, first, last) {
  const token = (await api("POST", "/api/v1/auth/login", { phone: `+442079460${number.slice(1)}`, code: person.code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: first, last_name: last, accept_terms: true }, token);
  return token;
}

/** *New User*: a fresh code for an account whose first code was used through the API. */
async function freshCode(phone) {
  // The account's first SMS (its provisioning or invitation code, used already) may still be on
  // its way from the outbox worker: wait for it, so it is never taken for the fresh one.
  const before = (await codeFromOutbox(phone, { timeout: 5000 }).catch(() => ({ file: null }))).file;
  assert.equal((await api("POST", "/api/v1/auth/request-code", { phone })).status, 202);
  return (await codeFromOutbox(phone, { newerThan: before })).code;
}

/** Picks the person found by `search` in a person picker ("Who sees whom", the new sponsor). */
async function pick(picker, search, id) {
  await typeInto(app, `${picker}-search`, search);
  const option = await byTestId(app, `${picker}-option-${id}`);
  await option.waitForDisplayed({ timeout: 5000 });
  await option.click();
  await (await byTestId(app, `${picker}-picked`)).waitForDisplayed({ timeout: 5000 });
}

test("preview as guest before and after inviting; an admin asks why X sees Y", async () => {
  const org = await provisionOrganisation("Willow Freight", "0800", {
    ines: ["Ines", "Inviter", "0801"],
    omar: ["Omar", "Other", "0802"],
    tara: ["Tara", "Third", "0803"],
  });
  const { ines, omar, tara } = org.people;
  await org.settings({ guest_invitations_enabled: true });
  await org.mayInvite(ines.id, true);
  const inesToken = await activeToken(ines, "0801", "Ines", "Inviter");
  await activeToken(omar, "0802", "Omar", "Other");
  await activeToken(tara, "0803", "Tara", "Third");
  const group = await api("POST", "/api/v1/conversations", { kind: "group", member_ids: [omar.id], name: "Atlas" }, inesToken);
  assert.equal(group.status, 201);

  // Before sending: the guest invited from Contacts will see the inviter only.
  app = await openFreshApp();
  await logInAgainUk(app, ines.national, await freshCode("+442079460801"));
  await (await byTestId(app, "invite-guest-button")).click();
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ timeout: 5000 });
  await fillInvitation(app, { first: "Gina", last: "Guest", email: "gina.willow@partner.example", phone: "20 7946 0811" });
  await (await byTestId(app, "inv-preview-open")).click();
  await waitForText(app, "inv-preview-lead", "After the first login, Gina Guest will see");
  await waitForText(app, `inv-preview-person-${ines.id}`, "Invited the guest");
  assert.deepEqual((await textsOf(app, "inv-preview-contacts")).length, 1);
  // Its only conversation will be the welcome message.
  await waitForText(app, "inv-preview-conversations", "Parley");
  await shot(app, "80-preview-before-invitation");
  // Back to the form: what was typed is still there.
  await (await byTestId(app, "inv-preview-back")).click();
  assert.equal(await (await byTestId(app, "inv-first-name")).getValue(), "Gina");
  await (await byTestId(app, "inv-cancel")).click();

  // A guest invited into Atlas: from its contact card, the inviter sees what it sees.
  const invited = await api("POST", "/api/v1/invitations", {
    first_name: "Gina", last_name: "Guest", email: "gina.willow@partner.example", phone: "+44 20 7946 0811",
    by_sms: true, by_email: false, details: "", conversation_id: group.body.id,
  }, inesToken);
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  const gina = invited.body.guest;
  await typeInto(app, "contacts-search", "gina");
  await waitForText(app, "contact-row", "Gina Guest");
  // Her row, by id, as the other specs click a contact (the first row may still be another
  // match while the list follows the search and the new contact).
  await (await app.$(`[data-testid="contact-row"][data-contact-id="${gina.id}"]`)).click();
  await (await app.$(`[data-testid="contact-details"][data-contact-id="${gina.id}"]`)).waitForDisplayed({ timeout: 5000 });
  await (await byTestId(app, "preview-as-guest")).click();
  await waitForText(app, `guest-preview-person-${omar.id}`, "Also in “Atlas”");
  await waitForText(app, `guest-preview-person-${ines.id}`, "Invited the guest");
  await waitForText(app, "guest-preview-conversations", "Atlas");
  await waitForText(app, "guest-preview-conversations", "Parley");
  await shot(app, "81-preview-from-contact-card");
  await (await byTestId(app, "guest-preview-close")).click();
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");

  // The company admin: Administration → Who sees whom.
  await logInAgainUk(app, org.admin.national, await freshCode(org.admin.phone));
  await (await byTestId(app, "nav-admin")).click();
  await (await byTestId(app, "admin-tab-visibility")).click();
  await (await byTestId(app, "why-empty")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "82-who-sees-whom-empty");
  await typeInto(app, "why-viewer-search", "zz");
  await waitForText(app, "why-viewer-status", "Nobody of your scope matches “zz”.");
  await pick("why-viewer", "omar", omar.id);
  await pick("why-target", "gina", gina.id);
  await waitForText(app, "why-verdict", "Omar Other sees Gina Guest");
  await waitForText(app, "why-sentence", "Omar Other sees Gina Guest: both are in “Atlas”.");
  await shot(app, "83-who-sees-whom-answer");
  // The other way round: a guest sees the members of its conversation too.
  await (await byTestId(app, "why-swap")).click();
  await waitForText(app, "why-sentence", "Gina Guest sees Omar Other: both are in “Atlas”.");
  // Tara shares nothing with Gina.
  await (await byTestId(app, "why-swap")).click();
  await waitForText(app, "why-sentence", "Omar Other sees Gina Guest");
  await (await byTestId(app, "why-viewer-change")).click();
  await pick("why-viewer", "tara", tara.id);
  await waitForText(app, "why-verdict", "Tara Third does not see Gina Guest");
  await waitForText(app, "why-in-contacts", "No");
  await shot(app, "84-who-sees-whom-not-seen");
});

test("a sponsor loses the right: guests suspended, handed to a colleague and taken over", async () => {
  const org = await provisionOrganisation("Birch Logistics", "0900", {
    sam: ["Sam", "Sponsor", "0901"],
    cleo: ["Cleo", "Colleague", "0902"],
  });
  const { sam, cleo } = org.people;
  await org.settings({ guest_invitations_enabled: true, activity_report_enabled: true });
  await org.mayInvite(sam.id, true);
  await org.mayInvite(cleo.id, true);
  const samToken = await activeToken(sam, "0901", "Sam", "Sponsor");
  await activeToken(cleo, "0902", "Cleo", "Colleague");
  const harbour = await api("POST", "/api/v1/conversations", { kind: "group", member_ids: [cleo.id], name: "Harbour" }, samToken);
  assert.equal(harbour.status, 201);
  const invite = async (first, last, number, conversation) => {
    const r = await api("POST", "/api/v1/invitations", {
      first_name: first, last_name: last, email: `${first.toLowerCase()}@birch-partner.example`, phone: `+44 20 7946 ${number}`,
      by_sms: true, by_email: false, details: "", conversation_id: conversation,
    }, samToken);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.guest;
  };
  const gus = await invite("Gus", "Guest", "0911", harbour.body.id);
  const hana = await invite("Hana", "Harbor", "0912", null);
  const gusPhone = "+442079460911";
  const gusToken = (await api("POST", "/api/v1/auth/login", { phone: gusPhone, code: (await codeFromOutbox(gusPhone)).code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: "Gus", last_name: "Guest", accept_terms: true }, gusToken);

  // Sam may no longer invite: Sam's guests have no sponsor.
  await org.mayInvite(sam.id, false);

  // Gus is refused at login, with the reason.
  await reopenApp();
  await submitLoginUk(app, "20 7946 0911", await freshCode(gusPhone));
  await waitForText(app, "form-error", "Your guest access is suspended");
  await shot(app, "85-suspended-guest-login");

  // The company admin: both suspended, found with *Without sponsor*; Hana goes to Cleo.
  await logInAgainUk(app, org.admin.national, await freshCode(org.admin.phone));
  await (await byTestId(app, "nav-admin")).click();
  await waitForText(app, `guest-status-${gus.id}`, "Suspended");
  await waitForText(app, `guest-sponsor-name-${hana.id}`, "No sponsor");
  await (await byTestId(app, "guests-filter-without-sponsor")).click();
  await app.waitUntil(async () => (await textsOf(app, "guests-tab")).join(" ").includes("Hana"), { timeout: 5000 });
  await shot(app, "86-guests-without-sponsor");
  await (await byTestId(app, `guest-menu-${hana.id}`)).click();
  await (await byTestId(app, `guest-sponsor-${hana.id}`)).click();
  await (await byTestId(app, "sponsor-dialog")).waitForDisplayed({ timeout: 5000 });
  await pick("sponsor-picker", "cleo", cleo.id);
  await shot(app, "87-change-sponsor");
  await (await byTestId(app, "sponsor-save")).click();
  await waitForText(app, "toast", "Cleo Colleague now sponsors this guest");
  // The filter shows only Gus now.
  await app.waitUntil(async () => !(await (await byTestId(app, `guest-row-${hana.id}`)).isExisting()), { timeout: 5000 });
  await waitForText(app, `guest-status-${gus.id}`, "Suspended");
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");

  // Cleo shares Harbour with Gus: Gus's card says Suspended, and Cleo takes Gus over.
  await logInAgainUk(app, cleo.national, await freshCode("+442079460902"));
  await typeInto(app, "contacts-search", "gus");
  await (await app.$(`[data-testid="contact-row"][data-contact-id="${gus.id}"]`)).click();
  await (await app.$(`[data-testid="contact-details"][data-contact-id="${gus.id}"]`)).waitForDisplayed({ timeout: 5000 });
  await waitForText(app, "details-suspended", "Suspended");
  await shot(app, "88-suspended-guest-card");
  await (await byTestId(app, "take-over-guest")).click();
  await waitForText(app, "take-over-result", "You now sponsor Gus Guest");
  // The contact's delta follows: no longer suspended.
  await app.waitUntil(async () => !(await (await byTestId(app, "details-suspended")).isExisting()), { timeout: 10000 });
  await shot(app, "89-taken-over");
  const again = await api("POST", "/api/v1/auth/login", { phone: gusPhone, code: await freshCode(gusPhone) });
  assert.equal(again.status, 200, "Gus logs in again");
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");

  // The report: two suspensions (Sam left) and two take-overs.
  await logInAgainUk(app, org.admin.national, await freshCode(org.admin.phone));
  await (await byTestId(app, "nav-admin")).click();
  await (await byTestId(app, "admin-tab-activity")).click();
  await app.waitUntil(async () => (await app.$$('[data-testid="report-row"][data-action="take_over"]')).length === 2, { timeout: 10000 });
  assert.equal((await app.$$('[data-testid="report-row"][data-action="suspension"]')).length, 2);
  const report = (await textsOf(app, "report-table")).join(" ");
  assert.match(report, /sponsor Sam Sponsor left/);
  assert.match(report, /new sponsor Cleo Colleague/);
  await shot(app, "90-report-suspension-take-over");
  // The settings of the guest lifecycle, and removing a member from the Users tab.
  await (await byTestId(app, "admin-tab-settings")).click();
  const access = await byTestId(app, "settings-access");
  await access.waitForDisplayed({ timeout: 10000 });
  await access.scrollIntoView();
  await shot(app, "98-settings-guest-access");
  await (await byTestId(app, "admin-tab-users")).click();
  await (await byTestId(app, `user-menu-${sam.id}`)).click();
  await (await byTestId(app, `user-remove-${sam.id}`)).waitForDisplayed({ timeout: 5000 });
  await shot(app, "99-users-remove-member");
});


test("the inviter confirms a guest's activation, or says Not my guest", async () => {
  const org = await provisionOrganisation("Cedar Partners", "0960", { ivy: ["Ivy", "Inviter", "0961"] });
  const { ivy } = org.people;
  await org.settings({ guest_invitations_enabled: true, activity_report_enabled: true, confirm_guest_activation: true });
  await org.mayInvite(ivy.id, true);
  const ivyToken = await activeToken(ivy, "0961", "Ivy", "Inviter");
  const invite = async (first, last, number) => {
    const r = await api("POST", "/api/v1/invitations", {
      first_name: first, last_name: last, email: `${first.toLowerCase()}@cedar-partner.example`, phone: `+44 20 7946 ${number}`,
      by_sms: true, by_email: false, details: "", conversation_id: null,
    }, ivyToken);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.guest;
  };
  const gwen = await invite("Gwen", "Guest", "0971");
  const rex = await invite("Rex", "Stranger", "0972");
  const rexPhone = "+442079460972";
  const rexToken = (await api("POST", "/api/v1/auth/login", { phone: rexPhone, code: (await codeFromOutbox(rexPhone)).code })).body.token;
  const rexMe = await api("POST", "/api/v1/me/first-login", { first_name: "Rex", last_name: "Stranger", accept_terms: true }, rexToken);
  assert.equal(rexMe.body.awaiting_confirmation, true);

  // Gwen's first login in the app ends on the waiting screen.
  await reopenApp();
  await submitLoginUk(app, "20 7946 0971", (await codeFromOutbox("+442079460971")).code);
  await waitForScreen(app, "first_login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();
  await waitForScreen(app, "awaiting_confirmation");
  await (await byTestId(app, "awaiting-confirmation")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "91-awaiting-confirmation");
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");

  // Ivy is asked about both, in Contacts: confirms Gwen, says Not my guest to Rex.
  await logInAgainUk(app, ivy.national, await freshCode("+442079460961"));
  await app.waitUntil(async () => (await textsOf(app, "guest-confirmation")).length === 2, { timeout: 10000 });
  const cards = (await textsOf(app, "guest-confirmation")).join(" ");
  assert.match(cards, /Gwen Guest/);
  assert.match(cards, /rex@cedar-partner\.example/);
  await shot(app, "92-is-this-your-guest");
  await (await app.$(`[data-guest-id="${gwen.id}"] [data-testid="guest-confirmation-confirm"]`)).click();
  await waitForText(app, "toast", "Gwen Guest can now use Parley");
  await (await app.$(`[data-guest-id="${rex.id}"] [data-testid="guest-confirmation-reject"]`)).click();
  await (await byTestId(app, "confirm-dialog")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "93-not-my-guest");
  await (await byTestId(app, "confirm-ok")).click();
  await waitForText(app, "toast", "Rex Stranger's access was deleted");
  await app.waitUntil(async () => !(await (await byTestId(app, "guest-confirmations")).isExisting()), { timeout: 5000 });
  assert.equal((await api("GET", "/api/v1/me", null, rexToken)).status, 401, "Rex's session ended");
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");

  // A third guest waits on the screen while Ivy confirms: Parley opens by itself.
  const tom = await invite("Tom", "Waiting", "0973");
  await submitLoginUk(app, "20 7946 0973", (await codeFromOutbox("+442079460973")).code);
  await waitForScreen(app, "first_login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();
  await waitForScreen(app, "awaiting_confirmation");
  assert.equal((await api("POST", `/api/v1/guest-confirmations/${tom.id}/confirm`, {}, ivyToken)).status, 200);
  await waitForScreen(app, "contacts", 20000);
  await waitForText(app, "contact-row", "Ivy Inviter");
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");

  // Gwen logs in straight to Contacts now.
  await logInAgainUk(app, "20 7946 0971", await freshCode("+442079460971"));
});

test("an access ends after its days, reminded first, and its sponsor extends it", async () => {
  const DAY = 24 * 3600 * 1000;
  const org = await provisionOrganisation("Dune Shipping", "0980", { sue: ["Sue", "Sponsor", "0981"] });
  const { sue } = org.people;
  await org.settings({
    guest_invitations_enabled: true, activity_report_enabled: true,
    guest_access_days_default: 10, guest_access_days_max: 30, guest_access_reminder_days: 7,
  });
  await org.mayInvite(sue.id, true);
  const sueToken = await activeToken(sue, "0981", "Sue", "Sponsor");

  // The form: more than the maximum is refused on the field; ten days is sent.
  await reopenApp();
  await logInAgainUk(app, sue.national, await freshCode("+442079460981"));
  await (await byTestId(app, "invite-guest-button")).click();
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ timeout: 5000 });
  await fillInvitation(app, { first: "Gil", last: "Guest", email: "gil@dune-partner.example", phone: "20 7946 0991" });
  await modeOn(app, "inv-mode-sms");
  await typeInto(app, "inv-access-days", "40");
  await (await byTestId(app, "inv-details")).click();
  await waitForText(app, "inv-error-access_days", "Choose a number of days your organization allows");
  await shot(app, "94-access-days-refused");
  await typeInto(app, "inv-access-days", "10");
  await (await byTestId(app, "inv-details")).click();
  await sendInvitation(app);
  await waitForText(app, "toast", "Invitation sent to Gil Guest");
  const gilPhone = "+442079460991";
  const gilToken = (await api("POST", "/api/v1/auth/login", { phone: gilPhone, code: (await codeFromOutbox(gilPhone)).code })).body.token;
  const gil = (await api("POST", "/api/v1/me/first-login", { first_name: "Gil", last_name: "Guest", accept_terms: true }, gilToken)).body;
  assert.ok(gil.access_ends_at, "the access has an end");

  // Four days on, the reminder (seven days before the end) reaches Sue and Gil.
  await stopServer();
  await startServer({ clockOffsetMs: 4 * DAY });
  await app.waitUntil(async () => {
    const notices = (await api("GET", "/api/v1/notices", null, sueToken)).body ?? [];
    return notices.some((n) => n.kind === "guest_access_ending");
  }, { timeout: 15000, timeoutMsg: "no reminder notice" });
  await typeInto(app, "contacts-search", "gil");
  await (await app.$(`[data-testid="contact-row"][data-contact-id="${gil.id}"]`)).click();
  await waitForText(app, "details-access-ends", "Guest access until");
  await shot(app, "95-access-ends-soon");

  // Past the end: Gil is refused, Sue's card says so; Sue extends it by twenty days.
  await stopServer();
  await startServer({ clockOffsetMs: 10 * DAY + 60_000 });
  const refused = await api("POST", "/api/v1/auth/login", { phone: gilPhone, code: await freshCode(gilPhone) });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, "guest_access_ended");
  await waitForText(app, "details-ended", "Access ended", 20000);
  await shot(app, "96-access-ended");
  await typeInto(app, "extend-days", "20");
  await (await byTestId(app, "extend-access")).click();
  await waitForText(app, "extend-result", "Access extended until");
  await app.waitUntil(async () => !(await (await byTestId(app, "details-ended")).isExisting()), { timeout: 10000 });
  await shot(app, "97-access-extended");
  const back = await api("POST", "/api/v1/auth/login", { phone: gilPhone, code: await freshCode(gilPhone) });
  assert.equal(back.status, 200, "Gil is back");

  // The server's clock back to now for the specs that follow.
  await stopServer();
  await startServer();
});
