//! One mapping from app errors to HTTP: `application/problem+json` for the API, a page for people.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pingan_app::AppError;
use serde::Serialize;

pub(crate) fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unauthenticated(_) | AppError::LoginFailed | AppError::TotpRequired => {
            StatusCode::UNAUTHORIZED
        }
        AppError::SetupRequired(_) => StatusCode::FORBIDDEN,
        AppError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The one error policy of the pages: an error the user can correct ([`AppError::is_correctable`])
/// comes back as the form again, with its message and the status the API would answer with;
/// any other error becomes the error page. Handlers call it instead of choosing for themselves.
pub(crate) fn on_the_form(e: AppError) -> Result<(StatusCode, String), PageError> {
    if e.is_correctable() {
        Ok((status_of(&e), e.to_string()))
    } else {
        Err(e.into())
    }
}

pub(crate) fn log_if_ours(e: &AppError) {
    match e {
        AppError::Internal(cause) => tracing::error!("内部错误: {cause}"),
        AppError::Unavailable(cause) => tracing::error!("数据库不可用: {cause}"),
        _ => {}
    }
}

/// An error of an API handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

/// RFC 9457 problem details, with our stable `code` and a Chinese `detail`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    code: &'static str,
    detail: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_if_ours(&self.0);
        let status = status_of(&self.0);
        let body = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            code: self.0.code(),
            detail: self.0.to_string(),
        };
        let mut res = (status, Json(body)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

/// An error of a page handler: the login page when the session is missing, else an error page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self.0 {
            AppError::Unauthenticated(_) => return Redirect::to("/login").into_response(),
            AppError::SetupRequired(_) => return Redirect::to("/account").into_response(),
            _ => {}
        }
        log_if_ours(&self.0);
        let status = status_of(&self.0);
        let title = match status {
            StatusCode::NOT_FOUND => "未找到",
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::BAD_REQUEST => "输入有误",
            _ => "出错了",
        };
        (
            status,
            ErrorPage {
                title,
                message: self.0.to_string(),
            },
        )
            .into_response()
    }
}
