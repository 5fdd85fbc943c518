//! Removing a member from the organisation (a company admin's action): the account can no
//! longer log in (sessions revoked, sockets closed once this commits), it leaves Contacts and
//! member lists, its messages stay; the guests it sponsored are suspended (SPEC §11.1).

use crate::accounts::AccountRow;
use crate::contact_audience::ContactChange;
use crate::db::next_change_seq;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::sponsors::{self, Departure};
use crate::unit_of_work::UnitOfWork;
use parley_core::ErrorCode;

/// Removes `member` on `admin`'s order, in the caller's unit of work. Returns how many guests
/// it left without a sponsor.
pub async fn remove(work: &mut UnitOfWork, admin: &AccountRow, member: &AccountRow, now: i64) -> AppResult<usize> {
    let seq = next_change_seq(work).await?;
    let changed = sqlx::query(
        "UPDATE accounts SET status = 'deleted', may_invite_guests = 0, updated_at = $1, change_seq = $2 \
         WHERE id = $3 AND kind = 'member' AND status <> 'deleted'",
    )
    .bind(now)
    .bind(seq)
    .bind(&member.id)
    .execute(&mut **work)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::Conflict, "This member changed meanwhile. Reload the list."));
    }
    sqlx::query("DELETE FROM department_admins WHERE account_id = $1").bind(&member.id).execute(&mut **work).await?;
    let conversations: Vec<String> =
        sqlx::query_scalar("SELECT conversation_id FROM conversation_members WHERE account_id = $1")
            .bind(&member.id)
            .fetch_all(&mut **work)
            .await?;
    let mut contacts = ContactChange::default();
    contacts.account(work, &member.id).await?;
    contacts.publish(work, seq);
    crate::sessions::revoke_all(work, &member.id, now).await?;
    for c in conversations {
        let recipients = crate::conversations::member_ids(&mut **work, &c).await?;
        work.publish(Event::ConversationChanged { recipient_ids: recipients.into(), conversation_id: c });
    }
    let suspended = sponsors::suspend_guests_of(work, member, admin, Departure::Removed, now).await?;
    tracing::info!(admin = %admin.id, member = %member.id, suspended, "member removed");
    Ok(suspended)
}
