//! A secret (the code-hashing key, SMTP credentials, the SMS gateway's token) behind a type
//! that never prints it: `Debug` and `Display` say `[redacted]`; [`Secret::expose`] is the one
//! way to the value, at the point of use.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Read from the command line or the environment.
impl FromStr for Secret<String> {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// A key's bytes, where the code-hashing functions take a slice.
impl std::ops::Deref for Secret<Vec<u8>> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_printed() {
        let s: Secret<String> = "smtp://user:hunter2@mail".parse().expect("parse");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        assert_eq!(format!("{:?}", Some(Secret::new(vec![1u8, 2]))), "Some([redacted])");
        assert_eq!(s.expose(), "smtp://user:hunter2@mail");
    }
}
