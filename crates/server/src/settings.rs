//! Reading and writing an organisation's settings (SPEC §3), stored as one JSON document;
//! an admin's change, with the ALL group shown or hidden in the same unit of work.

use crate::accounts::AccountRow;
use crate::events::{Event, Recipients};
use crate::unit_of_work::UnitOfWork;

use parley_core::settings::OrganisationSettings;

pub async fn load<'e, E>(db: E, organisation_id: &str) -> sqlx::Result<OrganisationSettings>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let json: Option<String> = sqlx::query_scalar("SELECT settings FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .fetch_optional(db)
        .await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
}

pub async fn save<'e, E>(db: E, organisation_id: &str, settings: &OrganisationSettings) -> sqlx::Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let json = serde_json::to_string(settings).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("UPDATE organisations SET settings = $1 WHERE id = $2")
        .bind(json)
        .bind(organisation_id)
        .execute(db)
        .await?;
    Ok(())
}

/// `admin` saves `new` (normalised by [`OrganisationSettings::normalised`]) for their
/// organisation. Every rule reads the settings when it runs, so they apply to the next request;
/// the ALL group appears in, or leaves, every member's list at once.
pub async fn change(
    work: &mut UnitOfWork,
    admin: &AccountRow,
    new: &OrganisationSettings,
    now: i64,
) -> sqlx::Result<()> {
    let organisation_id = &admin.organisation_id;
    save(&mut **work, organisation_id, new).await?;
    let all_group = crate::all_group::apply(work, organisation_id, new.display_group_all, &admin.id, now).await?;
    if !new.confirm_guest_activation {
        // No more confirmations: guests still waiting for theirs are let in (their waiting
        // screen notices it on its next check).
        sqlx::query(
            "UPDATE accounts SET confirmation_asked_at = NULL \
             WHERE organisation_id = $1 AND kind = 'guest' AND confirmation_asked_at IS NOT NULL",
        )
        .bind(organisation_id)
        .execute(&mut **work)
        .await?;
    }
    work.publish(Event::SettingsChanged { organisation_id: organisation_id.clone() });
    if let Some(conversation_id) = all_group {
        let recipient_ids = Recipients::org_members(organisation_id);
        work.publish(Event::ConversationChanged { recipient_ids, conversation_id });
    }
    Ok(())
}
