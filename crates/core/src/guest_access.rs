//! What a guest may do now (SPEC §11.1), from its lifecycle: a guest whose access reached its
//! end (a date within the organisation's maximum, or the end of the conversation it was invited
//! into) has **ended** access; a guest without a sponsor is **suspended**; neither may log in.
//! A guest whose inviter has not yet confirmed the activation (when the organisation asks for
//! it) is **awaiting confirmation**: it may log in, and sees only a waiting screen — every other
//! endpoint refuses it. How long an access lasts, when its reminder is due and how far it may be
//! extended are decided here too. One rule, read by sign-in, by every request's session check,
//! by the scheduler, by the guests list and by the client's screens.

use crate::error::ErrorCode;
use crate::role::{AccountKind, AccountStatus};
use crate::settings::OrganisationSettings;
use crate::wire::ApiError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// A guest's access, most restrictive first when several apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GuestAccess {
    /// As the guest profile allows.
    #[default]
    Open,
    /// Its access reached its end: no login until its sponsor extends it.
    Ended,
    /// Its sponsor left or lost the right: no login until someone takes it over.
    Suspended,
    /// Activated, and its inviter is asked "Is this your guest?": a waiting screen until then.
    AwaitingConfirmation,
}

/// The facts of an account's lifecycle the rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub kind: AccountKind,
    /// Someone sponsors the guest.
    pub has_sponsor: bool,
    /// The inviter was asked to confirm the activation and has not answered yet.
    pub awaiting_confirmation: bool,
    /// When the access ends (Unix ms), if it does.
    pub ends_at: Option<i64>,
}

/// The access of an account at `now`: members always have theirs.
pub fn guest_access(l: &Lifecycle, now: i64) -> GuestAccess {
    if l.kind != AccountKind::Guest {
        GuestAccess::Open
    } else if l.ends_at.is_some_and(|end| end <= now) {
        GuestAccess::Ended
    } else if !l.has_sponsor {
        GuestAccess::Suspended
    } else if l.awaiting_confirmation {
        GuestAccess::AwaitingConfirmation
    } else {
        GuestAccess::Open
    }
}

/// Whether a login may open a session: not for a suspended or ended guest (an awaiting one
/// logs in to see its waiting screen).
pub fn may_sign_in(access: GuestAccess) -> bool {
    !matches!(access, GuestAccess::Suspended | GuestAccess::Ended)
}

pub use crate::sharing::DAY_MS;

/// How many days an access lasts: the inviter's choice (`asked`, within the maximum) or the
/// organisation's default; with a maximum and no default, the maximum. `None`: no end.
pub fn access_days(asked: Option<u32>, settings: &OrganisationSettings) -> Result<Option<u32>, ApiError> {
    let max = settings.guest_access_days_max;
    let days = match asked {
        Some(d) if d == 0 || (max > 0 && d > max) || d > crate::settings::MAX_ACCESS_DAYS => {
            return Err(ApiError::on_field(ErrorCode::AccessTooLong, "access_days"));
        }
        Some(d) => d,
        None if settings.guest_access_days_default > 0 => settings.guest_access_days_default,
        None if max > 0 => max,
        None => return Ok(None),
    };
    Ok(Some(days))
}

/// When an access of `days` days given at `now` ends.
pub fn ends_at(days: Option<u32>, now: i64) -> Option<i64> {
    days.map(|d| now + i64::from(d) * DAY_MS)
}

/// Whether the reminder before the end is due at `now`: within the organisation's reminder
/// days before an end still to come.
pub fn end_reminder_due(ends_at: i64, reminder_days: u32, now: i64) -> bool {
    reminder_days > 0 && now < ends_at && now >= ends_at - i64::from(reminder_days) * DAY_MS
}

/// Who may extend a guest's access: its sponsor, or an admin of the guest.
pub fn may_extend(asker_is_sponsor: bool, administers_guest: bool, guest_status: AccountStatus) -> bool {
    (asker_is_sponsor || administers_guest) && guest_status != AccountStatus::Deleted
}

/// Whether the session may use Parley beyond its own account and logging out.
pub fn may_use(access: GuestAccess) -> bool {
    access == GuestAccess::Open
}

/// Whether finishing the first-login steps asks the inviter to confirm: a guest, in an
/// organisation that asks for it (`confirm_guest_activation`).
pub fn asks_confirmation(kind: AccountKind, organisation_asks: bool) -> bool {
    kind == AccountKind::Guest && organisation_asks
}

/// Who may answer "Is this your guest?": the guest's sponsor (the inviter, unless an admin
/// handed the guest on), while the question is open and the guest is still there.
pub fn may_answer_confirmation(asker_is_sponsor: bool, awaiting: bool, guest_status: AccountStatus) -> bool {
    asker_is_sponsor && awaiting && guest_status != AccountStatus::Deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn guest(has_sponsor: bool, awaiting_confirmation: bool) -> Lifecycle {
        Lifecycle { kind: AccountKind::Guest, has_sponsor, awaiting_confirmation, ends_at: None }
    }

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn a_sponsored_confirmed_guest_is_open() {
        assert_eq!(guest_access(&guest(true, false), NOW), GuestAccess::Open);
    }

    #[test]
    fn without_a_sponsor_a_guest_is_suspended() {
        assert_eq!(guest_access(&guest(false, false), NOW), GuestAccess::Suspended);
    }

    #[test]
    fn suspension_outranks_a_pending_confirmation() {
        assert_eq!(guest_access(&guest(false, true), NOW), GuestAccess::Suspended);
    }

    #[test]
    fn an_unconfirmed_guest_awaits() {
        assert_eq!(guest_access(&guest(true, true), NOW), GuestAccess::AwaitingConfirmation);
    }

    #[test]
    fn members_are_always_open() {
        let m =
            Lifecycle { kind: AccountKind::Member, has_sponsor: false, awaiting_confirmation: true, ends_at: Some(0) };
        assert_eq!(guest_access(&m, NOW), GuestAccess::Open);
    }

    #[test]
    fn a_suspended_guest_cannot_sign_in_an_awaiting_one_can_but_uses_nothing() {
        assert!(!may_sign_in(GuestAccess::Suspended));
        assert!(may_sign_in(GuestAccess::AwaitingConfirmation));
        assert!(!may_use(GuestAccess::AwaitingConfirmation));
        assert!(may_use(GuestAccess::Open) && may_sign_in(GuestAccess::Open));
    }

    #[test]
    fn only_guests_of_an_organisation_that_asks_are_confirmed() {
        assert!(asks_confirmation(AccountKind::Guest, true));
        assert!(!asks_confirmation(AccountKind::Guest, false));
        assert!(!asks_confirmation(AccountKind::Member, true));
    }

    #[test]
    fn only_the_sponsor_answers_an_open_question() {
        assert!(may_answer_confirmation(true, true, AccountStatus::Active));
        assert!(!may_answer_confirmation(false, true, AccountStatus::Active));
        assert!(!may_answer_confirmation(true, false, AccountStatus::Active), "already answered");
        assert!(!may_answer_confirmation(true, true, AccountStatus::Deleted));
    }

    #[test]
    fn an_access_ends_at_its_end_and_not_a_moment_before() {
        let l = Lifecycle { ends_at: Some(NOW), ..guest(true, false) };
        assert_eq!(guest_access(&l, NOW - 1), GuestAccess::Open);
        assert_eq!(guest_access(&l, NOW), GuestAccess::Ended);
        assert!(!may_sign_in(GuestAccess::Ended) && !may_use(GuestAccess::Ended));
    }

    #[test]
    fn an_ended_access_outranks_everything_else() {
        let l = Lifecycle { ends_at: Some(NOW), ..guest(false, true) };
        assert_eq!(guest_access(&l, NOW), GuestAccess::Ended);
    }

    fn settings(default: u32, max: u32) -> OrganisationSettings {
        OrganisationSettings { guest_access_days_default: default, guest_access_days_max: max, ..Default::default() }
    }

    #[test]
    fn without_settings_an_access_has_no_end() {
        assert_eq!(access_days(None, &settings(0, 0)), Ok(None));
    }

    #[test]
    fn the_default_applies_when_the_inviter_chooses_nothing() {
        assert_eq!(access_days(None, &settings(90, 180)), Ok(Some(90)));
    }

    #[test]
    fn with_a_maximum_and_no_default_the_maximum_applies() {
        assert_eq!(access_days(None, &settings(0, 30)), Ok(Some(30)));
    }

    #[test]
    fn the_inviter_may_choose_a_shorter_access() {
        assert_eq!(access_days(Some(10), &settings(90, 90)), Ok(Some(10)));
        assert_eq!(access_days(Some(500), &settings(0, 0)), Ok(Some(500)), "no maximum");
    }

    #[test]
    fn longer_than_the_maximum_or_none_at_all_is_refused_on_its_field() {
        for asked in [91, 0] {
            let e = access_days(Some(asked), &settings(90, 90)).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (ErrorCode::AccessTooLong, Some("access_days")));
        }
        assert!(access_days(Some(crate::settings::MAX_ACCESS_DAYS + 1), &settings(0, 0)).is_err());
    }

    #[test]
    fn an_end_is_whole_days_after_the_start() {
        assert_eq!(ends_at(Some(2), NOW), Some(NOW + 2 * DAY_MS));
        assert_eq!(ends_at(None, NOW), None);
    }

    #[test]
    fn the_reminder_is_due_within_its_days_before_the_end() {
        let end = NOW + 10 * DAY_MS;
        assert!(!end_reminder_due(end, 7, NOW));
        assert!(end_reminder_due(end, 7, end - 7 * DAY_MS));
        assert!(end_reminder_due(end, 7, end - 1));
        assert!(!end_reminder_due(end, 7, end), "ended: no reminder");
        assert!(!end_reminder_due(end, 0, end - 1), "reminders off");
    }

    #[test]
    fn the_sponsor_or_an_admin_extends() {
        assert!(may_extend(true, false, AccountStatus::Active));
        assert!(may_extend(false, true, AccountStatus::Active));
        assert!(!may_extend(false, false, AccountStatus::Active));
        assert!(!may_extend(true, true, AccountStatus::Deleted));
    }

    proptest! {
        /// Only an open access uses Parley; whoever may use it may sign in; a member is open;
        /// a guest past its end is ended whatever else holds.
        #[test]
        fn access_is_consistent(
            member in any::<bool>(),
            has_sponsor in any::<bool>(),
            awaiting in any::<bool>(),
            ends_in in proptest::option::of(-1_000_000i64..1_000_000),
        ) {
            let kind = if member { AccountKind::Member } else { AccountKind::Guest };
            let ends_at = ends_in.map(|d| NOW + d);
            let a = guest_access(&Lifecycle { kind, has_sponsor, awaiting_confirmation: awaiting, ends_at }, NOW);
            prop_assert_eq!(may_use(a), a == GuestAccess::Open);
            prop_assert!(!may_use(a) || may_sign_in(a));
            if member { prop_assert_eq!(a, GuestAccess::Open); }
            if !member && ends_at.is_some_and(|e| e <= NOW) { prop_assert_eq!(a, GuestAccess::Ended); }
            if !member && !has_sponsor && ends_at.is_none_or(|e| e > NOW) { prop_assert_eq!(a, GuestAccess::Suspended); }
        }

        /// An access given is never longer than the maximum, and never without an end when
        /// there is a maximum.
        #[test]
        fn access_days_keep_the_maximum(asked in proptest::option::of(0u32..5000), default in 0u32..400, max in 0u32..400) {
            let s = settings(default.min(if max > 0 { max } else { default }), max);
            if let Ok(days) = access_days(asked, &s) {
                if max > 0 { prop_assert!(days.is_some_and(|d| (1..=max).contains(&d))); }
                if let Some(d) = days { prop_assert!(d >= 1); }
            }
        }
    }
}
