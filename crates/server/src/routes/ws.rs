//! `GET /api/v1/ws`: the live channel. Authenticated by the same bearer token as the API,
//! before the upgrade. The socket registers in the node's connection registry
//! ([`crate::events::registry`]), says `hello` once events for it are delivered, then sends
//! the frames queued for it; `resync` when some were dropped, and `session_revoked` before
//! closing a revoked session.

use crate::error::AppError;
use crate::events::registry::{Peer, Signal};
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use parley_core::role::AccountKind;
use parley_core::wire::ServerEvent;
use parley_core::ErrorCode;
use std::time::{Duration, Instant};

/// Clients send nothing but control frames: nothing larger is read.
const MAX_INCOMING: usize = 4 * 1024;
/// Read in small steps: the buffer is per socket and zero-filled as it grows.
const READ_BUFFER: usize = 4 * 1024;
/// What may wait in the socket's write buffer before the socket counts as stuck.
const MAX_WRITE_BUFFER: usize = 256 * 1024;
const PING_EVERY: Duration = Duration::from_secs(25);
/// A socket silent for this long (not even a pong) is closed.
const SILENT_FOR: Duration = Duration::from_secs(75);
/// A send that takes longer closes the socket: the client reconnects and catches up.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `hello` waits for the other nodes' events to be routed here.
const REGISTER_WAIT: Duration = Duration::from_secs(5);
/// Sockets one session may hold on a node.
pub const MAX_SOCKETS_PER_SESSION: usize = 4;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/ws", get(upgrade))
}

#[utoipa::path(get, path = "/api/v1/ws", responses((status = 101, description = "WebSocket of ServerEvent JSON messages"),
    (status = 401, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn upgrade(
    State(state): State<AppState>,
    session: ActiveSession,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => {
            let message = format!("This address takes a WebSocket upgrade: {}", rejection.body_text());
            return AppError::with_message(ErrorCode::InvalidRequest, message).into_response();
        }
    };
    // A desktop client holds one socket per session (two for a moment while it reconnects).
    let held = state.events.registry().sockets_of_session(&session.account.id, &session.session_id);
    if held >= MAX_SOCKETS_PER_SESSION {
        let message = "Too many connections for this session. Close the others and try again.";
        return AppError::with_message(ErrorCode::Throttled, message).into_response();
    }
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .on_upgrade(move |socket| serve(socket, state, session))
}

async fn send_text(socket: &mut WebSocket, text: Utf8Bytes) -> bool {
    matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text))).await, Ok(Ok(())))
}

async fn send(socket: &mut WebSocket, event: &ServerEvent) -> bool {
    match serde_json::to_string(event) {
        Ok(text) => send_text(socket, text.into()).await,
        Err(_) => false,
    }
}

async fn serve(mut socket: WebSocket, state: AppState, session: ActiveSession) {
    let peer = Peer {
        account_id: session.account.id.clone(),
        organisation_id: session.account.organisation_id.clone(),
        session_id: session.session_id.clone(),
        member: session.account.kind() == AccountKind::Member,
    };
    drop(session);
    let mut registration = state.events.registry().register(peer, REGISTER_WAIT).await;
    let connection = registration.connection.clone();
    if !send(&mut socket, &ServerEvent::Hello { account_id: connection.peer.account_id.clone() }).await {
        return;
    }
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            biased;
            () = connection.flagged() => match connection.take_signal() {
                Signal::Revoked => {
                    let _ = send(&mut socket, &ServerEvent::SessionRevoked).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                Signal::Resync => if !send(&mut socket, &ServerEvent::Resync).await { return },
                Signal::Nothing => {}
            },
            frame = registration.frames.recv() => match frame {
                Some(text) => if !send_text(&mut socket, text).await { return },
                None => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > SILENT_FOR {
                    return;
                }
                if !matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Ping(Default::default()))).await, Ok(Ok(()))) {
                    return;
                }
            }
        }
    }
}
