//! What a guest may do now (SPEC §11.1), from its lifecycle: a guest without a sponsor is
//! **suspended** (no login at all); a guest whose inviter has not yet confirmed the activation
//! (when the organisation asks for it) is **awaiting confirmation**: it may log in, and sees only
//! a waiting screen — every other endpoint refuses it. One rule, read by sign-in, by every
//! request's session check, by the guests list and by the client's screens.

use crate::role::{AccountKind, AccountStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// A guest's access, most restrictive first when several apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GuestAccess {
    /// As the guest profile allows.
    Open,
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
}

/// The access of an account: members always have theirs.
pub fn guest_access(l: &Lifecycle) -> GuestAccess {
    if l.kind != AccountKind::Guest {
        GuestAccess::Open
    } else if !l.has_sponsor {
        GuestAccess::Suspended
    } else if l.awaiting_confirmation {
        GuestAccess::AwaitingConfirmation
    } else {
        GuestAccess::Open
    }
}

/// Whether a login may open a session: not for a suspended guest (an awaiting one logs in to
/// see its waiting screen).
pub fn may_sign_in(access: GuestAccess) -> bool {
    access != GuestAccess::Suspended
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
        Lifecycle { kind: AccountKind::Guest, has_sponsor, awaiting_confirmation }
    }

    #[test]
    fn a_sponsored_confirmed_guest_is_open() {
        assert_eq!(guest_access(&guest(true, false)), GuestAccess::Open);
    }

    #[test]
    fn without_a_sponsor_a_guest_is_suspended() {
        assert_eq!(guest_access(&guest(false, false)), GuestAccess::Suspended);
    }

    #[test]
    fn suspension_outranks_a_pending_confirmation() {
        assert_eq!(guest_access(&guest(false, true)), GuestAccess::Suspended);
    }

    #[test]
    fn an_unconfirmed_guest_awaits() {
        assert_eq!(guest_access(&guest(true, true)), GuestAccess::AwaitingConfirmation);
    }

    #[test]
    fn members_are_always_open() {
        let m = Lifecycle { kind: AccountKind::Member, has_sponsor: false, awaiting_confirmation: true };
        assert_eq!(guest_access(&m), GuestAccess::Open);
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

    proptest! {
        /// Only an open access uses Parley; whoever may use it may sign in; a member is open.
        #[test]
        fn access_is_consistent(member in any::<bool>(), has_sponsor in any::<bool>(), awaiting in any::<bool>()) {
            let kind = if member { AccountKind::Member } else { AccountKind::Guest };
            let a = guest_access(&Lifecycle { kind, has_sponsor, awaiting_confirmation: awaiting });
            prop_assert_eq!(may_use(a), a == GuestAccess::Open);
            prop_assert!(!may_use(a) || may_sign_in(a));
            if member { prop_assert_eq!(a, GuestAccess::Open); }
            if !member && !has_sponsor { prop_assert_eq!(a, GuestAccess::Suspended); }
        }
    }
}
