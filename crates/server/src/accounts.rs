//! Reading accounts, and turning them into the wire views (`Me`, `Contact`).

use crate::db::Db;
use parley_core::guest_access::{guest_access, GuestAccess, Lifecycle};
use parley_core::role::{AccountKind, AccountStatus, Role};
use parley_core::visibility::{Party, Ties};
use parley_core::wire::{Contact, Me};
use std::collections::HashSet;

/// One account with the names of its department and organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub department_id: String,
    pub department_name: String,
    pub kind: String,
    pub role: String,
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub invited_by: Option<String>,
    /// The per-member right *may invite guests* (0/1).
    pub may_invite_guests: i64,
    pub change_seq: i64,
    /// The change sequence at which what this account may see last changed as a whole.
    pub scope_seq: i64,
    /// A guest's sponsor (SPEC §11.1); `None` for a guest means suspended.
    pub sponsor_id: Option<String>,
    /// When the inviter was asked to confirm this guest's activation, until they answer.
    pub confirmation_asked_at: Option<i64>,
    /// When a guest's access ends, if it does.
    pub access_ends_at: Option<i64>,
    /// When the server recorded that end (sessions ended, report row).
    pub access_ended_at: Option<i64>,
}

pub const SELECT_ACCOUNT: &str = "SELECT a.id, a.organisation_id, o.name AS organisation_name, \
    a.department_id, d.name AS department_name, a.kind, a.role, a.status, a.first_name, \
    a.last_name, a.phone, a.email, a.invited_by, a.may_invite_guests, a.change_seq, a.scope_seq, a.sponsor_id, \
    a.confirmation_asked_at, a.access_ends_at, a.access_ended_at FROM accounts a JOIN departments d ON d.id = a.department_id \
    JOIN organisations o ON o.id = a.organisation_id";

impl AccountRow {
    pub fn kind(&self) -> AccountKind {
        AccountKind::from_db(&self.kind).unwrap_or(AccountKind::Guest)
    }
    pub fn role(&self) -> Role {
        Role::from_db(&self.role).unwrap_or(Role::Guest)
    }
    pub fn status(&self) -> AccountStatus {
        AccountStatus::from_db(&self.status).unwrap_or(AccountStatus::Deleted)
    }
    /// This account as a sponsor candidate (`core::sponsor`).
    pub fn candidate(&self) -> parley_core::sponsor::Candidate {
        parley_core::sponsor::Candidate {
            kind: self.kind(),
            role: self.role(),
            status: self.status(),
            may_invite_guests: self.may_invite_guests != 0,
        }
    }
    /// What this account may do at `now` (`core::guest_access`): members always everything.
    pub fn access(&self, now: i64) -> GuestAccess {
        guest_access(&self.lifecycle(self.access_ends_at), now)
    }
    /// The access as others are shown it: an end counts once the server recorded it (the
    /// scheduler, within its period, or the end of a conversation at once).
    pub fn shown_access(&self) -> GuestAccess {
        guest_access(&self.lifecycle(self.access_ended_at), i64::MAX)
    }
    fn lifecycle(&self, ends_at: Option<i64>) -> Lifecycle {
        Lifecycle {
            kind: self.kind(),
            has_sponsor: self.sponsor_id.is_some(),
            awaiting_confirmation: self.confirmation_asked_at.is_some(),
            ends_at,
        }
    }
    pub fn party(&self) -> Party {
        Party { kind: self.kind(), status: self.status() }
    }

    /// The facts the visibility rule needs between this viewer and `target`; `shared` holds
    /// the ids of the accounts that share a conversation with this viewer.
    pub fn ties_to(&self, target: &AccountRow, shared: &HashSet<String>) -> Ties {
        Ties {
            same_organisation: self.organisation_id == target.organisation_id,
            viewer_invited_target: target.invited_by.as_deref() == Some(self.id.as_str()),
            target_invited_viewer: self.invited_by.as_deref() == Some(target.id.as_str()),
            share_conversation: shared.contains(&target.id),
        }
    }

    /// Whether this viewer sees `target` (SPEC §5); loads the viewer's conversations.
    pub async fn sees(&self, db: &Db, target: &AccountRow) -> sqlx::Result<bool> {
        let shared = crate::conversations::shared_with(db, &self.id).await?;
        Ok(parley_core::visibility::sees_in_contacts(self.party(), target.party(), self.ties_to(target, &shared)))
    }

    pub fn to_me(&self) -> Me {
        Me {
            id: self.id.clone(),
            organisation_id: self.organisation_id.clone(),
            organisation_name: self.organisation_name.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            kind: self.kind(),
            role: self.role(),
            status: self.status(),
            department_id: self.department_id.clone(),
            department_name: self.department_name.clone(),
            first_login_required: self.status() == AccountStatus::Pending,
            may_sponsor: parley_core::sponsor::may_sponsor(&self.candidate()),
            awaiting_confirmation: self.shown_access() == GuestAccess::AwaitingConfirmation,
            access_ends_at: self.access_ends_at,
        }
    }

    pub fn to_contact(&self) -> Contact {
        Contact { phone_display: parley_core::PhoneNumber::display(&self.phone), ..self.to_synced_contact() }
    }

    /// The contact as `viewer`'s contacts delta carries it (with whether the viewer sponsors it).
    pub fn to_contact_for(&self, viewer: &AccountRow) -> Contact {
        Contact { you_sponsor: self.sponsor_id.as_deref() == Some(viewer.id.as_str()), ..self.to_synced_contact() }
    }

    /// The contact as a contacts delta carries it: without `phone_display`, which the client
    /// formats for the rows it shows.
    pub fn to_synced_contact(&self) -> Contact {
        Contact {
            id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: self.phone.clone(),
            phone_display: String::new(),
            email: self.email.clone(),
            kind: self.kind(),
            role: self.role(),
            status: self.status(),
            department_id: self.department_id.clone(),
            department_name: self.department_name.clone(),
            access: self.shown_access(),
            access_ends_at: self.access_ends_at,
            you_sponsor: false,
        }
    }
}

/// A person as lists and reports show them: their name, or their phone number while they have
/// none (SPEC §9: "name, or phone number").
pub fn name_or_phone(first: &str, last: &str, phone: &str) -> String {
    let name = format!("{first} {last}").trim().to_owned();
    if name.is_empty() {
        parley_core::PhoneNumber::display(phone)
    } else {
        name
    }
}

pub async fn by_id<'e, E>(db: E, id: &str) -> sqlx::Result<Option<AccountRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT_ACCOUNT} WHERE a.id = $1")).bind(id).fetch_optional(db).await
}

/// A live member of a conversation with their role and receipts there.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberAccount {
    #[sqlx(flatten)]
    pub account: AccountRow,
    pub is_admin: i64,
    pub delivered_seq: i64,
    pub read_seq: i64,
}

/// The live (not deleted) members of a conversation in the order they joined, in one query;
/// at most `limit` of them (the ALL group may hold thousands).
pub async fn in_conversation<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    conversation_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<MemberAccount>> {
    sqlx::query_as(&format!(
        "SELECT a.*, m.is_admin, m.delivered_seq, m.read_seq FROM ({SELECT_ACCOUNT}) a \
         JOIN conversation_members m ON m.account_id = a.id \
         WHERE m.conversation_id = $1 AND a.status <> 'deleted' ORDER BY m.joined_at, m.account_id LIMIT {limit}"
    ))
    .bind(conversation_id)
    .fetch_all(db)
    .await
}

/// The live members of every conversation `account_id` is in (the ALL group left out: it is
/// listed by [`in_conversation`] with a limit), with the conversation each row belongs to: the
/// conversation list's members in one query.
pub async fn in_conversations_of(db: &Db, account_id: &str) -> sqlx::Result<Vec<(String, MemberAccount)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        conversation_id: String,
        #[sqlx(flatten)]
        member: MemberAccount,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT m.conversation_id, a.*, m.is_admin, m.delivered_seq, m.read_seq FROM ({SELECT_ACCOUNT}) a \
         JOIN conversation_members m ON m.account_id = a.id \
         JOIN conversation_members mine ON mine.conversation_id = m.conversation_id \
         JOIN conversations c ON c.id = m.conversation_id \
         WHERE mine.account_id = $1 AND c.closed_at IS NULL AND c.org_wide = 0 AND a.status <> 'deleted' \
         ORDER BY m.conversation_id, m.joined_at, m.account_id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.conversation_id, r.member)).collect())
}

/// The live (not deleted) account holding a phone number, if any.
pub async fn live_by_phone(db: &Db, phone: &str) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as(&format!("{SELECT_ACCOUNT} WHERE a.phone = $1 AND a.status <> 'deleted'"))
        .bind(phone)
        .fetch_optional(db)
        .await
}

/// Company admins of an organisation plus the admins of a department and its ancestors:
/// the people told about guests and locked accounts in that department.
pub async fn admins_for_department(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    department_id: &str,
) -> sqlx::Result<Vec<String>> {
    let mut ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM accounts WHERE organisation_id = $1 AND role = 'company_admin' AND status <> 'deleted'",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut dept = Some(department_id.to_owned());
    let mut hops = 0;
    while let Some(d) = dept.take() {
        let admins: Vec<String> = sqlx::query_scalar(
            "SELECT da.account_id FROM department_admins da JOIN accounts a ON a.id = da.account_id \
             WHERE da.department_id = $1 AND a.status <> 'deleted'",
        )
        .bind(&d)
        .fetch_all(&mut *conn)
        .await?;
        ids.extend(admins);
        dept = sqlx::query_scalar("SELECT parent_id FROM departments WHERE id = $1")
            .bind(&d)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        hops += 1;
        if hops > 64 {
            break;
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Grants or withdraws *may invite guests* (SPEC §3). Nobody's Contacts show it: the account
/// itself is told, and reads itself (and its invitation form) again.
pub async fn set_may_invite_guests(
    work: &mut crate::unit_of_work::UnitOfWork,
    account: &AccountRow,
    may_invite: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET may_invite_guests = $1 WHERE id = $2")
        .bind(i64::from(may_invite))
        .bind(&account.id)
        .execute(&mut **work)
        .await?;
    let member = account.kind() == parley_core::role::AccountKind::Member;
    work.publish(crate::events::Event::AccountChanged { account_id: account.id.clone(), member });
    Ok(())
}
