//! The guests list's search words and sort keys (SPEC §8), kept on each invitation so a page of
//! 100,000 guests is one index walk. [`refresh`] writes them from the guest's, the inviter's
//! and the group's current details (`core::admin::guest_search_text`); the words are indexed
//! per database — an FTS5 table on SQLite, a stored `tsvector` with a GIN index on PostgreSQL —
//! and a search
//! word matches the start of a guest's word.

use crate::db::{Backend, Db};
use parley_core::admin::guest_search_text;

/// The form of the words and keys [`refresh`] writes; rows written by an older form are
/// rewritten at start-up ([`ensure_index`]).
const SEARCH_VERSION: i64 = 1;

/// Whose invitations [`refresh`] rewrites.
#[derive(Debug, Clone, Copy)]
pub enum SearchKey {
    /// The guest's own (invited, renamed at first login, amended).
    Guest,
    /// Every one an inviter sent (renamed).
    Inviter,
    /// Every one naming a group (renamed).
    Conversation,
    /// A whole organisation's (bulk imports).
    Organisation,
}

#[derive(sqlx::FromRow)]
struct Source {
    id: String,
    guest_first: String,
    guest_last: String,
    guest_phone: String,
    inviter_first: String,
    inviter_last: String,
    group_name: Option<String>,
    department_name: String,
}

const SOURCE: &str = "SELECT i.id, g.first_name AS guest_first, g.last_name AS guest_last, g.phone AS guest_phone, \
    inv.first_name AS inviter_first, inv.last_name AS inviter_last, c.name AS group_name, d.name AS department_name \
    FROM invitations i JOIN accounts g ON g.id = i.guest_id JOIN accounts inv ON inv.id = i.inviter_id \
    JOIN departments d ON d.id = i.department_id LEFT JOIN conversations c ON c.id = i.conversation_id";

/// Rewrites the search words and sort keys of the invitations `key` designates by `id`.
pub async fn refresh(conn: &mut sqlx::AnyConnection, key: SearchKey, id: &str) -> sqlx::Result<()> {
    let column = match key {
        SearchKey::Guest => "i.guest_id",
        SearchKey::Inviter => "i.inviter_id",
        SearchKey::Conversation => "i.conversation_id",
        SearchKey::Organisation => "i.organisation_id",
    };
    let rows: Vec<Source> =
        sqlx::query_as(&format!("{SOURCE} WHERE {column} = $1")).bind(id).fetch_all(&mut *conn).await?;
    write(conn, &rows).await
}

async fn write(conn: &mut sqlx::AnyConnection, rows: &[Source]) -> sqlx::Result<()> {
    for r in rows {
        let text = guest_search_text(&r.guest_first, &r.guest_last, &r.guest_phone, &r.inviter_first, &r.inviter_last);
        // The list shows the group, else the department (`GuestRow`); it sorts the same way.
        let group = r.group_name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&r.department_name);
        sqlx::query(
            "UPDATE invitations SET search_text = $1, sort_first = $2, sort_last = $3, sort_user_id = $4, \
             sort_inviter = $5, sort_group = $6, search_version = $7 WHERE id = $8",
        )
        .bind(text)
        .bind(r.guest_first.to_lowercase())
        .bind(r.guest_last.to_lowercase())
        .bind(&r.guest_phone)
        .bind(format!("{} {}", r.inviter_last, r.inviter_first).to_lowercase())
        .bind(group.to_lowercase())
        .bind(SEARCH_VERSION)
        .bind(&r.id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Creates the word index of the database and rewrites the rows of an older form, in batches.
pub async fn ensure_index(db: &Db, backend: Backend) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite => {
            // The substring index of an earlier form (never released), if a database has it.
            for sql in [
                "DROP TRIGGER IF EXISTS invitations_search_ai",
                "DROP TRIGGER IF EXISTS invitations_search_ad",
                "DROP TRIGGER IF EXISTS invitations_search_au",
                "DROP TABLE IF EXISTS invitations_search",
            ] {
                sqlx::query(sql).execute(db).await?;
            }
            let exists: Option<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'invitations_words'")
                    .fetch_optional(db)
                    .await?;
            if exists.is_none() {
                let mut tx = crate::db::begin(db).await?;
                for sql in [
                    // The stored text is the core's words separated by spaces: the tokenizer
                    // splits on spaces only (every other character class is a word character),
                    // so its words are the core's; prefix indexes keep one- to three-letter
                    // words (typed as one goes) cheap.
                    "CREATE VIRTUAL TABLE invitations_words USING fts5(search_text, content='invitations', \
                     content_rowid='rowid', tokenize=\"unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cc Cf'\", \
                     prefix='1 2 3')",
                    "CREATE TRIGGER invitations_words_ai AFTER INSERT ON invitations BEGIN \
                     INSERT INTO invitations_words (rowid, search_text) VALUES (new.rowid, new.search_text); END",
                    "CREATE TRIGGER invitations_words_ad AFTER DELETE ON invitations BEGIN \
                     INSERT INTO invitations_words (invitations_words, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END",
                    "CREATE TRIGGER invitations_words_au AFTER UPDATE OF search_text ON invitations BEGIN \
                     INSERT INTO invitations_words (invitations_words, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); \
                     INSERT INTO invitations_words (rowid, search_text) VALUES (new.rowid, new.search_text); END",
                    "INSERT INTO invitations_words (invitations_words) VALUES ('rebuild')",
                ] {
                    sqlx::query(sql).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        Backend::Postgres => {
            // The words stored beside the text (a match is then checked without re-reading
            // the text into words), and their GIN index.
            for sql in [
                "DROP INDEX IF EXISTS invitations_search_trgm",
                "ALTER TABLE invitations ADD COLUMN IF NOT EXISTS search_words tsvector \
                 GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                "CREATE INDEX IF NOT EXISTS invitations_words ON invitations USING gin (search_words)",
            ] {
                sqlx::query(sql).execute(db).await?;
            }
        }
    }
    loop {
        let mut tx = crate::db::begin(db).await?;
        let rows: Vec<Source> = sqlx::query_as(&format!("{SOURCE} WHERE i.search_version < $1 LIMIT 1000"))
            .bind(SEARCH_VERSION)
            .fetch_all(&mut *tx)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        write(&mut tx, &rows).await?;
        tx.commit().await?;
    }
}

/// The search words as the database's word index reads them: every word, as the start of a
/// word. Words are letters and digits only (`core::admin::query_words`), so nothing needs quoting
/// beyond the FTS5 string quotes.
pub fn index_query(backend: Backend, words: &[String]) -> String {
    match backend {
        Backend::Sqlite => words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" AND "),
        Backend::Postgres => words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "),
    }
}

/// The tables and the condition that read the invitations `i` matching the words of parameter
/// `param` through the word index. On SQLite the FTS5 table drives (`CROSS JOIN` keeps it
/// outside): the matches are read, then sorted — never a walk of the whole list testing each.
pub fn indexed(backend: Backend, param: &str) -> (&'static str, String) {
    match backend {
        Backend::Sqlite => (
            "invitations_words w CROSS JOIN invitations i ON i.rowid = w.rowid",
            format!("invitations_words MATCH {param}"),
        ),
        Backend::Postgres => ("invitations i", format!("i.search_words @@ to_tsquery('simple', {param})")),
    }
}
