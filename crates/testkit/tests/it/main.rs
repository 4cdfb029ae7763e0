//! Pingan's integration tests: one binary (link time matters on two cores), run against SQLite by
//! default and against PostgreSQL when `PINGAN_TEST_DATABASE_URL` is set. Browser tests need the
//! `browser` feature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod api;
#[cfg(feature = "browser")]
mod browser;
mod demo;
mod input;
mod pages;
mod security;
mod store;

/// Creates an account from the command line's side (no capability needed).
pub async fn add_user(
    t: &pingan_testkit::TestApp,
    username: &str,
    display_name: &str,
    org: &str,
    role: &str,
    password: &str,
) -> Result<(), pingan_app::AppError> {
    let account = pingan_app::NewAccount {
        username: username.into(),
        display_name: display_name.into(),
        org: org.into(),
        role: role.into(),
        password: password.into(),
        phone: None,
    };
    t.app.add_user(&pingan_app::Actor::cli(), &account).await
}

/// An HTTP client that keeps cookies and does not follow redirects, so tests see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
