// SPEC §7.3 b and c in the real window: from a one-to-one conversation, Create Group
// Conversation → Invite Guest, then the interlocutor and the guest come pre-selected and the
// group is created; from that group, its admin invites a second guest, who joins it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  byTestId, fillInvitation, logInUk, modeOn, openFreshApp, provisionOrganisation, sendInvitation, shot, textsOf, typeInto,
  waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

test("invite a guest from a one-to-one conversation, then from the group as its admin", async () => {
  const org = await provisionOrganisation("Quay Partners", "0510", {
    ines: ["Ivy", "Inviter", "0511"],
    omar: ["Oscar", "Other", "0512"],
  });
  const { ines, omar } = org.people;
  await org.settings({ guest_invitations_enabled: true });
  await org.mayInvite(ines.id, true);

  app = await openFreshApp();
  await logInUk(app, ines.national, ines.code);

  // A one-to-one conversation with Oscar, from his contact details.
  await waitForText(app, "contact-row", "Oscar Other");
  await (await app.$(`[data-testid="contact-row"][data-contact-id="${omar.id}"]`)).click();
  await (await byTestId(app, "contact-details")).waitForDisplayed({ timeout: 5000 });
  await (await byTestId(app, "message-contact")).click();
  await waitForScreen(app, "conversations");
  await waitForText(app, "conversation-title", "Oscar Other");

  // b) Create Group Conversation → Invite Guest.
  await (await byTestId(app, "create-group-menu")).click();
  await (await byTestId(app, "invite-guest-from-conversation")).click();
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ timeout: 5000 });
  await fillInvitation(app, { first: "Gus", last: "Guest", email: "gus@partner.example", phone: "20 7946 0598" });
  await modeOn(app, "inv-mode-email");
  await sendInvitation(app);

  // The interlocutor and the new guest are pre-selected; the inviter creates the group.
  await (await byTestId(app, "group-create-dialog")).waitForDisplayed({ timeout: 10000 });
  await waitForText(app, "group-selected-chip", "Gus Guest");
  const chips = await textsOf(app, "group-selected-chip");
  assert.equal(chips.length, 2, JSON.stringify(chips));
  assert.ok(chips.some((c) => c.includes("Oscar Other")), JSON.stringify(chips));
  await shot(app, "40-group-preselected");
  await typeInto(app, "group-name", "Atlas launch");
  await (await byTestId(app, "group-create-submit")).click();
  await waitForText(app, "conversation-title", "Atlas launch");
  await app.waitUntil(async () => (await textsOf(app, "member-row")).length === 2, { timeout: 5000 });
  await waitForText(app, "member-row", "Gus Guest");
  await waitForText(app, "member-guest-badge", "Guest");
  await shot(app, "41-group-with-guest");

  // c) As the group's admin: Invite Guest; the second guest joins the group.
  await (await byTestId(app, "invite-guest-from-conversation")).click();
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ timeout: 5000 });
  await fillInvitation(app, { first: "Gwen", last: "Guest", email: "gwen@partner.example", phone: "20 7946 0597" });
  await modeOn(app, "inv-mode-sms");
  await sendInvitation(app);
  await app.waitUntil(async () => (await textsOf(app, "member-row")).length === 3, {
    timeout: 10000,
    timeoutMsg: "the second guest never joined the group",
  });
  await waitForText(app, "member-row", "Gwen Guest");
  await shot(app, "42-group-admin-invited");

  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
});
