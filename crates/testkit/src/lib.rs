//! Test support: the real Pingan server on `127.0.0.1:0` over a fresh database — a SQLite file in
//! a temporary folder, or, when `PINGAN_TEST_DATABASE_URL` is set, a uniquely named PostgreSQL
//! database created for the test and dropped after it — and a headless Chromium to drive it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod browser;
mod db;

pub use browser::Browser;
pub use db::{TestDb, unique_name};

use pingan_app::demo::{DemoOutcome, DemoScale};
use pingan_app::{App, AppConfig};
use tokio::sync::oneshot;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The services behind the server, for setting up and checking state directly.
    pub app: App,
    pub db: TestDb,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// A server over a fresh, empty database with default settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(AppConfig::default()).await
    }

    /// A server over a fresh, empty database with the given settings.
    pub async fn spawn_with(config: AppConfig) -> Self {
        let db = TestDb::fresh().await;
        let mut master = [0u8; 32];
        for (i, b) in unique_name("key").bytes().enumerate() {
            master[i % 32] ^= b;
        }
        let keys = std::sync::Arc::new(pingan_app::MasterKey::from_bytes(master));
        let app = App::open(db.url(), config, keys)
            .await
            .expect("open the app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let served = app.clone();
        tokio::spawn(async move {
            pingan_web::serve(served, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Self {
            base_url,
            app,
            db,
            shutdown: Some(tx),
        }
    }

    /// A server over the small demo district; returns the generated passwords too.
    pub async fn spawn_demo() -> (Self, DemoOutcome) {
        let t = Self::spawn().await;
        let outcome = t
            .app
            .load_demo(DemoScale::Small)
            .await
            .expect("load the demo");
        (t, outcome)
    }

    /// A user who may do everything in the district of `role`, for calling services directly.
    pub async fn as_user(&self, username: &str) -> pingan_app::CurrentUser {
        let password = "Test#Harness2026";
        self.app
            .set_password(&pingan_app::Actor::cli(), username, password)
            .await
            .expect("set password");
        self.app
            .login(username, password, None)
            .await
            .expect("login")
            .user
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
