//! Who may do what in a conversation, read before a change: membership (404 to outsiders,
//! whose existence is not said), the rights that run a group (SPEC §10, §10.1), the ALL
//! group's fixed membership (SPEC §2), the guest profile (SPEC §6), and that one only names
//! people one sees (SPEC §5).

use crate::accounts::{self, AccountRow};
use crate::conversations::{self, ConversationRow, Kind, MemberRow};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::settings;
use parley_core::group_rights::{self, ConversationFacts, GroupActions, MemberActions, Viewer};
use parley_core::role::AccountKind;
use parley_core::wire::ConversationKind;
use parley_core::ErrorCode;

/// The conversation and every member, if `me` is one of them; 404 otherwise.
pub async fn member_of(db: &Db, me: &AccountRow, id: &str) -> AppResult<(ConversationRow, Vec<MemberRow>)> {
    let row = conversations::by_id(db, id)
        .await?
        .filter(|c| c.organisation_id == me.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let members = conversations::members(db, id).await?;
    if !members.iter().any(|m| m.account_id == me.id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    Ok((row, members))
}

/// The conversation and `me`'s membership row, if `me` is a member; 404 otherwise. One row
/// read, whatever the size of the conversation (receipts and history pages of the ALL group).
pub async fn joined(db: &Db, me: &AccountRow, id: &str) -> AppResult<(ConversationRow, MemberRow)> {
    conversations::with_membership(db, id, &me.id)
        .await?
        .filter(|(c, _)| c.organisation_id == me.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// What `me`, a member of `row` (an admin of it or not), may do in it: the core rule.
pub fn actions_of(me: &AccountRow, row: &ConversationRow, is_admin: bool) -> GroupActions {
    let kind = match Kind::from_db(&row.kind) {
        Some(Kind::Direct) => ConversationKind::Direct,
        Some(Kind::System) => ConversationKind::System,
        _ => ConversationKind::Group,
    };
    group_rights::group_actions(
        ConversationFacts { kind, org_wide: row.org_wide() },
        Viewer { kind: me.kind(), is_admin, is_owner: row.owner_id.as_deref() == Some(me.id.as_str()) },
    )
}

/// One thing that running a group takes (SPEC §10, §10.1), as [`group_rights`] grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupRight {
    AddMembers,
    MakeAdmins,
    Rename,
    InviteMembers,
    ExternalKeys,
    SeeInvitations,
    HandOver,
    Close,
}

impl GroupRight {
    fn granted(self, a: &GroupActions) -> bool {
        match self {
            Self::AddMembers => a.add_members,
            Self::MakeAdmins => a.make_admins,
            Self::Rename => a.rename,
            Self::InviteMembers => a.invite_members,
            Self::ExternalKeys => a.external_keys,
            Self::SeeInvitations => a.see_invitations,
            Self::HandOver => a.hand_over,
            Self::Close => a.close,
        }
    }

    /// Who has it, for the refusal.
    fn holders(self) -> &'static str {
        match self {
            Self::AddMembers | Self::MakeAdmins | Self::Rename => "admins",
            Self::InviteMembers | Self::ExternalKeys | Self::HandOver | Self::Close => "owner",
            Self::SeeInvitations => "members",
        }
    }
}

/// A group conversation in which `me` has `right`, with its members and everything `me` may do
/// in it; 404 for outsiders, 400 for a one-to-one conversation, 403 for the ALL group and
/// without the right.
pub async fn group_with_right(
    db: &Db,
    me: &AccountRow,
    id: &str,
    right: GroupRight,
) -> AppResult<(ConversationRow, Vec<MemberRow>, GroupActions)> {
    let (row, members) = member_of(db, me, id).await?;
    if Kind::from_db(&row.kind) != Some(Kind::Group) {
        return Err(AppError::with_message(
            ErrorCode::InvalidRequest,
            "Only group conversations have admins and owners.",
        ));
    }
    refuse_org_wide(&row)?;
    let is_admin = members.iter().any(|m| m.account_id == me.id && m.admin());
    let actions = actions_of(me, &row, is_admin);
    if !right.granted(&actions) {
        let message = match me.kind() {
            AccountKind::Guest => "Guests cannot run a conversation; they may leave it.".to_owned(),
            AccountKind::Member => format!("Only the {} of this conversation can do this.", right.holders()),
        };
        return Err(AppError::with_message(ErrorCode::Forbidden, message));
    }
    Ok((row, members, actions))
}

/// A member of the group to act on with `actions` (the viewer's): 404 when they are not in it,
/// 403 when the rule does not allow `wanted` on them (guests are never made admins or owners).
pub fn member_to_act_on<'m>(
    members: &'m [MemberRow],
    account_id: &str,
    actions: &GroupActions,
    wanted: fn(&MemberActions) -> bool,
) -> AppResult<&'m MemberRow> {
    let target = members
        .iter()
        .find(|m| m.account_id == account_id)
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such member of this conversation."))?;
    if !wanted(&group_rights::member_actions(actions, target.kind(), false)) {
        return Err(AppError::with_message(
            ErrorCode::Forbidden,
            "Guests cannot be admins or owners of a conversation.",
        ));
    }
    Ok(target)
}

/// The ALL group is run by the organisation (SPEC §2): nobody renames, adds, removes, makes
/// admins, shares or closes it, and nobody leaves it.
pub fn refuse_org_wide(row: &ConversationRow) -> AppResult<()> {
    if row.org_wide() {
        return Err(AppError::with_message(
            ErrorCode::Forbidden,
            "The All group includes every member of the organization; its members cannot be changed.",
        ));
    }
    Ok(())
}

/// The accounts behind `ids`, each one `me` sees (SPEC §5); "No such contact." for anyone
/// else, so whether they exist is not said.
pub async fn visible_accounts(db: &Db, me: &AccountRow, ids: &[String]) -> AppResult<Vec<AccountRow>> {
    let shared = conversations::shared_with(db, &me.id).await?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        match accounts::by_id(db, id).await? {
            Some(t) if parley_core::visibility::sees_in_contacts(me.party(), t.party(), me.ties_to(&t, &shared)) => {
                found.push(t)
            }
            _ => return Err(AppError::with_message(ErrorCode::NotFound, "No such contact.")),
        }
    }
    Ok(found)
}

/// SPEC §6: with a guest in it, a conversation needs the matching guest-profile feature.
pub async fn guard_guest_profile(db: &Db, me: &AccountRow, members: &[AccountRow], kind: Kind) -> AppResult<()> {
    let guest_involved = me.kind() == AccountKind::Guest || members.iter().any(|m| m.kind() == AccountKind::Guest);
    if !guest_involved {
        return Ok(());
    }
    guest_profile_allows(db, &me.organisation_id, kind).await
}

/// Whether the organisation's guest profile allows a conversation of `kind` with a guest in
/// it (SPEC §6).
pub async fn guest_profile_allows(db: &Db, organisation_id: &str, kind: Kind) -> AppResult<()> {
    let profile = settings::load(db, organisation_id).await?.guest_profile;
    let allowed = match kind {
        Kind::Direct => profile.direct_messages,
        Kind::Group => profile.group_conversations,
        Kind::System => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::FeatureNotForGuests))
    }
}
