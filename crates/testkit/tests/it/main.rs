//! Pingan's integration tests: one binary (link time matters on two cores), run against SQLite by
//! default and against PostgreSQL when `PINGAN_TEST_DATABASE_URL` is set. Browser tests need the
//! `browser` feature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod alarms;
mod api;
mod applications;
#[cfg(feature = "browser")]
mod browser;
mod calendar;
mod clues;
mod creation;
mod credit;
mod demo;
mod disputes;
mod divisions;
mod events;
mod faults;
mod grids;
mod hotline;
mod hubs;
mod input;
mod legal;
mod lists;
mod metrics;
mod open311;
mod pages;
mod patrols;
mod persons;
mod petitions;
mod places;
mod police;
mod receiver;
mod risks;
mod roles;
mod scale_out;
mod security;
mod special_groups;
mod stats;
mod store;
mod video;
mod video_registry;

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
        department: None,
    };
    t.app
        .access()
        .add_user(&pingan_app::Actor::cli(), &account)
        .await
}

/// A bearer token for a demo account whose first-login setup has been completed.
pub async fn ready_token(
    t: &pingan_testkit::TestApp,
    username: &str,
    demo: &pingan_app::demo::DemoOutcome,
) -> String {
    let password = if username == "admin" {
        &demo.admin_password
    } else {
        &demo.account_password
    };
    let mut ready = t.ready(username, password.as_deref().unwrap()).await;
    t.token(&mut ready).await
}

/// Signs in on the login page as an account whose setup is complete, with its TOTP code if any.
pub async fn web_login(
    t: &pingan_testkit::TestApp,
    c: &reqwest::Client,
    ready: &mut pingan_testkit::Ready,
) {
    let code = ready.next_code().await.unwrap_or_default();
    let form = [
        ("username", ready.username.as_str()),
        ("password", &ready.password),
        ("totp", &code),
        ("next", "/"),
    ];
    let res = c.post(t.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(
        res.status(),
        reqwest::StatusCode::SEE_OTHER,
        "login of {}",
        ready.username
    );
}

/// A signed-in user for calling the services directly, after completing the account's setup.
pub async fn signed_in(
    t: &pingan_testkit::TestApp,
    username: &str,
    password: &str,
) -> pingan_app::CurrentUser {
    let mut ready = t.ready(username, password).await;
    let token = t.token(&mut ready).await;
    t.app.access().authenticate(&token).await.unwrap()
}

/// The HTML of a page, fetched with the client's cookies.
pub async fn page(c: &reqwest::Client, t: &pingan_testkit::TestApp, path: &str) -> String {
    c.get(t.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A demo district's `commander`, first-login setup done, signed in on the web.
pub async fn commander_on_the_web(
    t: &pingan_testkit::TestApp,
    demo: &pingan_app::demo::DemoOutcome,
) -> (reqwest::Client, pingan_testkit::Ready) {
    let mut ready = t
        .ready("commander", demo.account_password.as_deref().unwrap())
        .await;
    let c = client();
    web_login(t, &c, &mut ready).await;
    (c, ready)
}

/// An HTTP client that keeps cookies and does not follow redirects, so tests see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
