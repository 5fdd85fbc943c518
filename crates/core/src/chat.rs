//! Chat rules (SPEC §10): what a message body and a client-chosen message id may be, and how
//! a sent message's state (*sent → delivered → read*) follows from the other members' receipts.
//! The server checks bodies and ids with these; the client shows states with them.

use crate::error::ErrorCode;
use crate::wire::{MessageState, Receipt};

/// The longest message, in characters.
pub const MESSAGE_MAX_CHARS: usize = 10_000;

/// A message text: not blank, at most [`MESSAGE_MAX_CHARS`] characters. Kept as typed
/// (inner line breaks and spaces matter); only surrounding blank lines are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(text: &str) -> Result<Self, ErrorCode> {
        let text = text.trim_matches(|c: char| c == '\n' || c == '\r');
        // NUL and other control characters are refused; only zero-width or blank is empty.
        if crate::text::has_forbidden_control(text, true) {
            return Err(ErrorCode::InvalidFormat);
        }
        if !crate::text::has_visible(text) {
            return Err(ErrorCode::Required);
        }
        if text.chars().count() > MESSAGE_MAX_CHARS {
            return Err(ErrorCode::TooLong);
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id a client gives a message before sending it, so that a resend after a lost
/// acknowledgement is recognised (idempotent sending, with no time window). 8 to 64
/// characters of `A–Z a–z 0–9 - _` (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMessageId(String);

impl ClientMessageId {
    pub fn parse(id: &str) -> Result<Self, ErrorCode> {
        let ok =
            (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(id.to_owned()))
        } else {
            Err(ErrorCode::InvalidFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The state of message number `seq`, as its sender sees it, given the receipts of every
/// *other* member: read once all of them read it, delivered once all of them received it.
/// Alone in a conversation, a message stays *sent*.
pub fn message_state(seq: i64, others: &[Receipt]) -> MessageState {
    if others.is_empty() {
        MessageState::Sent
    } else if others.iter().all(|r| r.read_seq >= seq) {
        MessageState::Read
    } else if others.iter().all(|r| r.delivered_seq.max(r.read_seq) >= seq) {
        MessageState::Delivered
    } else {
        MessageState::Sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn receipt(delivered: i64, read: i64) -> Receipt {
        Receipt { account_id: format!("{delivered}-{read}"), delivered_seq: delivered, read_seq: read }
    }

    #[test]
    fn bodies() {
        assert_eq!(MessageBody::parse("\n hello\nworld \n").unwrap().as_str(), " hello\nworld ");
        assert_eq!(MessageBody::parse(" \n\t ").unwrap_err(), ErrorCode::Required);
        assert_eq!(
            MessageBody::parse(&"é".repeat(MESSAGE_MAX_CHARS)).unwrap().as_str().chars().count(),
            MESSAGE_MAX_CHARS
        );
        assert_eq!(MessageBody::parse(&"a".repeat(MESSAGE_MAX_CHARS + 1)).unwrap_err(), ErrorCode::TooLong);
    }

    #[test]
    fn client_ids() {
        assert!(ClientMessageId::parse("0b1e3c7a-3f1d-4c55-9a52-2f0e8a3d7c11").is_ok());
        for bad in ["", "short", "has space in it", "a/b/c/d/e/f", &"x".repeat(65)] {
            assert_eq!(ClientMessageId::parse(bad).unwrap_err(), ErrorCode::InvalidFormat, "{bad:?}");
        }
    }

    #[test]
    fn states_follow_the_slowest_member() {
        assert_eq!(message_state(5, &[]), MessageState::Sent);
        assert_eq!(message_state(5, &[receipt(4, 0)]), MessageState::Sent);
        assert_eq!(message_state(5, &[receipt(5, 0)]), MessageState::Delivered);
        assert_eq!(message_state(5, &[receipt(0, 5)]), MessageState::Read, "read implies delivered");
        assert_eq!(message_state(5, &[receipt(9, 9), receipt(5, 4)]), MessageState::Delivered);
        assert_eq!(message_state(5, &[receipt(9, 9), receipt(3, 3)]), MessageState::Sent);
        assert_eq!(message_state(5, &[receipt(9, 9), receipt(6, 6)]), MessageState::Read);
    }

    proptest! {
        /// A state never runs ahead of any member: read means every other member read it.
        #[test]
        fn state_never_ahead_of_a_member(seq in 1i64..50, rs in proptest::collection::vec((0i64..60, 0i64..60), 0..6)) {
            let others: Vec<Receipt> = rs.iter().map(|&(d, r)| receipt(d, r)).collect();
            match message_state(seq, &others) {
                MessageState::Read => prop_assert!(others.iter().all(|r| r.read_seq >= seq)),
                MessageState::Delivered => prop_assert!(others.iter().all(|r| r.delivered_seq >= seq || r.read_seq >= seq)),
                _ => {}
            }
        }
    }
}
