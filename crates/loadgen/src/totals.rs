//! 汇总代价 — what keeping the case totals costs each case written: a fresh database with Pingan's
//! own schema (every migration), the rows one intake writes (the case, its event, its first
//! timeline entry) committed one case at a time or in groups (as the intake queue commits), in alternating rounds with the totals' insert
//! trigger in place and dropped — the same run, the same file, so the ratio is the trigger's.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use pingan_store::{DbUrl, Store};
use sqlx::AssertSqlSafe;
use std::time::{Duration, Instant};

/// One round's rate.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    pub with_totals: bool,
    pub per_second: f64,
}

const CASE: &str =
    "INSERT INTO cases (kind, title, state, org_code, owner_org, version, created_at,
        updated_at, step_started_at, alert, open, supervised, handling_amount, handling_unit,
        category)
     VALUES ('event', '压力测试生成的治安隐患', 'reported', $1, '511702001', 1, $2, $2, $2,
        'normal', $3, $4, 1, 'work_days', 'ZZ02') RETURNING id";
const EVENT: &str = "INSERT INTO events (case_id, client_id, channel, category_code, description,
        lon, lat, self_resolved) VALUES ($1, $2, 'grid_worker', 'ZZ02', '压力测试生成', 107.47,
        31.21, $3)";
const TIMELINE: &str = "INSERT INTO case_timeline (case_id, at, action, actor_name, actor_org,
        to_state, detail)
     VALUES ($1, $2, 'report', '压力测试', '511702001', 'reported', '{}')";

/// Runs `rounds` rounds of `seconds` each, alternating with and without the totals, on the
/// database at `url` (a fresh SQLite file or an empty PostgreSQL database).
pub async fn trigger_cost(
    url: &str,
    rounds: usize,
    seconds: u64,
    batch: usize,
) -> Result<Vec<Round>> {
    let url = DbUrl::parse(url).context("数据库地址无效")?;
    let store = Store::connect(&url).await.context("连接数据库失败")?;
    store.migrate().await.context("建表失败")?;
    store.close().await;
    let pg = url.expose().starts_with("postgres");
    if pg {
        run::<sqlx::Postgres>(url.expose(), rounds, seconds, batch, true).await
    } else {
        run::<sqlx::Sqlite>(url.expose(), rounds, seconds, batch, false).await
    }
}

async fn run<DB>(
    url: &str,
    rounds: usize,
    seconds: u64,
    batch: usize,
    pg: bool,
) -> Result<Vec<Round>>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    use sqlx::Connection;
    let mut conn = DB::Connection::connect(url).await?;
    if !pg {
        // As the server runs it (crates/store): WAL, synchronous = NORMAL.
        sqlx::raw_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            .execute(&mut conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO event_categories (code, name, family, handling_amount, handling_unit, version)
         VALUES ('ZZ02', '压力测试', 'test', 1, 'work_days', 'bench')",
    )
    .execute(&mut conn)
    .await?;
    let (create, drop) = if pg {
        (
            "CREATE TRIGGER case_totals_insert AFTER INSERT ON cases
                FOR EACH ROW EXECUTE FUNCTION case_totals_put_in()"
                .to_owned(),
            "DROP TRIGGER case_totals_insert ON cases",
        )
    } else {
        (sqlite_insert_trigger()?, "DROP TRIGGER case_totals_insert")
    };
    let mut out = Vec::new();
    let mut n: i64 = 0;
    let base = Utc::now() - chrono::Duration::days(30);
    for round in 0..rounds {
        let with_totals = round % 2 == 0;
        if round > 0 {
            let change = if with_totals { create.as_str() } else { drop };
            sqlx::raw_sql(AssertSqlSafe(change.to_owned()))
                .execute(&mut conn)
                .await?;
        }
        let started = Instant::now();
        let mut commits = 0u64;
        while started.elapsed() < Duration::from_secs(seconds) {
            let mut tx = conn.begin().await?;
            for _ in 0..batch.max(1) {
                n += 1;
                let at = base + chrono::Duration::seconds(n);
                let (id,): (i64,) = sqlx::query_as(CASE)
                    .bind(format!("511702001{:03}{:03}", n % 9 + 1, n % 3 + 1))
                    .bind(at)
                    .bind(true)
                    .bind(false)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(EVENT)
                    .bind(id)
                    .bind(format!("totals-bench-{n:09}"))
                    .bind(false)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(TIMELINE)
                    .bind(id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                commits += 1;
            }
            tx.commit().await?;
        }
        out.push(Round {
            with_totals,
            per_second: commits as f64 / started.elapsed().as_secs_f64(),
        });
    }
    Ok(out)
}

/// The SQLite trigger that keeps the totals on insert, as migration 0023 creates it.
fn sqlite_insert_trigger() -> Result<String> {
    const MIGRATION: &str = include_str!("../../../migrations/sqlite/0023_case_totals.sql");
    let start = MIGRATION
        .find("CREATE TRIGGER case_totals_insert")
        .context("迁移 0023 中没有 case_totals_insert")?;
    let rest = MIGRATION.get(start..).unwrap_or_default();
    let end = rest.find("END;").context("case_totals_insert 没有结尾")? + 4;
    Ok(rest.get(..end).unwrap_or_default().to_owned())
}
