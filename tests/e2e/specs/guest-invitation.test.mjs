// SPEC §5–§7 in the real window: a member invites a guest from Contacts (each refusal shown
// on the form first), the guest logs in with the code from the e-mail received by a real SMTP
// sink and sees only the inviter, and another member does not see the guest.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  byTestId, fillInvitation, logInUk, mailTo, modeOn as modeOnHelper, openFreshApp, provisionOrganisation, sendInvitation, shot,
  typeInto, waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

const logIn = (national, code) => logInUk(app, national, code);
const fillForm = (fields) => fillInvitation(app, fields);
const modeOn = (testId) => modeOnHelper(app, testId);
const send = () => sendInvitation(app);

async function logOut() {
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
}

async function openForm() {
  await (await byTestId(app, "invite-guest-button")).click();
  await (await byTestId(app, "invitation-form")).waitForDisplayed({ timeout: 5000 });
}

test("invite a guest from Contacts; refusals on the form; the guest sees only the inviter", async () => {
  // An organisation of its own: a company admin, the inviter and another member (admin CLI).
  const org = await provisionOrganisation("Harbor Shipping", "0500", {
    ines: ["Ines", "Inviter", "0501"],
    omar: ["Omar", "Other", "0502"],
  });
  const { ines, omar } = org.people;

  app = await openFreshApp();
  await org.settings({ guest_invitations_enabled: true, forbidden_email_domains: ["rival.example"], forbidden_country_codes: ["+33"] });
  await org.mayInvite(ines.id, true);
  await logIn(ines.national, ines.code);

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
  await org.mayInvite(ines.id, false);
  await send();
  await waitForText(app, "inv-form-error",
    "You are not anymore authorized to invite external users. Please contact your admin for more information");
  await shot(app, "32-invitation-not-authorized");
  await org.mayInvite(ines.id, true);
  await (await byTestId(app, "inv-cancel")).click();

  // Both modes off for the organisation: the form says whom to ask.
  await org.settings({ sms_invitations_enabled: false, email_invitations_enabled: false });
  await openForm();
  await waitForText(app, "inv-form-error", "Please contact your Company Admin to activate at least one invitation mode");
  await shot(app, "33-invitation-no-mode");
  await (await byTestId(app, "inv-cancel")).click();
  // E-mail only: SMS is inactive and e-mail pre-selected.
  await org.settings({ sms_invitations_enabled: false, email_invitations_enabled: true });
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
  await logIn(omar.national, omar.code);
  await typeInto(app, "contacts-search", "gina");
  await (await byTestId(app, "no-results")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "37-other-member-no-guest");
  await logOut();
});
