// SPEC §5–§7 in the real window: a member invites a guest from Contacts (each refusal shown
// on the form first), the guest logs in with the code from the e-mail received by a real SMTP
// sink and sees only the inviter, and another member does not see the guest.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  SERVER_URL, api, byTestId, mailTo, openApp, shot, typeInto, waitForScreen, waitForText,
} from "./helpers.mjs";

const cli = (...args) => execFileSync(process.env.PARLEY_E2E_SERVER_BIN, args, { encoding: "utf8" });
const codeOf = (out) => out.match(/activation code (\d{6})/)[1];
const idOf = (out) => out.match(/member (\S+)/)[1];
let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

/** Logs in through the app (UK number) and completes the first-login steps. */
async function logIn(national, code) {
  await waitForScreen(app, "login");
  await typeInto(app, "server-url", SERVER_URL);
  await (await byTestId(app, "calling-code")).selectByAttribute("value", "+44");
  await typeInto(app, "phone", national);
  await typeInto(app, "code", code);
  await app.waitUntil(async () => (await byTestId(app, "login-submit")).isEnabled(), { timeout: 5000 });
  await (await byTestId(app, "login-submit")).click();
  await waitForScreen(app, "first_login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();
  await waitForScreen(app, "contacts");
}

async function logOut() {
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
}

async function openForm() {
  await (await byTestId(app, "invite-guest-button")).click();
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ timeout: 5000 });
}

async function fillForm({ first = "Gina", last = "Guest", email = "gina@partner.example", cc = "+44", phone = "20 7946 0599" } = {}) {
  await typeInto(app, "inv-first-name", first);
  await typeInto(app, "inv-last-name", last);
  await typeInto(app, "inv-email", email);
  await (await byTestId(app, "inv-calling-code")).selectByAttribute("value", cc);
  await typeInto(app, "inv-phone", phone);
  await (await byTestId(app, "inv-details")).click(); // leave the phone field: its check shows
}

/** Switches an invitation mode on (a no-op when it already is). */
async function modeOn(testId) {
  const toggle = await byTestId(app, testId);
  if ((await toggle.getAttribute("aria-pressed")) !== "true") await toggle.click();
}

async function send() {
  const button = await byTestId(app, "inv-send");
  await app.waitUntil(async () => button.isEnabled(), { timeout: 5000, timeoutMsg: "Send never enabled" });
  await button.click();
}

test("invite a guest from Contacts; refusals on the form; the guest sees only the inviter", async () => {
  // An organisation of its own: a company admin, the inviter and another member (admin CLI).
  const org = cli("org", "create", "--name", "Harbor Shipping").match(/organisation (\S+)/)[1];
  const dept = cli("department", "create", "--org", org, "--name", "Logistics").match(/department (\S+)/)[1];
  const admin = cli("member", "add", "--org", org, "--first-name", "Hana", "--last-name", "Admin", "--phone", "+44 20 7946 0500", "--role", "company-admin");
  const ines = cli("member", "add", "--org", org, "--department", dept, "--first-name", "Ines", "--last-name", "Inviter", "--phone", "+44 20 7946 0501", "--email", "ines@harbor.example");
  const omar = cli("member", "add", "--org", org, "--department", dept, "--first-name", "Omar", "--last-name", "Other", "--phone", "+44 20 7946 0502", "--email", "omar@harbor.example");

  // The company admin (over the API) switches the guest feature on and authorises Ines.
  const adminToken = (await api("POST", "/api/v1/auth/login", { phone: "+442079460500", code: codeOf(admin) })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: "Hana", last_name: "Admin", accept_terms: true }, adminToken);
  const settings = async (patch) => {
    const current = (await api("GET", "/api/v1/admin/settings", null, adminToken)).body;
    const r = await fetch(`${SERVER_URL}/api/v1/admin/settings`, {
      method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ ...current, ...patch }),
    });
    assert.equal(r.status, 200);
  };
  const mayInvite = (may) => fetch(`${SERVER_URL}/api/v1/admin/accounts/${idOf(ines)}/may-invite`, {
    method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ may_invite: may }),
  });

  app = await openApp();
  await settings({ guest_invitations_enabled: true, forbidden_email_domains: ["rival.example"], forbidden_country_codes: ["+33"] });
  assert.equal((await mayInvite(true)).status, 200);
  await logIn("20 7946 0501", codeOf(ines));

  // The empty form: Send disabled.
  await openForm();
  assert.equal(await (await byTestId(app, "inv-send")).isEnabled(), false);
  await waitForText(app, "inv-details-count", "0 /200");
  await shot(app, "30-invitation-form");

  // Refusals shown as the user types, each on its field.
  await fillForm({ email: "gina-at-partner" });
  await waitForText(app, "inv-error-email", "Invalid format");
  await typeInto(app, "inv-email", "gina@mail.rival.example");
  await waitForText(app, "inv-error-email", "The domain is forbidden");
  await typeInto(app, "inv-email", "gina@partner.example");
  await (await byTestId(app, "inv-calling-code")).selectByAttribute("value", "+33");
  await typeInto(app, "inv-phone", "6 12 34 56 78");
  await (await byTestId(app, "inv-details")).click();
  await waitForText(app, "inv-error-phone", "The country code is forbidden");
  await shot(app, "31-invitation-refusals");

  // The server's refusals: an existing contact, then a revoked right.
  await modeOn("inv-mode-sms");
  await (await byTestId(app, "inv-calling-code")).selectByAttribute("value", "+44");
  await typeInto(app, "inv-phone", "20 7946 0502");
  await send();
  await waitForText(app, "inv-error-phone", "This contact already exists in your organization");
  await typeInto(app, "inv-phone", "20 7946 0599");
  assert.equal((await mayInvite(false)).status, 200);
  await send();
  await waitForText(app, "inv-form-error",
    "You are not anymore authorized to invite external users. Please contact your admin for more information");
  await shot(app, "32-invitation-not-authorized");
  assert.equal((await mayInvite(true)).status, 200);
  await (await byTestId(app, "inv-cancel")).click();

  // Both modes off for the organisation: the form says whom to ask.
  await settings({ sms_invitations_enabled: false, email_invitations_enabled: false });
  await openForm();
  await waitForText(app, "inv-form-error", "Please contact your Company Admin to activate at least one invitation mode");
  await shot(app, "33-invitation-no-mode");
  await (await byTestId(app, "inv-cancel")).click();
  // E-mail only: SMS is inactive and e-mail pre-selected.
  await settings({ sms_invitations_enabled: false, email_invitations_enabled: true });
  await openForm();
  assert.equal(await (await byTestId(app, "inv-mode-sms")).isEnabled(), false, "SMS inactive");
  await fillForm();
  await typeInto(app, "inv-details", "Project Atlas kick-off");
  await waitForText(app, "inv-details-count", "22 /200");
  await shot(app, "34-invitation-filled");
  await send();
  await waitForText(app, "toast", "Invitation sent to Gina Guest");
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ reverse: true, timeout: 5000 });

  // The guest appears in the inviter's Contacts, badged and pending.
  await typeInto(app, "contacts-search", "gina");
  await waitForText(app, "contact-row", "Gina Guest");
  await waitForText(app, "guest-badge", "Guest");
  await waitForText(app, "contact-status", "Pending activation");
  await shot(app, "35-guest-in-contacts");
  await logOut();

  // The invitation e-mail, read back from the SMTP sink, carries the code.
  const mail = await mailTo("gina@partner.example");
  assert.match(mail.subject, /Ines Inviter invited you to Harbor Shipping/);
  assert.match(mail.text, /Project Atlas kick-off/);
  const code = mail.text.match(/^\s+(\d{6})\s*$/m)[1];

  // The guest logs in with it: Contacts show only the inviter.
  await logIn("20 7946 0599", code);
  await typeInto(app, "contacts-search", "");
  await waitForText(app, "contacts-total", "1 contact");
  await waitForText(app, "contact-row", "Ines Inviter");
  await shot(app, "36-guest-contacts");
  await logOut();

  // Another member does not see the guest.
  await logIn("20 7946 0502", codeOf(omar));
  await typeInto(app, "contacts-search", "gina");
  await (await byTestId(app, "no-results")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "37-other-member-no-guest");
  await logOut();
});
