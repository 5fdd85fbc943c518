//! Who sees whom (SPEC §5). "Sees" means: appears in Contacts and search results, in member
//! lists, and may be messaged. Every server endpoint and pushed event asks this module; the
//! client never filters on its own.
//!
//! [`explain_in_contacts`] is the rule itself: it returns the [`Reason`] a viewer sees a target
//! (or does not), and [`sees_in_contacts`] is only its yes or no, so the answer to "why does X
//! see Y?" ([`explain`]) and the guest preview ([`preview`]) can never disagree with what the
//! server enforces.

pub mod explain;
pub mod preview;

use crate::role::{AccountKind, AccountStatus};
pub use explain::Reason;

/// What the rule needs to know about one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Party {
    pub kind: AccountKind,
    pub status: AccountStatus,
}

/// The facts that link a viewer to a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ties {
    pub same_organisation: bool,
    pub viewer_invited_target: bool,
    pub target_invited_viewer: bool,
    pub share_conversation: bool,
}

/// Whether `viewer` sees `target` in Contacts (and search, and may message them).
pub fn sees_in_contacts(viewer: Party, target: Party, ties: Ties) -> bool {
    explain_in_contacts(viewer, target, ties).sees()
}

/// Why `viewer` sees `target` in Contacts, or why not: the first fact of the rule that decides.
pub fn explain_in_contacts(viewer: Party, target: Party, ties: Ties) -> Reason {
    if !ties.same_organisation {
        return Reason::OtherOrganisation;
    }
    if viewer.status == AccountStatus::Deleted {
        return Reason::ViewerDeleted;
    }
    if target.status == AccountStatus::Deleted {
        return Reason::TargetDeleted;
    }
    match (viewer.kind, target.kind) {
        (AccountKind::Member, AccountKind::Member) => Reason::BothMembers,
        (AccountKind::Member, AccountKind::Guest) if ties.viewer_invited_target => Reason::ViewerInvitedTarget,
        (AccountKind::Guest, AccountKind::Member) if ties.target_invited_viewer => Reason::TargetInvitedViewer,
        (AccountKind::Member, AccountKind::Guest) | (AccountKind::Guest, AccountKind::Member)
            if ties.share_conversation =>
        {
            Reason::ShareConversation
        }
        (AccountKind::Member, AccountKind::Guest) => Reason::GuestNotTiedToMember,
        (AccountKind::Guest, AccountKind::Member) => Reason::MemberNotTiedToGuest,
        // A guest never sees another guest in Contacts (only in a shared conversation's members).
        (AccountKind::Guest, AccountKind::Guest) if ties.share_conversation => Reason::GuestsOnlyInConversation,
        (AccountKind::Guest, AccountKind::Guest) => Reason::GuestsNeverInContacts,
    }
}

/// Whether `viewer` sees `target` in the member list of a conversation both are in: anyone who
/// shares the conversation, guests included (SPEC §5, guest × guest cell).
pub fn sees_in_conversation(viewer: Party, target: Party, ties: Ties) -> bool {
    ties.same_organisation
        && ties.share_conversation
        && viewer.status != AccountStatus::Deleted
        && target.status != AccountStatus::Deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountKind::{Guest, Member};

    fn p(kind: AccountKind) -> Party {
        Party { kind, status: AccountStatus::Active }
    }
    fn ties(invited_by_viewer: bool, invited_viewer: bool, share: bool) -> Ties {
        Ties {
            same_organisation: true,
            viewer_invited_target: invited_by_viewer,
            target_invited_viewer: invited_viewer,
            share_conversation: share,
        }
    }

    /// Every cell of the SPEC §5 table for Contacts.
    #[test]
    fn contacts_table() {
        let cases = [
            // viewer, target, viewer invited target, target invited viewer, share conv, sees
            (Member, Member, false, false, false, true),
            (Member, Guest, false, false, false, false),
            (Member, Guest, true, false, false, true),
            (Member, Guest, false, false, true, true),
            (Guest, Member, false, false, false, false),
            (Guest, Member, false, true, false, true),
            (Guest, Member, false, false, true, true),
            (Guest, Guest, false, false, true, false),
            (Guest, Guest, true, true, true, false),
        ];
        for (v, t, a, b, s, want) in cases {
            assert_eq!(sees_in_contacts(p(v), p(t), ties(a, b, s)), want, "{v:?} -> {t:?} {a} {b} {s}");
        }
    }

    /// Every cell of the table again, with the reason each answer gives.
    #[test]
    fn each_answer_has_its_reason() {
        use Reason::*;
        let cases = [
            (Member, Member, false, false, false, BothMembers),
            (Member, Guest, false, false, false, GuestNotTiedToMember),
            (Member, Guest, true, false, true, ViewerInvitedTarget),
            (Member, Guest, false, false, true, ShareConversation),
            (Guest, Member, false, false, false, MemberNotTiedToGuest),
            (Guest, Member, false, true, true, TargetInvitedViewer),
            (Guest, Member, false, false, true, ShareConversation),
            (Guest, Guest, false, false, true, GuestsOnlyInConversation),
            (Guest, Guest, true, true, false, GuestsNeverInContacts),
        ];
        for (v, t, a, b, s, want) in cases {
            assert_eq!(explain_in_contacts(p(v), p(t), ties(a, b, s)), want, "{v:?} -> {t:?} {a} {b} {s}");
        }
        let deleted = Party { kind: Member, status: AccountStatus::Deleted };
        assert_eq!(explain_in_contacts(deleted, p(Member), ties(false, false, false)), ViewerDeleted);
        assert_eq!(explain_in_contacts(p(Member), deleted, ties(false, false, false)), TargetDeleted);
        let foreign = Ties { same_organisation: false, ..ties(true, true, true) };
        assert_eq!(explain_in_contacts(p(Member), p(Member), foreign), OtherOrganisation);
    }

    #[test]
    fn conversation_member_list_shows_guests_to_guests() {
        assert!(sees_in_conversation(p(Guest), p(Guest), ties(false, false, true)));
        assert!(!sees_in_conversation(p(Guest), p(Guest), ties(false, false, false)));
    }

    #[test]
    fn deleted_or_foreign_accounts_are_never_seen() {
        let deleted = Party { kind: Member, status: AccountStatus::Deleted };
        assert!(!sees_in_contacts(p(Member), deleted, ties(true, true, true)));
        let foreign = Ties { same_organisation: false, ..ties(true, true, true) };
        assert!(!sees_in_contacts(p(Member), p(Member), foreign));
    }

    proptest::proptest! {
        /// The explanation names a fact that holds, and says "sees" exactly when the rule does.
        #[test]
        fn the_reason_holds_and_agrees(vk in 0..2u8, tk in 0..2u8, vd: bool, td: bool, a: bool, b: bool, s: bool, same: bool) {
            let kind = |k| if k == 0 { Member } else { Guest };
            let status = |d| if d { AccountStatus::Deleted } else { AccountStatus::Active };
            let (v, t) = (Party { kind: kind(vk), status: status(vd) }, Party { kind: kind(tk), status: status(td) });
            let ties = Ties { same_organisation: same, viewer_invited_target: a, target_invited_viewer: b, share_conversation: s };
            let reason = explain_in_contacts(v, t, ties);
            proptest::prop_assert_eq!(reason.sees(), sees_in_contacts(v, t, ties));
            let holds = match reason {
                Reason::OtherOrganisation => !same,
                Reason::ViewerDeleted => vd,
                Reason::TargetDeleted => td,
                Reason::BothMembers => v.kind == Member && t.kind == Member,
                Reason::ViewerInvitedTarget => a && t.kind == Guest,
                Reason::TargetInvitedViewer => b && v.kind == Guest,
                Reason::ShareConversation | Reason::GuestsOnlyInConversation => s,
                Reason::GuestNotTiedToMember => !a && !s && t.kind == Guest,
                Reason::MemberNotTiedToGuest => !b && !s && v.kind == Guest,
                Reason::GuestsNeverInContacts => !s && v.kind == Guest && t.kind == Guest,
            };
            proptest::prop_assert!(holds, "{:?} does not hold", reason);
        }

        /// Visibility is never wider than the rule: a guest seen by anyone is tied to them.
        #[test]
        fn never_wider_than_the_rule(vk in 0..2u8, tk in 0..2u8, a: bool, b: bool, s: bool, same: bool) {
            let kind = |k| if k == 0 { Member } else { Guest };
            let t = Ties { same_organisation: same, viewer_invited_target: a, target_invited_viewer: b, share_conversation: s };
            let seen = sees_in_contacts(p(kind(vk)), p(kind(tk)), t);
            if seen {
                proptest::prop_assert!(same);
                if kind(tk) == Guest { proptest::prop_assert!(kind(vk) == Member && (a || s)); }
                if kind(vk) == Guest { proptest::prop_assert!(b || s); }
            }
        }
    }
}
