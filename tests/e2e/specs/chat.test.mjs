// SPEC §10 in the real window, with a second user on the API: messages both ways with their
// states (sent → delivered → read), the unread counter, a desktop notification (seen on D-Bus)
// whose click opens the conversation, and a message written offline that goes out once the
// server is back — exactly once.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  api, byTestId, logInUk, notificationsSeen, openFreshApp, provisionOrganisation, shot, startServer, stealFocus,
  stopServer, textsOf, waitForScreen, waitForText,
} from "./helpers.mjs";

let app;

after(async () => {
  if (app) await app.deleteSession().catch(() => {});
});

/** Noah, on the API: logged in and activated. */
async function secondUser(person) {
  const phone = `+44${person.national.replace(/\s/g, "")}`;
  const token = (await api("POST", "/api/v1/auth/login", { phone, code: person.code })).body.token;
  await api("POST", "/api/v1/me/first-login", { first_name: "Noah", last_name: "North", accept_terms: true }, token);
  return {
    token,
    send: (conversation, body) =>
      api("POST", `/api/v1/conversations/${conversation}/messages`, { client_id: randomUUID(), body }, token),
    messages: async (conversation) => (await api("GET", `/api/v1/conversations/${conversation}/messages`, null, token)).body.messages,
    receipts: (conversation, update) => api("POST", `/api/v1/conversations/${conversation}/receipts`, update, token),
  };
}

const lastMessage = async (app) => {
  const all = await app.$$('[data-testid="message"]');
  return all.at(-1);
};

async function waitForState(app, state, timeout = 15000) {
  await app.waitUntil(async () => (await (await lastMessage(app))?.getAttribute("data-state")) === state, {
    timeout,
    timeoutMsg: `the last message never became ${state}`,
  });
}

test("chat with a colleague: both ways, states, unread, notification, offline queue", async () => {
  const org = await provisionOrganisation("Harbour Chat", "0520", {
    mia: ["Mia", "Marsh", "0521"],
    noah: ["Noah", "North", "0522"],
  });
  const { mia, noah } = org.people;
  const peer = await secondUser(noah);

  app = await openFreshApp();
  await logInUk(app, mia.national, mia.code);

  // The welcome message is waiting in Conversations.
  await (await byTestId(app, "nav-conversations")).click();
  await waitForScreen(app, "conversations");
  await waitForText(app, "conversation-title", "Parley");
  await waitForText(app, "message-body", "Welcome to Parley, Mia!");
  await (await byTestId(app, "read-only-note")).waitForDisplayed({ timeout: 5000 });
  await shot(app, "50-welcome");

  // A one-to-one conversation with Noah, from Contacts.
  await (await byTestId(app, "nav-contacts")).click();
  await waitForText(app, "contact-row", "Noah North");
  await (await app.$(`[data-testid="contact-row"][data-contact-id="${noah.id}"]`)).click();
  await (await byTestId(app, "message-contact")).click();
  await waitForScreen(app, "conversations");
  await waitForText(app, "conversation-title", "Noah North");
  await (await byTestId(app, "messages-empty")).waitForDisplayed({ timeout: 10000 });
  await shot(app, "51-chat-empty");
  const conversation = await (await byTestId(app, "conversation-view")).getAttribute("data-conversation-id");

  // Mia writes; Noah receives it once; his receipts move its state.
  const input = await byTestId(app, "composer-input");
  await input.click();
  await input.addValue("Hello Noah, the Q3 figures are in.");
  await app.keys(["Enter"]);
  await waitForText(app, "message-body", "Hello Noah, the Q3 figures are in.");
  await waitForState(app, "sent");
  assert.deepEqual((await peer.messages(conversation)).map((m) => m.body), ["Hello Noah, the Q3 figures are in."]);
  await peer.receipts(conversation, { delivered_seq: 1 });
  await waitForState(app, "delivered");
  await peer.receipts(conversation, { read_seq: 1 });
  await waitForState(app, "read");
  await shot(app, "52-chat-read");

  // Noah answers; it shows at once, and Mia, looking at it, has read it.
  await peer.send(conversation, "Thanks Mia — looks good. Call at 10?");
  await waitForText(app, "message-body", "Call at 10?");
  await app.waitUntil(
    async () => {
      const view = (await api("GET", `/api/v1/conversations/${conversation}`, null, peer.token)).body;
      return view.members[0]?.read_seq === 2;
    },
    { timeout: 10000, timeoutMsg: "Mia's read receipt never reached the server" },
  );

  // Elsewhere in the app, new messages count as unread.
  const welcome = await app.$('[data-testid="conversation-item"][data-kind="system"]');
  await welcome.click();
  await waitForText(app, "conversation-title", "Parley");
  await peer.send(conversation, "Also: the venue changed.");
  await peer.send(conversation, "Room 4B.");
  const item = await app.$(`[data-testid="conversation-item"][data-conversation-id="${conversation}"]`);
  await app.waitUntil(async () => (await (await item.$('[data-testid="unread-badge"]')).getText().catch(() => "")) === "2", {
    timeout: 10000,
    timeoutMsg: "the unread counter never showed 2",
  });
  await waitForText(app, "nav-unread", "2");
  await shot(app, "53-unread");
  await item.click();
  await waitForText(app, "message-body", "Room 4B.");
  await app.waitUntil(async () => !(await (await item.$('[data-testid="unread-badge"]')).isExisting()), {
    timeout: 10000,
    timeoutMsg: "opening the conversation did not clear its counter",
  });

  // Window unfocused: a desktop notification; clicking it opens the conversation.
  await (await byTestId(app, "nav-contacts")).click();
  await waitForScreen(app, "contacts");
  const giveFocusBack = await stealFocus(app);
  await peer.send(conversation, "Ping while you are away");
  await app.waitUntil(async () => notificationsSeen().includes("Ping while you are away"), {
    timeout: 10000,
    timeoutMsg: "no desktop notification for the new message",
  });
  assert.match(notificationsSeen(), /Noah North/);
  execFileSync("dunstctl", ["action", "0"]);
  await waitForScreen(app, "conversations");
  await waitForText(app, "conversation-title", "Noah North");
  await giveFocusBack();
  await shot(app, "54-opened-from-notification");

  // Offline: the message waits, marked as sending, and goes out once the server is back.
  await stopServer();
  await (await byTestId(app, "composer-input")).click();
  await (await byTestId(app, "composer-input")).addValue("Written while the server was down");
  await app.keys(["Enter"]);
  await waitForText(app, "message-body", "Written while the server was down");
  await waitForState(app, "pending");
  await shot(app, "55-offline-pending");
  await startServer();
  await waitForState(app, "sent", 45000);
  const bodies = (await peer.messages(conversation)).map((m) => m.body);
  assert.equal(bodies.filter((b) => b === "Written while the server was down").length, 1, JSON.stringify(bodies));
  assert.equal(bodies.length, 6, JSON.stringify(bodies));
  await shot(app, "56-back-online");
  assert.ok((await textsOf(app, "message")).length >= 6);

  await (await byTestId(app, "logout")).click();
  await waitForScreen(app, "login");
});
