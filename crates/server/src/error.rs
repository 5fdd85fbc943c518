//! The one error type of the API: a stable [`ErrorCode`], a message, maybe a field, and the
//! HTTP status that goes with the code. Database faults are logged and answered as 500
//! without details; constraint violations become 409.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_core::wire;
use parley_core::ErrorCode;

#[derive(Debug)]
pub struct AppError(pub wire::ApiError);

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode) -> Self {
        Self(wire::ApiError::new(code))
    }
    pub fn on_field(code: ErrorCode, field: &str) -> Self {
        Self(wire::ApiError::on_field(code, field))
    }
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(wire::ApiError { code, message: message.into(), field: None })
    }
    /// The same error, naming the request field at fault.
    pub fn field(self, field: &str) -> Self {
        Self(self.0.field(field))
    }
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidFormat
        | ErrorCode::TermsNotAccepted
        | ErrorCode::DomainForbidden
        | ErrorCode::CountryCodeForbidden
        | ErrorCode::Required
        | ErrorCode::TooLong
        | ErrorCode::ModeRequired
        | ErrorCode::ModeDisabled
        | ErrorCode::NoInvitationMode
        | ErrorCode::SponsorNotAllowed
        | ErrorCode::AccessTooLong => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::ContactExists => StatusCode::CONFLICT,
        ErrorCode::NotAuthorizedToInvite => StatusCode::FORBIDDEN,
        ErrorCode::InvalidRequest => StatusCode::BAD_REQUEST,
        ErrorCode::InvalidCode | ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Throttled => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::FirstLoginRequired
        | ErrorCode::Forbidden
        | ErrorCode::GuestDesktopAccessOff
        | ErrorCode::GuestSuspended
        | ErrorCode::AwaitingConfirmation
        | ErrorCode::GuestAccessEnded
        | ErrorCode::FeatureNotForGuests => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Internal | ErrorCode::Network | ErrorCode::Keyring | ErrorCode::LocalStore => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (status_of(self.0.code), Json(self.0)).into_response()
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return Self::new(ErrorCode::Conflict);
            }
        }
        tracing::error!(error = %e, "database error");
        Self::new(ErrorCode::Internal)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(ErrorCode::Internal)
    }
}

/// `Json<T>` whose rejections answer in our error format (400 + a readable reason) instead
/// of axum's plain text.
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    Json<T>: axum::extract::FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Self(v)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::new(ErrorCode::PayloadTooLarge))
            }
            Err(rejection) => Err(AppError::with_message(
                ErrorCode::InvalidRequest,
                format!("The request could not be understood: {}", rejection.body_text()),
            )),
        }
    }
}

/// `Query<T>` whose rejections answer in our error format (400 + a readable reason) instead of
/// axum's plain text, like [`ApiJson`].
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rejection) => Err(AppError::with_message(
                ErrorCode::InvalidRequest,
                format!("The request could not be understood: {}", rejection.body_text()),
            )),
        }
    }
}

/// `Path<T>` whose rejections (a malformed or non-UTF-8 segment) answer in our error format
/// (400 + a readable reason): every path id goes through it.
pub struct ApiPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(rejection) => Err(AppError::with_message(
                ErrorCode::InvalidRequest,
                format!("The request could not be understood: {}", rejection.body_text()),
            )),
        }
    }
}

/// The answer to a path no route serves: the JSON 404.
pub async fn no_route() -> AppError {
    AppError::new(ErrorCode::NotFound)
}

/// The answer to a method a path does not serve: the JSON 405.
pub async fn wrong_method() -> AppError {
    AppError::new(ErrorCode::MethodNotAllowed)
}
