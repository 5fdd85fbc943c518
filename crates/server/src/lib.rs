//! `parley-server`: the HTTP + WebSocket server, the single authority for every rule.
//!
//! Layout:
//! - [`configuration`]: command-line and environment settings.
//! - [`telemetry`]: tracing set-up.
//! - [`serve`]: hyper over TCP with header and idle timeouts.
//! - [`startup`]: builds the router and runs the server with graceful shutdown.
//! - [`db`]: the database pool (SQLite file by default, PostgreSQL by URL) and migrations.
//! - [`state`]: the one shared state struct handed to every handler.
//! - [`error`]: the one error type, with stable codes, mapped to HTTP answers.
//! - [`clock`]: the time source (a controllable one in tests).
//! - [`throttle`]: per-number and per-address request limits.
//! - [`events`]: real-time events to the sockets of their recipients, on this node and (with
//!   NATS) the others.
//! - [`unit_of_work`]: a transaction and the events it announces, published after its commit.
//! - [`contact_sync`]: contacts by delta, and what each viewer was shown (SPEC §11).
//! - [`contact_audience`]: who is told that contacts changed: the viewers of the change only.
//! - [`change_watcher`]: announces the changes made outside any server (the admin CLI).
//! - [`accounts`], [`codes`], [`sessions`], [`settings`], [`conversations`], [`messages`],
//!   [`sharing`] (conversation invitations): the data access the services share.
//! - [`chat`]: the chat domain's services: conversations, members, sharing, keys, messages.
//! - [`all_group`]: the organisation-wide ALL group of every member (SPEC §2).
//! - [`guests`]: the guests an admin manages (scope, list, search, sort, pages) (SPEC §8).
//! - [`guest_search`]: the guests list's search words and sort keys on each invitation, and
//!   the word index per database.
//! - [`activity`]: the activity report, and its monthly e-mail (SPEC §9).
//! - [`scheduler`]: periodic jobs — invitation reminders, the monthly report — safe on
//!   several nodes.
//! - [`guest_actions`]: incorporating, deleting, cancelling and amending guests (SPEC §7.6, §8).
//! - [`guest_invitations`]: inviting a guest (SPEC §7.4): who may, the checks, provisioning.
//! - [`guest_preview`]: what a guest sees, or will see once invited (SPEC §11.1).
//! - [`visibility_check`]: "why does X see Y?" for admins, and the accounts they pick from.
//! - [`invitation_messages`]: an invitation's SMS and e-mail, first, resent and as reminders.
//! - [`provisioning`]: creating organisations, departments and members (CLI, demo).
//! - [`notices`]: in-app notices, stored and pushed.
//! - [`private_files`]: the database, key and outbox files, readable by the server's user only.
//! - [`outbox`]: durable queue of SMS and e-mail, its worker and its sinks.
//! - [`routes`]: one `router()` per area: auth, me, contacts, conversations and their members,
//!   messages, invitations, notices, settings, admin, guests, activity, ws, health, openapi.
//! - [`sign_in`]: logging in with a phone number and a code; wrong codes and lockouts.
//! - [`sponsors`]: guests left without a sponsor are suspended; taking guests over (SPEC §11.1).
//! - [`guest_ends`]: access that ends — reminders, ends, conversation-bound ends, extensions
//!   (SPEC §11.1).
//! - [`confirmations`]: "Is this your guest?" — asked at a guest's first login, answered by its
//!   sponsor (SPEC §11.1).
//! - [`members`]: removing a member from the organisation (their guests suspended).
//! - [`shutdown`]: the stop signal background tasks wait on.
//! - [`activation`]: an account's first-login steps (names, terms, the guest's invitation).
//! - [`welcome`]: the welcome message and arrival notices of a newly activated account.
//! - [`demo`]: the demo organisation.

pub mod accounts;
pub mod activation;
pub mod activity;
pub mod all_group;
pub mod change_watcher;
pub mod chat;
pub mod clock;
pub mod codes;
pub mod configuration;
pub mod confirmations;
pub mod contact_audience;
pub mod contact_sync;
pub mod conversations;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod guest_actions;
pub mod guest_ends;
pub mod guest_invitations;
pub mod guest_preview;
pub mod guest_search;
pub mod guests;
pub mod invitation_messages;
pub mod members;
pub mod messages;
pub mod notices;
pub mod outbox;
pub mod private_files;
pub mod provisioning;
pub mod routes;
pub mod scheduler;
pub mod serve;
pub mod sessions;
pub mod settings;
pub mod sharing;
pub mod shutdown;
pub mod sign_in;
pub mod sponsors;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod templates;
pub mod throttle;
pub mod unit_of_work;
pub mod visibility_check;
pub mod welcome;
