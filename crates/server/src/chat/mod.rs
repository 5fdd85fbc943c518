//! The chat domain (SPEC §10, §10.1): conversations, their members, messages and receipts,
//! sharing a group and its external keys. A change is a function that takes the caller's
//! [`crate::unit_of_work::UnitOfWork`], writes, queues the events it announces and reads its
//! answer before the commit; the routes parse, authorise with [`access`], call it and commit.
//!
//! - [`access`]: membership, group rights, the ALL group, the guest profile, visible people.
//! - [`view`]: conversations and invitations as a viewer reads them; the conversation list.
//! - [`start`]: starting a one-to-one or group conversation.
//! - [`membership`]: adding, removing, promoting, renaming; leaving.
//! - [`invitations`]: sharing a group: invite, accept, decline, cancel, hand over, close.
//! - [`keys`]: external keys: create, list, revoke, e-mail, preview, redeem.
//! - [`sending`]: messages and receipts.

pub mod access;
pub mod invitations;
pub mod keys;
pub mod membership;
pub mod sending;
pub mod start;
pub mod view;
