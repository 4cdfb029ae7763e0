//! Writing events in batches (group commit). Under load many intakes wait at once; writing them
//! in one transaction with multi-row inserts costs a handful of statements per batch instead of
//! five per event, and every intake is still answered only after its batch has committed.

use super::{EventDetail, Inserted};
use crate::cases::{CaseRecord, append_timeline};
use crate::sql::values;
use crate::{Backend, NewTimelineEntry, Result, Store, StoreError, dispatch};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// One event to write: its case, its details and its first timeline entry.
#[derive(Debug, Clone)]
pub struct EventInsert {
    pub case: CaseRecord,
    pub detail: EventDetail,
    pub entry: NewTimelineEntry,
}

impl Store {
    /// Writes a batch of events in one transaction and says, for each in order, the id it got —
    /// or, when its client id was taken already (by an earlier intake or earlier in the same
    /// batch), the id of the event that has it.
    pub async fn insert_events(&self, batch: &[EventInsert]) -> Result<Vec<Inserted>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let pg = self.backend() == Backend::Postgres;
        let lookup = format!(
            "SELECT client_id, case_id FROM events WHERE client_id IN ({})",
            (1..=batch.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let written: std::result::Result<Vec<Inserted>, sqlx::Error> = dispatch!(self, |p| {
            async {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut q = sqlx::query_as::<_, (String, i64)>(AssertSqlSafe(lookup.clone()));
            for e in batch {
                q = q.bind(&e.detail.client_id);
            }
            let taken: HashMap<String, i64> = q.fetch_all(&mut *tx).await?.into_iter().collect();

            // Which rows are new; the first of several with one client id wins.
            let mut first_of: HashMap<&str, usize> = HashMap::new();
            let mut fresh: Vec<&EventInsert> = Vec::new();
            for e in batch {
                let id = e.detail.client_id.as_str();
                if !taken.contains_key(id) && !first_of.contains_key(id) {
                    first_of.insert(id, fresh.len());
                    fresh.push(e);
                }
            }
            // Ids: on PostgreSQL from the sequence; on SQLite after the largest, under the write
            // lock this transaction holds.
            let ids: Vec<i64> = if fresh.is_empty() {
                Vec::new()
            } else if pg {
                sqlx::query_as::<_, (i64,)>(
                    "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, $1)",
                )
                .bind(i64::try_from(fresh.len()).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|r| r.0)
                .collect()
            } else {
                let (max,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM cases")
                    .fetch_one(&mut *tx)
                    .await?;
                (1..=fresh.len()).map(|i| max + i64::try_from(i).unwrap_or(0)).collect()
            };
            if !fresh.is_empty() {
                let overriding = if pg { "OVERRIDING SYSTEM VALUE" } else { "" };
                let sql = format!(
                    "INSERT INTO cases (id, kind, title, state, org_code, owner_org, department_id,
                        reporter_id, version, created_at, updated_at, step_started_at, yellow_at,
                        deadline, alert, open, supervised, extension_days, handling_amount,
                        handling_unit, merged_into, rating, category, closed_at, closed_late)
                        {overriding} VALUES {}",
                    values(fresh.len(), 25)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (e, id) in fresh.iter().zip(&ids) {
                    q = crate::cases::bind_case!(q.bind(*id), e.case);
                }
                q.execute(&mut *tx).await?;

                let sql = format!(
                    "INSERT INTO events (case_id, client_id, channel, category_code, description,
                        lon, lat, address, self_resolved) VALUES {}",
                    values(fresh.len(), 9)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (e, id) in fresh.iter().zip(&ids) {
                    let d = &e.detail;
                    q = q
                        .bind(*id)
                        .bind(&d.client_id)
                        .bind(&d.channel)
                        .bind(&d.category_code)
                        .bind(&d.description)
                        .bind(d.lon)
                        .bind(d.lat)
                        .bind(&d.address)
                        .bind(d.self_resolved);
                }
                q.execute(&mut *tx).await?;

                let rows: Vec<(i64, &NewTimelineEntry)> =
                    fresh.iter().zip(&ids).map(|(e, id)| (*id, &e.entry)).collect();
                let _ = append_timeline!(tx, &rows);
            }
            tx.commit().await?;

            let mut out = Vec::with_capacity(batch.len());
            let mut made: HashMap<&str, bool> = HashMap::new();
            for e in batch {
                let key = e.detail.client_id.as_str();
                if let Some(id) = taken.get(key) {
                    out.push(Inserted::Existing(*id));
                } else {
                    let id = first_of
                        .get(key)
                        .and_then(|i| ids.get(*i))
                        .copied()
                        .unwrap_or_default();
                    if made.insert(key, true).is_some() {
                        out.push(Inserted::Existing(id));
                    } else {
                        out.push(Inserted::New(id));
                    }
                }
            }
            Ok(out)
        }
        .await
        });
        written.map_err(StoreError::from)
    }

    /// Writes one event (see [`Store::insert_events`]).
    pub async fn insert_event(&self, e: &EventInsert) -> Result<Inserted> {
        self.insert_events(std::slice::from_ref(e))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }
}
