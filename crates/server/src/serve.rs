//! Serving connections: hyper over TCP with the limits a public server needs, which
//! `axum::serve` leaves off. A client must send its request headers within
//! [`HEADER_TIMEOUT`] — also the next request's on a kept-alive connection, so an idle
//! connection is closed after as long — and a slow sender (one header byte every few seconds)
//! is dropped. WebSocket upgrades, the peer's address for the throttles and a graceful stop
//! work as with `axum::serve`.

use axum::body::Body;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::{Service, ServiceExt};

/// How long a client may take to send a request's headers, or to start its next request.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish when the server stops.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `signal` completes, then lets open requests finish.
pub async fn serve(listener: TcpListener, app: axum::Router, signal: impl Future<Output = ()>) {
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).keep_alive(true);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(HEADER_TIMEOUT));
    tokio::pin!(signal);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(router) = make.call(peer).await;
        let service = TowerToHyperService::new(router.map_request(|req: Request<Incoming>| req.map(Body::new)));
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after {DRAIN:?}; stopping anyway");
    }
}
