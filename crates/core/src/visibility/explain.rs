//! "Why does X see Y?" (SPEC §11.1): the reason [`super::explain_in_contacts`] decided on, the
//! sentence an admin reads, and the query and answer of the admin tool. The reasons are the
//! rule's own branches, so an explanation cannot disagree with the enforcement.

use crate::role::{AccountKind, AccountStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

/// The fact of SPEC §5 that makes a target visible to a viewer in Contacts, or keeps it hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VisibilityReason")]
#[schema(as = VisibilityReason)]
pub enum Reason {
    /// Member and member of one organisation: every member sees every member.
    BothMembers,
    /// The viewer (a member) invited the target (a guest).
    ViewerInvitedTarget,
    /// The target (a member) invited the viewer (a guest).
    TargetInvitedViewer,
    /// A member and a guest who share an open conversation.
    ShareConversation,
    /// Not seen: a member and a guest they neither invited nor share a conversation with.
    GuestNotTiedToMember,
    /// Not seen: a guest and a member who neither invited them nor shares a conversation.
    MemberNotTiedToGuest,
    /// Not in Contacts: two guests of one conversation see each other only in it.
    GuestsOnlyInConversation,
    /// Not seen: two guests who share no conversation.
    GuestsNeverInContacts,
    ViewerDeleted,
    TargetDeleted,
    OtherOrganisation,
}

impl Reason {
    /// Whether the viewer sees the target in Contacts for this reason.
    pub fn sees(self) -> bool {
        matches!(
            self,
            Self::BothMembers | Self::ViewerInvitedTarget | Self::TargetInvitedViewer | Self::ShareConversation
        )
    }

    /// Whether the conversations both are in are part of the explanation.
    pub fn names_conversations(self) -> bool {
        matches!(self, Self::ShareConversation | Self::GuestsOnlyInConversation)
    }

    /// The sentence an admin reads: `viewer` and `target` are the people's names,
    /// `conversations` the names of (some of) the conversations both are in, `shared` how many
    /// there are in all.
    pub fn sentence(self, viewer: &str, target: &str, conversations: &[String], shared: usize) -> String {
        let (v, t) = (viewer, target);
        match self {
            Self::BothMembers => format!("{v} sees {t}: both are members of the organisation, and every member sees every member."),
            Self::ViewerInvitedTarget => format!("{v} sees {t}: {v} invited {t}."),
            Self::TargetInvitedViewer => format!("{v} sees {t}: {t} invited {v}."),
            Self::ShareConversation => format!("{v} sees {t}: both are in {}.", conversation_list(conversations, shared)),
            Self::GuestNotTiedToMember => format!(
                "{v} does not see {t}: a member sees a guest only after inviting them or sharing a conversation with them, and {v} has done neither."
            ),
            Self::MemberNotTiedToGuest => format!(
                "{v} does not see {t}: a guest sees only the member who invited them and the people of their conversations, and {t} is neither."
            ),
            Self::GuestsOnlyInConversation => format!(
                "{v} does not see {t} in Contacts: a guest never sees another guest there. Both are in {}, so each sees the other in its member list and messages.",
                conversation_list(conversations, shared)
            ),
            Self::GuestsNeverInContacts => {
                format!("{v} does not see {t}: a guest never sees another guest in Contacts, and they share no conversation.")
            }
            Self::ViewerDeleted => format!("{v} does not see {t}: {v} was deleted and sees no one."),
            Self::TargetDeleted => format!("{v} does not see {t}: {t} was deleted."),
            Self::OtherOrganisation => format!("{v} does not see {t}: they belong to different organisations."),
        }
    }
}

/// “A”, “A” and “B”, or “A”, “B”, “C” and 2 more.
fn conversation_list(names: &[String], shared: usize) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
    let more = shared.saturating_sub(quoted.len());
    match (quoted.as_slice(), more) {
        ([], 0) => "a conversation".to_owned(),
        ([], n) => format!("{n} conversations"),
        ([one], 0) => one.clone(),
        (all, 0) => format!("{} and {}", all[..all.len() - 1].join(", "), all[all.len() - 1]),
        (all, n) => format!("{} and {n} more", all.join(", ")),
    }
}

/// The most conversation names an explanation carries.
pub const CONVERSATIONS_NAMED_MAX: usize = 3;

/// `GET /api/v1/admin/visibility`: does `viewer` see `target`, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[ts(export)]
pub struct VisibilityQuery {
    pub viewer: String,
    pub target: String,
}

/// One account as the admin's pickers and answers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct AccountPick {
    pub id: String,
    /// The name, or the phone number while there is none.
    pub name: String,
    pub phone_display: String,
    pub kind: AccountKind,
    pub status: AccountStatus,
    pub department_name: String,
    /// May sponsor guests (`crate::sponsor::may_sponsor`): offered when choosing a sponsor.
    #[serde(default)]
    pub may_sponsor: bool,
}

/// The answer: the rule's decision for Contacts and in the conversations both are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct VisibilityAnswer {
    pub viewer: AccountPick,
    pub target: AccountPick,
    /// Seen in Contacts and search, and may be messaged.
    pub sees_in_contacts: bool,
    /// Seen in the member list of a conversation both are in.
    pub sees_in_conversation: bool,
    pub reason: Reason,
    /// [`Reason::sentence`], for these two people.
    pub sentence: String,
    /// Up to [`CONVERSATIONS_NAMED_MAX`] open conversations both are in, as the viewer names them.
    pub shared_conversations: Vec<String>,
    pub shared_conversation_count: u32,
}

/// `GET /api/v1/admin/accounts`: accounts in the admin's scope whose name or number matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
#[ts(export)]
pub struct AccountPickQuery {
    /// Matches the start of a first or last name, or digits of the number; two characters at least.
    pub search: String,
}

/// The most accounts one pick search answers.
pub const ACCOUNT_PICKS_MAX: u32 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_reason_reads_as_a_sentence() {
        let s = Reason::ViewerInvitedTarget.sentence("Ann Lee", "Gus Guest", &[], 0);
        assert_eq!(s, "Ann Lee sees Gus Guest: Ann Lee invited Gus Guest.");
        let s = Reason::ShareConversation.sentence("Ann Lee", "Gus Guest", &names(&["Launch"]), 1);
        assert_eq!(s, "Ann Lee sees Gus Guest: both are in “Launch”.");
        let s = Reason::GuestsNeverInContacts.sentence("Gus", "Gil", &[], 0);
        assert_eq!(
            s,
            "Gus does not see Gil: a guest never sees another guest in Contacts, and they share no conversation."
        );
    }

    #[test]
    fn conversations_are_listed_with_how_many_more() {
        assert_eq!(conversation_list(&names(&["A", "B"]), 2), "“A” and “B”");
        assert_eq!(conversation_list(&names(&["A", "B", "C"]), 5), "“A”, “B”, “C” and 2 more");
        assert_eq!(conversation_list(&[], 0), "a conversation");
    }

    #[test]
    fn only_the_four_seeing_reasons_see() {
        use Reason::*;
        let all = [
            BothMembers,
            ViewerInvitedTarget,
            TargetInvitedViewer,
            ShareConversation,
            GuestNotTiedToMember,
            MemberNotTiedToGuest,
            GuestsOnlyInConversation,
            GuestsNeverInContacts,
            ViewerDeleted,
            TargetDeleted,
            OtherOrganisation,
        ];
        assert_eq!(all.iter().filter(|r| r.sees()).count(), 4);
        for r in all {
            assert!(!r.sentence("V", "T", &[], 0).is_empty());
            assert_eq!(r.sentence("V", "T", &[], 0).starts_with("V sees T"), r.sees());
        }
    }
}
