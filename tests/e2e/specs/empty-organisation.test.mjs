// A member of an organisation with nobody else in it: the phone field's format check, then the
// empty Contacts state. The organisation and member are provisioned with the admin CLI.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { SERVER_URL, byTestId, openFreshApp, shot, typeInto, waitForScreen, waitForText } from "./helpers.mjs";

const cli = (...args) => execFileSync(process.env.PARLEY_E2E_SERVER_BIN, args, { encoding: "utf8" });
let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

test("invalid phone is flagged on the field; a lone member sees the empty state", async () => {
  const org = cli("org", "create", "--name", "Solo Studio").match(/organisation (\S+)/)[1];
  const added = cli("member", "add", "--org", org, "--first-name", "Sam", "--last-name", "Solo",
    "--phone", "+44 20 7946 0958", "--email", "sam@solo.example");
  const code = added.match(/activation code (\d{6})/)[1];

  app = await openFreshApp();
  await waitForScreen(app, "login");
  await typeInto(app, "server-url", SERVER_URL);
  await (await byTestId(app, "calling-code")).selectByAttribute("value", "+44");
  await typeInto(app, "phone", "12");
  await (await byTestId(app, "code")).click(); // leaving the field shows the check at once
  await waitForText(app, "phone-error", "Invalid format");
  assert.equal(await (await byTestId(app, "login-submit")).isEnabled(), false, "Log in stays disabled");
  await shot(app, "20-invalid-phone");

  await typeInto(app, "phone", "20 7946 0958");
  await typeInto(app, "code", code);
  await app.waitUntil(async () => (await byTestId(app, "login-submit")).isEnabled(), { timeout: 5000 });
  await (await byTestId(app, "login-submit")).click();
  await waitForScreen(app, "first_login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();
  await waitForScreen(app, "contacts");
  await waitForText(app, "empty-state", "No contacts yet");
  await shot(app, "21-empty-contacts");

  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
});
