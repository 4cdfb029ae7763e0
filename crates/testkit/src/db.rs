//! Fresh databases for tests on either backend.

use pingan_app::DbUrl;
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test. SQLite by default; PostgreSQL when
/// `PINGAN_TEST_DATABASE_URL` names a server (its database is used only to create and drop ours).
/// Set `PINGAN_TEST_KEEP_DB=1` to keep it for inspection.
pub struct TestDb {
    url: DbUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A name no other test of any run uses at the same time.
pub fn unique_name(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDb {
    pub async fn fresh() -> Self {
        match std::env::var("PINGAN_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => Self::postgres(admin_url).await,
            _ => Self::sqlite(),
        }
    }

    fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(unique_name("pingan_test"));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            url: DbUrl::sqlite_file(&dir.join("pingan.db")),
            cleanup: Cleanup::Dir(dir),
        }
    }

    async fn postgres(admin_url: String) -> Self {
        let name = unique_name("pingan_test");
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PINGAN_TEST_DATABASE_URL 无法连接: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let (base, _) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        Self {
            url: DbUrl::parse(&format!("{server}/{name}")).unwrap(),
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Whether this test runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }

    /// Runs raw SQL on the test database, behind the application's back (for tamper tests).
    pub async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self.url.backend() {
            pingan_app::Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(self.url.expose())
                    .await
                    .unwrap();
                sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            }
            pingan_app::Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(self.url.expose())
                    .await
                    .unwrap();
                sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            }
        }
    }

    /// The folder of a SQLite test database (for files a test writes beside it).
    pub fn dir(&self) -> PathBuf {
        match &self.cleanup {
            Cleanup::Dir(d) => d.clone(),
            Cleanup::Postgres { .. } => std::env::temp_dir(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::env::var("PINGAN_TEST_KEEP_DB").is_ok() {
            return;
        }
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; drop the database from a thread of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                                .execute(&mut conn)
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
