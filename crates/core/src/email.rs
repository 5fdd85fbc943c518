//! E-mail addresses: a pragmatic subset of RFC 5321 that real mail systems accept.

use std::fmt;

/// A syntactically valid e-mail address; the domain is lower-cased.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    address: String,
    at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid e-mail address")]
pub struct InvalidEmailAddress;

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, InvalidEmailAddress> {
        let s = input.trim();
        if s.len() > 254 {
            return Err(InvalidEmailAddress);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(InvalidEmailAddress)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if !local_ok {
            return Err(InvalidEmailAddress);
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !domain_ok {
            return Err(InvalidEmailAddress);
        }
        Ok(Self { at: local.len(), address: format!("{local}@{domain}") })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The lower-cased domain part, e.g. `example.com`.
    pub fn domain(&self) -> &str {
        &self.address[self.at + 1..]
    }

    /// The address compared case-insensitively, as used for uniqueness.
    pub fn canonical(&self) -> String {
        self.address.to_lowercase()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lowercases_domain() {
        let e = EmailAddress::parse("  Jane.Doe+x@Mail.Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Jane.Doe+x@mail.example.com");
        assert_eq!(e.domain(), "mail.example.com");
        assert_eq!(e.canonical(), "jane.doe+x@mail.example.com");
    }

    #[test]
    fn refuses_malformed() {
        for bad in [
            "",
            "a",
            "a@",
            "@b.com",
            "a@b",
            "a@b.c",
            "a b@c.com",
            "a@-b.com",
            "a..b@c.com",
            "a@b..com",
            ".a@b.com",
            "a@b.c0m",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_is_idempotent(s in "\\PC{0,60}") {
            if let Ok(e) = EmailAddress::parse(&s) {
                proptest::prop_assert_eq!(EmailAddress::parse(e.as_str()).unwrap(), e.clone());
            }
        }
    }
}
