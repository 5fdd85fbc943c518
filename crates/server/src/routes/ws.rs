//! `GET /api/v1/ws`: the live channel. Authenticated by the same bearer token as the API,
//! before the upgrade. Pushes [`ServerEvent`]s; closes at once when the session is revoked.

use crate::events::Event;
use crate::routes::contacts::encode_cursor;
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use parley_core::wire::ServerEvent;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/ws", get(upgrade))
}

#[utoipa::path(get, path = "/api/v1/ws", responses((status = 101, description = "WebSocket of ServerEvent JSON messages"),
    (status = 401, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn upgrade(State(state): State<AppState>, session: ActiveSession, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve(socket, state, session))
}

async fn send(socket: &mut WebSocket, event: &ServerEvent) -> bool {
    match serde_json::to_string(event) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn serve(mut socket: WebSocket, state: AppState, session: ActiveSession) {
    let mut events = state.events.subscribe();
    let org = session.account.organisation_id.clone();
    if !send(&mut socket, &ServerEvent::Hello { account_id: session.account.id.clone() }).await {
        return;
    }
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(Event::ContactsChanged { organisation_id, seq }) if organisation_id == org => {
                    if !send(&mut socket, &ServerEvent::ContactsChanged { cursor: encode_cursor(seq) }).await { return; }
                }
                Ok(Event::SessionsRevoked { session_ids }) if session_ids.contains(&session.session_id) => {
                    let _ = send(&mut socket, &ServerEvent::SessionRevoked).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                Ok(Event::Notice { recipient_id, notice }) if recipient_id == session.account.id => {
                    if !send(&mut socket, &ServerEvent::Notice { notice }).await { return; }
                }
                Ok(Event::Message { recipient_ids, message }) if recipient_ids.contains(&session.account.id) => {
                    if !send(&mut socket, &ServerEvent::Message { message }).await { return; }
                }
                Ok(Event::Receipt { recipient_ids, conversation_id, receipt }) if recipient_ids.contains(&session.account.id) => {
                    if !send(&mut socket, &ServerEvent::Receipt { conversation_id, receipt }).await { return; }
                }
                Ok(Event::ConversationChanged { recipient_ids, conversation_id }) if recipient_ids.contains(&session.account.id) => {
                    if !send(&mut socket, &ServerEvent::ConversationChanged { conversation_id }).await { return; }
                }
                Ok(Event::InvitationsChanged { recipient_ids }) if recipient_ids.contains(&session.account.id) => {
                    if !send(&mut socket, &ServerEvent::InvitationsChanged).await { return; }
                }
                Ok(Event::AccountChanged { account_id }) if account_id == session.account.id => {
                    if !send(&mut socket, &ServerEvent::AccountChanged).await { return; }
                }
                Ok(Event::SettingsChanged { organisation_id }) if organisation_id == org => {
                    if !send(&mut socket, &ServerEvent::SettingsChanged).await { return; }
                }
                Ok(_) => {}
                // Fell behind: tell the client to sync from its own cursor.
                Err(RecvError::Lagged(_)) => {
                    if let Ok(seq) = crate::db::current_change_seq(&state.db).await {
                        if !send(&mut socket, &ServerEvent::ContactsChanged { cursor: encode_cursor(seq) }).await { return; }
                    }
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() { return; }
            }
        }
    }
}
