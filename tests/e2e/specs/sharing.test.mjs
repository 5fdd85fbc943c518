// SPEC §10, §10.1 in the real window: an invitation into a colleague's group, accepted in the
// app; running one's own group (rename, make an admin, invite a member who accepts); then an
// external key made in the app, copied to the clipboard and e-mailed (read back from
// the SMTP sink), and redeemed by someone new through its `parley://` link handed to the
// running app (single instance), who logs in as a guest of that one conversation.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  api, byTestId, codeFromOutbox, logInUk, mailTo, openFreshApp, provisionOrganisation, shot, textsOf, typeInto,
  waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

async function apiUser(person, first, last) {
  const phone = `+44${person.national.replace(/\s/g, "")}`;
  const token = (await api("POST", "/api/v1/auth/login", { phone, code: person.code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: first, last_name: last, accept_terms: true }, token);
  return token;
}

async function menuItem(app, menuTestId, itemTestId) {
  await (await byTestId(app, menuTestId)).click();
  const item = await byTestId(app, itemTestId);
  await item.waitForDisplayed({ timeout: 5000 });
  await item.click();
}

test("accept an invitation into a group; make, copy, e-mail and redeem an external key", async () => {
  const org = await provisionOrganisation("Pier Share", "0530", {
    olga: ["Olga", "Owner", "0531"],
    pete: ["Pete", "Peer", "0532"],
    quinn: ["Quinn", "Quay", "0533"],
  });
  const { olga, pete, quinn } = org.people;
  await org.settings({ guest_invitations_enabled: true });
  await org.mayInvite(olga.id, true);
  const peteToken = await apiUser(pete, "Pete", "Peer");

  app = await openFreshApp();
  await logInUk(app, olga.national, olga.code);

  // Pete owns "Harbour plan" and invites Olga; she accepts in the app.
  const group = (await api("POST", "/api/v1/conversations", { kind: "group", member_ids: [quinn.id], name: "Harbour plan" }, peteToken)).body;
  const shared = await api("POST", `/api/v1/conversations/${group.id}/invitations`, { account_ids: [olga.id] }, peteToken);
  assert.equal(shared.status, 201, JSON.stringify(shared.body));
  await (await byTestId(app, "nav-conversations")).click();
  await waitForScreen(app, "conversations");
  await waitForText(app, "incoming-invitation", "Pete Peer invites you to “Harbour plan”");
  await shot(app, "60-invitation-received");
  await (await byTestId(app, "invitation-accept")).click();
  await waitForText(app, "conversation-title", "Harbour plan");
  await waitForText(app, "message-notice", "Olga Owner joined the conversation.");
  assert.equal((await api("GET", `/api/v1/conversations/${group.id}/invitations`, null, peteToken)).body.length, 0);
  await shot(app, "61-invitation-accepted");

  // Olga's own group with Quinn, from a one-to-one conversation.
  await (await byTestId(app, "nav-contacts")).click();
  await waitForText(app, "contact-row", "Quinn Quay");
  await (await app.$(`[data-testid="contact-row"][data-contact-id="${quinn.id}"]`)).click();
  await (await byTestId(app, "message-contact")).click();
  await waitForText(app, "conversation-title", "Quinn Quay");
  await menuItem(app, "create-group-menu", "group-add-contacts");
  await (await byTestId(app, "group-create-dialog")).waitForDisplayed({ timeout: 5000 });
  await typeInto(app, "group-name", "Dock team");
  await (await byTestId(app, "group-create-submit")).click();
  await waitForText(app, "conversation-title", "Dock team");

  // Running it: rename, make Quinn an admin, invite Pete (who accepts on his side).
  await menuItem(app, "manage-menu", "manage-rename");
  await typeInto(app, "rename-input", "Dock crew");
  await (await byTestId(app, "rename-submit")).click();
  await waitForText(app, "conversation-title", "Dock crew");
  const quinnRow = await app.$(`[data-testid="member-row"][data-contact-id="${quinn.id}"]`);
  await (await quinnRow.$('[data-testid="member-menu"]')).click();
  await (await byTestId(app, "member-promote")).click();
  await app.waitUntil(async () => await (await quinnRow.$('[data-testid="member-admin"]')).isExisting(), {
    timeout: 10000,
    timeoutMsg: "Quinn never became an admin",
  });
  await menuItem(app, "manage-menu", "manage-invite");
  await (await byTestId(app, "group-create-dialog")).waitForDisplayed({ timeout: 5000 });
  const peteOption = await app.$(`[data-testid="group-member-option"][data-contact-id="${pete.id}"]`);
  await peteOption.waitForDisplayed({ timeout: 10000 });
  await (await peteOption.$("input")).click();
  await shot(app, "66-invite-members");
  await (await byTestId(app, "group-create-submit")).click();
  await waitForText(app, "sent-invitation", "Pete Peer");
  await waitForText(app, "toast", "Invitation sent");
  await shot(app, "67-invitation-sent");
  const incoming = (await api("GET", "/api/v1/conversation-invitations", null, peteToken)).body;
  assert.equal(incoming.length, 1, JSON.stringify(incoming));
  assert.equal(incoming[0].conversation_title, "Dock crew");
  assert.equal((await api("POST", `/api/v1/conversation-invitations/${incoming[0].id}/accept`, {}, peteToken)).status, 200);
  await waitForText(app, "member-row", "Pete Peer");
  await app.waitUntil(async () => !(await (await byTestId(app, "sent-invitation")).isExisting()), {
    timeout: 10000,
    timeoutMsg: "the accepted invitation stayed listed",
  });

  // External key: made, copied to the clipboard, e-mailed.
  await menuItem(app, "manage-menu", "manage-key");
  await (await byTestId(app, "key-dialog")).waitForDisplayed({ timeout: 5000 });
  await typeInto(app, "key-person-name", "Pat Partner");
  await typeInto(app, "key-description", "Supplier audit, week 49");
  await shot(app, "62-key-form");
  await (await byTestId(app, "key-create")).click();
  await (await byTestId(app, "key-created")).waitForDisplayed({ timeout: 10000 });
  const code = await (await byTestId(app, "key-code")).getText();
  const link = await (await byTestId(app, "key-link")).getText();
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.ok(link.startsWith("parley://redeem?server="), link);
  await (await byTestId(app, "key-copy-link")).click();
  await app.waitUntil(async () => execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" }) === link, {
    timeout: 5000,
    timeoutMsg: "the link never reached the clipboard",
  });
  await typeInto(app, "key-email", "pat@partner.example");
  await (await byTestId(app, "key-send-email")).click();
  await waitForText(app, "key-emailed", "Sent to pat@partner.example");
  await shot(app, "63-key-created");
  const mail = await mailTo("pat@partner.example");
  assert.ok(mail.text.includes(code) && mail.text.includes(link), mail.text);
  assert.match(mail.subject, /Dock crew/);
  await (await byTestId(app, "key-done")).click();

  // Someone new: the link is opened while the app runs (a second launch hands it over).
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
  const second = spawn(process.env.PARLEY_E2E_APP, [link], { stdio: "ignore" });
  await waitForScreen(app, "redeem_key", 20000);
  second.kill();
  await waitForText(app, "key-preview", "Olga Owner (Pier Share) invites you to “Dock crew”");
  await typeInto(app, "redeem-first-name", "Pat");
  await typeInto(app, "redeem-last-name", "Partner");
  await typeInto(app, "redeem-email", "pat@partner.example");
  await (await byTestId(app, "calling-code")).selectByAttribute("value", "+44");
  await typeInto(app, "phone", "20 7946 0539");
  await app.waitUntil(async () => (await byTestId(app, "redeem-submit")).isEnabled(), { timeout: 5000 });
  await shot(app, "64-redeem-form");
  await (await byTestId(app, "redeem-submit")).click();
  await waitForScreen(app, "login");
  await waitForText(app, "login-notice", "Your activation code is on its way");
  const { code: activation } = await codeFromOutbox("+442079460539");
  await typeInto(app, "code", activation);
  await (await byTestId(app, "login-submit")).click();
  await waitForScreen(app, "first_login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();
  await waitForScreen(app, "contacts");
  await (await byTestId(app, "nav-conversations")).click();
  const titles = async () => (await textsOf(app, "conversation-item")).join(" | ");
  await app.waitUntil(async () => (await titles()).includes("Dock crew"), { timeout: 10000, timeoutMsg: "no Dock crew" });
  assert.ok(!(await titles()).includes("Harbour plan"), await titles());
  await (await app.$('[data-testid="conversation-item"][data-kind="group"]')).click();
  await waitForText(app, "conversation-title", "Dock crew");
  await waitForText(app, "member-self", "Guest");
  await shot(app, "65-guest-in-key-conversation");

  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
});
