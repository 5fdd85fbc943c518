//! Free text from users: what may be in it and when it says nothing. Control characters other
//! than line breaks and tabs are refused (NUL among them, which PostgreSQL refuses in text);
//! a text made only of whitespace and invisible characters (zero-width spaces and joiners,
//! direction marks, the byte-order mark, fillers) is empty.

use crate::ErrorCode;

/// Whether `c` shows nothing on screen.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// Whether a text has at least one character that shows.
pub fn has_visible(s: &str) -> bool {
    s.chars().any(|c| !is_invisible(c) && !c.is_control())
}

/// Whether a text holds a control character that is not a line break or a tab (only a
/// multi-line text may hold those).
pub fn has_forbidden_control(s: &str, multi_line: bool) -> bool {
    s.chars().any(|c| c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
}

/// An optional one-line text (a group's name, a key's description): trimmed; `None` when it
/// shows nothing; refused with a control character or more than `max` characters.
pub fn optional_line(s: &str, max: usize) -> Result<Option<String>, ErrorCode> {
    optional(s, max, false)
}

/// An optional multi-line text (comments, an invitation's details): as [`optional_line`],
/// with line breaks and tabs allowed.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, ErrorCode> {
    optional(s, max, true)
}

fn optional(s: &str, max: usize, multi_line: bool) -> Result<Option<String>, ErrorCode> {
    if has_forbidden_control(s, multi_line) {
        return Err(ErrorCode::InvalidFormat);
    }
    let s = s.trim();
    if s.chars().count() > max {
        return Err(ErrorCode::TooLong);
    }
    Ok(has_visible(s).then(|| s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_texts_are_empty() {
        for blank in ["", "   ", "\u{200B}\u{200B}", "\u{FEFF}", " \u{2060}\u{200D} ", "\u{3164}", "\n\t"] {
            assert!(!has_visible(blank), "{blank:?}");
            assert_eq!(optional_text(blank, 10), Ok(None), "{blank:?}");
        }
        assert!(has_visible("a\u{200B}"));
        assert!(has_visible("👍🏽"), "an emoji with its modifier shows");
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_in_multi_line_text() {
        assert_eq!(optional_line("a\u{0}b", 10), Err(ErrorCode::InvalidFormat));
        assert_eq!(optional_line("a\nb", 10), Err(ErrorCode::InvalidFormat));
        assert_eq!(optional_text("a\nb\tc", 10), Ok(Some("a\nb\tc".to_owned())));
        assert_eq!(optional_text("a\u{0}", 10), Err(ErrorCode::InvalidFormat));
        assert_eq!(optional_text("\u{1b}[31m", 10), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn lengths_count_characters_after_trimming() {
        assert_eq!(optional_line("  éé  ", 2), Ok(Some("éé".to_owned())));
        assert_eq!(optional_line("ééé", 2), Err(ErrorCode::TooLong));
    }

    proptest::proptest! {
        /// Whatever the input, what is accepted holds no NUL and shows something.
        #[test]
        fn accepted_text_has_no_nul_and_shows(s in "\\PC*|[\\x00-\\x1f\\u{200b}\\u{feff} a]{0,12}") {
            if let Ok(Some(t)) = optional_text(&s, 1000) {
                proptest::prop_assert!(!t.contains('\0') && has_visible(&t));
            }
        }
    }
}
