//! `GET /api/openapi.json`: the OpenAPI document, generated from the handlers (utoipa).

use crate::routes::{
    activity, admin, auth, contacts, conversation_invitations, conversation_keys, conversation_members, conversations,
    guests, health, invitations, me, messages, notices, settings, ws,
};
use crate::state::AppState;
use axum::routing::get;
use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Parley API", description = "Parley server API. Errors are JSON `{code, message, field?}` with a stable code."),
    paths(health::health, auth::request_code, auth::login, auth::logout, me::me, me::complete_first_login,
          contacts::contacts, admin::revoke_sessions, ws::upgrade, invitations::options, invitations::invite,
          notices::list, notices::read_all, settings::read, settings::write, settings::set_may_invite,
          conversations::create, conversations::list, conversations::read, conversation_members::add,
          conversation_members::remove, conversation_members::promote, conversation_members::rename,
          messages::send, messages::history, messages::receipts, conversation_invitations::share,
          conversation_invitations::list_sent, conversation_invitations::list_incoming, conversation_invitations::accept,
          conversation_invitations::decline, conversation_invitations::cancel, conversation_invitations::hand_over,
          conversation_invitations::close, conversation_keys::create, conversation_keys::list,
          conversation_keys::revoke, conversation_keys::email, conversation_keys::preview, conversation_keys::redeem,
          guests::list, guests::incorporate, guests::delete, guests::amend, guests::resend, guests::cancel,
          admin::members, activity::report),
    components(schemas(parley_core::wire::ServerEvent)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
