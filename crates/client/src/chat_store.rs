//! Chat in the local cache: conversations, a contiguous run of recent messages per
//! conversation, and the offline queue. The queue survives restarts; a queued message leaves
//! it only when the server's answer (or its live event) shows the message stored.

use crate::cache::{store_error, Cache};
use parley_core::wire::{ApiError, Conversation, Message};

/// A message waiting in the offline queue (or refused by the server, with its reason).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Queued {
    pub client_id: String,
    pub conversation_id: String,
    pub body: String,
    pub created_at: i64,
    pub error: Option<String>,
}

impl Cache {
    pub async fn conversations(&self) -> Result<Vec<Conversation>, ApiError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM conversations").fetch_all(&self.pool).await.map_err(store_error)?;
        Ok(rows.iter().filter_map(|r| serde_json::from_str(r).ok()).collect())
    }

    pub async fn conversation(&self, id: &str) -> Result<Option<Conversation>, ApiError> {
        let row: Option<String> = sqlx::query_scalar("SELECT data FROM conversations WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(row.and_then(|r| serde_json::from_str(&r).ok()))
    }

    /// Replaces the list with the server's; messages of conversations no longer listed go.
    pub async fn replace_conversations(&self, all: &[Conversation]) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("DELETE FROM conversations").execute(&mut *tx).await.map_err(store_error)?;
        for c in all {
            sqlx::query("INSERT INTO conversations (id, data) VALUES (?, ?)")
                .bind(&c.id)
                .bind(serde_json::to_string(c).map_err(store_error)?)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        sqlx::query("DELETE FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)")
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)
    }

    pub async fn upsert_conversation(&self, c: &Conversation) -> Result<(), ApiError> {
        sqlx::query(
            "INSERT INTO conversations (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
        )
        .bind(&c.id)
        .bind(serde_json::to_string(c).map_err(store_error)?)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    pub async fn remove_conversation(&self, id: &str) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for sql in ["DELETE FROM conversations WHERE id = ?", "DELETE FROM messages WHERE conversation_id = ?"] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await.map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)
    }

    /// Stores messages the server sent, and takes from the queue those it acknowledges.
    pub async fn store_messages(&self, messages: &[Message]) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for m in messages {
            sqlx::query(
                "INSERT INTO messages (conversation_id, seq, client_id, data) VALUES (?, ?, ?, ?) \
                 ON CONFLICT(conversation_id, seq) DO UPDATE SET data = excluded.data",
            )
            .bind(&m.conversation_id)
            .bind(m.seq)
            .bind(&m.client_id)
            .bind(serde_json::to_string(m).map_err(store_error)?)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
            if let Some(client_id) = &m.client_id {
                sqlx::query("DELETE FROM outbox WHERE client_id = ?")
                    .bind(client_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?;
            }
        }
        tx.commit().await.map_err(store_error)
    }

    /// Forgets a conversation's cached messages (a gap too long to fill: the history is
    /// fetched again from the newest, when opened).
    pub async fn drop_messages(&self, conversation_id: &str) -> Result<(), ApiError> {
        sqlx::query("DELETE FROM messages WHERE conversation_id = ?")
            .bind(conversation_id)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    /// Keeps at most `keep` messages per conversation, the newest: the run stays contiguous
    /// (it loses its oldest end) and older history is fetched again when scrolled to. Answers
    /// how many messages went.
    pub async fn prune_messages(&self, keep: i64) -> Result<u64, ApiError> {
        let done = sqlx::query(
            "DELETE FROM messages WHERE rowid IN (SELECT rowid FROM (SELECT rowid, ROW_NUMBER() OVER \
             (PARTITION BY conversation_id ORDER BY seq DESC) AS newer FROM messages) WHERE newer > ?)",
        )
        .bind(keep)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected())
    }

    /// `(lowest, highest)` cached message number of a conversation.
    pub async fn cached_range(&self, conversation_id: &str) -> Result<Option<(i64, i64)>, ApiError> {
        let row: (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(seq), MAX(seq) FROM messages WHERE conversation_id = ?")
                .bind(conversation_id)
                .fetch_one(&self.pool)
                .await
                .map_err(store_error)?;
        Ok(row.0.zip(row.1))
    }

    /// Up to `limit` cached messages numbered below `before`, oldest first.
    pub async fn messages_before(
        &self,
        conversation_id: &str,
        before: i64,
        limit: i64,
    ) -> Result<Vec<Message>, ApiError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM (SELECT seq, data FROM messages WHERE conversation_id = ? AND seq < ? \
             ORDER BY seq DESC LIMIT ?) ORDER BY seq",
        )
        .bind(conversation_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(rows.iter().filter_map(|r| serde_json::from_str(r).ok()).collect())
    }

    /// Cached messages numbered `from` and above, oldest first.
    pub async fn messages_from(&self, conversation_id: &str, from: i64) -> Result<Vec<Message>, ApiError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM messages WHERE conversation_id = ? AND seq >= ? ORDER BY seq")
                .bind(conversation_id)
                .bind(from)
                .fetch_all(&self.pool)
                .await
                .map_err(store_error)?;
        Ok(rows.iter().filter_map(|r| serde_json::from_str(r).ok()).collect())
    }

    /// Puts a message in the offline queue, behind every message already there.
    pub async fn enqueue(&self, q: &Queued) -> Result<(), ApiError> {
        sqlx::query("INSERT INTO outbox (client_id, conversation_id, body, created_at) VALUES (?, ?, ?, ?)")
            .bind(&q.client_id)
            .bind(&q.conversation_id)
            .bind(&q.body)
            .bind(q.created_at)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    /// The queue in sending order; `conversation_id` narrows it to one conversation.
    pub async fn queued(&self, conversation_id: Option<&str>) -> Result<Vec<Queued>, ApiError> {
        sqlx::query_as(
            "SELECT client_id, conversation_id, body, created_at, error FROM outbox \
             WHERE ? IS NULL OR conversation_id = ? ORDER BY position",
        )
        .bind(conversation_id)
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)
    }

    /// The next message to send: the oldest not refused.
    pub async fn next_queued(&self) -> Result<Option<Queued>, ApiError> {
        sqlx::query_as(
            "SELECT client_id, conversation_id, body, created_at, error FROM outbox WHERE error IS NULL \
             ORDER BY position LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)
    }

    /// Keeps a refused message, with the server's reason, out of the sending order.
    pub async fn mark_refused(&self, client_id: &str, reason: &str) -> Result<(), ApiError> {
        sqlx::query("UPDATE outbox SET error = ? WHERE client_id = ?")
            .bind(reason)
            .bind(client_id)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    /// A refused message goes back to the end of the queue (the user chose *Retry*).
    pub async fn requeue(&self, client_id: &str) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let q: Option<Queued> = sqlx::query_as(
            "SELECT client_id, conversation_id, body, created_at, error FROM outbox WHERE client_id = ?",
        )
        .bind(client_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        if let Some(q) = q {
            sqlx::query("DELETE FROM outbox WHERE client_id = ?")
                .bind(client_id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            sqlx::query("INSERT INTO outbox (client_id, conversation_id, body, created_at) VALUES (?, ?, ?, ?)")
                .bind(&q.client_id)
                .bind(&q.conversation_id)
                .bind(&q.body)
                .bind(q.created_at)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)
    }

    /// The user gave up on a refused message.
    pub async fn discard_queued(&self, client_id: &str) -> Result<(), ApiError> {
        sqlx::query("DELETE FROM outbox WHERE client_id = ? AND error IS NOT NULL")
            .bind(client_id)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_core::wire::MessageKind;

    fn message(conversation_id: &str, seq: i64) -> Message {
        Message {
            id: format!("{conversation_id}-{seq}"),
            conversation_id: conversation_id.into(),
            seq,
            client_id: None,
            sender_id: Some("a".into()),
            sender_name: "Ann".into(),
            kind: MessageKind::Text,
            body: format!("message {seq}"),
            created_at: seq,
        }
    }

    #[tokio::test]
    async fn pruning_keeps_the_newest_run_of_each_conversation() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
        let many: Vec<Message> = (1..=30).map(|seq| message("big", seq)).chain([message("small", 1)]).collect();
        cache.store_messages(&many).await.unwrap();
        assert_eq!(cache.prune_messages(10).await.unwrap(), 20);
        assert_eq!(cache.cached_range("big").await.unwrap(), Some((21, 30)), "the newest ten, contiguous");
        assert_eq!(cache.cached_range("small").await.unwrap(), Some((1, 1)));
        assert_eq!(cache.prune_messages(10).await.unwrap(), 0);
    }
}
