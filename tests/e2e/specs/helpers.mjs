// Shared helpers for the E2E specs: the app session, screens, screenshots, the outbox.
import { remote } from "webdriverio";
import fs from "node:fs";
import path from "node:path";

export const SERVER_URL = process.env.PARLEY_E2E_SERVER_URL;
const SHOTS = process.env.PARLEY_E2E_SCREENSHOTS;
const OUTBOX = path.join(process.env.PARLEY_E2E_WORK, "outbox");

export async function openApp() {
  return remote({
    hostname: "127.0.0.1",
    port: 4444,
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
  await el.waitForDisplayed({ timeout, timeoutMsg: `screen ${name} not shown` });
  return el;
}

export async function waitForText(app, testId, text, timeout = 10000) {
  const el = await byTestId(app, testId);
  await app.waitUntil(async () => (await el.isDisplayed()) && (await el.getText()).includes(text), {
    timeout,
    timeoutMsg: `${testId} never showed "${text}"`,
  });
  return el;
}

/** Saves a screenshot once the screen has settled (a frame after the expected state). */
export async function shot(app, name) {
  await app.pause(300);
  await app.saveScreenshot(path.join(SHOTS, `${name}.png`));
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
      const m = fs.readFileSync(path.join(OUTBOX, newest), "utf8").match(/code for .* is (\d{6})/);
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
