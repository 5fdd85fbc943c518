//! Phone numbers, always held in E.164 form (`+442079460958`).

use std::fmt;

/// A valid international phone number in E.164 form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    /// For people: `+44 20 7946 0958`.
    international: String,
    calling_code: u16,
}

/// Why a phone number was refused. Users see [`crate::ErrorCode::InvalidFormat`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid phone number")]
pub struct InvalidPhoneNumber;

impl PhoneNumber {
    /// Parses an international number (`+` and the calling code first). Spaces, dots, dashes
    /// and parentheses are allowed between digits, as people type them.
    pub fn parse(input: &str) -> Result<Self, InvalidPhoneNumber> {
        let trimmed = input.trim();
        if !trimmed.starts_with('+') || trimmed.len() > 32 {
            return Err(InvalidPhoneNumber);
        }
        if !trimmed[1..].chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')')) {
            return Err(InvalidPhoneNumber);
        }
        let parsed = phonenumber::parse(None, trimmed).map_err(|_| InvalidPhoneNumber)?;
        if !phonenumber::is_valid(&parsed) {
            return Err(InvalidPhoneNumber);
        }
        Ok(Self {
            e164: parsed.format().mode(phonenumber::Mode::E164).to_string(),
            international: parsed.format().mode(phonenumber::Mode::International).to_string(),
            calling_code: parsed.code().value(),
        })
    }

    /// Parses a number typed as a calling code picked from a list (`"+44"` or `"44"`) and the
    /// national part typed beside it.
    pub fn from_parts(calling_code: &str, national: &str) -> Result<Self, InvalidPhoneNumber> {
        let code = calling_code.trim().trim_start_matches('+');
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidPhoneNumber);
        }
        Self::parse(&format!("+{code} {}", national.trim()))
    }

    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// The number as people read it, e.g. `+44 20 7946 0958`.
    pub fn international(&self) -> &str {
        &self.international
    }

    /// Reads the numbering plans now (the first number parsed reads them, which takes tens of
    /// milliseconds): a start-up calls it off the path of its first screen.
    pub fn warm_up() {
        let _ = Self::parse("+12015550100");
    }

    /// How to show a stored E.164 number; falls back to the stored text.
    pub fn display(e164: &str) -> String {
        Self::parse(e164).map(|p| p.international).unwrap_or_else(|_| e164.to_owned())
    }

    /// The E.164 country calling code, e.g. `44` for the United Kingdom.
    pub fn calling_code(&self) -> u16 {
        self.calling_code
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.e164)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_to_e164() {
        let n = PhoneNumber::parse("+44 20 7946 0958").unwrap();
        assert_eq!(n.as_str(), "+442079460958");
        assert_eq!(n.calling_code(), 44);
        assert_eq!(n.international(), "+44 20 7946 0958");
        assert_eq!(PhoneNumber::display("+12015550123"), "+1 201-555-0123");
        assert_eq!(PhoneNumber::display("not a number"), "not a number");
        let us = PhoneNumber::parse("+1 (201) 555-0123").unwrap();
        assert_eq!(us.as_str(), "+12015550123");
        assert_eq!(us.calling_code(), 1);
    }

    #[test]
    fn from_parts_joins_picker_and_number() {
        let n = PhoneNumber::from_parts("+33", "6 12 34 56 78").unwrap();
        assert_eq!(n.as_str(), "+33612345678");
        assert_eq!(PhoneNumber::from_parts("33", "612345678").unwrap(), n);
    }

    #[test]
    fn refuses_bad_input() {
        for bad in ["", "12345", "+", "+44", "+44 abc", "+1 201 555 01234567", "0044 20 7946 0958", "+999 123456"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(PhoneNumber::from_parts("", "2079460958").is_err());
        assert!(PhoneNumber::from_parts("+4x", "2079460958").is_err());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_and_roundtrips(s in "\\PC{0,40}") {
            if let Ok(n) = PhoneNumber::parse(&s) {
                proptest::prop_assert_eq!(PhoneNumber::parse(n.as_str()).unwrap(), n.clone());
                proptest::prop_assert!(n.as_str().starts_with('+'));
            }
        }
    }
}
