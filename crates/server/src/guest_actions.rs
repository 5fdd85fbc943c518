//! What admins do to guests (SPEC §7.6, §8), each inside the caller's unit of work: incorporate
//! them as members, delete them or cancel their pending invitation (one guarded step takes a
//! guest off the list), and correct a pending guest's details. The routes check the admin's
//! scope and answer; these change the data and queue the events.

use crate::accounts::AccountRow;
use crate::all_group;
use crate::contact_audience::ContactChange;
use crate::db::next_change_seq;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::invitation_messages::{send_again, Tone};
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use parley_core::admin::{ActivityAction, GuestRow};
use parley_core::invitation::ValidContact;
use parley_core::role::AccountStatus;
use parley_core::settings::OrganisationSettings;
use parley_core::ErrorCode;

/// How a guest leaves the list: incorporated as a member (SPEC §8), deleted by an admin
/// (SPEC §8), or their pending invitation cancelled (SPEC §7.6; a *Deletion* in the activity
/// report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaving {
    Incorporated,
    Deleted,
    Cancelled,
    /// Its sponsor answered *Not my guest* to "Is this your guest?" (SPEC §11.1).
    NotMyGuest,
}

impl Leaving {
    /// What changes on the account.
    fn change(self) -> &'static str {
        match self {
            Self::Incorporated => "kind = 'member', role = 'member', scope_seq = $2",
            Self::Deleted | Self::Cancelled | Self::NotMyGuest => "status = 'deleted'",
        }
    }
    /// What must still hold for it (a cancellation only while the guest is pending).
    fn still(self) -> &'static str {
        match self {
            Self::Cancelled => "status = 'pending'",
            Self::Incorporated | Self::Deleted | Self::NotMyGuest => "status <> 'deleted'",
        }
    }
    pub fn invitation_status(self) -> &'static str {
        match self {
            Self::Incorporated => "incorporated",
            Self::Deleted | Self::NotMyGuest => "deleted",
            Self::Cancelled => "cancelled",
        }
    }
    fn action(self) -> ActivityAction {
        match self {
            Self::Incorporated => ActivityAction::Incorporation,
            Self::Deleted | Self::Cancelled => ActivityAction::Deletion,
            Self::NotMyGuest => ActivityAction::Rejection,
        }
    }
}

/// Incorporates guests as members of their department (SPEC §8), into the ALL group if it is
/// shown (announced there once active).
pub async fn incorporate(work: &mut UnitOfWork, admin: &AccountRow, chosen: &[GuestRow], now: i64) -> AppResult<()> {
    let seq = next_change_seq(&mut *work).await?;
    let mut arrivals = Vec::new();
    for g in chosen {
        // Members of their department, with every member right and member visibility; the
        // new scope makes their own next contacts delta a full list.
        leave_list(work, admin, &g.id, Leaving::Incorporated, (now, seq)).await?;
        // A member now: into the ALL group if it is shown (announced there once active).
        let name = format!("{} {}", g.first_name, g.last_name);
        let announce = (g.status == AccountStatus::Active).then_some(name.as_str());
        if let Some((all, Some(notice))) =
            all_group::join(&mut *work, &admin.organisation_id, &g.id, announce, now).await?
        {
            arrivals.push((all, notice));
        }
    }
    // Members now: every member sees them, and so do the guests they share conversations with.
    let mut contacts = ContactChange::default();
    for g in chosen {
        contacts.account(work, &g.id).await?;
    }
    contacts.publish(work, seq);
    for g in chosen {
        work.publish(Event::AccountChanged { account_id: g.id.clone(), member: true });
    }
    // After `account_changed`: their own sockets count as a member's by then.
    for (all, notice) in &arrivals {
        crate::messages::announce(work, all, notice).await?;
    }
    Ok(())
}

/// Deletes guests (SPEC §8): they can no longer log in (sessions revoked and sockets closed at
/// once), they leave contacts and member lists; their messages stay, from a *former guest*.
pub async fn remove(
    work: &mut UnitOfWork,
    admin: &AccountRow,
    chosen: &[GuestRow],
    how: Leaving,
    now: i64,
) -> AppResult<()> {
    let ids: Vec<String> = chosen.iter().map(|g| g.id.clone()).collect();
    remove_ids(work, admin, &ids, how, now).await
}

/// [`remove`] by the guests' ids (`actor`: the admin, or the sponsor saying *Not my guest*).
pub async fn remove_ids(
    work: &mut UnitOfWork,
    admin: &AccountRow,
    chosen: &[String],
    how: Leaving,
    now: i64,
) -> AppResult<()> {
    let seq = next_change_seq(&mut *work).await?;
    let mut conversations: Vec<String> = Vec::new();
    for g in chosen {
        leave_list(&mut *work, admin, g, how, (now, seq)).await?;
        let theirs: Vec<String> =
            sqlx::query_scalar("SELECT conversation_id FROM conversation_members WHERE account_id = $1")
                .bind(g)
                .fetch_all(&mut **work)
                .await?;
        conversations.extend(theirs);
    }
    conversations.sort();
    conversations.dedup();
    // Whoever saw them (their inviter, the people of their conversations, whoever was shown
    // them) drops them; nobody else's view changes.
    let mut contacts = ContactChange::default();
    for g in chosen {
        contacts.account(work, g).await?;
    }
    contacts.publish(work, seq);
    // With the account: its sessions end (its sockets close once this commits).
    for g in chosen {
        crate::sessions::revoke_all(&mut *work, g, now).await?;
    }
    for c in conversations {
        let recipients = crate::conversations::member_ids(&mut **work, &c).await?;
        work.publish(Event::ConversationChanged { recipient_ids: recipients.into(), conversation_id: c });
    }
    Ok(())
}

/// Takes a guest off the list inside the admin's transaction: the account changes only while
/// it is still as read (another admin may have got there first: then nothing changes, all or
/// nothing), the invitation's status follows, and the activity row is written.
async fn leave_list(
    tx: &mut sqlx::AnyConnection,
    admin: &AccountRow,
    guest_id: &str,
    how: Leaving,
    (now, seq): (i64, i64),
) -> AppResult<()> {
    let changed = sqlx::query(&format!(
        "UPDATE accounts SET {}, updated_at = $1, change_seq = $2 WHERE id = $3 AND kind = 'guest' AND {}",
        how.change(),
        how.still()
    ))
    .bind(now)
    .bind(seq)
    .bind(guest_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest changed meanwhile. Reload the list."));
    }
    sqlx::query("UPDATE invitations SET status = $1 WHERE guest_id = $2")
        .bind(how.invitation_status())
        .bind(guest_id)
        .execute(&mut *tx)
        .await?;
    crate::activity::record(tx, &admin.organisation_id, &admin.id, how.action(), guest_id, now).await?;
    Ok(())
}

/// Corrects a pending guest's details (SPEC §7.6): the old codes die, the invitation goes out
/// again with a new code, and a session opened with the old details ends.
pub async fn amend(
    work: &mut UnitOfWork,
    state: &AppState,
    guest: &GuestRow,
    valid: &ValidContact,
    settings: &OrganisationSettings,
    now: i64,
) -> AppResult<()> {
    let seq = next_change_seq(&mut *work).await?;
    let changed = sqlx::query(
        "UPDATE accounts SET first_name = $1, last_name = $2, phone = $3, email = $4, updated_at = $5, change_seq = $6 \
         WHERE id = $7 AND kind = 'guest' AND status = 'pending'",
    )
    .bind(valid.first_name.as_str())
    .bind(valid.last_name.as_str())
    .bind(valid.phone.as_str())
    .bind(valid.email.canonical())
    .bind(now)
    .bind(seq)
    .bind(&guest.id)
    .execute(&mut **work)
    .await
    .map_err(|e| match AppError::from(e) {
        err if err.code() == ErrorCode::Conflict => AppError::new(ErrorCode::ContactExists),
        err => err,
    })?;
    if changed.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest has already activated their account."));
    }
    // The old details may have reached the wrong person: their codes die with them.
    sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&guest.id)
        .execute(&mut **work)
        .await?;
    crate::guest_search::refresh(&mut *work, crate::guest_search::SearchKey::Guest, &guest.id).await?;
    // The corrected details get the invitation again, with a new code.
    send_again(work, state, &guest.id, settings, Tone::First).await?;
    // …and so does a session opened with them (a first login not finished yet).
    crate::sessions::revoke_all(&mut *work, &guest.id, now).await?;
    let mut contacts = ContactChange::default();
    contacts.account(work, &guest.id).await?;
    contacts.publish(work, seq);
    Ok(())
}
