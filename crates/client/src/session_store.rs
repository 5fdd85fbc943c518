//! The session token lives in the OS keyring (Secret Service on Linux), one entry per server,
//! never in a file or in the web UI's storage (SPEC §4).

use parley_core::session::SessionToken;
use parley_core::wire::ApiError;
use parley_core::ErrorCode;

const SERVICE: &str = "parley-desktop";

#[derive(Clone, Default)]
pub struct SessionStore;

fn keyring_error(e: keyring::Error) -> ApiError {
    tracing::error!(error = %e, "keyring");
    ApiError::new(ErrorCode::Keyring)
}

impl SessionStore {
    fn entry(server_url: &str) -> Result<keyring::Entry, ApiError> {
        keyring::Entry::new(SERVICE, server_url).map_err(keyring_error)
    }

    pub fn save(&self, server_url: &str, token: &SessionToken) -> Result<(), ApiError> {
        Self::entry(server_url)?.set_password(token.expose()).map_err(keyring_error)
    }

    pub fn load(&self, server_url: &str) -> Result<Option<SessionToken>, ApiError> {
        match Self::entry(server_url)?.get_password() {
            Ok(t) => Ok(Some(SessionToken::from_secret(t))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    pub fn delete(&self, server_url: &str) -> Result<(), ApiError> {
        match Self::entry(server_url)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}
