//! The Pingan store: one [`Store`] over SQLite or PostgreSQL, the migrations of both, and the
//! repositories. One SQL text serves both backends wherever the dialects agree (`$N` placeholders
//! work on both); where they differ the two texts sit next to each other.
//!
//! The store keeps no business rules: it reads and writes what the app layer decides.

mod access;
mod alarms;
mod backup;
mod cases;
mod checkup;
mod creation;
mod credit;
mod db_url;
mod error;
mod health;
mod hotline;
mod in_use;
mod jobs;
mod legal;
mod legal_health;
mod migrate;
mod notify;
mod org;
mod outreach;
mod patrols;
mod police;
mod registry;
mod settings;
mod sql;
mod totals;
mod video;

pub use access::audit::{AuditFilter, AuditRecord, GENESIS_HASH};
pub use access::reseal::{SealedColumn, SealedUserColumns};
pub use access::roles::{RoleRecord, RoleRow};
pub use access::sessions::SessionRecord;
pub use access::sms_codes::SmsCodeRecord;
pub use access::tokens::{ApiTokenRecord, NewApiToken};
pub use access::users::{NewUser, UserRecord};
pub use alarms::{AlarmPointRecord, NewAlarmPoint};
pub use cases::applications::{
    ApplicationDetail, ApplicationFilter, ApplicationInsert, ApplicationReader, ApplicationRecord,
    ApplicationUpdate, ServiceItemRecord,
};
pub use cases::categories::{CategoryRecord, NewRoutingRule, RoutingRuleRecord};
pub use cases::clues::{
    ClueDetail, ClueFilter, ClueInsert, ClueReader, ClueRecord, ClueUpdate, SealedInformant,
};
pub use cases::disputes::{
    DisputeCount, DisputeDetail, DisputeDim, DisputeFilter, DisputeInsert, DisputeMargin,
    DisputeRecord, DisputeSessionRecord, DisputeUpdate, MediationOrganisationRecord,
    MediatorRecord, NewDisputeSession, NewMediationOrganisation, NewScreening, ScreeningRecord,
    ScreeningReportRecord,
};
pub use cases::events::intake::EventInsert;
pub use cases::events::open311::{NewOpen311Request, Open311Filter, Open311Record};
pub use cases::events::{
    DuplicateCandidate, EventCounts, EventDetail, EventFilter, EventRecord, Inserted,
};
pub use cases::files::{CaseFileRecord, NewCaseFile};
pub use cases::parties::{CasePartyRecord, NewCaseParty};
pub use cases::petitions::{
    HearingChange, LawyerRecord, LeaderLoad, NewLawyer, PetitionCount, PetitionDetail,
    PetitionFilter, PetitionInsert, PetitionReader, PetitionRecord, PetitionUpdate,
    RepeatCandidate,
};
pub use cases::risks::{
    NewRiskDocument, NewRiskMeasure, NewRiskScore, RiskDetail, RiskDocumentRecord,
    RiskExpertRecord, RiskFilter, RiskInsert, RiskMeasureRecord, RiskRecord, RiskRegisterCount,
    RiskScoreRecord, RiskUpdate,
};
pub use cases::{
    AreaPeriod, AreaRecord, CaseDepartmentRecord, CaseRecord, NewTimelineEntry, RaisedAlert,
    TimelineRecord,
};
pub use creation::{
    CreationAssessmentRecord, CreationChecklistRecord, CreationUnitFilter, CreationUnitRecord,
    NewCreationAssessment, NewCreationUnit,
};
pub use credit::{
    CreditEntryFilter, CreditEntryInput, CreditEntryRecord, CreditMeasureRecord, CreditWrite,
    NewCreditMeasure,
};
pub use db_url::{Backend, DbUrl};
pub use error::StoreError;
pub use health::PoolState;
pub use hotline::{HotlineReportRecord, HotlineTry};
pub use in_use::{DatabaseLock, lock_exclusive};
pub use jobs::{JobProgress, JobRecord};
pub use legal::{AdviserPostRecord, ConsultationCount, ConsultationRecord, NewConsultation};
pub use legal_health::{CheckupRecord, LegalRiskRecord, NewCheckup};
pub use migrate::MIGRATIONS;
pub use notify::Listener;
pub use org::calendar::CalendarDayRecord;
pub use org::reference::CodeEntryRecord;
pub use org::{DepartmentRecord, GridRecord, NewDepartment, NewOrgUnit, OrgUnitRecord};
pub use outreach::{
    NewOutreachActivity, OutreachActivityRecord, OutreachCount, OutreachPhotoRecord,
    OutreachTeamRecord,
};
pub use patrols::{
    CoverRecord, DispatchRecord, KeySegmentRecord, NewKeySegment, NewPatrolTeam, NewShift,
    PatrolRecord, PatrolTeamRecord, ShiftRecord, TrackPoint,
};
pub use police::PoliceFigureRow;
pub use registry::persons::{
    HouseholdRecord, NewHousehold, NewPerson, PersonFilter, PersonRecord, PersonSealed,
    PersonWrites,
};
pub use registry::places::{NewPlace, PlaceFilter, PlaceRecord, PlaceSealed};
pub use registry::special_groups::{
    DueCounts, DueInput, MemberFilter, MemberRecord, NO_VISIT_DUE, NewMember, NewVisit,
    UnitDueCounts, VisitPhotoRecord, VisitRecord,
};
pub use registry::transfers::{NewTransfer, TransferRecord};
pub use totals::{CaseTotalRow, Grain, OpenCounts};
pub use video::registry::{
    ChannelFilter, ChannelLogRecord, ChannelRow, DeviceFilter, DeviceRow, OnlineSample,
    RegistryChannel, RegistryDevice,
};
pub use video::{
    ChannelCount, DeviceSeen, VideoChannelRecord, VideoDeviceRecord, VideoStatusRecord,
};

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The connection pool of one backend.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs `$body` with `$p` bound to the backend's pool: one SQL text, monomorphised per backend.
macro_rules! dispatch {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use dispatch;

/// The database of one Pingan installation.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    url: DbUrl,
    /// Serialises audit appends within this process (PostgreSQL adds an advisory lock across
    /// processes).
    audit_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// The shared hold on a SQLite database's lock file, so that `pingan restore` cannot replace
    /// the database while this store uses it.
    _in_use: Option<std::sync::Arc<DatabaseLock>>,
}

impl Store {
    /// Opens the database at `url`. SQLite files are created when missing (WAL, 5 s busy timeout,
    /// foreign keys on); PostgreSQL gets a pool of up to `max_connections`.
    pub async fn connect(url: &DbUrl) -> Result<Self> {
        let in_use = in_use::hold_shared(url)?.map(std::sync::Arc::new);
        let pool = match url.backend() {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url.expose())
                    .map_err(|e| StoreError::connect(url, e))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    // A page cache of 16 MB per connection and no memory map: the operating
                    // system caches the file anyway. With a 256 MB map and 32 MB caches each of the
                    // four connections mapped the file anew, and the server of the full demo
                    // district held 577 MB resident (374 MB of it the maps) after a list run.
                    // Checkpoints every 8,192 pages (32 MB of log) instead of 1,000: an index page
                    // changed many times is copied back once (the demo population 152 → 130 s).
                    .pragma("cache_size", "-16384")
                    .pragma("wal_autocheckpoint", "8192");
                let pool = SqlitePoolOptions::new()
                    // Each connection has a worker thread; on a small machine more threads mean
                    // more hand-offs, not more work done (measured: 4 beat 2 and 8 on two cores).
                    .max_connections(4)
                    .connect_with(opts)
                    .await
                    .map_err(|e| StoreError::connect(url, e))?;
                Pool::Sqlite(pool)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url.expose())
                    .await
                    .map_err(|e| StoreError::connect(url, e))?;
                Pool::Postgres(pool)
            }
        };
        Ok(Self {
            pool,
            url: url.clone(),
            audit_lock: std::sync::Arc::default(),
            _in_use: in_use,
        })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The database URL with any password hidden, for logs and pages.
    pub fn redacted_url(&self) -> String {
        self.url.to_string()
    }

    /// The statement that opens a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later would otherwise fail
    /// with "database is locked" when another connection wrote in between, instead of waiting.
    pub(crate) fn begin_write(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Whether a query with filters that depend on its values (`($n IS NULL OR …)`, ranges whose
    /// selectivity varies) may be kept prepared. PostgreSQL switches a kept statement to a generic
    /// plan, made without the values and possibly when the table was small — measured on the
    /// duplicate search: 700 ms instead of 0.8 ms once the table had grown. Such queries are
    /// planned afresh there; SQLite plans with the values anyway.
    pub(crate) fn plans_are_generic_safe(&self) -> bool {
        self.backend() == Backend::Sqlite
    }

    /// `n` placeholders for a statement whose parameters are all bound in order: anonymous `?` on
    /// SQLite, `$1, $2 …` on PostgreSQL. sqlx looks every numbered SQLite parameter up by name,
    /// at a cost that grows with the square of a statement's parameters (16 % of a
    /// 100,000-person import); anonymous ones are not looked up.
    pub(crate) fn positional_list(&self, n: usize) -> String {
        match self.backend() {
            Backend::Sqlite => vec!["?"; n].join(", "),
            Backend::Postgres => (1..=n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The rows of `sql` — a query whose `IN ({})` takes `keys` — fetched 500 keys at a time (a
    /// statement stays well under the parameters SQLite handles quickly), planned with its values.
    pub(crate) async fn fetch_in<K, T>(&self, sql: &str, keys: &[K]) -> Result<Vec<T>>
    where
        K: for<'q> sqlx::Encode<'q, sqlx::Sqlite>
            + for<'q> sqlx::Encode<'q, sqlx::Postgres>
            + sqlx::Type<sqlx::Sqlite>
            + sqlx::Type<sqlx::Postgres>
            + Clone
            + Send
            + Sync,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(500) {
            let text = sql.replacen("{}", &self.positional_list(chunk.len()), 1);
            let rows: Vec<T> = dispatch!(self, |p| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(text.clone()));
                for k in chunk {
                    q = q.bind(k.clone());
                }
                q.persistent(false).fetch_all(p).await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// `rows` groups of `cols` in-order placeholders, as [`Store::positional_list`].
    pub(crate) fn positional_rows(&self, rows: usize, cols: usize) -> String {
        match self.backend() {
            Backend::Sqlite => {
                let row = format!("({})", vec!["?"; cols].join(", "));
                vec![row; rows].join(", ")
            }
            Backend::Postgres => sql::values(rows, cols),
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection (and, on SQLite, checkpoints the WAL).
    pub async fn close(&self) {
        dispatch!(self, |p| p.close().await);
    }
}
