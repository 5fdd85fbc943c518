//! A WebSocket opened as the desktop client opens it: the bearer token on the upgrade, then
//! the server's `hello` before anything else counts.

use anyhow::{bail, Context};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// `http://host:port` → `ws://host:port/api/v1/ws`.
pub fn ws_url(server: &str) -> String {
    let base = server.trim_end_matches('/');
    let base = base
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .unwrap_or_else(|| base.replacen("http://", "ws://", 1));
    format!("{base}/api/v1/ws")
}

pub async fn connect(url: &str, token: &str) -> anyhow::Result<Socket> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {token}"))?);
    let (mut socket, _) = tokio::time::timeout(Duration::from_secs(30), tokio_tungstenite::connect_async(request))
        .await
        .context("connecting took over 30 s")??;
    match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) if text.contains("\"hello\"") => Ok(socket),
        other => bail!("no hello from the server: {other:?}"),
    }
}
