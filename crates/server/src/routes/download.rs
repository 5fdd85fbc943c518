//! `GET /download`: the page invitations link to, telling a guest how to get the desktop app
//! and which server address to enter.

use crate::state::AppState;
use crate::templates::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

const PAGE: Template = Template { text: include_str!("../../templates/download.html"), html: true };

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/download", get(page))
}

async fn page(State(state): State<AppState>) -> Html<String> {
    Html(PAGE.render(&[("server_url", state.links.server_url.as_str()), ("version", env!("CARGO_PKG_VERSION"))]))
}
