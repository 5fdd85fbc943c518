//! Administration of guests (SPEC §8), the activity report (SPEC §9) and the users list of the
//! settings screen (SPEC §3): the queries, the rows, and the rules both sides apply — when a
//! search starts, page and batch limits, report months and the report's CSV form.

use crate::role::{AccountStatus, Role};
use crate::time::{format_utc, month_start_ms, utc_date};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

/// A search applies from this many typed characters on (SPEC §8).
pub const SEARCH_MIN_CHARS: usize = 2;
/// The most rows one page carries.
pub const PAGE_MAX: u32 = 200;
/// The most guests one Incorporate or Delete acts on.
pub const BATCH_MAX: usize = 500;

/// The search term to apply: trimmed and lower-cased, or `None` (no filter) while it has
/// fewer than [`SEARCH_MIN_CHARS`] characters.
pub fn search_term(typed: &str) -> Option<String> {
    // Control characters never match a name and PostgreSQL refuses NUL in text.
    let cleaned: String = typed.chars().filter(|c| !c.is_control()).collect();
    let t = cleaned.trim();
    (t.chars().count() >= SEARCH_MIN_CHARS).then(|| t.to_lowercase())
}

/// The digits of a search term when it reads as (part of) a phone number — `+44 20`, `0795` —
/// so it can match a stored E.164 number whatever spacing was typed.
pub fn phone_digits(term: &str) -> Option<String> {
    let looks_like_phone = term.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits: String = term.chars().filter(char::is_ascii_digit).collect();
    (looks_like_phone && digits.len() >= SEARCH_MIN_CHARS).then_some(digits)
}

/// Lower-cased words of letters and digits: what a guest is found by, and what a search types.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// The shortest ending of a number that is a word of its own (see [`guest_search_text`]).
const NUMBER_ENDING_MIN: usize = 2;

/// What the guests search looks in (SPEC §8: names, user ID, inviter), as space-separated
/// words: the guest's and the inviter's names, and every ending of the guest's number's digits
/// from two digits on, so a number is found from any part of it (`7946 0712` finds
/// +44 20 7946 0712). The server stores it and indexes its words.
pub fn guest_search_text(
    guest_first: &str,
    guest_last: &str,
    guest_phone: &str,
    inviter_first: &str,
    inviter_last: &str,
) -> String {
    let mut out: Vec<String> = words(guest_first).chain(words(guest_last)).collect();
    let digits: String = guest_phone.chars().filter(char::is_ascii_digit).collect();
    out.extend((0..=digits.len().saturating_sub(NUMBER_ENDING_MIN)).map(|i| digits[i..].to_owned()));
    out.extend(words(inviter_first).chain(words(inviter_last)));
    out.join(" ")
}

/// The words of a search: each must begin a word of the guest's [`guest_search_text`], in any
/// order. `None` while no search applies (under [`SEARCH_MIN_CHARS`]); an empty list for a
/// search with no letter or digit, which matches nobody. A number typed with spaces or dashes
/// is one word of digits.
pub fn query_words(typed: &str) -> Option<Vec<String>> {
    let term = search_term(typed)?;
    Some(match phone_digits(&term) {
        Some(digits) => vec![digits],
        None => words(&term).collect(),
    })
}

/// Whether a guest with this search text matches the query words (the rule the database
/// indexes answer; here for tests and as its one statement).
pub fn search_matches(search_text: &str, query: &[String]) -> bool {
    !query.is_empty() && query.iter().all(|q| search_text.split(' ').any(|w| w.starts_with(q.as_str())))
}

/// A search matching more guests than this shows "1,000+": counting every match of a broad
/// search would read the whole list on every keystroke.
pub const MATCHES_COUNT_MAX: u32 = 1000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GuestStatusFilter {
    #[default]
    All,
    /// Invited, not activated yet (SPEC §7.6).
    Pending,
    Active,
}

/// The columns of the guests list one can sort on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GuestSort {
    FirstName,
    LastName,
    UserId,
    InvitedBy,
    #[default]
    InvitedAt,
    Group,
    Status,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

/// `GET /api/v1/admin/guests`: one page of the guests the admin manages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
#[ts(export)]
pub struct GuestsQuery {
    /// Matches first and last name, user ID (phone) and inviter; ignored under two characters.
    pub search: String,
    pub status: GuestStatusFilter,
    /// Only guests without a sponsor (suspended, SPEC §11.1).
    pub without_sponsor: bool,
    pub sort: GuestSort,
    pub direction: SortDirection,
    #[param(minimum = 0, maximum = 4294967295_u64)]
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub offset: u32,
    /// At most [`PAGE_MAX`] (a larger one is read as the largest); 0 means the default page size.
    #[param(minimum = 0, maximum = 4294967295_u64)]
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub limit: u32,
}

/// One line of the guests list (SPEC §8 columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GuestRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    /// The user ID: the phone number in E.164 form.
    pub phone: String,
    pub phone_display: String,
    pub email: Option<String>,
    pub invited_by_id: String,
    /// The inviter's name (their phone number if they have no name yet).
    pub invited_by_name: String,
    #[ts(type = "number")]
    pub invited_at: i64,
    pub department_id: String,
    pub department_name: String,
    /// The group conversation the guest was invited into, if any.
    pub group_name: Option<String>,
    /// Pending (not activated yet) or active.
    pub status: AccountStatus,
    /// Reminders sent so far for a pending invitation.
    pub reminders_sent: u32,
    /// The guest's sponsor (SPEC §11.1); none while suspended.
    pub sponsor_id: Option<String>,
    /// The sponsor's name (their phone number if they have no name yet).
    pub sponsor_name: Option<String>,
    /// Suspended (no sponsor: cannot log in) or awaiting its inviter's confirmation.
    pub access: crate::guest_access::GuestAccess,
    /// When the guest's access ends (Unix ms), if it does.
    #[ts(type = "number | null")]
    pub access_ends_at: Option<i64>,
}

/// `POST /api/v1/admin/guests/sponsor`: the selected guests get `sponsor_id` as their sponsor
/// (an admin taking them over names themselves).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct SponsorChange {
    pub guest_ids: Vec<String>,
    pub sponsor_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GuestsPage {
    /// The counter *Guests created N*: every guest the admin manages, whatever the filters.
    pub created: u32,
    /// How many guests match the search and filter; at most [`MATCHES_COUNT_MAX`] for a search,
    /// see `total_is_lower_bound`.
    pub total: u32,
    /// `total` is a lower bound: the search matches more than [`MATCHES_COUNT_MAX`] guests.
    #[serde(default)]
    pub total_is_lower_bound: bool,
    pub offset: u32,
    pub rows: Vec<GuestRow>,
}

/// `POST /api/v1/admin/guests/incorporate` and `…/delete`: the selected guests.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GuestSelection {
    pub guest_ids: Vec<String>,
}

/// How many guests an Incorporate or Delete changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GuestsChanged {
    pub count: u32,
}

/// `PUT /api/v1/admin/guests/{id}`: corrected details of a pending invitation (SPEC §7.6),
/// checked by the same rules as the invitation form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct AmendGuestRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub last_name: String,
    #[schema(min_length = 3, max_length = 254, pattern = r"^[^@\s]+@[^@\s]+$")]
    pub email: String,
    /// International format, e.g. `+44 20 7946 0958`.
    #[schema(min_length = 3, max_length = 40, pattern = r"^[+0-9 ().\-]+$")]
    pub phone: String,
}

/// What the activity report records (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActivityAction {
    Invitation,
    Incorporation,
    Deletion,
    /// The guest's sponsor left or lost the right (SPEC §11.1); the actor is who caused it.
    Suspension,
    /// Someone became the guest's sponsor; the actor is who did it.
    TakeOver,
    /// The inviter confirmed the activation ("Is this your guest?").
    Confirmation,
    /// The inviter said *Not my guest*: the guest's access was deleted.
    Rejection,
    /// The guest's access reached its end (its date, or its conversation ended).
    Expiry,
    /// The guest's access was extended; the actor is who did it.
    Extension,
}

impl ActivityAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Incorporation => "incorporation",
            Self::Deletion => "deletion",
            Self::Suspension => "suspension",
            Self::TakeOver => "take_over",
            Self::Confirmation => "confirmation",
            Self::Rejection => "rejection",
            Self::Expiry => "expiry",
            Self::Extension => "extension",
        }
    }
    pub fn from_db(s: &str) -> Option<Self> {
        [
            Self::Invitation,
            Self::Incorporation,
            Self::Deletion,
            Self::Suspension,
            Self::TakeOver,
            Self::Confirmation,
            Self::Rejection,
            Self::Expiry,
            Self::Extension,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
    /// The word shown in the report.
    pub fn label(self) -> &'static str {
        match self {
            Self::Invitation => "Invitation",
            Self::Incorporation => "Incorporation",
            Self::Deletion => "Deletion",
            Self::Suspension => "Suspension",
            Self::TakeOver => "Take-over",
            Self::Confirmation => "Activation confirmed",
            Self::Rejection => "Not my guest",
            Self::Expiry => "Access ended",
            Self::Extension => "Access extended",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ActivityRow {
    #[ts(type = "number")]
    pub at: i64,
    /// The administrator or authorised user: their name, or their phone number.
    pub actor: String,
    pub action: ActivityAction,
    /// The guest concerned: name and phone number.
    pub guest: String,
    /// For a suspension, the sponsor who left; for a take-over, the new sponsor.
    #[serde(default)]
    pub sponsor: Option<String>,
}

impl ActivityRow {
    /// The Action cell: the action, and the sponsor concerned where there is one.
    pub fn action_text(&self) -> String {
        match (&self.sponsor, self.action) {
            (Some(s), ActivityAction::Suspension) => format!("Suspension (sponsor {s} left)"),
            (Some(s), ActivityAction::TakeOver) => format!("Take-over (new sponsor {s})"),
            _ => self.action.label().to_owned(),
        }
    }
}

/// `GET /api/v1/admin/activity?month=2026-11`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ActivityReport {
    /// `YYYY-MM`.
    pub month: String,
    /// Both *receive activity report* and the guest feature are on; when false the report has
    /// no columns and no rows (SPEC §9).
    pub enabled: bool,
    pub rows: Vec<ActivityRow>,
}

/// A calendar month in UTC, the unit of the activity report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportMonth {
    year: i64,
    month: u32,
}

impl ReportMonth {
    /// Reads `YYYY-MM` (years 2000–9999).
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month): (i64, u32) = (y.parse().ok()?, m.parse().ok()?);
        ((2000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }
    /// The month an instant falls in.
    pub fn of(ms: i64) -> Self {
        let (year, month, _) = utc_date(ms);
        Self { year, month }
    }
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { year: self.year, month: self.month - 1 }
        }
    }
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }
    /// `[start, end)` in Unix ms.
    pub fn bounds_ms(self) -> (i64, i64) {
        let next = self.next();
        (month_start_ms(self.year, self.month), month_start_ms(next.year, next.month))
    }
}

impl std::fmt::Display for ReportMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The report's column headings, in order (SPEC §9).
pub const REPORT_COLUMNS: [&str; 4] = ["Date", "Administrator / Authorised user", "Action", "Guest"];

/// The report as CSV (RFC 4180, CRLF line ends), dates to the second in UTC. A disabled report
/// has no columns: the file is empty.
pub fn activity_csv(report: &ActivityReport) -> String {
    if !report.enabled {
        return String::new();
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 4]| {
        let cells: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(REPORT_COLUMNS);
    for r in &report.rows {
        line([&format_utc(r.at), &r.actor, &r.action_text(), &r.guest]);
    }
    out
}

/// One CSV cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or
/// `@` is prefixed with `'` so a spreadsheet never runs it as a formula.
fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// `GET /api/v1/admin/members`: the users list where a company admin grants *may invite guests*.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
#[ts(export)]
pub struct MembersQuery {
    /// Matches names and phone; ignored under two characters.
    pub search: String,
    /// Only members holding the right.
    pub authorised_only: bool,
    #[param(minimum = 0, maximum = 4294967295_u64)]
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub offset: u32,
    #[param(minimum = 0, maximum = 4294967295_u64)]
    #[schema(minimum = 0, maximum = 4294967295_u64)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct AdminMember {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_display: String,
    pub department_name: String,
    pub role: Role,
    pub status: AccountStatus,
    pub may_invite: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct MembersPage {
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<AdminMember>,
}

/// The page size a query asked for, within `1..=PAGE_MAX` (50 when it asked for none).
pub fn page_limit(asked: u32) -> u32 {
    if asked == 0 {
        50
    } else {
        asked.min(PAGE_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_starts_at_two_characters() {
        assert_eq!(search_term(" a "), None);
        assert_eq!(search_term("é"), None);
        assert_eq!(search_term("Ab"), Some("ab".into()));
        assert_eq!(search_term("  Gina G "), Some("gina g".into()));
        assert_eq!(search_term("\0\0"), None, "control characters are not a search");
        assert_eq!(search_term("a\0b"), Some("ab".into()));
    }

    #[test]
    fn phone_like_terms_match_by_digits() {
        assert_eq!(phone_digits("+44 20"), Some("4420".into()));
    }

    #[test]
    fn guests_are_found_by_the_start_of_any_word_and_any_part_of_their_number() {
        let text = guest_search_text("Gina-Marie", "O'Brien", "+442079460712", "Ines", "Inviter");
        assert_eq!(text.split(' ').take(3).collect::<Vec<_>>(), ["gina", "marie", "o"]);
        let found = |typed: &str| search_matches(&text, &query_words(typed).expect("a search"));
        assert!(found("gina"));
        assert!(found("GI"));
        assert!(found("brien gina"), "any order");
        assert!(found("marie o'b"));
        assert!(found("7946 0712"), "the middle of the number, spaces as typed");
        assert!(found("+44 20 7946"));
        assert!(found("12"));
        assert!(found("ines inv"), "the inviter");
        assert!(!found("ina"), "a word's start, not its middle");
        assert!(!found("gina zed"), "every word must match");
        assert!(!found("0712 9"), "a number is one word");
        assert_eq!(query_words("g"), None, "one character is no search yet");
        assert_eq!(query_words("!!"), Some(vec![]));
        assert!(!search_matches(&text, &[]), "a search of no words matches nobody");
        let accented = guest_search_text("Élodie", "Ünal", "+33612345678", "Zoë", "Ørsted");
        assert!(search_matches(&accented, &query_words("ÉLO ünal").expect("a search")));
        assert_eq!(phone_digits("(079) 46-09"), Some("0794609".into()));
        assert_eq!(phone_digits("gi"), None);
        assert_eq!(phone_digits("a1"), None);
        assert_eq!(phone_digits("+4"), None, "one digit is not a search");
    }

    #[test]
    fn months_parse_and_bound() {
        let m = ReportMonth::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        let (start, end) = m.bounds_ms();
        assert_eq!(format_utc(start), "2026-11-01 00:00:00 UTC");
        assert_eq!(format_utc(end), "2026-12-01 00:00:00 UTC");
        assert_eq!(ReportMonth::of(end - 1), m);
        assert_eq!(ReportMonth::parse("2026-01").unwrap().previous().to_string(), "2025-12");
        for bad in ["2026-13", "2026-00", "26-11", "2026-1", "abcd-ef", "", "1999-12", "2026/11"] {
            assert_eq!(ReportMonth::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn csv_has_the_columns_quotes_and_no_formulas() {
        let report = ActivityReport {
            month: "2026-11".into(),
            enabled: true,
            rows: vec![
                ActivityRow {
                    at: 1_795_000_000_000,
                    actor: "Ada Admin".into(),
                    action: ActivityAction::Deletion,
                    guest: "Smith, \"Jo\"".into(),
                    sponsor: None,
                },
                ActivityRow {
                    at: 1_795_000_001_000,
                    actor: "+44 20 7946 0958".into(),
                    action: ActivityAction::Invitation,
                    guest: "=HYPERLINK(1)".into(),
                    sponsor: None,
                },
            ],
        };
        let suspension = ActivityRow {
            at: 0,
            actor: "Ada Admin".into(),
            action: ActivityAction::Suspension,
            guest: "Gina Green".into(),
            sponsor: Some("Sam Stone".into()),
        };
        assert_eq!(suspension.action_text(), "Suspension (sponsor Sam Stone left)");
        let take_over =
            ActivityRow { action: ActivityAction::TakeOver, sponsor: Some("Ada Admin".into()), ..suspension };
        assert_eq!(take_over.action_text(), "Take-over (new sponsor Ada Admin)");
        assert_eq!(ActivityAction::from_db("take_over"), Some(ActivityAction::TakeOver));
        assert_eq!(
            activity_csv(&report),
            "Date,Administrator / Authorised user,Action,Guest\r\n\
             2026-11-18 11:06:40 UTC,Ada Admin,Deletion,\"Smith, \"\"Jo\"\"\"\r\n\
             2026-11-18 11:06:41 UTC,'+44 20 7946 0958,Invitation,'=HYPERLINK(1)\r\n"
        );
        assert_eq!(activity_csv(&ActivityReport { enabled: false, ..report }), "");
    }

    #[test]
    fn page_limits() {
        assert_eq!((page_limit(0), page_limit(10), page_limit(10_000)), (50, 10, PAGE_MAX));
    }

    #[test]
    fn query_defaults_when_fields_are_missing() {
        let q: GuestsQuery = serde_json::from_str(r#"{"search":"gi"}"#).unwrap();
        assert_eq!(
            (q.status, q.sort, q.direction, q.offset),
            (GuestStatusFilter::All, GuestSort::InvitedAt, SortDirection::Desc, 0)
        );
    }
}
