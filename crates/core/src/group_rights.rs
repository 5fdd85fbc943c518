//! Who may do what in a conversation (SPEC §2, §5, §10, §10.1), once for the server (which
//! refuses) and the UI (which shows the actions the server computed with these functions).
//!
//! - Only group conversations are run by anyone; the ALL group is run by the organisation:
//!   nobody adds, removes, renames, shares, closes or leaves it.
//! - A group's **admins** add and remove members, make other admins and rename it; they may
//!   invite guests into it (with the right to invite guests, checked apart).
//! - Its **owner** (also an admin) shares it — personal invitations, department queues,
//!   external keys — hands it over and closes it.
//! - Any member sees who is invited; anyone may leave.
//! - A **guest** runs nothing, even a group it started: it may only leave. It is never made an
//!   admin or the owner, never sees the invitations (their invitees may not see it, SPEC §5)
//!   and never addresses a department queue, whose members do not see it.

use crate::role::AccountKind;
use crate::wire::ConversationKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// What the rules need to know of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversationFacts {
    pub kind: ConversationKind,
    pub org_wide: bool,
}

/// What the rules need to know of the viewer in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub kind: AccountKind,
    pub is_admin: bool,
    pub is_owner: bool,
}

/// What the viewer may do in a conversation (all false outside a group the viewer is in).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GroupActions {
    pub add_members: bool,
    pub remove_members: bool,
    pub make_admins: bool,
    pub rename: bool,
    pub leave: bool,
    /// Invite a guest into it (SPEC §7.3 c); the right to invite guests is checked apart.
    pub invite_guests: bool,
    /// Personal invitations to members (SPEC §10.1).
    pub invite_members: bool,
    /// Department queues (SPEC §10.1).
    pub invite_queues: bool,
    pub external_keys: bool,
    /// See who is invited (the open invitations).
    pub see_invitations: bool,
    pub hand_over: bool,
    pub close: bool,
}

/// What `viewer` may do in the conversation `c`.
pub fn group_actions(c: ConversationFacts, viewer: Viewer) -> GroupActions {
    if c.kind != ConversationKind::Group || c.org_wide {
        return GroupActions::default();
    }
    let member = viewer.kind == AccountKind::Member;
    let admin = member && viewer.is_admin;
    let owner = member && viewer.is_owner;
    GroupActions {
        add_members: admin,
        remove_members: admin,
        make_admins: admin,
        rename: admin,
        leave: true,
        invite_guests: admin,
        invite_members: owner,
        invite_queues: owner,
        external_keys: owner,
        see_invitations: member,
        hand_over: owner,
        close: owner,
    }
}

/// What the viewer may do to one other member of a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct MemberActions {
    pub make_admin: bool,
    pub make_owner: bool,
    pub remove: bool,
}

/// What someone with `actions` in a group may do to a member of kind `target` (admin or not).
pub fn member_actions(actions: &GroupActions, target: AccountKind, target_is_admin: bool) -> MemberActions {
    let member = target == AccountKind::Member;
    MemberActions {
        make_admin: actions.make_admins && member && !target_is_admin,
        make_owner: actions.hand_over && member,
        remove: actions.remove_members,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: ConversationFacts = ConversationFacts { kind: ConversationKind::Group, org_wide: false };

    fn viewer(kind: AccountKind, is_admin: bool, is_owner: bool) -> Viewer {
        Viewer { kind, is_admin, is_owner }
    }

    #[test]
    fn a_plain_member_sees_invitations_and_may_leave() {
        let a = group_actions(GROUP, viewer(AccountKind::Member, false, false));
        assert_eq!(a, GroupActions { leave: true, see_invitations: true, ..Default::default() });
    }

    #[test]
    fn an_admin_runs_the_members_and_the_name() {
        let a = group_actions(GROUP, viewer(AccountKind::Member, true, false));
        assert!(a.add_members && a.remove_members && a.make_admins && a.rename && a.invite_guests && a.leave);
        assert!(!a.invite_members && !a.invite_queues && !a.external_keys && !a.hand_over && !a.close);
    }

    #[test]
    fn the_owner_also_shares_hands_over_and_closes() {
        let a = group_actions(GROUP, viewer(AccountKind::Member, true, true));
        assert!(a.invite_members && a.invite_queues && a.external_keys && a.hand_over && a.close && a.see_invitations);
    }

    #[test]
    fn a_guest_only_leaves_even_as_admin_or_owner() {
        for (admin, owner) in [(false, false), (true, false), (true, true)] {
            let a = group_actions(GROUP, viewer(AccountKind::Guest, admin, owner));
            assert_eq!(a, GroupActions { leave: true, ..Default::default() }, "admin {admin}, owner {owner}");
        }
    }

    #[test]
    fn the_all_group_and_other_kinds_are_run_by_nobody() {
        let owner = viewer(AccountKind::Member, true, true);
        for c in [
            ConversationFacts { kind: ConversationKind::Group, org_wide: true },
            ConversationFacts { kind: ConversationKind::Direct, org_wide: false },
            ConversationFacts { kind: ConversationKind::System, org_wide: false },
        ] {
            assert_eq!(group_actions(c, owner), GroupActions::default(), "{c:?}");
        }
    }

    #[test]
    fn guests_are_never_made_admins_or_owners() {
        let owner = group_actions(GROUP, viewer(AccountKind::Member, true, true));
        assert_eq!(
            member_actions(&owner, AccountKind::Guest, false),
            MemberActions { make_admin: false, make_owner: false, remove: true }
        );
        assert_eq!(
            member_actions(&owner, AccountKind::Member, false),
            MemberActions { make_admin: true, make_owner: true, remove: true }
        );
        assert!(!member_actions(&owner, AccountKind::Member, true).make_admin, "already an admin");
        let admin = group_actions(GROUP, viewer(AccountKind::Member, true, false));
        assert_eq!(
            member_actions(&admin, AccountKind::Member, false),
            MemberActions { make_admin: true, make_owner: false, remove: true }
        );
        let plain = group_actions(GROUP, viewer(AccountKind::Member, false, false));
        assert_eq!(member_actions(&plain, AccountKind::Member, false), MemberActions::default());
    }

    proptest::proptest! {
        /// Whatever the viewer, what a guest may do is at most to leave, and nobody runs
        /// anything outside a group.
        #[test]
        fn guests_and_non_groups_never_run_anything(admin: bool, owner: bool, org_wide: bool, guest: bool, k in 0..3u8) {
            let kind = [ConversationKind::Group, ConversationKind::Direct, ConversationKind::System][k as usize];
            let who = if guest { AccountKind::Guest } else { AccountKind::Member };
            let a = group_actions(ConversationFacts { kind, org_wide }, viewer(who, admin, owner));
            let runs = a.add_members || a.remove_members || a.make_admins || a.rename || a.invite_guests
                || a.invite_members || a.invite_queues || a.external_keys || a.see_invitations || a.hand_over || a.close;
            if guest || kind != ConversationKind::Group || org_wide {
                proptest::prop_assert!(!runs);
            }
            // Sharing is the owner's; running the members is the admins'.
            proptest::prop_assert!(!(a.invite_queues || a.hand_over) || owner);
            proptest::prop_assert!(!a.add_members || admin);
        }
    }
}
