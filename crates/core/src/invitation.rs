//! External user invitations (SPEC §7): the form's rules, applied as the user types (through
//! the desktop client's IPC) and again by the server, which is the authority. Whether the
//! contact already exists needs the database and is checked by the server.

use crate::error::ErrorCode;
use crate::settings::OrganisationSettings;
use crate::wire::ApiError;
use crate::{EmailAddress, PersonName, PhoneNumber};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

pub const DETAILS_MAX_CHARS: usize = 200;

/// The invitation form as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct InvitationRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub last_name: String,
    #[schema(min_length = 3, max_length = 254, pattern = r"^[^@\s]+@[^@\s]+$")]
    pub email: String,
    /// International format: the picked calling code and the number, e.g. `+44 20 7946 0958`.
    #[schema(min_length = 3, max_length = 40, pattern = r"^[+0-9 ().\-]+$")]
    pub phone: String,
    pub by_sms: bool,
    pub by_email: bool,
    /// Optional text for the guest, at most [`DETAILS_MAX_CHARS`] characters.
    #[schema(max_length = 200)]
    pub details: String,
    /// The group conversation the guest joins (invitation from a conversation).
    #[ts(optional = nullable)]
    pub conversation_id: Option<String>,
    /// Days the guest's access lasts; none: the organisation's default (SPEC §11.1).
    #[serde(default)]
    #[ts(optional = nullable)]
    #[schema(minimum = 1, maximum = 3650)]
    pub access_days: Option<u32>,
    /// With `conversation_id`: the access ends with that conversation (closed, or left last).
    #[serde(default)]
    pub conversation_bound: bool,
}

/// A request that passed every rule.
#[derive(Debug, Clone)]
pub struct ValidInvitation {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: EmailAddress,
    pub phone: PhoneNumber,
    pub by_sms: bool,
    pub by_email: bool,
    pub details: String,
    /// Days the access lasts (`crate::guest_access::access_days`); none: no end.
    pub access_days: Option<u32>,
    /// The access ends with the conversation the guest joins.
    pub conversation_bound: bool,
}

/// Checks an invitation against the organisation's settings and the inviter's right.
///
/// The right and the organisation's modes are checked first, alone (the form cannot be fixed
/// by the inviter); otherwise every field error is returned, each on its field.
pub fn check_invitation(
    req: &InvitationRequest,
    settings: &OrganisationSettings,
    inviter_may_invite: bool,
) -> Result<ValidInvitation, Vec<ApiError>> {
    if !settings.guest_invitations_enabled || !inviter_may_invite {
        return Err(vec![ApiError::new(ErrorCode::NotAuthorizedToInvite)]);
    }
    if !settings.sms_invitations_enabled && !settings.email_invitations_enabled {
        return Err(vec![ApiError::new(ErrorCode::NoInvitationMode)]);
    }
    let mut errors = Vec::new();
    let contact = check_contact(&req.first_name, &req.last_name, &req.email, &req.phone, settings, &mut errors);
    let mut field = |code, name: &str| errors.push(ApiError::on_field(code, name));
    if !req.by_sms && !req.by_email {
        field(ErrorCode::ModeRequired, "mode");
    } else if (req.by_sms && !settings.sms_invitations_enabled) || (req.by_email && !settings.email_invitations_enabled)
    {
        field(ErrorCode::ModeDisabled, "mode");
    }
    let access_days = crate::guest_access::access_days(req.access_days, settings).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let mut field = |code, name: &str| errors.push(ApiError::on_field(code, name));
    let details = match crate::text::optional_text(&req.details, DETAILS_MAX_CHARS) {
        Ok(details) => details.unwrap_or_default(),
        Err(code) => {
            field(code, "details");
            String::new()
        }
    };
    match contact {
        Some(c) if errors.is_empty() => Ok(ValidInvitation {
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            phone: c.phone,
            by_sms: req.by_sms,
            by_email: req.by_email,
            details,
            access_days,
            conversation_bound: req.conversation_bound && req.conversation_id.is_some(),
        }),
        _ => Err(errors),
    }
}

/// A guest's name, e-mail and phone that passed the form's rules.
#[derive(Debug, Clone)]
pub struct ValidContact {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: EmailAddress,
    pub phone: PhoneNumber,
}

/// The field rules of the form (SPEC §7.1–§7.2) for a guest's name, e-mail and phone, used by
/// the invitation and by an admin correcting a pending invitation (SPEC §7.6). Each error is
/// pushed on its field.
pub fn check_contact(
    first_name: &str,
    last_name: &str,
    email: &str,
    phone: &str,
    settings: &OrganisationSettings,
    errors: &mut Vec<ApiError>,
) -> Option<ValidContact> {
    let mut field = |code, name: &str| errors.push(ApiError::on_field(code, name));
    let first_name = name(first_name, "first_name", &mut field);
    let last_name = name(last_name, "last_name", &mut field);
    let email = if email.trim().is_empty() {
        field(ErrorCode::Required, "email");
        None
    } else {
        match EmailAddress::parse(email) {
            Err(_) => {
                field(ErrorCode::InvalidFormat, "email");
                None
            }
            Ok(e) if settings.domain_forbidden(e.domain()) => {
                field(ErrorCode::DomainForbidden, "email");
                None
            }
            Ok(e) => Some(e),
        }
    };
    let phone = if phone.trim().trim_start_matches('+').trim().is_empty() {
        field(ErrorCode::Required, "phone");
        None
    } else {
        match PhoneNumber::parse(phone) {
            Err(_) => {
                field(ErrorCode::InvalidFormat, "phone");
                None
            }
            Ok(p) if settings.country_code_forbidden(p.calling_code()) => {
                field(ErrorCode::CountryCodeForbidden, "phone");
                None
            }
            Ok(p) => Some(p),
        }
    };
    Some(ValidContact { first_name: first_name?, last_name: last_name?, email: email?, phone: phone? })
}

fn name(value: &str, field_name: &str, field: &mut impl FnMut(ErrorCode, &str)) -> Option<PersonName> {
    if value.trim().is_empty() {
        field(ErrorCode::Required, field_name);
        return None;
    }
    PersonName::parse(value).map_err(|_| field(ErrorCode::InvalidFormat, field_name)).ok()
}

/// The modes the form offers: a mode that is off for the organisation is shown inactive, and
/// when only one is on it is pre-selected (SPEC §7.1). Returns `(sms, email)` pre-selection.
pub fn preselected_modes(settings: &OrganisationSettings) -> (bool, bool) {
    match (settings.sms_invitations_enabled, settings.email_invitations_enabled) {
        (true, false) => (true, false),
        (false, true) => (false, true),
        _ => (false, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> OrganisationSettings {
        OrganisationSettings { guest_invitations_enabled: true, ..Default::default() }
    }
    fn form() -> InvitationRequest {
        InvitationRequest {
            first_name: "Gina".into(),
            last_name: "Guest".into(),
            email: "gina@partner.example".into(),
            phone: "+44 20 7946 0958".into(),
            by_sms: true,
            by_email: true,
            details: "Project Atlas".into(),
            conversation_id: None,
            access_days: None,
            conversation_bound: false,
        }
    }

    #[test]
    fn the_access_days_are_checked_and_a_bound_access_needs_a_conversation() {
        let s = OrganisationSettings { guest_access_days_max: 30, ..on() };
        let v = check_invitation(
            &InvitationRequest { access_days: Some(10), conversation_bound: true, ..form() },
            &s,
            true,
        )
        .expect("valid");
        assert_eq!((v.access_days, v.conversation_bound), (Some(10), false), "no conversation: not bound");
        assert_eq!(
            codes(check_invitation(&InvitationRequest { access_days: Some(31), ..form() }, &s, true)),
            vec![(ErrorCode::AccessTooLong, Some("access_days".into()))]
        );
        let bound = InvitationRequest { conversation_id: Some("c1".into()), conversation_bound: true, ..form() };
        assert!(check_invitation(&bound, &s, true).expect("valid").conversation_bound);
    }
    fn codes(r: Result<ValidInvitation, Vec<ApiError>>) -> Vec<(ErrorCode, Option<String>)> {
        r.err().unwrap_or_default().into_iter().map(|e| (e.code, e.field)).collect()
    }
    fn f(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn a_good_form_passes() {
        let ok = check_invitation(&form(), &on(), true).unwrap();
        assert_eq!(ok.phone.as_str(), "+442079460958");
        assert_eq!(ok.email.domain(), "partner.example");
    }

    /// Every refusal of SPEC §7.2 (and the form's own rules), with its field.
    #[test]
    fn refusals_table() {
        let forbid = OrganisationSettings {
            forbidden_email_domains: vec!["partner.example".into()],
            forbidden_country_codes: vec!["+44".into()],
            ..on()
        };
        type Case = (InvitationRequest, OrganisationSettings, bool, Vec<(ErrorCode, Option<String>)>);
        let cases: Vec<Case> = vec![
            (
                InvitationRequest { email: "not-an-email".into(), ..form() },
                on(),
                true,
                vec![(ErrorCode::InvalidFormat, f("email"))],
            ),
            (
                InvitationRequest { phone: "+44 12".into(), ..form() },
                on(),
                true,
                vec![(ErrorCode::InvalidFormat, f("phone"))],
            ),
            (
                form(),
                forbid.clone(),
                true,
                vec![(ErrorCode::DomainForbidden, f("email")), (ErrorCode::CountryCodeForbidden, f("phone"))],
            ),
            (
                InvitationRequest { email: "a@eu.PARTNER.example".into(), phone: "+1 201 555 0123".into(), ..form() },
                forbid,
                true,
                vec![(ErrorCode::DomainForbidden, f("email"))],
            ),
            (form(), on(), false, vec![(ErrorCode::NotAuthorizedToInvite, None)]),
            (
                form(),
                OrganisationSettings { guest_invitations_enabled: false, ..on() },
                true,
                vec![(ErrorCode::NotAuthorizedToInvite, None)],
            ),
            (
                form(),
                OrganisationSettings { sms_invitations_enabled: false, email_invitations_enabled: false, ..on() },
                true,
                vec![(ErrorCode::NoInvitationMode, None)],
            ),
            (
                InvitationRequest {
                    first_name: " ".into(),
                    last_name: String::new(),
                    email: String::new(),
                    phone: "+".into(),
                    ..form()
                },
                on(),
                true,
                vec![
                    (ErrorCode::Required, f("first_name")),
                    (ErrorCode::Required, f("last_name")),
                    (ErrorCode::Required, f("email")),
                    (ErrorCode::Required, f("phone")),
                ],
            ),
            (
                InvitationRequest { by_sms: false, by_email: false, ..form() },
                on(),
                true,
                vec![(ErrorCode::ModeRequired, f("mode"))],
            ),
            (
                InvitationRequest { by_sms: false, ..form() },
                OrganisationSettings { email_invitations_enabled: false, ..on() },
                true,
                vec![(ErrorCode::ModeDisabled, f("mode"))],
            ),
            (
                InvitationRequest { details: "x".repeat(201), ..form() },
                on(),
                true,
                vec![(ErrorCode::TooLong, f("details"))],
            ),
        ];
        for (i, (req, settings, may, want)) in cases.into_iter().enumerate() {
            assert_eq!(codes(check_invitation(&req, &settings, may)), want, "case {i}");
        }
    }

    #[test]
    fn details_limit_counts_characters_not_bytes() {
        assert!(check_invitation(&InvitationRequest { details: "é".repeat(200), ..form() }, &on(), true).is_ok());
    }

    #[test]
    fn only_enabled_mode_is_preselected() {
        assert_eq!(
            preselected_modes(&OrganisationSettings { email_invitations_enabled: false, ..on() }),
            (true, false)
        );
        assert_eq!(preselected_modes(&OrganisationSettings { sms_invitations_enabled: false, ..on() }), (false, true));
        assert_eq!(preselected_modes(&on()), (false, false));
    }

    proptest::proptest! {
        /// Whatever is typed, a form the rules accept never carries a forbidden domain or code.
        #[test]
        fn accepted_forms_respect_the_lists(email in "[a-z]{1,5}@([a-z]{1,4}\\.){1,2}(com|example)", cc in proptest::sample::select(vec!["+44", "+1", "+33"])) {
            let settings = OrganisationSettings { forbidden_email_domains: vec!["ab.com".into()], forbidden_country_codes: vec!["+33".into()], ..on() };
            let phone = match cc { "+44" => "+44 20 7946 0958", "+1" => "+1 201 555 0123", _ => "+33 6 12 34 56 78" };
            if let Ok(ok) = check_invitation(&InvitationRequest { email, phone: phone.into(), ..form() }, &settings, true) {
                proptest::prop_assert!(!settings.domain_forbidden(ok.email.domain()));
                proptest::prop_assert!(ok.phone.calling_code() != 33);
            }
        }
    }
}
