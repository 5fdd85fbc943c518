//! Integration tests of the HTTP + WebSocket API, zero2prod style: every test spawns the real
//! application on a random port with a fresh database (a SQLite file by default; a fresh
//! PostgreSQL database with `PARLEY_TEST_DATABASE=postgres`) and talks to it as a client would.

mod activation_codes;
mod admin;
mod all_group;
mod auth;
mod authorization;
mod chat;
mod cluster;
mod confirmations;
mod contacts;
mod event_matrix;
mod first_login;
mod guest_ends;
mod guest_preview;
mod guests_admin;
mod health;
mod helpers;
mod hostile;
mod invitations;
mod outbox;
mod sharing;
mod sponsors;
mod test_db;
mod visibility_check;
mod ws;
