//! 登录 / 退出.

use crate::AppState;
use crate::auth::{ClientAddr, PageUser, cleared_cookie, session_cookie, session_token};
use crate::error::{PageError, on_the_form};
use crate::extract::page::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{AppError, CitizenSignIn};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/login/phone", get(phone_form).post(phone_submit))
        .route("/logout", post(logout))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    notice: Option<&'static str>,
    error: Option<String>,
    username: String,
    next: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    /// Set after a password change, which ends every session.
    changed: Option<String>,
}

async fn form(Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        notice: q
            .changed
            .is_some()
            .then_some("密码已修改，请用新密码重新登录"),
        error: None,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    totp: String,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref());
    match state
        .app
        .access()
        .login_with_totp(&f.username, &f.password, Some(f.totp.as_str()), source)
        .await
    {
        Ok(outcome) => Ok((
            [(
                header::SET_COOKIE,
                session_cookie(&outcome.token, state.app.config().secure_cookies),
            )],
            Redirect::to(&next),
        )
            .into_response()),
        Err(
            e @ (AppError::LoginFailed | AppError::TotpRequired | AppError::TooManyAttempts(_)),
        ) => Ok((
            if matches!(e, AppError::TooManyAttempts(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            },
            LoginPage {
                notice: None,
                error: Some(e.to_string()),
                username: f.username,
                next,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login_phone.html")]
struct PhoneLoginPage {
    notice: Option<String>,
    error: Option<String>,
    f: PhoneForm,
    stations: Vec<(String, String)>,
}

/// 手机验证码登录: `step` is `code` (send one) or `signin`.
#[derive(Debug, Default, Deserialize)]
struct PhoneForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    org: String,
}

async fn phone_page(
    state: &AppState,
    f: PhoneForm,
    notice: Option<String>,
    error: Option<String>,
) -> Result<PhoneLoginPage, PageError> {
    Ok(PhoneLoginPage {
        stations: state.app.cases().service_stations().await?,
        notice,
        error,
        f,
    })
}

async fn phone_form(State(state): State<AppState>) -> Result<PhoneLoginPage, PageError> {
    phone_page(&state, PhoneForm::default(), None, None).await
}

/// Residents sign in with a code sent to their phone; the first time makes their account.
async fn phone_submit(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    Form(f): Form<PhoneForm>,
) -> Result<Response, PageError> {
    let access = state.app.access();
    if f.step == "code" {
        return Ok(match access.send_sign_in_code(&f.phone, source).await {
            Ok(()) => phone_page(
                &state,
                f,
                Some("验证码已发送，5 分钟内有效，请查看短信".into()),
                None,
            )
            .await?
            .into_response(),
            Err(e) => {
                let (status, msg) = on_the_form(e)?;
                (status, phone_page(&state, f, None, Some(msg)).await?).into_response()
            }
        });
    }
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let req = CitizenSignIn {
        phone: f.phone.clone(),
        code: f.code.clone(),
        name: some(&f.name),
        org: some(&f.org),
    };
    match access.sign_in_with_code(&req, source).await {
        Ok(outcome) => Ok((
            [(
                header::SET_COOKIE,
                session_cookie(&outcome.token, state.app.config().secure_cookies),
            )],
            Redirect::to("/services"),
        )
            .into_response()),
        Err(e) => {
            let (status, msg) = on_the_form(e)?;
            Ok((status, phone_page(&state, f, None, Some(msg)).await?).into_response())
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    page: Result<PageUser, PageError>,
    parts: Parts,
) -> Result<Response, PageError> {
    if let (Some(token), Ok(page)) = (session_token(&parts), page) {
        state.app.access().logout(&page.actor(), &token).await?;
    }
    Ok((
        [(header::SET_COOKIE, cleared_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

/// The page to go to after signing in: a path on this site, checked by parsing, or `/`.
///
/// A browser drops tabs and line breaks from a URL and treats `\` as `/`, so `/\t/host` or
/// `/\\host` would leave the site; such characters are refused anywhere, not only at the start.
fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".into();
    };
    let clean = n.len() <= 2048
        && !n
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    let parsed = clean
        .then(|| n.parse::<axum::http::Uri>().ok())
        .flatten()
        .filter(|u| u.scheme().is_none() && u.authority().is_none());
    match parsed.as_ref().and_then(|u| u.path_and_query()) {
        Some(pq) if pq.path().starts_with('/') && !pq.path().starts_with("//") => {
            pq.as_str().to_owned()
        }
        _ => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/map")), "/map");
        assert_eq!(safe_next(Some("/events?state=open")), "/events?state=open");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/\t/127.0.0.2:18399/pwned")), "/");
        assert_eq!(safe_next(Some("/%09/127.0.0.2")), "/%09/127.0.0.2");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(Some("/\u{3000}/evil")), "/");
        assert_eq!(safe_next(Some("map")), "/");
        assert_eq!(safe_next(None), "/");
    }

    proptest::proptest! {
        /// Whatever is sent, the answer is a same-site path a browser cannot read as another host.
        #[test]
        fn any_next_is_a_same_site_path(n in "\\PC{0,40}") {
            let out = safe_next(Some(&n));
            let browser_view: String = out.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect::<String>().replace('\\', "/");
            proptest::prop_assert!(browser_view.starts_with('/'));
            proptest::prop_assert!(!browser_view.starts_with("//"));
        }
    }
}
