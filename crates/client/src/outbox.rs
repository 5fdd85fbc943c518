//! The offline queue's sender (SPEC §10): messages go out one at a time, oldest first, each
//! with the id the client gave it, so a resend after a lost acknowledgement is recognised by
//! the server and never duplicated. It stops at the first failure that may pass (no network,
//! server trouble) and goes on past a refusal, which stays in the queue marked as failed.

use crate::api::ApiClient;
use crate::cache::Cache;
use parley_core::session::SessionToken;
use parley_core::wire::{ApiError, Message, SendMessageRequest};
use parley_core::ErrorCode;

/// Whether a failed send may succeed later unchanged (so the queue waits), rather than being
/// a refusal of this message (so it is marked failed and the queue moves on).
pub fn is_transient(e: &ApiError) -> bool {
    matches!(e.code, ErrorCode::Network | ErrorCode::Internal | ErrorCode::Throttled | ErrorCode::Unauthorized)
}

/// What one pass did.
#[derive(Debug, Default)]
pub struct Drained {
    /// Stored by the server in this pass, in sending order.
    pub sent: Vec<Message>,
    /// `(client id, reason)` of the messages the server refused.
    pub refused: Vec<(String, String)>,
    /// Why the pass stopped before the queue was empty.
    pub stopped: Option<ApiError>,
}

/// Sends the queue in order until it is empty or a transient failure stops it.
pub async fn drain(cache: &Cache, api: &ApiClient, token: &SessionToken) -> Result<Drained, ApiError> {
    let mut done = Drained::default();
    while let Some(q) = cache.next_queued().await? {
        let req = SendMessageRequest { client_id: q.client_id.clone(), body: q.body.clone() };
        match api.send_message(token, &q.conversation_id, &req).await {
            Ok(message) => {
                cache.store_messages(std::slice::from_ref(&message)).await?;
                done.sent.push(message);
            }
            Err(e) if is_transient(&e) => {
                done.stopped = Some(e);
                break;
            }
            Err(e) => {
                cache.mark_refused(&q.client_id, &e.message).await?;
                done.refused.push((q.client_id, e.message));
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat_store::Queued;
    use parley_core::role::{AccountStatus, Role};
    use parley_core::wire::{ConversationKind, CreateConversationRequest};
    use parley_server::configuration::{CommonSettings, ServeSettings};
    use parley_server::provisioning::{self, NewMember};
    use parley_server::startup::{self, Application};

    /// A real server on a SQLite file, with one organisation and two members.
    struct Server {
        url: String,
        state: parley_server::state::AppState,
        _dir: tempfile::TempDir,
    }

    async fn spawn_server() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let settings = CommonSettings::throwaway(dir.path());
        let state = startup::state(&settings).await.unwrap();
        let sinks = startup::sinks(&settings).unwrap();
        let app = Application::with_state(state, sinks, &ServeSettings::ephemeral()).await.unwrap();
        let (url, state) = (format!("http://127.0.0.1:{}", app.port()), app.state().clone());
        tokio::spawn(app.run_until(std::future::pending()));
        Server { url, state, _dir: dir }
    }

    impl Server {
        /// An active member's session token and account id.
        async fn member(&self, org: &str, n: u16) -> (SessionToken, String) {
            let now = self.state.clock.now_ms();
            let m = NewMember {
                organisation_id: org.into(),
                department_id: None,
                first_name: format!("First{n}"),
                last_name: "Last".into(),
                phone: format!("+120155501{n:02}"),
                email: None,
                role: Role::Member,
                status: AccountStatus::Pending,
            };
            let (account, code) = provisioning::add_member(&self.state.db, &self.state.code_key, m, now).await.unwrap();
            let api = ApiClient::new(&self.url).unwrap();
            let answer = api.login(&account.phone, code.unwrap().0.expose()).await.unwrap();
            let token = SessionToken::from_secret(answer.token);
            let req = parley_core::wire::CompleteFirstLoginRequest {
                first_name: format!("First{n}"),
                last_name: "Last".into(),
                accept_terms: true,
            };
            api.complete_first_login(&token, &req).await.unwrap();
            (token, account.id)
        }
    }

    fn queued(n: u32, conversation_id: &str) -> Queued {
        Queued {
            client_id: format!("00000000-0000-4000-8000-{n:012}"),
            conversation_id: conversation_id.into(),
            body: format!("message {n}"),
            created_at: i64::from(n),
            error: None,
        }
    }

    /// An address where nothing listens: the client is offline.
    fn unreachable_url() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port())
    }

    #[tokio::test]
    async fn the_offline_queue_survives_a_restart_and_drains_once_in_order() {
        let server = spawn_server().await;
        let now = server.state.clock.now_ms();
        let (org, _) = provisioning::create_organisation(&server.state.db, "Acme", now).await.unwrap();
        let (token, _) = server.member(&org, 1).await;
        let (peer_token, peer_id) = server.member(&org, 2).await;
        let api = ApiClient::new(&server.url).unwrap();
        let req = CreateConversationRequest { kind: ConversationKind::Direct, member_ids: vec![peer_id], name: None };
        let conversation = api.create_conversation(&token, &req).await.unwrap().id;

        // Offline: three messages are written; sending fails and keeps them.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let cache = Cache::open(&path).await.unwrap();
        for n in 1..=3 {
            cache.enqueue(&queued(n, &conversation)).await.unwrap();
        }
        let offline = ApiClient::new(&unreachable_url()).unwrap();
        let pass = drain(&cache, &offline, &token).await.unwrap();
        assert!(pass.sent.is_empty());
        assert_eq!(pass.stopped.map(|e| e.code), Some(ErrorCode::Network));
        assert_eq!(cache.queued(None).await.unwrap().len(), 3);

        // The second message did reach the server once, but its acknowledgement was lost.
        let lost_ack = queued(2, &conversation);
        let req = SendMessageRequest { client_id: lost_ack.client_id.clone(), body: lost_ack.body.clone() };
        api.send_message(&token, &conversation, &req).await.unwrap();

        // The app restarts; the connection is back.
        drop(cache);
        let cache = Cache::open(&path).await.unwrap();
        assert_eq!(cache.queued(Some(&conversation)).await.unwrap().len(), 3, "the queue survived the restart");
        let pass = drain(&cache, &api, &token).await.unwrap();
        assert_eq!(pass.sent.len(), 3);
        assert!(pass.stopped.is_none() && pass.refused.is_empty());
        assert!(cache.queued(None).await.unwrap().is_empty());
        assert!(drain(&cache, &api, &token).await.unwrap().sent.is_empty(), "a second pass sends nothing");

        // The peer sees each message once: the lost-ack one first, then the others in order.
        let page = api.messages(&peer_token, &conversation, None).await.unwrap();
        let bodies: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, ["message 2", "message 1", "message 3"]);
        let cached = cache.messages_from(&conversation, 0).await.unwrap();
        assert_eq!(cached.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_refused_message_is_kept_as_failed_and_the_queue_moves_on() {
        let server = spawn_server().await;
        let now = server.state.clock.now_ms();
        let (org, _) = provisioning::create_organisation(&server.state.db, "Acme", now).await.unwrap();
        let (token, _) = server.member(&org, 1).await;
        let (_, peer_id) = server.member(&org, 2).await;
        let api = ApiClient::new(&server.url).unwrap();
        let req = CreateConversationRequest { kind: ConversationKind::Direct, member_ids: vec![peer_id], name: None };
        let conversation = api.create_conversation(&token, &req).await.unwrap().id;
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
        cache.enqueue(&queued(1, "no-such-conversation")).await.unwrap();
        cache.enqueue(&queued(2, &conversation)).await.unwrap();
        let pass = drain(&cache, &api, &token).await.unwrap();
        assert_eq!(pass.sent.len(), 1);
        assert_eq!(pass.refused.len(), 1);
        let left = cache.queued(None).await.unwrap();
        assert_eq!(left.len(), 1);
        assert!(left[0].error.is_some(), "the refusal is kept with its reason");
        cache.discard_queued(&left[0].client_id).await.unwrap();
        assert!(cache.queued(None).await.unwrap().is_empty());
    }
}
