//! Stable error codes. The server answers `{ "code", "message", "field"? }`; the UI branches on
//! the code and shows the message. Messages quoted by the SPEC are kept to the letter.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// A field is not in the expected form (SPEC §7.2: `Invalid format`, on the field).
    InvalidFormat,
    /// The request body or query could not be read.
    InvalidRequest,
    /// Wrong, expired, used or dead activation code, or unknown number: one answer for all,
    /// so it never tells whether a number has an account.
    InvalidCode,
    /// Too many attempts from this number, address or account.
    Throttled,
    /// No session, or a revoked one.
    Unauthorized,
    /// The first-login steps (confirm names, accept the terms) are not done yet.
    FirstLoginRequired,
    TermsNotAccepted,
    Forbidden,
    NotFound,
    /// The method is not one this path answers.
    MethodNotAllowed,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    Conflict,
    /// The guest profile has no desktop access (SPEC §6).
    GuestDesktopAccessOff,
    /// A feature that is off in the guest profile (SPEC §6).
    FeatureNotForGuests,
    /// The guest has no sponsor any more (SPEC §11.1): no login until someone takes them over.
    GuestSuspended,
    /// The person chosen as a guest's sponsor may not sponsor guests.
    SponsorNotAllowed,
    /// The guest's inviter has not confirmed the activation yet.
    AwaitingConfirmation,
    /// The guest's access reached its end (a date, or its conversation's end).
    GuestAccessEnded,
    /// A guest's access asked for is longer than the organisation allows.
    AccessTooLong,
    Internal,
    // Invitation refusals (SPEC §7.2), word for word.
    /// `The domain is forbidden`
    DomainForbidden,
    /// `The country code is forbidden`
    CountryCodeForbidden,
    /// The inviter's right is revoked or the guest feature is off.
    NotAuthorizedToInvite,
    /// Both invitation modes are off for the organisation.
    NoInvitationMode,
    /// The e-mail or phone already belongs to someone on this server.
    ContactExists,
    /// A mandatory field is empty.
    Required,
    /// A field is longer than allowed.
    TooLong,
    /// Neither SMS nor e-mail was chosen.
    ModeRequired,
    /// The chosen mode is off for the organisation.
    ModeDisabled,
    // Client-side codes (the desktop client's Rust side, never the server):
    /// The server could not be reached.
    Network,
    /// The OS keyring refused to store or read the session.
    Keyring,
    /// The client's local cache failed.
    LocalStore,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFormat => "invalid_format",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidCode => "invalid_code",
            Self::Throttled => "throttled",
            Self::Unauthorized => "unauthorized",
            Self::FirstLoginRequired => "first_login_required",
            Self::TermsNotAccepted => "terms_not_accepted",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Conflict => "conflict",
            Self::GuestDesktopAccessOff => "guest_desktop_access_off",
            Self::FeatureNotForGuests => "feature_not_for_guests",
            Self::GuestSuspended => "guest_suspended",
            Self::SponsorNotAllowed => "sponsor_not_allowed",
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::GuestAccessEnded => "guest_access_ended",
            Self::AccessTooLong => "access_too_long",
            Self::Internal => "internal",
            Self::DomainForbidden => "domain_forbidden",
            Self::CountryCodeForbidden => "country_code_forbidden",
            Self::NotAuthorizedToInvite => "not_authorized_to_invite",
            Self::NoInvitationMode => "no_invitation_mode",
            Self::ContactExists => "contact_exists",
            Self::Required => "required",
            Self::TooLong => "too_long",
            Self::ModeRequired => "mode_required",
            Self::ModeDisabled => "mode_disabled",
            Self::Network => "network",
            Self::Keyring => "keyring",
            Self::LocalStore => "local_store",
        }
    }

    /// The message a user reads.
    pub fn message(self) -> &'static str {
        match self {
            Self::InvalidFormat => "Invalid format",
            Self::InvalidRequest => "The request could not be understood.",
            Self::InvalidCode => {
                "This activation code is not valid. Check it, or ask for a new one with New User."
            }
            Self::Throttled => "Too many attempts. Please wait a while and try again.",
            Self::Unauthorized => "Your session has ended. Please log in again.",
            Self::FirstLoginRequired => "Please complete the first-login steps first.",
            Self::TermsNotAccepted => "Please accept the terms of use to continue.",
            Self::Forbidden => "You are not allowed to do this.",
            Self::NotFound => "Not found.",
            Self::MethodNotAllowed => "This method is not allowed here.",
            Self::PayloadTooLarge => "The request is too large.",
            Self::Conflict => "This already exists.",
            Self::GuestDesktopAccessOff => {
                "Your guest access does not include the desktop app. Please use the Parley mobile app."
            }
            Self::FeatureNotForGuests => "This feature is not available for guests",
            Self::GuestSuspended => {
                "Your guest access is suspended: the person who sponsored it has left or can no longer invite guests. Please ask your contact in the organization to take you over."
            }
            Self::SponsorNotAllowed => "This person cannot sponsor guests. Choose a member who may invite external users.",
            Self::GuestAccessEnded => {
                "Your guest access has ended. Please ask your contact in the organization to extend it."
            }
            Self::AccessTooLong => "Choose a number of days your organization allows for guest access",
            Self::AwaitingConfirmation => {
                "The person who invited you has not confirmed your access yet. Parley opens as soon as they do."
            }
            Self::Internal => "Something went wrong on the server. Please try again.",
            Self::DomainForbidden => "The domain is forbidden",
            Self::CountryCodeForbidden => "The country code is forbidden",
            Self::NotAuthorizedToInvite => {
                "You are not anymore authorized to invite external users. Please contact your admin for more information"
            }
            Self::NoInvitationMode => "Please contact your Company Admin to activate at least one invitation mode",
            Self::ContactExists => "This contact already exists in your organization",
            Self::Required => "This field is required",
            Self::TooLong => "This text is too long",
            Self::ModeRequired => "Choose SMS, e-mail or both",
            Self::ModeDisabled => "This invitation mode is not enabled for your organization",
            Self::Network => "Cannot reach the server. Check the address and your connection.",
            Self::Keyring => "The system keyring is not available, so the session cannot be kept.",
            Self::LocalStore => "The local cache could not be read or written.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_spelling_is_the_stable_code() {
        for c in [ErrorCode::InvalidFormat, ErrorCode::FeatureNotForGuests, ErrorCode::Throttled] {
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.as_str()));
        }
        assert_eq!(ErrorCode::InvalidFormat.message(), "Invalid format");
        assert_eq!(ErrorCode::FeatureNotForGuests.message(), "This feature is not available for guests");
        // SPEC §7.2, to the letter.
        assert_eq!(ErrorCode::DomainForbidden.message(), "The domain is forbidden");
        assert_eq!(ErrorCode::CountryCodeForbidden.message(), "The country code is forbidden");
        assert_eq!(
            ErrorCode::NotAuthorizedToInvite.message(),
            "You are not anymore authorized to invite external users. Please contact your admin for more information"
        );
        assert_eq!(
            ErrorCode::NoInvitationMode.message(),
            "Please contact your Company Admin to activate at least one invitation mode"
        );
        assert_eq!(ErrorCode::ContactExists.message(), "This contact already exists in your organization");
    }
}
