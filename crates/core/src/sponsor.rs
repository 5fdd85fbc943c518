//! Guest sponsors (SPEC §11.1): every guest has one — the inviter by default; an admin may
//! hand a guest to someone else. A sponsor who is removed from the organisation or loses the
//! right to invite leaves their guests without one, and a guest without a sponsor is
//! **suspended**: no login, sockets closed, shown *Suspended*, until an admin or another
//! authorised member takes them over (what a guest may do is `crate::guest_access`). Each of
//! these is decided here, once; the server applies it (`server::sponsors`) and the UI shows the
//! flags the server computed.

use crate::role::{AccountKind, AccountStatus, Role};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// What the rule needs to know of an account that is, or could be, a sponsor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub kind: AccountKind,
    pub role: Role,
    pub status: AccountStatus,
    /// The member's right *may invite guests* (SPEC §3).
    pub may_invite_guests: bool,
}

/// Who may sponsor a guest: a member not removed who may invite guests, or an admin (who
/// administers guests anyway). Guests never sponsor.
pub fn may_sponsor(c: &Candidate) -> bool {
    c.kind == AccountKind::Member && c.status != AccountStatus::Deleted && (c.may_invite_guests || c.role.is_admin())
}

/// Whether a change from `before` to `after` takes the account's guests from it (they are
/// then suspended): it could sponsor and now cannot.
pub fn loses_guests(before: &Candidate, after: &Candidate) -> bool {
    may_sponsor(before) && !may_sponsor(after)
}

/// The asker's relation to one guest, as far as sponsorship goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The asker's account, as a sponsor candidate.
    pub asker: Candidate,
    /// The guest is in the asker's administration scope (SPEC §8).
    pub administers_guest: bool,
    /// The guest is in the asker's Contacts (SPEC §5).
    pub sees_guest: bool,
    /// The asker already sponsors this guest.
    pub is_sponsor: bool,
    /// The guest has a sponsor now.
    pub guest_has_sponsor: bool,
}

/// What the asker may do about a guest's sponsor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct SponsorActions {
    /// Become the guest's sponsor: an admin of the guest who may sponsor, or — for a guest
    /// without a sponsor — an authorised member who sees them.
    pub take_over: bool,
    /// Hand the guest to another sponsor: admins of the guest only.
    pub reassign: bool,
}

pub fn sponsor_actions(s: &Standing) -> SponsorActions {
    let can_sponsor = may_sponsor(&s.asker);
    let reaches = s.administers_guest || (!s.guest_has_sponsor && s.sees_guest);
    SponsorActions {
        take_over: can_sponsor && !s.is_sponsor && reaches,
        reassign: s.administers_guest && s.asker.kind == AccountKind::Member,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member(role: Role, may_invite: bool) -> Candidate {
        Candidate { kind: AccountKind::Member, role, status: AccountStatus::Active, may_invite_guests: may_invite }
    }

    #[test]
    fn a_member_with_the_right_may_sponsor() {
        assert!(may_sponsor(&member(Role::Member, true)));
    }

    #[test]
    fn a_member_without_the_right_may_not() {
        assert!(!may_sponsor(&member(Role::Member, false)));
    }

    #[test]
    fn admins_may_sponsor_without_the_right() {
        assert!(may_sponsor(&member(Role::CompanyAdmin, false)));
        assert!(may_sponsor(&member(Role::DepartmentAdmin, false)));
    }

    #[test]
    fn a_removed_member_may_not() {
        let removed = Candidate { status: AccountStatus::Deleted, ..member(Role::CompanyAdmin, true) };
        assert!(!may_sponsor(&removed));
    }

    #[test]
    fn guests_never_sponsor() {
        let guest = Candidate { kind: AccountKind::Guest, ..member(Role::Guest, true) };
        assert!(!may_sponsor(&guest));
    }

    #[test]
    fn a_pending_member_may_sponsor() {
        let pending = Candidate { status: AccountStatus::Pending, ..member(Role::Member, true) };
        assert!(may_sponsor(&pending));
    }

    #[test]
    fn losing_the_right_loses_the_guests_but_not_for_an_admin() {
        assert!(loses_guests(&member(Role::Member, true), &member(Role::Member, false)));
        assert!(!loses_guests(&member(Role::CompanyAdmin, true), &member(Role::CompanyAdmin, false)));
        assert!(!loses_guests(&member(Role::Member, false), &member(Role::Member, false)), "had none to lose");
        assert!(!loses_guests(&member(Role::Member, false), &member(Role::Member, true)));
    }

    #[test]
    fn removal_loses_the_guests() {
        let before = member(Role::DepartmentAdmin, false);
        let after = Candidate { status: AccountStatus::Deleted, ..before };
        assert!(loses_guests(&before, &after));
    }

    fn standing(asker: Candidate) -> Standing {
        Standing { asker, administers_guest: false, sees_guest: true, is_sponsor: false, guest_has_sponsor: false }
    }

    #[test]
    fn an_authorised_member_who_sees_a_suspended_guest_may_take_them_over() {
        let s = standing(member(Role::Member, true));
        assert_eq!(sponsor_actions(&s), SponsorActions { take_over: true, reassign: false });
    }

    #[test]
    fn a_member_may_not_take_a_guest_from_a_live_sponsor() {
        let s = Standing { guest_has_sponsor: true, ..standing(member(Role::Member, true)) };
        assert_eq!(sponsor_actions(&s), SponsorActions::default());
    }

    #[test]
    fn a_member_who_does_not_see_the_guest_may_not_take_them_over() {
        let s = Standing { sees_guest: false, ..standing(member(Role::Member, true)) };
        assert!(!sponsor_actions(&s).take_over);
    }

    #[test]
    fn a_member_without_the_right_may_not_take_over() {
        assert!(!sponsor_actions(&standing(member(Role::Member, false))).take_over);
    }

    #[test]
    fn an_admin_of_the_guest_may_take_over_and_reassign_any_guest() {
        let s = Standing {
            administers_guest: true,
            sees_guest: false,
            guest_has_sponsor: true,
            ..standing(member(Role::DepartmentAdmin, false))
        };
        assert_eq!(sponsor_actions(&s), SponsorActions { take_over: true, reassign: true });
    }

    #[test]
    fn the_sponsor_has_nothing_to_take_over() {
        let s = Standing { is_sponsor: true, guest_has_sponsor: true, ..standing(member(Role::Member, true)) };
        assert!(!sponsor_actions(&s).take_over);
    }

    #[test]
    fn a_guest_may_do_nothing_about_sponsors() {
        let guest = Candidate { kind: AccountKind::Guest, ..member(Role::Guest, false) };
        let s = Standing { administers_guest: false, ..standing(guest) };
        assert_eq!(sponsor_actions(&s), SponsorActions::default());
    }

    fn any_candidate() -> impl Strategy<Value = Candidate> {
        (
            prop_oneof![Just(AccountKind::Member), Just(AccountKind::Guest)],
            prop_oneof![Just(Role::CompanyAdmin), Just(Role::DepartmentAdmin), Just(Role::Member), Just(Role::Guest)],
            prop_oneof![Just(AccountStatus::Pending), Just(AccountStatus::Active), Just(AccountStatus::Deleted)],
            any::<bool>(),
        )
            .prop_map(|(kind, role, status, may_invite_guests)| Candidate {
                kind,
                role,
                status,
                may_invite_guests,
            })
    }

    proptest! {
        /// Whoever may take a guest over may sponsor; nobody takes over a guest they neither
        /// administer nor see; a live sponsor is only ever replaced by an admin of the guest.
        #[test]
        fn take_over_needs_the_right_and_a_reach(
            asker in any_candidate(),
            administers_guest in any::<bool>(),
            sees_guest in any::<bool>(),
            is_sponsor in any::<bool>(),
            guest_has_sponsor in any::<bool>(),
        ) {
            let s = Standing { asker, administers_guest, sees_guest, is_sponsor, guest_has_sponsor };
            let a = sponsor_actions(&s);
            if a.take_over {
                prop_assert!(may_sponsor(&asker));
                prop_assert!(administers_guest || sees_guest);
                prop_assert!(!is_sponsor);
                prop_assert!(administers_guest || !guest_has_sponsor);
            }
            if a.reassign {
                prop_assert!(administers_guest);
                prop_assert!(asker.kind == AccountKind::Member);
            }
        }

        /// Losing the guests happens exactly when the right to sponsor goes.
        #[test]
        fn loses_guests_is_the_right_going(before in any_candidate(), after in any_candidate()) {
            prop_assert_eq!(loses_guests(&before, &after), may_sponsor(&before) && !may_sponsor(&after));
        }
    }
}
