//! 综治中心 — the [`App`] every use case hangs off: the store, the configuration, the grid index,
//! the caches, the case bus and the intake queue.

use crate::cases;
use crate::{AppError, Backend, DbUrl, KeyProvider, cache};
use pingan_crypto::FieldCipher;
use pingan_geo::GridIndex;
use pingan_store::Store;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Settings the services need; the CLI fills them from flags, environment and `pingan.toml`.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// Optional map tile URL template (`https://tiles.example/{z}/{x}/{y}.png`); none draws the
    /// grids on a plain background.
    pub tile_url: Option<String>,
    pub lockout: LockoutPolicy,
    /// Require TOTP of every account, not only of the administrators.
    pub totp_for_everyone: bool,
    /// A password older than this must be changed before anything else (none: never).
    pub password_max_age: Option<Duration>,
    /// Mark the session cookie `Secure` (set when users reach the hub over HTTPS, e.g. through a
    /// TLS-terminating proxy).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed: behind them, the client's own address
    /// is the one recorded and throttled, not the proxy's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Addresses besides this machine's that may read `/metrics` (a Prometheus server).
    pub metrics_allow: Vec<std::net::IpAddr>,
    /// Where photos and other files are kept (`<data-dir>/files` from the command line); none
    /// refuses uploads. Several instances need storage they share: an S3-compatible bucket.
    pub files: Option<crate::files::FilesConfig>,
    /// The password GB/T 28181 devices register with when the registry gives a device none of
    /// its own. None refuses every device without its own.
    pub sip_password: Option<String>,
    /// The external media service's page for a camera, `{id}` replaced by its 20-digit id
    /// (`http://media.example/play?channel={id}`); none shows no link.
    pub video_url: Option<String>,
    /// The local letters of the 稳评 levels 高, 中, 低 (default A, B, C).
    pub risk_grade_letters: pingan_domain::case::risk::GradeLetters,
    /// Where reports back to the 12345 hotline go; none keeps them queued.
    pub hotline: Option<crate::HotlineConfig>,
    /// How texts reach phones (sign-in codes, 一次性告知): a gateway, or the log.
    pub sms: crate::SmsSender,
}

/// 登录锁定策略 — how many failed logins within a window lock a source address (or, without one,
/// an account name) and for how long, and how much an account name tried from anywhere is slowed.
#[derive(Debug, Clone)]
pub struct LockoutPolicy {
    pub threshold: i64,
    pub window: Duration,
    pub lock_for: Duration,
    /// How much longer each login attempt on an account name takes once the name reached the
    /// threshold from anywhere (its owner is slowed, never locked out).
    pub slow_by: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            threshold: 5,
            window: Duration::from_secs(15 * 60),
            lock_for: Duration::from_secs(15 * 60),
            slow_by: Duration::from_secs(2),
        }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            tile_url: None,
            lockout: LockoutPolicy::default(),
            totp_for_everyone: false,
            password_max_age: Some(Duration::from_secs(90 * 24 * 3600)),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            files: None,
            metrics_allow: Vec::new(),
            sip_password: None,
            video_url: None,
            risk_grade_letters: Default::default(),
            hotline: None,
            sms: crate::SmsSender::Log,
        }
    }
}

/// The hub: the store plus what is kept in memory for speed (the grid index).
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) config: Arc<AppConfig>,
    /// The grid index and the `grids.version` setting it was built from.
    pub(crate) grids: Arc<RwLock<(Option<String>, Arc<GridIndex>)>>,
    pub(crate) cipher: FieldCipher,
    pub(crate) caches: Arc<Caches>,
    pub(crate) bus: cases::bus::CaseBus,
    pub(crate) intake: cases::intake_queue::IntakeQueue,
    /// This instance's GB/T 28181 server, for queries sent on demand (none when not started).
    pub(crate) sip: Arc<std::sync::OnceLock<pingan_gb28181::transport::Commander>>,
    /// Where photos and other files are kept (none configured: uploads are refused).
    pub(crate) files: Option<crate::files::Files>,
    /// When the deadline sweeper last finished a round.
    pub(crate) last_sweep: Arc<crate::runtime::LastSweep>,
    /// Keepalives waiting to be written in the next batch.
    pub(crate) heartbeats: Arc<crate::video::heartbeats::Heartbeats>,
    /// The registrations of the devices heard lately (the keepalive path's reads).
    pub(crate) registrations: Arc<crate::video::heartbeats::Registrations>,
}

/// Reference data read on every intake, kept for a minute.
#[derive(Debug)]
pub(crate) struct Caches {
    pub(crate) calendar: cache::TtlCache<pingan_domain::calendar::WorkCalendar>,
    pub(crate) categories: cache::TtlCache<Vec<pingan_store::CategoryRecord>>,
    pub(crate) routing: cache::TtlCache<Vec<pingan_store::RoutingRuleRecord>>,
    pub(crate) departments: cache::TtlCache<Vec<pingan_store::DepartmentRecord>>,
    /// The video devices' own sealed digest passwords, by device id (a registration storm must
    /// not query the database once per device).
    pub(crate) device_passwords: cache::TtlCache<std::collections::HashMap<String, Vec<u8>>>,
    /// The district's active key segments with their shapes, read on every batch of positions.
    pub(crate) segments: cache::TtlCache<Vec<crate::patrols::Segment>>,
}

impl Default for Caches {
    fn default() -> Self {
        let ttl = Duration::from_secs(60);
        Self {
            calendar: cache::TtlCache::new(ttl),
            categories: cache::TtlCache::new(ttl),
            routing: cache::TtlCache::new(ttl),
            departments: cache::TtlCache::new(ttl),
            device_passwords: cache::TtlCache::new(ttl),
            segments: cache::TtlCache::new(ttl),
        }
    }
}

impl App {
    /// Opens the database, applies migrations, brings the shipped reference data up to date and
    /// loads the grid index.
    pub async fn open(url: &DbUrl, config: AppConfig, keys: Arc<dyn KeyProvider>) -> Result<Self> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        let intake = cases::intake_queue::IntakeQueue::start(store.clone());
        let bus = cases::bus::CaseBus::new(&store);
        let heartbeats = crate::video::heartbeats::Heartbeats::start(store.clone());
        let files = config
            .files
            .as_ref()
            .map(crate::files::Files::open)
            .transpose()?;
        let app = Self {
            store,
            config: Arc::new(config),
            grids: Arc::default(),
            cipher: FieldCipher::new(keys),
            caches: Arc::default(),
            bus,
            intake,
            sip: Arc::default(),
            files,
            last_sweep: Arc::default(),
            heartbeats,
            registrations: Arc::default(),
        };
        app.access().sync_default_roles().await?;
        app.org().sync_reference_data().await?;
        app.cases().sync_event_categories().await?;
        app.cases().sync_service_items().await?;
        app.org().sync_official_calendar().await?;
        app.org().reload_grid_index().await?;
        app.registry().refresh_visit_dues(None, true).await?;
        Ok(app)
    }

    /// Applies pending migrations only (the `pingan migrate` command); returns their names.
    pub async fn migrate_only(url: &DbUrl) -> Result<Vec<&'static str>> {
        let store = Store::connect(url).await?;
        let done = store.migrate().await?;
        store.close().await;
        Ok(done)
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn health(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// A consistent snapshot of a SQLite database at `path`, taken while serving.
    pub async fn backup_to(&self, path: &str) -> Result<()> {
        Ok(self.store.backup_to(path).await?)
    }

    /// Closes the database cleanly.
    pub async fn close(&self) {
        if let Err(e) = self.heartbeats.flush().await {
            tracing::warn!("停止前写入设备心跳失败: {e}");
        }
        self.store.close().await;
    }
}
