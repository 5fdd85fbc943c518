//! Reading and writing an organisation's settings (SPEC §3), stored as one JSON document.

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
