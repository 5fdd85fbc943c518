//! Organisation settings (SPEC §3) and the per-member right *may invite guests*, for company
//! admins. Changes apply to the next request: every rule reads the settings when it runs; the
//! ALL group is shown or hidden in the same transaction as the save.

use crate::db::next_change_seq;
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::{Event, Recipients};
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use crate::{accounts, all_group};
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::Json;
use parley_core::role::{AccountKind, Role};
use parley_core::settings::OrganisationSettings;
use parley_core::ErrorCode;
use serde::{Deserialize, Serialize};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/admin/settings", get(read).put(write))
        .route("/api/v1/admin/accounts/{id}/may-invite", put(set_may_invite))
}

fn company_admin(session: &ActiveSession) -> AppResult<()> {
    if session.account.role() == Role::CompanyAdmin {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

#[utoipa::path(get, path = "/api/v1/admin/settings", responses((status = 200, body = OrganisationSettings),
    (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn read(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<OrganisationSettings>> {
    company_admin(&session)?;
    Ok(Json(settings::load(&state.db, &session.account.organisation_id).await?))
}

#[utoipa::path(put, path = "/api/v1/admin/settings", request_body = OrganisationSettings,
    responses((status = 200, body = OrganisationSettings), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn write(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(mut new): ApiJson<OrganisationSettings>,
) -> AppResult<Json<OrganisationSettings>> {
    company_admin(&session)?;
    new.forbidden_email_domains = normalise_list(&new.forbidden_email_domains, |d| {
        let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        let ok = d.split('.').count() >= 2
            && d.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        ok.then_some(d)
    })
    .ok_or_else(|| AppError::on_field(ErrorCode::InvalidFormat, "forbidden_email_domains"))?;
    new.forbidden_country_codes = normalise_list(&new.forbidden_country_codes, |c| {
        let digits = c.trim().trim_start_matches('+');
        (!digits.is_empty() && digits.len() <= 3 && digits.chars().all(|d| d.is_ascii_digit()))
            .then(|| format!("+{digits}"))
    })
    .ok_or_else(|| AppError::on_field(ErrorCode::InvalidFormat, "forbidden_country_codes"))?;
    if !(1..=24 * 90).contains(&new.activation_code_validity_hours) {
        return Err(AppError::on_field(ErrorCode::InvalidFormat, "activation_code_validity_hours"));
    }
    if new.reminders_max > 30 {
        return Err(AppError::on_field(ErrorCode::InvalidFormat, "reminders_max"));
    }
    let organisation_id = &session.account.organisation_id;
    let mut work = UnitOfWork::begin(&state.db).await?;
    settings::save(&mut *work, organisation_id, &new).await?;
    let all_group =
        all_group::apply(&mut work, organisation_id, new.display_group_all, &session.account.id, state.clock.now_ms())
            .await?;
    work.publish(Event::SettingsChanged { organisation_id: organisation_id.clone() });
    if let Some(conversation_id) = all_group {
        // Shown: it appears in every member's list; hidden: it leaves them.
        let recipient_ids = Recipients::org_members(organisation_id);
        work.publish(Event::ConversationChanged { recipient_ids, conversation_id });
    }
    work.commit(&state.events).await?;
    tracing::info!(admin = %session.account.id, "organisation settings saved");
    Ok(Json(new))
}

/// Every entry normalised by `f`, without blanks and duplicates; `None` if one is invalid.
fn normalise_list(items: &[String], f: impl Fn(&str) -> Option<String>) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().filter(|i| !i.trim().is_empty()) {
        let v = f(item)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Some(out)
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MayInvite {
    pub may_invite: bool,
}

#[utoipa::path(put, path = "/api/v1/admin/accounts/{id}/may-invite", request_body = MayInvite,
    responses((status = 200, body = MayInvite), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn set_may_invite(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MayInvite>,
) -> AppResult<Json<MayInvite>> {
    company_admin(&session)?;
    let target = accounts::by_id(&state.db, &id)
        .await?
        .filter(|a| a.organisation_id == session.account.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if target.kind() != AccountKind::Member {
        return Err(AppError::new(ErrorCode::FeatureNotForGuests));
    }
    let mut tx = state.db.begin().await?;
    let seq = next_change_seq(&mut tx).await?;
    sqlx::query("UPDATE accounts SET may_invite_guests = $1, change_seq = $2 WHERE id = $3")
        .bind(i64::from(body.may_invite))
        .bind(seq)
        .bind(&target.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(body))
}
