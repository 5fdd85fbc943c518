//! Hostile input against every parser a request goes through (SPEC §13): whatever the text —
//! control characters, NUL, zero-width and right-to-left marks, combining marks, long runs —
//! parsing never panics, and what it accepts is safe to store (no NUL, no control character
//! outside the line breaks of a message) and parses again to itself.

use parley_core::chat::{ClientMessageId, MessageBody, MESSAGE_MAX_CHARS};
use parley_core::sharing::{parse_key_link, KeyCode, KeyDetails};
use parley_core::{EmailAddress, PersonName, PhoneNumber};
use proptest::prelude::*;

/// Text as an attacker writes it: any Unicode, biased to the characters that break things.
fn hostile() -> impl Strategy<Value = String> {
    let nasty = prop::sample::select(vec![
        '\0',
        '\u{1}',
        '\u{7}',
        '\u{1b}',
        '\u{7f}',
        '\u{85}',
        '\u{200b}',
        '\u{200d}',
        '\u{200e}',
        '\u{202e}',
        '\u{2028}',
        '\u{fe0f}',
        '\u{feff}',
        '\u{fffd}',
        '\u{301}',
        '\u{10ffff}',
        '\n',
        '\r',
        '\t',
        ' ',
        '@',
        '+',
        '-',
        '.',
        '%',
        '\\',
        '"',
        '\'',
        '<',
        '>',
        '0',
        '1',
        '9',
        'a',
        'Z',
        'é',
        '東',
        '😀',
    ]);
    prop_oneof![
        prop::collection::vec(nasty, 0..40).prop_map(|cs| cs.into_iter().collect()),
        "\\PC{0,80}",
        any::<String>(),
    ]
}

fn no_control(s: &str, line_breaks_allowed: bool) -> bool {
    !s.chars().any(|c| c.is_control() && !(line_breaks_allowed && matches!(c, '\n' | '\r' | '\t')))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn phone_numbers(s in hostile()) {
        if let Ok(p) = PhoneNumber::parse(&s) {
            prop_assert!(p.as_str().starts_with('+') && p.as_str()[1..].chars().all(|c| c.is_ascii_digit()));
            prop_assert_eq!(PhoneNumber::parse(p.as_str()).map(|q| q.as_str().to_owned()), Ok(p.as_str().to_owned()));
        }
    }

    #[test]
    fn email_addresses(s in hostile()) {
        if let Ok(e) = EmailAddress::parse(&s) {
            prop_assert!(no_control(e.as_str(), false) && !e.as_str().chars().any(char::is_whitespace));
            prop_assert_eq!(EmailAddress::parse(e.as_str()).map(|f| f.canonical()), Ok(e.canonical()));
        }
    }

    #[test]
    fn names(s in hostile()) {
        if let Ok(n) = PersonName::parse(&s) {
            prop_assert!(no_control(n.as_str(), false) && !n.as_str().trim().is_empty());
        }
    }

    #[test]
    fn message_bodies(s in hostile()) {
        if let Ok(b) = MessageBody::parse(&s) {
            prop_assert!(no_control(b.as_str(), true));
            prop_assert!(parley_core::text::has_visible(b.as_str()));
            prop_assert!(b.as_str().chars().count() <= MESSAGE_MAX_CHARS);
            prop_assert_eq!(MessageBody::parse(b.as_str()).map(|c| c.as_str().to_owned()), Ok(b.as_str().to_owned()));
        }
    }

    #[test]
    fn client_message_ids(s in hostile()) {
        if let Ok(id) = ClientMessageId::parse(&s) {
            prop_assert!(id.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
    }

    #[test]
    fn key_codes_and_links(s in hostile()) {
        if let Ok(code) = KeyCode::parse(&s) {
            prop_assert!(code.display().is_ascii());
            prop_assert_eq!(KeyCode::parse(&code.display()).map(|c| c.display()), Ok(code.display()));
        }
        let _ = parse_key_link(&s);
    }

    #[test]
    fn key_details(name in hostile(), description in hostile(), comments in hostile(), days in any::<Option<u32>>()) {
        if let Ok(d) = KeyDetails::parse(&name, &description, &comments, days) {
            prop_assert!(no_control(&d.person_name, false) && no_control(&d.description, false));
            prop_assert!(no_control(&d.comments, true));
            prop_assert!(!d.person_name.is_empty());
        }
    }
}
