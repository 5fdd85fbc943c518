//! Activation codes (SPEC §4): six digits from a CSPRNG, stored only as a keyed hash, single
//! use, bound to one account, expiring, at most [`MAX_TRIES_PER_CODE`] wrong tries each, and
//! an account-wide failure budget that survives new codes.
//!
//! The odds bar of SPEC §13: with at most [`MAX_FAILED_PER_ACCOUNT`] wrong tries in any 24 h
//! against 10^6 codes, a guesser's daily odds are 20 / 1,000,000 = 1 in 50,000.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use std::fmt;

pub const CODE_DIGITS: usize = 6;
/// Validity of a code sent with an invitation or by an admin (organisation setting default).
pub const DEFAULT_VALIDITY_MS: i64 = 48 * HOUR_MS;
/// Validity of a code asked for with *New User* on the login screen.
pub const NEW_USER_VALIDITY_MS: i64 = 15 * MINUTE_MS;
/// Wrong tries after which a code is dead.
pub const MAX_TRIES_PER_CODE: u32 = 5;
/// Wrong tries per account in any trailing [`FAILURE_WINDOW_MS`], across codes.
pub const MAX_FAILED_PER_ACCOUNT: u32 = 20;
pub const FAILURE_WINDOW_MS: i64 = 24 * HOUR_MS;
/// Minimum time an account refuses codes once its failure budget is spent.
pub const LOCKOUT_MS: i64 = HOUR_MS;
/// *New User* requests allowed per phone number per [`THROTTLE_WINDOW_MS`].
pub const MAX_CODE_REQUESTS_PER_NUMBER: u32 = 5;
/// Code requests and login attempts allowed per client address per [`THROTTLE_WINDOW_MS`].
pub const MAX_REQUESTS_PER_ADDRESS: u32 = 60;
/// Login attempts allowed per phone number per [`THROTTLE_WINDOW_MS`] (known or not, so the
/// answer never tells whether the number exists).
pub const MAX_LOGINS_PER_NUMBER: u32 = 10;
pub const THROTTLE_WINDOW_MS: i64 = 10 * MINUTE_MS;

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;

/// A six-digit activation code. Its `Debug` never prints the digits.
#[derive(Clone, PartialEq, Eq)]
pub struct ActivationCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an activation code is six digits")]
pub struct InvalidCodeFormat;

impl ActivationCode {
    /// A fresh code from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let n: u32 = rand::rngs::OsRng.gen_range(0..1_000_000);
        Self(format!("{n:06}"))
    }

    /// Reads a code as typed: spaces and dashes between digits are ignored.
    pub fn parse(input: &str) -> Result<Self, InvalidCodeFormat> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() == CODE_DIGITS && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(InvalidCodeFormat)
        }
    }

    /// The digits, for the message that carries the code to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Keyed hash bound to the account: a code issued for one account never matches another.
    pub fn keyed_hash(&self, key: &[u8], account_id: &str) -> String {
        hex::encode(mac(key, account_id, &self.0).finalize().into_bytes())
    }

    /// Constant-time comparison with a stored [`Self::keyed_hash`].
    pub fn matches(&self, key: &[u8], account_id: &str, stored_hash: &str) -> bool {
        match hex::decode(stored_hash) {
            Ok(bytes) => mac(key, account_id, &self.0).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

fn mac(key: &[u8], account_id: &str, code: &str) -> Hmac<Sha256> {
    #[allow(clippy::expect_used)] // HMAC accepts keys of any length
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("hmac takes any key length");
    m.update(account_id.as_bytes());
    m.update(b":");
    m.update(code.as_bytes());
    m
}

impl fmt::Debug for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActivationCode(******)")
    }
}

/// Where a stored code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Live,
    Used,
    Expired,
    /// Too many wrong tries: dead for good.
    Exhausted,
}

pub fn code_state(used: bool, wrong_tries: u32, expires_at_ms: i64, now_ms: i64) -> CodeState {
    if used {
        CodeState::Used
    } else if wrong_tries >= MAX_TRIES_PER_CODE {
        CodeState::Exhausted
    } else if now_ms >= expires_at_ms {
        CodeState::Expired
    } else {
        CodeState::Live
    }
}

/// Until when an account refuses codes, given the instants of its recent failed tries.
///
/// Once [`MAX_FAILED_PER_ACCOUNT`] tries failed within [`FAILURE_WINDOW_MS`], codes are
/// refused for [`LOCKOUT_MS`] (one hour) after the last failure (SPEC §4). A try after that
/// hour that fails again, while the day still holds that many, locks for another hour: at most
/// [`MAX_GUESSES_PER_DAY`] wrong tries reach an account's codes in any 24 hours.
pub fn lockout_until(failures_ms: &[i64], now_ms: i64) -> Option<i64> {
    let recent = failures_ms.iter().copied().filter(|t| *t > now_ms - FAILURE_WINDOW_MS && *t <= now_ms);
    if recent.clone().count() < MAX_FAILED_PER_ACCOUNT as usize {
        return None;
    }
    let until = recent.max()? + LOCKOUT_MS;
    (until > now_ms).then_some(until)
}

/// The most wrong tries an account's codes can take in any 24 hours: the 20 before the first
/// lockout, then one an hour.
pub const MAX_GUESSES_PER_DAY: u32 = MAX_FAILED_PER_ACCOUNT + (FAILURE_WINDOW_MS / LOCKOUT_MS) as u32;

/// How many codes can be live for one account at once: issuing a code ends the earlier ones.
pub const LIVE_CODES_PER_ACCOUNT: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test-key";

    #[test]
    fn generated_codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| ActivationCode::generate().expose().to_owned()).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.chars().all(|d| d.is_ascii_digit())));
        assert!(codes.len() > 190, "a CSPRNG should rarely repeat in 200 draws");
    }

    #[test]
    fn parse_accepts_typed_forms_only() {
        assert_eq!(ActivationCode::parse("123 456").unwrap().expose(), "123456");
        assert_eq!(ActivationCode::parse("123-456").unwrap().expose(), "123456");
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert!(ActivationCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hash_is_keyed_and_bound_to_account() {
        let code = ActivationCode::parse("123456").unwrap();
        let h = code.keyed_hash(KEY, "acc-1");
        assert!(!h.contains("123456"));
        assert!(code.matches(KEY, "acc-1", &h));
        assert!(!code.matches(KEY, "acc-2", &h), "bound to its account");
        assert!(!code.matches(b"other-key", "acc-1", &h), "keyed");
        assert!(!ActivationCode::parse("123457").unwrap().matches(KEY, "acc-1", &h));
        assert!(!code.matches(KEY, "acc-1", "not-hex"));
    }

    #[test]
    fn debug_hides_the_digits() {
        assert!(!format!("{:?}", ActivationCode::parse("987654").unwrap()).contains("987654"));
    }

    #[test]
    fn code_state_table() {
        let now = 1_000_000;
        assert_eq!(code_state(false, 0, now + 1, now), CodeState::Live);
        assert_eq!(code_state(false, 4, now + 1, now), CodeState::Live);
        assert_eq!(code_state(false, 5, now + 1, now), CodeState::Exhausted);
        assert_eq!(code_state(false, 0, now, now), CodeState::Expired);
        assert_eq!(code_state(true, 0, now + 1, now), CodeState::Used);
    }

    #[test]
    fn lockout_after_twenty_failures_in_a_day() {
        let now = 10 * FAILURE_WINDOW_MS;
        let nineteen: Vec<i64> = (0..19).map(|i| now - i * MINUTE_MS).collect();
        assert_eq!(lockout_until(&nineteen, now), None);
        let mut twenty = nineteen.clone();
        twenty.push(now - 19 * MINUTE_MS);
        let until = lockout_until(&twenty, now).unwrap();
        assert_eq!(until, now + LOCKOUT_MS, "an hour after the last failure, not a day");
        assert_eq!(lockout_until(&twenty, now + LOCKOUT_MS), None, "over after the hour");
        let mut again = twenty.clone();
        again.push(now + LOCKOUT_MS);
        assert_eq!(
            lockout_until(&again, now + LOCKOUT_MS),
            Some(now + 2 * LOCKOUT_MS),
            "the next failure that day locks for another hour"
        );
        // Failures older than a day do not count.
        let old: Vec<i64> = (0..40).map(|i| now - FAILURE_WINDOW_MS - i).collect();
        assert_eq!(lockout_until(&old, now), None);
    }

    proptest::proptest! {
        /// Whatever the pattern of tries, if every try is refused while locked, no trailing
        /// 24 h window ever holds more than MAX_GUESSES_PER_DAY failures.
        #[test]
        fn never_more_guesses_a_day_than_the_bound(gaps in proptest::collection::vec(0i64..2 * HOUR_MS, 1..200)) {
            let mut now = 0;
            let mut failures: Vec<i64> = Vec::new();
            for g in gaps {
                now += g;
                if lockout_until(&failures, now).is_none() {
                    failures.push(now);
                }
                let in_window = failures.iter().filter(|t| **t > now - FAILURE_WINDOW_MS).count();
                proptest::prop_assert!(in_window <= MAX_GUESSES_PER_DAY as usize);
            }
        }
    }

    /// SPEC §13: a guesser's odds stay below 1 in 10,000 a day per account. Each wrong try hits
    /// one of the 10^6 codes; at most LIVE_CODES_PER_ACCOUNT are live, and at most
    /// MAX_GUESSES_PER_DAY tries a day reach them.
    #[test]
    fn a_guessers_odds_stay_below_one_in_ten_thousand_a_day() {
        let codes = 10u64.pow(CODE_DIGITS as u32);
        let hits = u64::from(MAX_GUESSES_PER_DAY) * u64::from(LIVE_CODES_PER_ACCOUNT);
        assert!(hits * 10_000 < codes, "{hits} tries in {codes} codes");
    }
}
