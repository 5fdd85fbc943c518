//! Who is told that contacts changed (SPEC §5, §11): the people whose Contacts the change may
//! touch, never the organisation at large for a guest. A change costs its viewers:
//!
//! - an account's own details (names, status, kind, deletion): whoever sees it in Contacts or
//!   was shown it — for a member every member of the organisation, plus the guests tied to it;
//!   for a guest only its inviter, the people it shares a conversation with and those who were
//!   shown it ([`ContactChange::account`]);
//! - a tie (a conversation with a guest in it gained or lost someone, or ended): the people in
//!   that conversation ([`ContactChange::tie`]).
//!
//! This routes a `contacts_changed` event; what each of them then reads is decided by the
//! visibility rule in their delta (`crate::contact_sync`), so a viewer told too much learns
//! nothing, and a viewer left out would only miss a change it may see — hence the candidates
//! are everyone who sees the account now or was shown it.

use crate::events::{Event, Recipients};
use crate::unit_of_work::UnitOfWork;
use parley_core::role::AccountKind;
use sqlx::AnyConnection;
use std::collections::HashSet;

/// The audience of one contacts change, gathered inside its unit of work.
#[derive(Debug, Default)]
pub struct ContactChange {
    /// Every member of this organisation (members see every member).
    org_members: Option<String>,
    accounts: HashSet<String>,
}

impl ContactChange {
    /// `account_id`'s own details changed (read as it is now, inside the change's transaction).
    pub async fn account(&mut self, conn: &mut AnyConnection, account_id: &str) -> sqlx::Result<()> {
        let Some((organisation_id, kind)): Option<(String, String)> =
            sqlx::query_as("SELECT organisation_id, kind FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&mut *conn)
                .await?
        else {
            return Ok(());
        };
        let member = AccountKind::from_db(&kind) == Some(AccountKind::Member);
        if member {
            self.org_members = Some(organisation_id);
        }
        // A member's partners who are members see it anyway; a guest's partners all see it.
        let partners = if member { "AND oa.kind = 'guest'" } else { "" };
        let tied: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT viewer_id FROM contacts_shown WHERE account_id = $1 \
             UNION SELECT invited_by FROM accounts WHERE id = $2 AND invited_by IS NOT NULL \
             UNION SELECT id FROM accounts WHERE invited_by = $3 AND kind = 'guest' AND status <> 'deleted' \
             UNION SELECT other.account_id FROM conversation_members mine \
               JOIN conversation_members other ON other.conversation_id = mine.conversation_id \
               JOIN conversations c ON c.id = mine.conversation_id \
               JOIN accounts oa ON oa.id = other.account_id \
               WHERE mine.account_id = $4 AND other.account_id <> $5 AND c.closed_at IS NULL AND c.org_wide = 0 {partners}"
        ))
        .bind(account_id)
        .bind(account_id)
        .bind(account_id)
        .bind(account_id)
        .bind(account_id)
        .fetch_all(&mut *conn)
        .await?;
        self.accounts.extend(tied);
        Ok(())
    }

    /// Who sees whom among `people` (the members of one conversation) may have changed.
    pub fn tie(&mut self, people: impl IntoIterator<Item = String>) {
        self.accounts.extend(people);
    }

    /// Queues the `contacts_changed` events, up to `seq`, on the unit of work.
    pub fn publish(self, work: &mut UnitOfWork, seq: i64) {
        if let Some(organisation_id) = &self.org_members {
            work.publish(Event::ContactsChanged { recipient_ids: Recipients::org_members(organisation_id), seq });
        }
        if !self.accounts.is_empty() {
            work.publish(Event::ContactsChanged { recipient_ids: self.accounts.into_iter().collect(), seq });
        }
    }
}

/// A conversation's membership changed (or it ended): with a guest in it, its members are
/// stamped and told; without one, who sees whom did not change and nobody is told.
pub async fn conversation_ties_changed(work: &mut UnitOfWork, conversation_id: &str) -> sqlx::Result<()> {
    if let Some((seq, members)) = crate::conversations::touch_members_if_tied(work, conversation_id).await? {
        let mut change = ContactChange::default();
        change.tie(members);
        change.publish(work, seq);
    }
    Ok(())
}
