// Issue 13 in the real window: the inviter previews what a guest will see before sending the
// invitation and, from the guest's contact card, what it sees now — both from the server's
// visibility rule; then a company admin asks "Why does X see Y?" in Administration.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  api, byTestId, codeFromOutbox, fillInvitation, logInAgainUk, openFreshApp, provisionOrganisation, shot, textsOf,
  typeInto, waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

async function activeToken(person, number, first, last) {
  const token = (await api("POST", "/api/v1/auth/login", { phone: `+442079460${number.slice(1)}`, code: person.code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: first, last_name: last, accept_terms: true }, token);
  return token;
}

/** *New User*: a fresh code for an account whose first code was used through the API. */
async function freshCode(phone) {
  const before = (await codeFromOutbox(phone, { timeout: 500 }).catch(() => ({ file: null }))).file;
  assert.equal((await api("POST", "/api/v1/auth/request-code", { phone })).status, 202);
  return (await codeFromOutbox(phone, { newerThan: before })).code;
}

/** Picks the person found by `search` in one of the "Who sees whom" pickers. */
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
