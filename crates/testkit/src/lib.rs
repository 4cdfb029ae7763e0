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
mod proxy;
mod s3;

pub use browser::Browser;
pub use db::{TestDb, unique_name};
pub use proxy::RoundRobin;
pub use s3::S3Server;

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
    config: AppConfig,
    keys: std::sync::Arc<pingan_app::MasterKey>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// A server over a fresh, empty database with default settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(AppConfig::default()).await
    }

    /// Where this test's photos go: a fresh folder under the system's temporary directory.
    fn files_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(unique_name("pingan_files"))
    }

    /// A server over a fresh, empty database with the given settings.
    pub async fn spawn_with(mut config: AppConfig) -> Self {
        config.files = config
            .files
            .or_else(|| Some(pingan_app::FilesConfig::Dir(Self::files_dir())));
        let db = TestDb::fresh().await;
        let mut master = [0u8; 32];
        for (i, b) in unique_name("key").bytes().enumerate() {
            master[i % 32] ^= b;
        }
        let keys = std::sync::Arc::new(pingan_app::MasterKey::from_bytes(master));
        let (base_url, app, shutdown) = start(&db, config.clone(), keys.clone()).await;
        Self {
            base_url,
            app,
            db,
            config,
            keys,
            shutdown: Some(shutdown),
        }
    }

    /// A second server over the same database and keys, as a second instance behind a load
    /// balancer would be. It stops when the returned value is dropped.
    pub async fn another_instance(&self) -> Instance {
        let (base_url, app, shutdown) =
            start(&self.db, self.config.clone(), self.keys.clone()).await;
        Instance {
            base_url,
            app,
            _shutdown: shutdown,
        }
    }

    /// Another server over the same database and keys on `addr` (`127.0.0.1:PORT`), as after a
    /// restart: a phone that kept pages and entries of that address finds it again.
    pub async fn instance_at(&self, addr: &str) -> Instance {
        let (base_url, app, shutdown) =
            start_at(&self.db, self.config.clone(), self.keys.clone(), addr).await;
        Instance {
            base_url,
            app,
            _shutdown: shutdown,
        }
    }

    /// The services over the same database after a key rotation: a second seal key (id 2) is
    /// the newest, the blind index key is unchanged, and key 1 still opens what it sealed unless
    /// it has been `retired` (as once nothing uses it).
    pub async fn after_key_rotation(&self, retired: bool) -> App {
        let keys = std::sync::Arc::new(RotatedKeys(self.keys.clone(), retired));
        App::open(self.db.url(), self.config.clone(), keys)
            .await
            .expect("open the app")
    }

    /// A server over the small demo district; returns the generated passwords too.
    pub async fn spawn_demo() -> (Self, DemoOutcome) {
        Self::spawn_demo_with(AppConfig::default()).await
    }

    /// [`Self::spawn_demo`] with the given settings.
    pub async fn spawn_demo_with(config: AppConfig) -> (Self, DemoOutcome) {
        let t = Self::spawn_with(config).await;
        let outcome = t
            .app
            .load_demo(DemoScale::Small)
            .await
            .expect("load the demo");
        (t, outcome)
    }

    /// Completes an account's first-login setup as its owner would — a password of their own if
    /// the current one was generated or set by an administrator, and a second factor if the role
    /// needs one — and returns what it takes to sign in from then on.
    pub async fn ready(&self, username: &str, password: &str) -> Ready {
        let mut ready = Ready {
            username: username.into(),
            password: password.into(),
            secret: None,
            last_step: 0,
        };
        loop {
            let outcome = self
                .app
                .access()
                .login(username, &ready.password, None)
                .await
                .expect("login");
            let actor = pingan_app::Actor::user(outcome.user.clone(), None);
            match outcome.user.setup {
                None => return ready,
                Some(
                    pingan_app::SetupStep::ChangePassword | pingan_app::SetupStep::PasswordExpired,
                ) => {
                    let new = format!("{}#Own2026x", ready.password.len());
                    self.app
                        .access()
                        .change_own_password(&actor, &ready.password, &new)
                        .await
                        .expect("change password");
                    ready.password = new;
                }
                Some(pingan_app::SetupStep::EnrolTotp) => {
                    let enrolment = self
                        .app
                        .access()
                        .begin_totp(&actor)
                        .await
                        .expect("begin TOTP");
                    let secret = base32_decode(&enrolment.secret_base32);
                    // Confirm with the previous step's code, so that the current and next steps
                    // remain for logins.
                    let now = unix_now();
                    let code = pingan_crypto::totp_code(&secret, now - pingan_crypto::TOTP_STEP);
                    self.app
                        .access()
                        .confirm_totp(&actor, &code)
                        .await
                        .expect("confirm TOTP");
                    ready.last_step = now / pingan_crypto::TOTP_STEP - 1;
                    ready.secret = Some(secret);
                    return ready;
                }
            }
        }
    }

    /// Signs in through the services and returns the bearer token.
    pub async fn token(&self, ready: &mut Ready) -> String {
        let code = ready.next_code().await;
        let outcome = self
            .app
            .access()
            .login_with_totp(&ready.username, &ready.password, code.as_deref(), None)
            .await
            .expect("login");
        outcome.token
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// Another server over a test's database (see [`TestApp::another_instance`]).
pub struct Instance {
    pub base_url: String,
    pub app: App,
    _shutdown: oneshot::Sender<()>,
}

/// Opens the app over `db` and serves it on a free port, with the case engine's workers running.
async fn start(
    db: &TestDb,
    config: AppConfig,
    keys: std::sync::Arc<pingan_app::MasterKey>,
) -> (String, App, oneshot::Sender<()>) {
    start_at(db, config, keys, "127.0.0.1:0").await
}

/// [`start`] on a given address (retried for five seconds while a stopped server lets it go).
async fn start_at(
    db: &TestDb,
    config: AppConfig,
    keys: std::sync::Arc<pingan_app::MasterKey>,
    addr: &str,
) -> (String, App, oneshot::Sender<()>) {
    let app = App::open(db.url(), config, keys)
        .await
        .expect("open the app");
    app.cases()
        .spawn_case_workers(std::time::Duration::from_secs(1));
    let mut bound = tokio::net::TcpListener::bind(addr).await;
    for _ in 0..50 {
        if bound.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        bound = tokio::net::TcpListener::bind(addr).await;
    }
    let listener = bound.unwrap();
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
    (base_url, app, tx)
}

/// The demo's keys with a rotated-in second seal key, and whether the first is gone.
#[derive(Debug)]
struct RotatedKeys(std::sync::Arc<pingan_app::MasterKey>, bool);

impl pingan_app::KeyProvider for RotatedKeys {
    fn current_seal_key_id(&self) -> u8 {
        2
    }

    fn seal_key(&self, id: u8) -> Option<[u8; 16]> {
        match id {
            2 => Some([0x5a; 16]),
            _ if self.1 => None,
            _ => self.0.seal_key(id),
        }
    }

    fn index_key(&self) -> [u8; 32] {
        self.0.index_key()
    }
}

/// What it takes to sign in as an account whose setup is complete.
#[derive(Debug, Clone)]
pub struct Ready {
    pub username: String,
    pub password: String,
    secret: Option<Vec<u8>>,
    last_step: u64,
}

impl Ready {
    /// The next unused TOTP code (each code works once), or none for an account without a
    /// second factor. Waits for the next 30-second step when this one is used up.
    pub async fn next_code(&mut self) -> Option<String> {
        let secret = self.secret.clone()?;
        loop {
            let now = unix_now();
            let step = now / pingan_crypto::TOTP_STEP;
            // The server accepts one step either side of its clock.
            if let Some(s) = [step, step + 1].into_iter().find(|s| *s > self.last_step) {
                self.last_step = s;
                return Some(pingan_crypto::totp_code(
                    &secret,
                    s * pingan_crypto::TOTP_STEP,
                ));
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The current TOTP code of a secret shown in base32 (as a person would read it off the page).
pub fn totp_now(secret_base32: &str) -> String {
    totp_at(secret_base32, 0)
}

/// The TOTP code `offset_secs` from now.
pub fn totp_at(secret_base32: &str, offset_secs: u64) -> String {
    pingan_crypto::totp_code(&base32_decode(secret_base32), unix_now() + offset_secs)
}

/// Decodes RFC 4648 base32 without padding (the secret shown to the user).
fn base32_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base32") as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
