//! Sharing a conversation (SPEC §10.1): external keys — the code, its link, what the owner
//! writes on it and how long it lives. The server issues and redeems keys with these; the
//! desktop client reads the links it is opened with.

use crate::error::ErrorCode;
use crate::wire::ApiError;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

/// Letters and digits that cannot be mistaken for one another when read aloud or copied.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 12 characters of 31: about 59 bits, and redemption is throttled per address.
const CODE_LEN: usize = 12;

pub const KEY_DEFAULT_VALID_DAYS: u32 = 7;
pub const KEY_MAX_VALID_DAYS: u32 = 30;
pub const DAY_MS: i64 = 24 * 3600 * 1000;
pub const KEY_NAME_MAX_CHARS: usize = 100;
pub const KEY_DESCRIPTION_MAX_CHARS: usize = 200;
pub const KEY_COMMENTS_MAX_CHARS: usize = 1000;

/// The scheme the desktop app registers for its links.
pub const LINK_SCHEME: &str = "parley";

/// An external key's code, e.g. `K7QM-R2XD-9HPA`. Never stored: the server keeps a keyed hash.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyCode(String);

impl std::fmt::Debug for KeyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCode(…)")
    }
}

impl KeyCode {
    pub fn generate() -> Self {
        let mut rng = rand::rngs::OsRng;
        Self((0..CODE_LEN).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect())
    }

    /// Accepts what people paste or type: any case, with or without dashes and spaces.
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let code: String =
            input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(code))
        } else {
            Err(ErrorCode::InvalidFormat)
        }
    }

    /// Grouped by four for reading: `K7QM-R2XD-9HPA`.
    pub fn display(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }

    /// What the database keeps (HMAC-SHA256 under the server's key), so a stolen database
    /// yields no usable key.
    pub fn keyed_hash(&self, key: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(b"conversation-key:");
        mac.update(self.0.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// What the owner writes on a key, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDetails {
    pub person_name: String,
    pub description: String,
    pub comments: String,
    pub valid_days: u32,
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

impl KeyDetails {
    /// Every error, each on its field.
    pub fn parse(
        person_name: &str,
        description: &str,
        comments: &str,
        valid_days: Option<u32>,
    ) -> Result<Self, Vec<ApiError>> {
        let (person_name, description, comments) = (person_name.trim(), description.trim(), comments.trim());
        let mut errors = Vec::new();
        for (field, text, multi_line) in
            [("person_name", person_name, false), ("description", description, false), ("comments", comments, true)]
        {
            if crate::text::has_forbidden_control(text, multi_line) {
                errors.push(ApiError::on_field(ErrorCode::InvalidFormat, field));
            }
        }
        let person_name = if crate::text::has_visible(person_name) { person_name } else { "" };
        if person_name.is_empty() {
            errors.push(ApiError::on_field(ErrorCode::Required, "person_name"));
        } else if too_long(person_name, KEY_NAME_MAX_CHARS) {
            errors.push(ApiError::on_field(ErrorCode::TooLong, "person_name"));
        }
        if too_long(description, KEY_DESCRIPTION_MAX_CHARS) {
            errors.push(ApiError::on_field(ErrorCode::TooLong, "description"));
        }
        if too_long(comments, KEY_COMMENTS_MAX_CHARS) {
            errors.push(ApiError::on_field(ErrorCode::TooLong, "comments"));
        }
        let valid_days = valid_days.unwrap_or(KEY_DEFAULT_VALID_DAYS);
        if !(1..=KEY_MAX_VALID_DAYS).contains(&valid_days) {
            errors.push(
                ApiError::with_message(ErrorCode::InvalidFormat, "A key is valid for 1 to 30 days.")
                    .field("valid_days"),
            );
        }
        if errors.is_empty() {
            Ok(Self {
                person_name: person_name.into(),
                description: description.into(),
                comments: comments.into(),
                valid_days,
            })
        } else {
            Err(errors)
        }
    }
}

/// Whether a key can still be redeemed.
pub fn key_redeemable(status: &str, expires_at: i64, now: i64) -> bool {
    status == "active" && now < expires_at
}

/// The link that opens the desktop app on the redeem form: `parley://redeem?server=…&code=…`.
pub fn key_link(server_url: &str, code: &KeyCode) -> String {
    format!("{LINK_SCHEME}://redeem?server={}&code={}", encode(server_url), code.display())
}

/// The server and code of a key link, if `url` is one.
pub fn parse_key_link(url: &str) -> Option<(String, KeyCode)> {
    let rest = url.trim().strip_prefix(&format!("{LINK_SCHEME}://redeem"))?;
    let query = rest.strip_prefix('?').or_else(|| rest.strip_prefix("/?"))?;
    let (mut server, mut code) = (None, None);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=')?;
        match k {
            "server" => server = Some(decode(v)?),
            "code" => code = KeyCode::parse(&decode(v)?).ok(),
            _ => {}
        }
    }
    Some((server?, code?))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_read_forgivingly_and_hashed_with_the_key() {
        let code = KeyCode::generate();
        let shown = code.display();
        assert_eq!(shown.len(), 14);
        assert_eq!(KeyCode::parse(&shown.to_lowercase().replace('-', " ")).unwrap(), code);
        assert_eq!(KeyCode::parse("K7QM-R2XD-9HPO").unwrap_err(), ErrorCode::InvalidFormat, "O is not in the alphabet");
        assert!(KeyCode::parse("K7QM-R2XD").is_err());
        assert_ne!(code.keyed_hash(b"a"), code.keyed_hash(b"b"));
        assert_eq!(format!("{code:?}"), "KeyCode(…)", "never printed");
    }

    #[test]
    fn details_are_checked_field_by_field() {
        let ok = KeyDetails::parse(" Pat Partner ", "Supplier audit", "", None).unwrap();
        assert_eq!((ok.person_name.as_str(), ok.valid_days), ("Pat Partner", KEY_DEFAULT_VALID_DAYS));
        let errors = KeyDetails::parse(" ", &"d".repeat(201), &"c".repeat(1001), Some(31)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_deref().unwrap(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("person_name", ErrorCode::Required),
                ("description", ErrorCode::TooLong),
                ("comments", ErrorCode::TooLong),
                ("valid_days", ErrorCode::InvalidFormat)
            ]
        );
    }

    #[test]
    fn keys_expire_and_are_used_once() {
        assert!(key_redeemable("active", 1000, 999));
        assert!(!key_redeemable("active", 1000, 1000));
        assert!(!key_redeemable("redeemed", 1000, 0));
        assert!(!key_redeemable("revoked", 1000, 0));
    }

    #[test]
    fn links_carry_the_server_and_the_code() {
        let code = KeyCode::parse("K7QMR2XD9HPA").unwrap();
        let link = key_link("https://chat.example.com:8443/parley", &code);
        assert_eq!(link, "parley://redeem?server=https%3A%2F%2Fchat.example.com%3A8443%2Fparley&code=K7QM-R2XD-9HPA");
        assert_eq!(parse_key_link(&link), Some(("https://chat.example.com:8443/parley".into(), code)));
        assert_eq!(parse_key_link("parley://other?x=1"), None);
        assert_eq!(parse_key_link("parley://redeem?server=x"), None);
        assert_eq!(parse_key_link("https://redeem?server=x&code=K7QMR2XD9HPA"), None);
    }

    proptest! {
        #[test]
        fn any_server_url_round_trips(url in "[ -~]{1,80}") {
            let code = KeyCode::generate();
            prop_assert_eq!(parse_key_link(&key_link(&url, &code)), Some((url, code)));
        }
    }
}
