// Shared helpers for the E2E specs: the app session, screens, screenshots, the outbox.
import { remote } from "webdriverio";
import fs from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";

export const SERVER_URL = process.env.PARLEY_E2E_SERVER_URL;
const SHOTS = process.env.PARLEY_E2E_SCREENSHOTS;
const OUTBOX = path.join(process.env.PARLEY_E2E_WORK, "outbox");

/** Opens the app as a first launch: a session an earlier spec left in the keyring (one that
 *  failed before logging out) is forgotten first, so one failure does not cascade. */
export async function openFreshApp() {
  try {
    execFileSync("secret-tool", ["clear", "service", "parley-desktop"], { stdio: "ignore" });
  } catch {
    // Nothing stored: the usual case.
  }
  return openApp();
}

export async function openApp() {
  return remote({
    hostname: "127.0.0.1",
    port: Number(process.env.PARLEY_E2E_DRIVER_PORT),
    logLevel: "warn",
    capabilities: {
      "tauri:options": { application: process.env.PARLEY_E2E_APP },
      "wdio:enforceWebDriverClassic": true,
    },
  });
}

export const byTestId = (app, id) => app.$(`[data-testid="${id}"]`);

export async function waitForScreen(app, name, timeout = 15000) {
  const el = await app.$(`[data-screen="${name}"]`);
  try {
    await el.waitForDisplayed({ timeout, timeoutMsg: `screen ${name} not shown` });
  } catch (e) {
    await saveScreenshot(app, path.join(SHOTS, `failed-screen-${name}.png`)).catch(() => {});
    throw new Error(`screen ${name} not shown (screenshot failed-screen-${name}.png)`, { cause: e });
  }
  return el;
}

/** Texts of the rendered elements carrying a test id, read in the page (lists re-render, so
 *  element references go stale). */
export function textsOf(app, testId) {
  return app.execute(
    (id) =>
      Array.from(document.querySelectorAll(`[data-testid="${id}"]`))
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => e.textContent.replace(/\s+/g, " ").trim()),
    testId,
  );
}

/** Waits until some rendered element with the test id shows `text`. */
export async function waitForText(app, testId, text, timeout = 10000) {
  try {
    await app.waitUntil(async () => (await textsOf(app, testId)).some((t) => t.includes(text)), { timeout });
  } catch {
    await saveScreenshot(app, path.join(SHOTS, `failed-${testId}.png`)).catch(() => {});
    throw new Error(`${testId} never showed "${text}" (screenshot failed-${testId}.png)`);
  }
  return byTestId(app, testId);
}

/** Saves a screenshot once the screen has settled (a frame after the expected state). */
export async function shot(app, name) {
  await app.pause(300);
  await saveScreenshot(app, path.join(SHOTS, `${name}.png`));
}

/** WebDriver's screenshot on WebKitGTK is taken after the page's next presentation, and a page
 *  painted without GL compositing (the app's mode on Linux: src-tauri/rendering.rs) presents
 *  only when something on it changes: on an idle screen the screenshot would wait for ever. So
 *  one pixel in a corner, at 1% opacity, changes every frame until the screenshot is taken. */
export async function saveScreenshot(app, file) {
  await app.execute(() => {
    const pixel = document.createElement("div");
    pixel.id = "e2e-paint-pixel";
    pixel.setAttribute("aria-hidden", "true");
    pixel.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;opacity:0.01;pointer-events:none;z-index:2147483647";
    document.body.appendChild(pixel);
    let odd = false;
    const tick = () => {
      if (!pixel.isConnected) return;
      odd = !odd;
      pixel.style.background = odd ? "#000" : "#fff";
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  try {
    await app.saveScreenshot(file);
  } finally {
    await app.execute(() => document.getElementById("e2e-paint-pixel")?.remove()).catch(() => {});
  }
}

export async function typeInto(app, testId, value) {
  const el = await byTestId(app, testId);
  await el.waitForDisplayed({ timeout: 10000 });
  // Clear as a user does, so the page sees input events.
  await el.click();
  await app.keys(["Control", "a"]);
  await app.keys(["Backspace"]);
  if (value !== "") await el.addValue(value);
}

/** The newest activation code the outbox sent by SMS to `phone` (E.164), waiting for it. */
export async function codeFromOutbox(phone, { newerThan = null, timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const files = fs.existsSync(OUTBOX)
      ? fs.readdirSync(OUTBOX).filter((f) => f.includes(`-sms-${phone}-`) && f.endsWith(".txt")).sort()
      : [];
    const newest = files.at(-1);
    if (newest && newest !== newerThan) {
      const m = fs.readFileSync(path.join(OUTBOX, newest), "utf8").match(/(?:code for .* is|activation code) (\d{6})/);
      if (m) return { code: m[1], file: newest };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no SMS with a code for ${phone} in ${OUTBOX}`);
}

/** Plain HTTP calls to the server, playing a second user. */
export async function api(method, route, body, token) {
  const res = await fetch(`${SERVER_URL}${route}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export function notificationsSeen() {
  const log = path.join(process.env.PARLEY_E2E_WORK, "notifications.log");
  return fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
}

/**
 * Opens another X window and gives it the input focus, so the app's window is unfocused
 * (there is no window manager under Xvfb). Returns a function that closes it and gives the
 * focus back to the app.
 */
export async function stealFocus(app) {
  const icon = new URL("../../../icons/32x32.png", import.meta.url).pathname;
  const thief = spawn("display", ["-title", "focus-thief", "-geometry", "160x100+1100+680", icon], { stdio: "ignore" });
  const find = (name) => {
    try {
      return execFileSync("xdotool", ["search", "--name", name], { encoding: "utf8" }).trim().split("\n")[0];
    } catch {
      return "";
    }
  };
  await app.waitUntil(async () => find("focus-thief") !== "", { timeout: 5000, timeoutMsg: "focus window never appeared" });
  execFileSync("xdotool", ["windowfocus", "--sync", find("focus-thief")]);
  await app.pause(300);
  return async () => {
    thief.kill();
    const own = find("^Parley$");
    if (own) execFileSync("xdotool", ["windowfocus", "--sync", own]);
    await app.pause(300);
  };
}

const SERVER_PID_FILE = path.join(process.env.PARLEY_E2E_WORK, "server.pid");

/** Stops the server with SIGTERM (graceful shutdown) and waits until it is gone. */
export async function stopServer() {
  const pid = Number(fs.readFileSync(SERVER_PID_FILE, "utf8"));
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not stop within 10 s of SIGTERM");
}

/** Starts the server again on the same port and database; run.sh stops it at the end.
 *  `clockOffsetMs` moves its clock forward (PARLEY_CLOCK_OFFSET_MS) and runs its scheduler
 *  every second, for reminders and ends of access. */
export async function startServer({ clockOffsetMs = 0 } = {}) {
  const log = fs.openSync(path.join(process.env.PARLEY_E2E_WORK, "server.log"), "a");
  const env = clockOffsetMs ? { ...process.env, PARLEY_CLOCK_OFFSET_MS: String(clockOffsetMs), PARLEY_SCHEDULER_SECS: "1" } : process.env;
  const child = spawn(process.env.PARLEY_E2E_SERVER_BIN, ["serve", "--port", process.env.PARLEY_E2E_PORT], {
    stdio: ["ignore", log, log],
    detached: true,
    env,
  });
  child.unref();
  fs.writeFileSync(SERVER_PID_FILE, String(child.pid));
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${SERVER_URL}/health`).catch(() => null))?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not come back");
}

/** Answers the app's native save dialog (GTK, titled `title`) with `file`: waits for its
 *  window, gives it the keyboard, types the full path into the name field and presses Enter. */
export async function saveThroughDialog(title, file, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let window = "";
  while (!window && Date.now() < deadline) {
    try {
      window = execFileSync("xdotool", ["search", "--onlyvisible", "--name", title], { encoding: "utf8" }).trim().split("\n")[0];
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!window) throw new Error(`no "${title}" dialog appeared`);
  execFileSync("xdotool", ["windowfocus", "--sync", window]);
  await new Promise((r) => setTimeout(r, 300));
  execFileSync("xdotool", ["key", "ctrl+a"]);
  execFileSync("xdotool", ["type", "--delay", "20", file]);
  execFileSync("xdotool", ["key", "Return"]);
}

/** The newest e-mail the SMTP sink received for `to`: { subject, text, html }, waiting for it. */
export async function mailTo(to, { timeout = 10000 } = {}) {
  const reader = new URL("../read_mail.py", import.meta.url).pathname;
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const out = JSON.parse(execFileSync("/usr/bin/python3", [reader, process.env.PARLEY_E2E_MAILDIR, to], { encoding: "utf8" }));
    if (out.text) return out;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail to ${to} reached the SMTP sink`);
}

/** The admin CLI of the server under test. */
export const cli = (...args) => execFileSync(process.env.PARLEY_E2E_SERVER_BIN, args, { encoding: "utf8" });

/**
 * An organisation of its own, made with the admin CLI: a company admin (`+44 20 7946 <admin>`)
 * and members in one department, each `{ id, code, national }`. The company admin is logged
 * in over the API; `settings(patch)` and `mayInvite(id, bool)` act as that admin.
 */
export async function provisionOrganisation(name, adminNumber, members) {
  const org = cli("org", "create", "--name", name).match(/organisation (\S+)/)[1];
  const dept = cli("department", "create", "--org", org, "--name", "Logistics").match(/department (\S+)/)[1];
  const add = (first, last, number, ...extra) => {
    const out = cli("member", "add", "--org", org, "--first-name", first, "--last-name", last, "--phone", `+44 20 7946 ${number}`, ...extra);
    return { id: out.match(/member (\S+)/)[1], code: out.match(/activation code (\d{6})/)[1], national: `20 7946 ${number}` };
  };
  const admin = add("Hana", "Admin", adminNumber, "--role", "company-admin");
  const people = {};
  for (const [key, [first, last, number]] of Object.entries(members)) {
    people[key] = add(first, last, number, "--department", dept, "--email", `${first.toLowerCase()}@${name.split(" ")[0].toLowerCase()}.example`);
  }
  const token = (await api("POST", "/api/v1/auth/login", { phone: `+442079460${adminNumber.slice(1)}`, code: admin.code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: "Hana", last_name: "Admin", accept_terms: true }, token);
  const put = (route, body) =>
    fetch(`${SERVER_URL}${route}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  return {
    people,
    admin: { ...admin, token, phone: `+442079460${adminNumber.slice(1)}`, national: `20 7946 ${adminNumber}` },
    async settings(patch) {
      const current = (await api("GET", "/api/v1/admin/settings", null, token)).body;
      const r = await put("/api/v1/admin/settings", { ...current, ...patch });
      if (r.status !== 200) throw new Error(`settings: ${r.status} ${await r.text()}`);
    },
    async mayInvite(id, may) {
      const r = await put(`/api/v1/admin/accounts/${id}/may-invite`, { may_invite: may });
      if (r.status !== 200) throw new Error(`may-invite: ${r.status}`);
    },
  };
}

/** Fills the login screen with a UK number and a code, and submits it. */
export async function submitLoginUk(app, national, code) {
  await waitForScreen(app, "login");
  await typeInto(app, "server-url", SERVER_URL);
  await (await byTestId(app, "calling-code")).selectByAttribute("value", "+44");
  await typeInto(app, "phone", national);
  await typeInto(app, "code", code);
  await app.waitUntil(async () => (await byTestId(app, "login-submit")).isEnabled(), { timeout: 5000 });
  await (await byTestId(app, "login-submit")).click();
}

/** Logs an account that already finished its first login back in through the app. */
export async function logInAgainUk(app, national, code) {
  await submitLoginUk(app, national, code);
  await waitForScreen(app, "contacts");
}

/** Logs in through the app with a UK number and completes the first-login steps. */
export async function logInUk(app, national, code) {
  await submitLoginUk(app, national, code);
  await waitForScreen(app, "first_login");
  await (await byTestId(app, "accept-terms")).click();
  await (await byTestId(app, "first-login-submit")).click();
  await waitForScreen(app, "contacts");
}

/** Fills the invitation form (UK number by default). */
export async function fillInvitation(app, { first = "Gina", last = "Guest", email = "gina@partner.example", cc = "+44", phone = "20 7946 0599" } = {}) {
  await typeInto(app, "inv-first-name", first);
  await typeInto(app, "inv-last-name", last);
  await typeInto(app, "inv-email", email);
  await (await byTestId(app, "inv-calling-code")).selectByAttribute("value", cc);
  await typeInto(app, "inv-phone", phone);
  await (await byTestId(app, "inv-details")).click(); // leave the phone field: its check shows
}

/** Switches an invitation mode on (a no-op when it already is). */
export async function modeOn(app, testId) {
  const toggle = await byTestId(app, testId);
  if ((await toggle.getAttribute("aria-pressed")) !== "true") await toggle.click();
}

export async function sendInvitation(app) {
  const button = await byTestId(app, "inv-send");
  await app.waitUntil(async () => button.isEnabled(), { timeout: 5000, timeoutMsg: "Send never enabled" });
  await button.click();
}
