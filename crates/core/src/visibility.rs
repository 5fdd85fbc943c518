//! Who sees whom (SPEC §5). "Sees" means: appears in Contacts and search results, in member
//! lists, and may be messaged. Every server endpoint and pushed event asks this module; the
//! client never filters on its own.

use crate::role::{AccountKind, AccountStatus};

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
    if !ties.same_organisation || viewer.status == AccountStatus::Deleted || target.status == AccountStatus::Deleted {
        return false;
    }
    match (viewer.kind, target.kind) {
        (AccountKind::Member, AccountKind::Member) => true,
        (AccountKind::Member, AccountKind::Guest) => ties.viewer_invited_target || ties.share_conversation,
        (AccountKind::Guest, AccountKind::Member) => ties.target_invited_viewer || ties.share_conversation,
        // A guest never sees another guest in Contacts.
        (AccountKind::Guest, AccountKind::Guest) => false,
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
