// A member logs in with a code read from the file outbox, completes the first-login steps,
// sees and searches Contacts, gets a live update, and reopens the app on cached data.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  SERVER_URL, api, byTestId, codeFromOutbox, notificationsSeen, openApp, openFreshApp, shot, startServer, stealFocus, stopServer, typeInto, waitForScreen,
  waitForText,
} from "./helpers.mjs";

const ADMIN = "+12015550100";
const DEPT_ADMIN = "+12015550101";
let app;

/** The text of every rendered contact row, read in the page in one call. */
function rowTexts(app) {
  return app.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="contact-row"]'), (e) => e.textContent.replace(/\s+/g, " ").trim()),
  );
}

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

test("log in, first-login steps, contacts, search, live update, reopen from cache", async () => {
  app = await openFreshApp();
  await waitForScreen(app, "login");
  await shot(app, "01-login");

  // New User: ask for a fresh code for the admin's number.
  await typeInto(app, "server-url", SERVER_URL);
  await (await byTestId(app, "new-user-link")).click();
  await waitForScreen(app, "new_user");
  await typeInto(app, "server-url", SERVER_URL);
  await typeInto(app, "phone", "201 555 0100");
  await shot(app, "02-new-user");
  const before = await codeFromOutbox(ADMIN);
  await (await byTestId(app, "request-code-submit")).click();
  await waitForText(app, "notice", "If this number belongs to an account");
  await shot(app, "03-new-user-sent");
  const { code } = await codeFromOutbox(ADMIN, { newerThan: before.file });
  await (await byTestId(app, "back-to-login")).click();
  await waitForScreen(app, "login");

  // A wrong code is refused with the server's message, on the form.
  await typeInto(app, "server-url", SERVER_URL);
  await typeInto(app, "phone", "201 555 0100");
  await typeInto(app, "code", code === "000000" ? "111111" : "000000");
  await (await byTestId(app, "login-submit")).click();
  await waitForText(app, "form-error", "This activation code is not valid");
  await shot(app, "04-login-wrong-code");

  // The right code opens the first-login steps.
  await typeInto(app, "code", code);
  await (await byTestId(app, "login-submit")).click();
  await waitForScreen(app, "first_login");
  assert.equal(await (await byTestId(app, "first-name")).getValue(), "Alice");
  await shot(app, "05-first-login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();

  // Contacts: every other member of the demo organisation.
  await waitForScreen(app, "contacts");
  await waitForText(app, "contacts-total", "49");
  await (await byTestId(app, "contact-row")).waitForDisplayed({ timeout: 10000 });
  await waitForText(app, "connection-status", "Online");
  await shot(app, "06-contacts");

  await typeInto(app, "contacts-search", "tanaka");
  let seen = [];
  await app.waitUntil(async () => {
    seen = await rowTexts(app);
    return seen.length > 0 && seen.every((t) => t.includes("Tanaka"));
  }, { timeout: 5000 }).catch(async () => { await shot(app, "zz-failed-search"); assert.fail(`search did not narrow the list to Tanaka: ${JSON.stringify(seen)}`); });
  assert.match(await (await byTestId(app, "contacts-total")).getText(), new RegExp(`^${seen.length} contact`));
  await shot(app, "07-search");

  await typeInto(app, "contacts-search", "zzzz-nobody");
  await (await byTestId(app, "no-results")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "08-no-results");
  await typeInto(app, "contacts-search", "");
  await (await byTestId(app, "contact-row")).waitForDisplayed({ timeout: 5000 });

  // Live update: the department admin completes their first login elsewhere under a new
  // name; the change reaches this app over the WebSocket without any action here, and as
  // the window is not focused, a desktop notification is raised.
  await typeInto(app, "contacts-search", "chen");
  const giveFocusBack = await stealFocus(app);
  const issued = await codeFromOutbox(DEPT_ADMIN);
  const login = await api("POST", "/api/v1/auth/login", { phone: DEPT_ADMIN, code: issued.code });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const done = await api("POST", "/api/v1/me/first-login",
    { first_name: "Bob", last_name: "Chen-Ortiz", accept_terms: true }, login.body.token);
  assert.equal(done.status, 200);
  await app.waitUntil(async () => {
    seen = await rowTexts(app);
    return seen.length === 1 && seen[0].includes("Chen-Ortiz");
  }, { timeout: 10000 }).catch(() => assert.fail(`the renamed contact never arrived live: ${JSON.stringify(seen)}`));
  await app.waitUntil(async () => notificationsSeen().includes("Bob Chen-Ortiz was added or updated in your contacts."), {
    timeout: 5000,
  }).catch(() => assert.fail(`no desktop notification on D-Bus:\n${notificationsSeen().slice(-2000)}`));
  await shot(app, "09-live-update-notified");
  await giveFocusBack();

  // The server goes away: the app says so, keeps showing its saved contacts, and comes back
  // online by itself once the server is back.
  await typeInto(app, "contacts-search", "");
  await stopServer();
  await waitForText(app, "connection-status", "Offline", 15000);
  await (await byTestId(app, "error-banner")).waitForDisplayed({ timeout: 15000 });
  assert.ok((await rowTexts(app)).length > 5, "saved contacts stay on screen");
  await shot(app, "10-offline");
  await startServer();
  // Retry reconnects at once; the app may already have come back by itself (its backoff timer
  // can fire first), in which case the banner and its button are gone.
  const retry = await byTestId(app, "retry");
  if (await retry.isDisplayed()) await retry.click().catch(() => {});
  await waitForText(app, "connection-status", "Online", 15000);
  await (await byTestId(app, "error-banner")).waitForDisplayed({ reverse: true, timeout: 5000 });
  await shot(app, "11-back-online");

  // Reopen: the session comes back from the keyring and contacts from the cache.
  await app.deleteSession();
  app = await openApp();
  await waitForScreen(app, "contacts");
  await waitForText(app, "contacts-total", "49");
  await shot(app, "12-reopened");

  // Log out: back to the login screen; reopening stays logged out.
  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
  await shot(app, "13-logged-out");
  await app.deleteSession();
  app = await openApp();
  await waitForScreen(app, "login");
});
