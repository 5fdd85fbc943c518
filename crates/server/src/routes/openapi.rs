//! `GET /api/openapi.json`: the OpenAPI document, generated from the handlers (utoipa).

use crate::routes::{
    activity, admin, auth, confirmations, contacts, conversation_invitations, conversation_keys, conversation_members,
    conversations, guest_lifecycle, guest_preview, guests, health, invitations, me, messages, notices, settings,
    visibility, ws,
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
          guest_lifecycle::change_sponsor, guest_lifecycle::take_over, guest_lifecycle::extend_access, admin::remove_member, confirmations::list,
          confirmations::confirm, confirmations::reject,
          admin::members, activity::report, visibility::account_picks, visibility::explain,
          guest_preview::before_invitation, guest_preview::of_guest),
    components(schemas(parley_core::wire::ServerEvent, parley_core::admin::GuestSort, parley_core::admin::SortDirection,
        parley_core::admin::GuestStatusFilter)),
    modifiers(&BearerAuth, &CommonRefusals)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The refusals every operation of their kind can answer, documented on each so the document
/// matches the server: 400 (a body, query or path that cannot be read), 413 (a body over the
/// limit) where there is a body, and 401 (no live session) and 403 (first-login steps not done,
/// or not allowed) where a session is needed.
struct CommonRefusals;

impl Modify for CommonRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
        let refusal = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let path_params: Vec<&str> =
                path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
            let operations =
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten();
            for op in operations {
                // Every `{name}` of the path is a required string parameter, and may name nothing.
                let params = op.parameters.get_or_insert_with(Vec::new);
                for name in &path_params {
                    if !params.iter().any(|p| p.name == *name && p.parameter_in == ParameterIn::Path) {
                        params.push(
                            ParameterBuilder::new()
                                .name(*name)
                                .parameter_in(ParameterIn::Path)
                                .required(Required::True)
                                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                                .build(),
                        );
                    }
                }
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let mut add = |status: &str, description: &str| {
                    op.responses.responses.entry(status.to_owned()).or_insert_with(|| refusal(description).into());
                };
                add("400", "The request could not be read (body, query or path).");
                if !path_params.is_empty() {
                    add("404", "Nothing by that id that the caller may see.");
                }
                if secured {
                    add("401", "No live session.");
                    add("403", "Not allowed, or the first-login steps are not done.");
                }
                if op.request_body.is_some() {
                    add("413", "The body is larger than the server accepts.");
                }
            }
        }
    }
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
