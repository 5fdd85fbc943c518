//! "Preview as guest" (SPEC §11.1): what a guest sees — or will see once invited — as the
//! server computes it with the visibility rule, never a guess of the client's.

use super::explain::AccountPick;
use super::Reason;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// `POST /api/v1/invitations/preview`: the guest this inviter is about to invite, into
/// `conversation_id` when the invitation starts from a group (SPEC §7.3 c).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(export)]
pub struct InvitationPreviewRequest {
    pub conversation_id: Option<String>,
}

/// One person the guest sees, and why (the rule's reason, as a short phrase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct PreviewPerson {
    pub person: AccountPick,
    pub reason: Reason,
    /// [`Reason::phrase`]: "Invited the guest", "Also in “Atlas”", …
    pub why: String,
}

/// A conversation the guest is (or will be) in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct PreviewConversation {
    pub title: String,
    pub member_count: u32,
}

/// Everything the guest sees: people in Contacts (and search, and to message), people seen only
/// in a shared conversation's member list (other guests), and the conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GuestPreview {
    /// The guest's name as the preview shows it ("The guest" before a name is typed).
    pub guest_name: String,
    /// Not activated yet (or not invited yet): what they will see after their first login.
    pub before_activation: bool,
    /// At most [`PREVIEW_PEOPLE_MAX`], by name; only people the one asking may see themself
    /// (the totals count everyone).
    pub contacts: Vec<PreviewPerson>,
    pub contacts_total: u32,
    pub in_conversations_only: Vec<PreviewPerson>,
    pub in_conversations_only_total: u32,
    /// The conversations the one asking is in (and the welcome conversation still to come).
    pub conversations: Vec<PreviewConversation>,
    /// The guest's conversations the one asking is not in: counted, never named.
    pub other_conversations: u32,
}

/// The most people a preview lists in each part (the totals count them all).
pub const PREVIEW_PEOPLE_MAX: usize = 200;

impl Reason {
    /// Why the guest sees this person, in a few words beside their name; `conversations` are the
    /// names of conversations both are in.
    pub fn phrase(self, conversations: &[String]) -> String {
        let first = conversations.first().map(|n| format!("“{n}”")).unwrap_or_else(|| "a conversation".to_owned());
        let more = match conversations.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        match self {
            Self::TargetInvitedViewer => "Invited the guest".to_owned(),
            Self::ShareConversation => format!("Also in {first}{more}"),
            Self::GuestsOnlyInConversation => format!("Only in the member list of {first}{more}"),
            other => other.sentence("The guest", "this person", conversations, conversations.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_name_the_conversation() {
        let atlas = vec!["Atlas".to_owned()];
        assert_eq!(Reason::TargetInvitedViewer.phrase(&[]), "Invited the guest");
        assert_eq!(Reason::ShareConversation.phrase(&atlas), "Also in “Atlas”");
        let two = vec!["Atlas".to_owned(), "Ops".to_owned()];
        assert_eq!(Reason::GuestsOnlyInConversation.phrase(&two), "Only in the member list of “Atlas” and 1 more");
    }
}
