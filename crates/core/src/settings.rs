//! Organisation settings (SPEC §3), with their defaults.

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
    pub activation_code_validity_hours: u32,
    pub reminders_enabled: bool,
    pub reminders_max: u32,
    pub activity_report_enabled: bool,
    pub display_group_all: bool,
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
        }
    }
}

impl OrganisationSettings {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
