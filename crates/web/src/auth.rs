//! Who is asking: the session cookie of a browser or the bearer token of an API client.

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use pingan_app::{Actor, AppError, CurrentUser};
use std::net::{IpAddr, SocketAddr};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pingan_session";

/// The session token of a request: `Authorization: Bearer …` first, then the cookie.
pub fn session_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| {
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == SESSION_COOKIE)
            .map(|(_, v)| v.to_owned())
    })
}

/// The `Set-Cookie` value that opens a session in the browser (`Secure` when served over HTTPS).
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

/// The `Set-Cookie` value that removes it.
pub fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

async fn current_user(parts: &Parts, state: &AppState) -> Result<CurrentUser, AppError> {
    let token = session_token(parts).ok_or(AppError::Unauthenticated("请先登录"))?;
    state.app.access().authenticate(&token).await
}

/// The address the request came from: the TCP peer, or — when the peer is a trusted reverse
/// proxy — the last address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_addr(parts: &Parts, trusted: &[IpAddr]) -> Option<String> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let client = forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer);
    Some(client.to_string())
}

fn source_addr(parts: &Parts, state: &AppState) -> Option<String> {
    client_addr(parts, &state.app.config().trusted_proxies)
}

/// The client's address, for handlers that sign people in.
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(source_addr(parts, state)))
    }
}

/// The signed-in user of an API request (401 problem otherwise), with the request's source.
pub struct ApiUser {
    pub user: CurrentUser,
    pub source: Option<String>,
}

impl ApiUser {
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.clone(), self.source.clone())
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    /// An account with setup pending gets 403 `account_setup_required` from every endpoint but
    /// signing out: the setup is done on the web pages.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = current_user(parts, state).await?;
        if let Some(step) = user.setup
            && parts.uri.path() != "/api/v1/session"
        {
            return Err(AppError::SetupRequired(step.message()).into());
        }
        Ok(Self {
            user,
            source: source_addr(parts, state),
        })
    }
}

/// The signed-in user of a page request (redirect to the login page otherwise), with the source.
pub struct PageUser {
    pub user: CurrentUser,
    pub source: Option<String>,
}

impl PageUser {
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.clone(), self.source.clone())
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;
    /// An account with setup pending (a first password to change, a second factor to enrol) is
    /// sent to `/account` from every other page.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let user = current_user(parts, state).await?;
        if let Some(step) = user.setup
            && !parts.uri.path().starts_with("/account")
        {
            return Err(AppError::SetupRequired(step.message()).into());
        }
        Ok(Self {
            user,
            source: source_addr(parts, state),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = Request::builder();
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn token_from_bearer_or_cookie() {
        assert_eq!(
            session_token(&parts(&[("authorization", "Bearer abc")])).as_deref(),
            Some("abc")
        );
        assert_eq!(
            session_token(&parts(&[("cookie", "x=1; pingan_session=tok; y=2")])).as_deref(),
            Some("tok")
        );
        assert_eq!(
            session_token(&parts(&[("cookie", "pingan_sessionx=1")])),
            None
        );
        assert_eq!(session_token(&parts(&[])), None);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut p = parts(&[("x-forwarded-for", "203.0.113.9, 10.0.0.5")]);
        let proxy: SocketAddr = "10.0.0.5:443".parse().unwrap();
        p.extensions.insert(ConnectInfo(proxy));
        let trusted: Vec<IpAddr> = vec!["10.0.0.5".parse().unwrap()];
        assert_eq!(client_addr(&p, &trusted).as_deref(), Some("203.0.113.9"));
        assert_eq!(
            client_addr(&p, &[]).as_deref(),
            Some("10.0.0.5"),
            "an untrusted peer is taken as it is"
        );
        let mut direct = parts(&[("x-forwarded-for", "1.2.3.4")]);
        direct.extensions.insert(ConnectInfo(
            "198.51.100.7:5000".parse::<SocketAddr>().unwrap(),
        ));
        assert_eq!(
            client_addr(&direct, &trusted).as_deref(),
            Some("198.51.100.7"),
            "no spoofing from outside"
        );
    }

    #[test]
    fn cookie_is_http_only_and_strict() {
        let c = session_cookie("t", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(session_cookie("t", true).ends_with("; Secure"));
        assert!(cleared_cookie().contains("Max-Age=0"));
    }
}
