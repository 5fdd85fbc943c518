//! Parley core: the product's rules, written once and called by the server and the desktop
//! client alike. Pure: no I/O, no clock (callers pass `now`), no database.
//!
//! Layout:
//! - [`phone`], [`email`], [`name`]: domain newtypes whose `parse` is the only way in.
//! - [`role`]: account kinds, roles and statuses, with their stable database spellings.
//! - [`activation`]: activation codes — format, generation, keyed hashing, expiry, tries,
//!   account lockout and request throttling limits (SPEC §4).
//! - [`secret`]: secrets behind a type that never prints them.
//! - [`session`]: opaque session tokens behind a wrapper that never prints them.
//! - [`settings`]: organisation settings and their defaults (SPEC §3).
//! - [`invitation`]: the external-user invitation form's rules and refusals (SPEC §7).
//! - [`admin`]: guests list, activity report and users list queries, rows and rules (SPEC §3, §8, §9).
//! - [`admin_scope`]: how far an administrator reaches (SPEC §3, §8).
//! - [`visibility`]: who sees whom (SPEC §5).
//! - [`guest_access`]: what a guest may do now — open, suspended, awaiting its inviter's
//!   confirmation (SPEC §11.1).
//! - [`sponsor`]: who sponsors a guest, who may take one over, and what a guest without a
//!   sponsor may do (SPEC §11.1).
//! - [`sharing`]: external keys of a conversation — code, link, details, validity (SPEC §10.1).
//! - [`group_rights`]: who may do what in a group conversation, and to whom (SPEC §10, §10.1).
//! - [`chat`]: message bodies, client message ids, message states (SPEC §10).
//! - [`text`]: free text from users: control characters refused, invisible text empty.
//! - [`time`]: the one printed form of instants.
//! - [`error`]: stable error codes and the exact messages users read.
//! - [`wire`]: request, response and event types shared over HTTP, WebSocket and IPC;
//!   TypeScript bindings for the UI are generated from them (`ts-rs`).

pub mod activation;
pub mod admin;
pub mod admin_scope;
pub mod chat;
pub mod email;
pub mod error;
pub mod group_rights;
pub mod guest_access;
pub mod invitation;
pub mod name;
pub mod phone;
pub mod role;
pub mod secret;
pub mod session;
pub mod settings;
pub mod sharing;
pub mod sponsor;
pub mod text;
pub mod time;
pub mod visibility;
pub mod wire;

pub use email::EmailAddress;
pub use error::ErrorCode;
pub use name::PersonName;
pub use phone::PhoneNumber;
