//! The server's HTTP API. Every failure becomes an [`ApiError`] whose code the UI branches on.

use parley_core::invitation::InvitationRequest;
use parley_core::session::SessionToken;
use parley_core::wire::{
    AddMembersRequest, ApiError, CompleteFirstLoginRequest, ContactsDelta, Conversation, ConversationInvitation,
    ConversationKey, CreateConversationRequest, CreateKeyRequest, InvitationCreated, InvitationOptions, KeyCreated,
    KeyPreview, KeyRedeemed, LoginRequest, LoginResponse, Me, Message, MessagePage, Notice, Receipt, ReceiptUpdate,
    RedeemKeyRequest, RenameConversationRequest, RequestCodeRequest, RequestCodeResponse, SendKeyRequest,
    SendMessageRequest, ShareConversationRequest,
};
use parley_core::ErrorCode;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Which page of a conversation's history to fetch, with its size.
#[derive(Debug, Clone, Copy)]
pub enum HistoryPage {
    Before(i64, u32),
    After(i64, u32),
}

#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

/// Trims and checks a server URL as typed on the login screen.
pub fn normalise_server_url(url: &str) -> Result<String, ApiError> {
    let url = url.trim().trim_end_matches('/');
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && reqwest::Url::parse(url).map(|u| u.host_str().is_some()).unwrap_or(false);
    if ok {
        Ok(url.to_owned())
    } else {
        Err(ApiError {
            code: ErrorCode::InvalidFormat,
            message: "Enter the server address, e.g. http://127.0.0.1:8080".into(),
            field: Some("server_url".into()),
        })
    }
}

impl ApiClient {
    pub fn new(base: &str) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .user_agent(concat!("parley-desktop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| ApiError::new(ErrorCode::Network))?;
        Ok(Self { http, base: normalise_server_url(base)? })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `ws://…/api/v1/ws` (or `wss://`) for this server.
    pub fn websocket_url(&self) -> String {
        let rest = self.base.strip_prefix("http").unwrap_or(&self.base);
        format!("ws{rest}/api/v1/ws")
    }

    /// The answer, or the network error that kept it from arriving.
    fn reached(&self, res: Result<reqwest::Response, reqwest::Error>) -> Result<reqwest::Response, ApiError> {
        res.map_err(|e| {
            tracing::warn!(error = %e, server = %self.base, "request failed");
            ApiError {
                message: format!("Cannot reach the server at {}.", self.base),
                ..ApiError::new(ErrorCode::Network)
            }
        })
    }

    async fn read<T: DeserializeOwned>(&self, res: Result<reqwest::Response, reqwest::Error>) -> Result<T, ApiError> {
        let res = self.reached(res)?;
        let status = res.status();
        let bytes = res.bytes().await.map_err(|_| ApiError::new(ErrorCode::Network))?;
        self.decode(status, &bytes)
    }

    /// Like [`Self::read`], telling `progress` the bytes received so far and in all.
    fn decode<T: DeserializeOwned>(&self, status: reqwest::StatusCode, bytes: &[u8]) -> Result<T, ApiError> {
        if status.is_success() {
            if bytes.is_empty() {
                return serde_json::from_slice(b"null").map_err(|_| ApiError::new(ErrorCode::Internal));
            }
            return serde_json::from_slice(bytes).map_err(|e| {
                tracing::error!(error = %e, "unexpected answer from the server");
                ApiError::new(ErrorCode::Internal)
            });
        }
        Err(serde_json::from_slice::<ApiError>(bytes).unwrap_or_else(|_| ApiError {
            message: format!("The server answered {status}. Is {} a Parley server?", self.base),
            ..ApiError::new(ErrorCode::Internal)
        }))
    }

    pub async fn request_code(&self, phone: &str) -> Result<RequestCodeResponse, ApiError> {
        let body = RequestCodeRequest { phone: phone.to_owned() };
        self.read(self.http.post(format!("{}/api/v1/auth/request-code", self.base)).json(&body).send().await).await
    }

    pub async fn login(&self, phone: &str, code: &str) -> Result<LoginResponse, ApiError> {
        let body = LoginRequest { phone: phone.to_owned(), code: code.to_owned() };
        self.read(self.http.post(format!("{}/api/v1/auth/login", self.base)).json(&body).send().await).await
    }

    pub async fn me(&self, token: &SessionToken) -> Result<Me, ApiError> {
        self.read(self.http.get(format!("{}/api/v1/me", self.base)).bearer_auth(token.expose()).send().await).await
    }

    pub async fn complete_first_login(
        &self,
        token: &SessionToken,
        req: &CompleteFirstLoginRequest,
    ) -> Result<Me, ApiError> {
        let url = format!("{}/api/v1/me/first-login", self.base);
        self.read(self.http.post(url).bearer_auth(token.expose()).json(req).send().await).await
    }

    pub async fn contacts(&self, token: &SessionToken, cursor: Option<&str>) -> Result<ContactsDelta, ApiError> {
        let mut req = self.http.get(format!("{}/api/v1/contacts", self.base)).bearer_auth(token.expose());
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        self.read(req.send().await).await
    }

    /// The page of a whole list after the one whose `page.next` is `page`.
    pub async fn contacts_page(&self, token: &SessionToken, page: &str) -> Result<ContactsDelta, ApiError> {
        let req = self
            .http
            .get(format!("{}/api/v1/contacts", self.base))
            .bearer_auth(token.expose())
            .query(&[("page", page)]);
        self.read(req.send().await).await
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, token: &SessionToken, path: &str) -> Result<T, ApiError> {
        self.read(self.http.get(format!("{}{path}", self.base)).bearer_auth(token.expose()).send().await).await
    }

    /// A GET with `query` as URL parameters.
    pub(crate) async fn get_query<Q: serde::Serialize, T: DeserializeOwned>(
        &self,
        token: &SessionToken,
        path: &str,
        query: &Q,
    ) -> Result<T, ApiError> {
        let req = self.http.get(format!("{}{path}", self.base)).bearer_auth(token.expose()).query(query);
        self.read(req.send().await).await
    }

    pub(crate) async fn post<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        token: &SessionToken,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let req = self.http.post(format!("{}{path}", self.base)).bearer_auth(token.expose()).json(body);
        self.read(req.send().await).await
    }

    pub async fn invitation_options(&self, token: &SessionToken) -> Result<InvitationOptions, ApiError> {
        self.get(token, "/api/v1/invitations/options").await
    }

    pub async fn invite(&self, token: &SessionToken, req: &InvitationRequest) -> Result<InvitationCreated, ApiError> {
        self.post(token, "/api/v1/invitations", req).await
    }

    pub async fn notices(&self, token: &SessionToken) -> Result<Vec<Notice>, ApiError> {
        self.get(token, "/api/v1/notices").await
    }

    pub async fn mark_notices_read(&self, token: &SessionToken) -> Result<(), ApiError> {
        self.post::<_, serde_json::Value>(token, "/api/v1/notices/read", &serde_json::json!({})).await.map(|_| ())
    }

    pub async fn conversations(&self, token: &SessionToken) -> Result<Vec<Conversation>, ApiError> {
        self.get(token, "/api/v1/conversations").await
    }

    pub async fn conversation(&self, token: &SessionToken, id: &str) -> Result<Conversation, ApiError> {
        self.get(token, &format!("/api/v1/conversations/{id}")).await
    }

    pub async fn create_conversation(
        &self,
        token: &SessionToken,
        req: &CreateConversationRequest,
    ) -> Result<Conversation, ApiError> {
        self.post(token, "/api/v1/conversations", req).await
    }

    pub async fn send_message(
        &self,
        token: &SessionToken,
        conversation_id: &str,
        req: &SendMessageRequest,
    ) -> Result<Message, ApiError> {
        self.post(token, &format!("/api/v1/conversations/{conversation_id}/messages"), req).await
    }

    /// A page of history: `Before(n)` for older, `After(n)` to catch up, `None` for the newest.
    pub async fn messages(
        &self,
        token: &SessionToken,
        conversation_id: &str,
        page: Option<HistoryPage>,
    ) -> Result<MessagePage, ApiError> {
        let query = match page {
            None => String::new(),
            Some(HistoryPage::Before(n, limit)) => format!("?before={n}&limit={limit}"),
            Some(HistoryPage::After(n, limit)) => format!("?after={n}&limit={limit}"),
        };
        self.get(token, &format!("/api/v1/conversations/{conversation_id}/messages{query}")).await
    }

    pub async fn receipts(
        &self,
        token: &SessionToken,
        conversation_id: &str,
        update: &ReceiptUpdate,
    ) -> Result<Receipt, ApiError> {
        self.post(token, &format!("/api/v1/conversations/{conversation_id}/receipts"), update).await
    }

    pub async fn add_members(
        &self,
        token: &SessionToken,
        conversation_id: &str,
        req: &AddMembersRequest,
    ) -> Result<Conversation, ApiError> {
        self.post(token, &format!("/api/v1/conversations/{conversation_id}/members"), req).await
    }

    pub async fn leave(&self, token: &SessionToken, conversation_id: &str, account_id: &str) -> Result<(), ApiError> {
        let url = format!("{}/api/v1/conversations/{conversation_id}/members/{account_id}", self.base);
        let res = self.http.delete(url).bearer_auth(token.expose()).send().await;
        self.read::<serde_json::Value>(res).await.map(|_| ())
    }

    pub(crate) async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        token: Option<&SessionToken>,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t.expose());
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        self.read(req.send().await).await
    }

    pub async fn rename(
        &self,
        token: &SessionToken,
        id: &str,
        req: &RenameConversationRequest,
    ) -> Result<Conversation, ApiError> {
        self.send_json(reqwest::Method::PATCH, Some(token), &format!("/api/v1/conversations/{id}"), Some(req)).await
    }

    pub async fn promote(&self, token: &SessionToken, id: &str, account_id: &str) -> Result<Conversation, ApiError> {
        let path = format!("/api/v1/conversations/{id}/members/{account_id}/admin");
        self.send_json::<(), _>(reqwest::Method::PUT, Some(token), &path, None).await
    }

    pub async fn share(
        &self,
        token: &SessionToken,
        id: &str,
        req: &ShareConversationRequest,
    ) -> Result<Vec<ConversationInvitation>, ApiError> {
        self.post(token, &format!("/api/v1/conversations/{id}/invitations"), req).await
    }

    pub async fn sent_invitations(
        &self,
        token: &SessionToken,
        id: &str,
    ) -> Result<Vec<ConversationInvitation>, ApiError> {
        self.get(token, &format!("/api/v1/conversations/{id}/invitations")).await
    }

    pub async fn incoming_invitations(&self, token: &SessionToken) -> Result<Vec<ConversationInvitation>, ApiError> {
        self.get(token, "/api/v1/conversation-invitations").await
    }

    pub async fn accept_invitation(&self, token: &SessionToken, id: &str) -> Result<Conversation, ApiError> {
        self.post(token, &format!("/api/v1/conversation-invitations/{id}/accept"), &serde_json::json!({})).await
    }

    pub async fn decline_invitation(&self, token: &SessionToken, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/conversation-invitations/{id}/decline");
        self.post::<_, serde_json::Value>(token, &path, &serde_json::json!({})).await.map(|_| ())
    }

    pub async fn cancel_invitation(&self, token: &SessionToken, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/conversation-invitations/{id}");
        self.send_json::<(), serde_json::Value>(reqwest::Method::DELETE, Some(token), &path, None).await.map(|_| ())
    }

    pub async fn hand_over(&self, token: &SessionToken, id: &str, account_id: &str) -> Result<Conversation, ApiError> {
        let body = serde_json::json!({ "account_id": account_id });
        self.send_json(reqwest::Method::PUT, Some(token), &format!("/api/v1/conversations/{id}/owner"), Some(&body))
            .await
    }

    pub async fn close_conversation(&self, token: &SessionToken, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/conversations/{id}/close");
        self.post::<_, serde_json::Value>(token, &path, &serde_json::json!({})).await.map(|_| ())
    }

    pub async fn create_key(
        &self,
        token: &SessionToken,
        id: &str,
        req: &CreateKeyRequest,
    ) -> Result<KeyCreated, ApiError> {
        self.post(token, &format!("/api/v1/conversations/{id}/keys"), req).await
    }

    pub async fn keys(&self, token: &SessionToken, id: &str) -> Result<Vec<ConversationKey>, ApiError> {
        self.get(token, &format!("/api/v1/conversations/{id}/keys")).await
    }

    pub async fn revoke_key(&self, token: &SessionToken, id: &str, key_id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/conversations/{id}/keys/{key_id}/revoke");
        self.post::<_, serde_json::Value>(token, &path, &serde_json::json!({})).await.map(|_| ())
    }

    pub async fn email_key(
        &self,
        token: &SessionToken,
        id: &str,
        key_id: &str,
        req: &SendKeyRequest,
    ) -> Result<(), ApiError> {
        let path = format!("/api/v1/conversations/{id}/keys/{key_id}/email");
        self.post::<_, serde_json::Value>(token, &path, req).await.map(|_| ())
    }

    /// No session: what a key is for, before redeeming it.
    pub async fn key_preview(&self, code: &str) -> Result<KeyPreview, ApiError> {
        let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        self.send_json::<(), _>(reqwest::Method::GET, None, &format!("/api/v1/keys/{code}"), None).await
    }

    /// No session: becomes a pending guest of the key's conversation; a code follows.
    pub async fn redeem_key(&self, req: &RedeemKeyRequest) -> Result<KeyRedeemed, ApiError> {
        self.send_json(reqwest::Method::POST, None, "/api/v1/keys/redeem", Some(req)).await
    }

    pub async fn logout(&self, token: &SessionToken) -> Result<(), ApiError> {
        let res = self.http.post(format!("{}/api/v1/auth/logout", self.base)).bearer_auth(token.expose()).send().await;
        self.read::<serde_json::Value>(res).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_checked_and_trimmed() {
        assert_eq!(normalise_server_url(" http://127.0.0.1:8080/ ").unwrap(), "http://127.0.0.1:8080");
        assert!(normalise_server_url("127.0.0.1:8080").is_err());
        assert!(normalise_server_url("ftp://x").is_err());
        assert!(normalise_server_url("http://").is_err());
        let api = ApiClient::new("https://chat.example.com").unwrap();
        assert_eq!(api.websocket_url(), "wss://chat.example.com/api/v1/ws");
    }
}
