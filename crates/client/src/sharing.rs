//! Running and sharing a group from the desktop (SPEC §10, §10.1): members, admins, name,
//! leaving; invitations sent and received; external keys, and redeeming one (no session: the
//! redeemer is new to Parley). Every answer that changes a conversation refreshes its cached
//! copy, and the UI hears `chat-changed` or `invitations-changed`.

use crate::api::ApiClient;
use crate::client::Client;
use parley_core::sharing::{parse_key_link, KeyCode};
use parley_core::wire::{
    AddMembersRequest, ApiError, Conversation, ConversationInvitation, ConversationKey, CreateKeyRequest, KeyCreated,
    KeyPreview, KeyRedeemed, RedeemKeyRequest, RenameConversationRequest, SendKeyRequest, ShareConversationRequest,
};
use parley_core::ErrorCode;

impl Client {
    /// Stores a conversation the server just answered with and tells the UI.
    async fn changed(&self, c: Conversation) -> Result<Conversation, ApiError> {
        self.shared.cache.upsert_conversation(&c).await?;
        self.shared.ui.chat_changed(Some(&c.id));
        Ok(c)
    }

    pub async fn add_members(&self, id: String, account_ids: Vec<String>) -> Result<Conversation, ApiError> {
        let req = AddMembersRequest { account_ids };
        let c = self.with_session(|s| async move { s.api.add_members(&s.token, &id, &req).await }).await?;
        self.changed(c).await
    }

    pub async fn rename_conversation(&self, id: String, name: String) -> Result<Conversation, ApiError> {
        let req = RenameConversationRequest { name };
        let c = self.with_session(|s| async move { s.api.rename(&s.token, &id, &req).await }).await?;
        self.changed(c).await
    }

    pub async fn promote(&self, id: String, account_id: String) -> Result<Conversation, ApiError> {
        let c = self.with_session(|s| async move { s.api.promote(&s.token, &id, &account_id).await }).await?;
        self.changed(c).await
    }

    /// Removes a member (an admin's right), or the viewer leaves (`account_id` = own id).
    pub async fn remove_member(&self, id: String, account_id: String) -> Result<(), ApiError> {
        let me = self.shared.session().map(|s| s.me.id).unwrap_or_default();
        let (cid, aid) = (id.clone(), account_id.clone());
        self.with_session(|s| async move { s.api.leave(&s.token, &cid, &aid).await }).await?;
        if account_id == me {
            self.shared.cache.remove_conversation(&id).await?;
        }
        self.shared.ui.chat_changed(Some(&id));
        Ok(())
    }

    pub async fn hand_over(&self, id: String, account_id: String) -> Result<Conversation, ApiError> {
        let c = self.with_session(|s| async move { s.api.hand_over(&s.token, &id, &account_id).await }).await?;
        self.changed(c).await
    }

    pub async fn close_conversation(&self, id: String) -> Result<(), ApiError> {
        let cid = id.clone();
        self.with_session(|s| async move { s.api.close_conversation(&s.token, &cid).await }).await?;
        self.shared.cache.remove_conversation(&id).await?;
        self.shared.ui.chat_changed(Some(&id));
        Ok(())
    }

    pub async fn share_conversation(
        &self,
        id: String,
        request: ShareConversationRequest,
    ) -> Result<Vec<ConversationInvitation>, ApiError> {
        self.with_session(|s| async move { s.api.share(&s.token, &id, &request).await }).await
    }

    pub async fn sent_invitations(&self, id: String) -> Result<Vec<ConversationInvitation>, ApiError> {
        self.with_session(|s| async move { s.api.sent_invitations(&s.token, &id).await }).await
    }

    pub async fn incoming_invitations(&self) -> Result<Vec<ConversationInvitation>, ApiError> {
        self.with_session(|s| async move { s.api.incoming_invitations(&s.token).await }).await
    }

    pub async fn accept_invitation(&self, id: String) -> Result<Conversation, ApiError> {
        let c = self.with_session(|s| async move { s.api.accept_invitation(&s.token, &id).await }).await?;
        self.shared.ui.invitations_changed();
        self.changed(c).await
    }

    pub async fn decline_invitation(&self, id: String) -> Result<(), ApiError> {
        self.with_session(|s| async move { s.api.decline_invitation(&s.token, &id).await }).await?;
        self.shared.ui.invitations_changed();
        Ok(())
    }

    pub async fn cancel_invitation(&self, id: String) -> Result<(), ApiError> {
        self.with_session(|s| async move { s.api.cancel_invitation(&s.token, &id).await }).await?;
        self.shared.ui.invitations_changed();
        Ok(())
    }

    pub async fn create_key(&self, id: String, request: CreateKeyRequest) -> Result<KeyCreated, ApiError> {
        self.with_session(|s| async move { s.api.create_key(&s.token, &id, &request).await }).await
    }

    pub async fn keys(&self, id: String) -> Result<Vec<ConversationKey>, ApiError> {
        self.with_session(|s| async move { s.api.keys(&s.token, &id).await }).await
    }

    pub async fn revoke_key(&self, id: String, key_id: String) -> Result<(), ApiError> {
        self.with_session(|s| async move { s.api.revoke_key(&s.token, &id, &key_id).await }).await
    }

    pub async fn email_key(&self, id: String, key_id: String, request: SendKeyRequest) -> Result<(), ApiError> {
        self.with_session(|s| async move { s.api.email_key(&s.token, &id, &key_id, &request).await }).await
    }

    /// What a key is for (no session; `server_url` is the key's server). The core's code rule
    /// answers first, so a mistyped key is said on its field without a request.
    pub async fn key_preview(server_url: &str, code: &str) -> Result<KeyPreview, ApiError> {
        let code = KeyCode::parse(code).map_err(|c| {
            ApiError::with_message(c, "A key has 12 letters and digits, e.g. K7QM-R2XD-9HPA.").field("code")
        })?;
        ApiClient::new(server_url)?.key_preview(&code.display()).await
    }

    /// Redeems a key on `server_url`; the server becomes the one the login screen uses.
    pub async fn redeem_key(&self, server_url: &str, request: RedeemKeyRequest) -> Result<KeyRedeemed, ApiError> {
        let api = ApiClient::new(server_url)?;
        let redeemed = api.redeem_key(&request).await?;
        self.shared.cache.set_server_url(api.base()).await?;
        Ok(redeemed)
    }
}

/// The server and code of a `parley://redeem?…` link the app was opened with.
pub fn key_from_link(url: &str) -> Result<(String, String), ApiError> {
    parse_key_link(url).map(|(server, code)| (server, code.display())).ok_or_else(|| {
        ApiError::with_message(ErrorCode::InvalidFormat, "This link is not a Parley key. Ask for a new one.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_mistyped_key_is_refused_on_its_field_before_any_request() {
        // Nothing listens on port 9: a request would fail with `network`, not this.
        let e = Client::key_preview("http://127.0.0.1:9", "K7QM-R2XD").await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidFormat, Some("code")));
        let e = Client::key_preview("http://127.0.0.1:9", " k7qm r2xd-9hpa ").await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Network, "a well-formed key, typed loosely, goes to the server");
    }

    #[test]
    fn links_give_their_server_and_code() {
        let (server, code) =
            key_from_link("parley://redeem?server=http%3A%2F%2F127.0.0.1%3A8080&code=k7qmr2xd9hpa").unwrap();
        assert_eq!((server.as_str(), code.as_str()), ("http://127.0.0.1:8080", "K7QM-R2XD-9HPA"));
        assert_eq!(key_from_link("https://example.com").unwrap_err().code, ErrorCode::InvalidFormat);
    }
}
