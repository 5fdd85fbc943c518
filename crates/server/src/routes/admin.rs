//! Administration endpoints: revoking an account's sessions (SPEC §4, "revocation") and the
//! users list where a company admin grants *may invite guests* (SPEC §3) and removes members
//! (their guests suspended, SPEC §11.1).

use crate::accounts::{self, AccountRow};
use crate::error::{ApiPath, ApiQuery, AppError, AppResult};
use crate::routes::ActiveSession;
use crate::sessions;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use parley_core::admin::{page_limit, phone_digits, search_term, AdminMember, MembersPage, MembersQuery};
use parley_core::role::{AccountStatus, Role};
use parley_core::ErrorCode;
use serde::Serialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/admin/accounts/{id}/revoke-sessions", post(revoke_sessions))
        .route("/api/v1/admin/members", get(members))
        .route("/api/v1/admin/members/{id}/remove", post(remove_member))
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: String,
    first_name: String,
    last_name: String,
    phone: String,
    department_name: String,
    role: String,
    status: String,
    may_invite_guests: i64,
}

#[utoipa::path(get, path = "/api/v1/admin/members", params(MembersQuery),
    responses((status = 200, body = MembersPage), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn members(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> AppResult<Json<MembersPage>> {
    if session.account.role() != Role::CompanyAdmin {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let mut params = vec![session.account.organisation_id.clone()];
    let mut filter = String::from(
        " FROM accounts a JOIN departments d ON d.id = a.department_id \
         WHERE a.organisation_id = $1 AND a.kind = 'member' AND a.status <> 'deleted'",
    );
    if q.authorised_only {
        filter.push_str(" AND a.may_invite_guests = 1");
    }
    if let Some(term) = search_term(&q.search) {
        params.push(format!("%{}%", crate::db::escape_like(&term)));
        let mut any = String::from(
            "LOWER(a.first_name || ' ' || a.last_name) LIKE $2 ESCAPE '\\' OR LOWER(a.last_name || ' ' || a.first_name) LIKE $2 ESCAPE '\\'",
        );
        if let Some(digits) = phone_digits(&term) {
            params.push(format!("%{digits}%"));
            any.push_str(" OR a.phone LIKE $3");
        }
        filter.push_str(&format!(" AND ({any})"));
    }
    let count_sql = format!("SELECT COUNT(*){filter}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for p in &params {
        count = count.bind(p.as_str());
    }
    let total = count.fetch_one(&state.db).await?;
    let sql = format!(
        "SELECT a.id, a.first_name, a.last_name, a.phone, d.name AS department_name, a.role, a.status, a.may_invite_guests{filter} \
         ORDER BY LOWER(a.last_name), LOWER(a.first_name), a.id LIMIT {} OFFSET {}",
        page_limit(q.limit),
        q.offset
    );
    let mut rows = sqlx::query_as::<_, MemberRow>(&sql);
    for p in &params {
        rows = rows.bind(p.as_str());
    }
    let rows = rows.fetch_all(&state.db).await?;
    Ok(Json(MembersPage {
        total: total as u32,
        offset: q.offset,
        rows: rows
            .into_iter()
            .map(|r| AdminMember {
                id: r.id,
                first_name: r.first_name,
                last_name: r.last_name,
                phone_display: parley_core::PhoneNumber::display(&r.phone),
                department_name: r.department_name,
                role: Role::from_db(&r.role).unwrap_or(Role::Member),
                status: AccountStatus::from_db(&r.status).unwrap_or(AccountStatus::Pending),
                may_invite: r.may_invite_guests != 0,
            })
            .collect(),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub revoked: usize,
}

/// Whether `admin` administers `target`: a company admin administers the whole
/// organisation; a department admin the departments listed for them and their sub-departments.
pub async fn administers(state: &AppState, admin: &AccountRow, target: &AccountRow) -> AppResult<bool> {
    if admin.organisation_id != target.organisation_id || !admin.role().is_admin() {
        return Ok(false);
    }
    Ok(crate::guests::scope_of(&state.db, admin).await?.includes(&target.department_id))
}

#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/revoke-sessions",
    responses((status = 200, body = Revoked), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Revoked>> {
    if !session.account.role().is_admin() {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let target = accounts::by_id(&state.db, &id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !administers(&state, &session.account, &target).await? {
        // Another organisation's account is not even said to exist.
        let code = if target.organisation_id == session.account.organisation_id {
            ErrorCode::Forbidden
        } else {
            ErrorCode::NotFound
        };
        return Err(AppError::new(code));
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    let revoked = sessions::revoke_all(&mut work, &target.id, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    tracing::info!(admin = %session.account.id, target = %target.id, revoked, "admin: sessions revoked");
    Ok(Json(Revoked { revoked }))
}

/// How many guests a removal left without a sponsor.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberRemoved {
    pub guests_suspended: usize,
}

#[utoipa::path(post, path = "/api/v1/admin/members/{id}/remove",
    responses((status = 200, body = MemberRemoved), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError), (status = 409, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<MemberRemoved>> {
    let admin = &session.account;
    if admin.role() != Role::CompanyAdmin {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    if !crate::routes::guests::plausible_id(&id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let target = accounts::by_id(&state.db, &id)
        .await?
        .filter(|a| a.organisation_id == admin.organisation_id && a.status() != AccountStatus::Deleted)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if target.kind() != parley_core::role::AccountKind::Member {
        return Err(AppError::with_message(ErrorCode::Forbidden, "Guests are deleted from the guests list."));
    }
    if target.id == admin.id {
        return Err(AppError::with_message(ErrorCode::Forbidden, "You cannot remove yourself."));
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    let guests_suspended = crate::members::remove(&mut work, admin, &target, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(Json(MemberRemoved { guests_suspended }))
}
