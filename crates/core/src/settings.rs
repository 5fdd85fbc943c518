//! Organisation settings (SPEC §3), with their defaults.

use crate::wire::ApiError;
use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Features a guest may use before incorporation (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(export)]
pub struct GuestProfile {
    pub desktop_access: bool,
    pub direct_messages: bool,
    pub group_conversations: bool,
}

impl Default for GuestProfile {
    fn default() -> Self {
        Self { desktop_access: true, direct_messages: true, group_conversations: true }
    }
}

/// Stored as one JSON document; keys it lacks take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(export)]
pub struct OrganisationSettings {
    /// Master switch of the whole guest feature.
    pub guest_invitations_enabled: bool,
    pub sms_invitations_enabled: bool,
    pub email_invitations_enabled: bool,
    /// Lower-cased; a listed domain also forbids its sub-domains.
    pub forbidden_email_domains: Vec<String>,
    /// E.164 calling codes with their plus sign, e.g. `+44`.
    pub forbidden_country_codes: Vec<String>,
    pub guest_profile: GuestProfile,
    /// 1 to 2,160 (90 days).
    #[schema(minimum = 1, maximum = 2160)]
    pub activation_code_validity_hours: u32,
    pub reminders_enabled: bool,
    /// 0 to 30.
    #[schema(minimum = 0, maximum = 30)]
    pub reminders_max: u32,
    pub activity_report_enabled: bool,
    pub display_group_all: bool,
    /// After a guest's first login its inviter is asked "Is this your guest?"; until they
    /// confirm, the guest sees only a waiting screen (SPEC §11.1).
    pub confirm_guest_activation: bool,
    /// Days a guest's access lasts when the inviter chooses nothing; 0: no end (SPEC §11.1).
    #[schema(minimum = 0, maximum = 3650)]
    pub guest_access_days_default: u32,
    /// The longest access an inviter may give, or extend to; 0: no maximum.
    #[schema(minimum = 0, maximum = 3650)]
    pub guest_access_days_max: u32,
    /// Sponsor and guest are reminded this many days before the access ends; 0: no reminder.
    #[schema(minimum = 0, maximum = 90)]
    pub guest_access_reminder_days: u32,
}

impl Default for OrganisationSettings {
    fn default() -> Self {
        Self {
            guest_invitations_enabled: false,
            sms_invitations_enabled: true,
            email_invitations_enabled: true,
            forbidden_email_domains: Vec::new(),
            forbidden_country_codes: Vec::new(),
            guest_profile: GuestProfile::default(),
            activation_code_validity_hours: 48,
            reminders_enabled: true,
            reminders_max: 7,
            activity_report_enabled: false,
            display_group_all: false,
            confirm_guest_activation: false,
            guest_access_days_default: 0,
            guest_access_days_max: 0,
            guest_access_reminder_days: 7,
        }
    }
}

/// The longest an activation code may stay valid: 90 days.
pub const MAX_CODE_VALIDITY_HOURS: u32 = 24 * 90;
/// The most reminders an invitation may get.
pub const MAX_REMINDERS: u32 = 30;
/// The longest guest access a setting may name: ten years.
pub const MAX_ACCESS_DAYS: u32 = 3650;
/// The earliest reminder before an access ends.
pub const MAX_ACCESS_REMINDER_DAYS: u32 = 90;

impl OrganisationSettings {
    /// The settings as they are saved: forbidden domains lower-cased without their `@`,
    /// country codes with their plus sign, both without blanks and duplicates; refused on the
    /// first field out of range. The one place an admin's input becomes settings.
    pub fn normalised(mut self) -> Result<Self, ApiError> {
        self.forbidden_email_domains = normalise_list(&self.forbidden_email_domains, |d| {
            let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
            let ok = d.split('.').count() >= 2
                && d.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            ok.then_some(d)
        })
        .ok_or_else(|| ApiError::on_field(ErrorCode::InvalidFormat, "forbidden_email_domains"))?;
        self.forbidden_country_codes = normalise_list(&self.forbidden_country_codes, |c| {
            let digits = c.trim().trim_start_matches('+');
            (!digits.is_empty() && digits.len() <= 3 && digits.chars().all(|d| d.is_ascii_digit()))
                .then(|| format!("+{digits}"))
        })
        .ok_or_else(|| ApiError::on_field(ErrorCode::InvalidFormat, "forbidden_country_codes"))?;
        if !(1..=MAX_CODE_VALIDITY_HOURS).contains(&self.activation_code_validity_hours) {
            return Err(ApiError::on_field(ErrorCode::InvalidFormat, "activation_code_validity_hours"));
        }
        if self.reminders_max > MAX_REMINDERS {
            return Err(ApiError::on_field(ErrorCode::InvalidFormat, "reminders_max"));
        }
        if self.guest_access_days_max > MAX_ACCESS_DAYS {
            return Err(ApiError::on_field(ErrorCode::InvalidFormat, "guest_access_days_max"));
        }
        let over_max = self.guest_access_days_max > 0 && self.guest_access_days_default > self.guest_access_days_max;
        if self.guest_access_days_default > MAX_ACCESS_DAYS || over_max {
            return Err(ApiError::on_field(ErrorCode::InvalidFormat, "guest_access_days_default"));
        }
        if self.guest_access_reminder_days > MAX_ACCESS_REMINDER_DAYS {
            return Err(ApiError::on_field(ErrorCode::InvalidFormat, "guest_access_reminder_days"));
        }
        Ok(self)
    }

    /// Whether an e-mail domain is forbidden: case-insensitive, sub-domains included.
    pub fn domain_forbidden(&self, domain: &str) -> bool {
        let domain = domain.to_ascii_lowercase();
        self.forbidden_email_domains.iter().any(|f| {
            let f = f.trim().trim_start_matches('@').to_ascii_lowercase();
            !f.is_empty() && (domain == f || domain.ends_with(&format!(".{f}")))
        })
    }

    /// Whether a phone country calling code (e.g. 44) is forbidden.
    pub fn country_code_forbidden(&self, calling_code: u16) -> bool {
        self.forbidden_country_codes.iter().any(|c| c.trim().trim_start_matches('+') == calling_code.to_string())
    }
}

/// Every entry normalised by `f`, without blanks and duplicates; `None` if one is invalid.
fn normalise_list(items: &[String], f: impl Fn(&str) -> Option<String>) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().filter(|i| !i.trim().is_empty()) {
        let v = f(item)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The OpenAPI document states the bounds `normalised` enforces (utoipa takes literals only).
    #[test]
    fn the_documented_bounds_are_the_enforced_ones() {
        let schema = serde_json::to_value(<OrganisationSettings as utoipa::PartialSchema>::schema()).expect("schema");
        let bound = |field: &str, which: &str| schema["properties"][field][which].as_f64();
        assert_eq!(bound("activation_code_validity_hours", "maximum"), Some(f64::from(MAX_CODE_VALIDITY_HOURS)));
        assert_eq!(bound("activation_code_validity_hours", "minimum"), Some(1.0));
        assert_eq!(bound("reminders_max", "maximum"), Some(f64::from(MAX_REMINDERS)));
        assert_eq!(bound("guest_access_days_max", "maximum"), Some(f64::from(MAX_ACCESS_DAYS)));
        assert_eq!(bound("guest_access_days_default", "maximum"), Some(f64::from(MAX_ACCESS_DAYS)));
        assert_eq!(bound("guest_access_reminder_days", "maximum"), Some(f64::from(MAX_ACCESS_REMINDER_DAYS)));
        let key =
            serde_json::to_value(<crate::wire::CreateKeyRequest as utoipa::PartialSchema>::schema()).expect("schema");
        assert_eq!(
            key["properties"]["valid_days"]["maximum"].as_f64(),
            Some(f64::from(crate::sharing::KEY_MAX_VALID_DAYS))
        );
    }

    #[test]
    fn defaults_follow_the_spec_table() {
        let s = OrganisationSettings::default();
        assert!(!s.guest_invitations_enabled && s.sms_invitations_enabled && s.email_invitations_enabled);
        assert_eq!((s.activation_code_validity_hours, s.reminders_max), (48, 7));
        assert_eq!(
            s.guest_profile,
            GuestProfile { desktop_access: true, direct_messages: true, group_conversations: true }
        );
        assert!(!s.activity_report_enabled && !s.display_group_all);
    }

    #[test]
    fn partial_json_takes_defaults() {
        let s: OrganisationSettings = serde_json::from_str(r#"{"guest_invitations_enabled":true}"#).unwrap();
        assert!(s.guest_invitations_enabled && s.sms_invitations_enabled && s.guest_profile.desktop_access);
        assert_eq!(s.activation_code_validity_hours, 48);
    }

    #[test]
    fn forbidden_domains_cover_subdomains_case_insensitively() {
        let s = OrganisationSettings { forbidden_email_domains: vec!["Rival.com".into()], ..Default::default() };
        assert!(s.domain_forbidden("rival.com"));
        assert!(s.domain_forbidden("mail.RIVAL.com"));
        assert!(!s.domain_forbidden("notrival.com"), "a suffix is not a sub-domain");
        assert!(!s.domain_forbidden("rival.co"));
    }

    #[test]
    fn forbidden_country_codes_match_exactly() {
        let s = OrganisationSettings { forbidden_country_codes: vec!["+44".into(), "33".into()], ..Default::default() };
        assert!(s.country_code_forbidden(44) && s.country_code_forbidden(33));
        assert!(!s.country_code_forbidden(4) && !s.country_code_forbidden(1));
    }

    #[test]
    fn saved_lists_are_normalised_and_deduplicated() {
        let s = OrganisationSettings {
            forbidden_email_domains: vec![" @Rival.COM ".into(), "rival.com".into(), "  ".into()],
            forbidden_country_codes: vec!["44".into(), "+44".into(), " +33".into()],
            ..Default::default()
        }
        .normalised()
        .unwrap();
        assert_eq!(s.forbidden_email_domains, vec!["rival.com"]);
        assert_eq!(s.forbidden_country_codes, vec!["+44", "+33"]);
    }

    #[test]
    fn each_field_out_of_range_is_refused_on_that_field() {
        let field = |s: OrganisationSettings| s.normalised().unwrap_err().field.unwrap();
        let d = OrganisationSettings::default;
        assert_eq!(
            field(OrganisationSettings { forbidden_email_domains: vec!["localhost".into()], ..d() }),
            "forbidden_email_domains"
        );
        assert_eq!(
            field(OrganisationSettings { forbidden_email_domains: vec!["a..b".into()], ..d() }),
            "forbidden_email_domains"
        );
        assert_eq!(
            field(OrganisationSettings { forbidden_country_codes: vec!["+1234".into()], ..d() }),
            "forbidden_country_codes"
        );
        assert_eq!(
            field(OrganisationSettings { forbidden_country_codes: vec!["UK".into()], ..d() }),
            "forbidden_country_codes"
        );
        assert_eq!(
            field(OrganisationSettings { activation_code_validity_hours: 0, ..d() }),
            "activation_code_validity_hours"
        );
        assert_eq!(
            field(OrganisationSettings { activation_code_validity_hours: MAX_CODE_VALIDITY_HOURS + 1, ..d() }),
            "activation_code_validity_hours"
        );
        assert_eq!(field(OrganisationSettings { reminders_max: MAX_REMINDERS + 1, ..d() }), "reminders_max");
        assert_eq!(
            field(OrganisationSettings { guest_access_days_max: MAX_ACCESS_DAYS + 1, ..d() }),
            "guest_access_days_max"
        );
        assert_eq!(
            field(OrganisationSettings { guest_access_days_max: 30, guest_access_days_default: 31, ..d() }),
            "guest_access_days_default",
            "the default within the maximum"
        );
        assert_eq!(
            field(OrganisationSettings { guest_access_reminder_days: MAX_ACCESS_REMINDER_DAYS + 1, ..d() }),
            "guest_access_reminder_days"
        );
        assert!(OrganisationSettings {
            activation_code_validity_hours: MAX_CODE_VALIDITY_HOURS,
            reminders_max: MAX_REMINDERS,
            ..d()
        }
        .normalised()
        .is_ok());
    }
}
