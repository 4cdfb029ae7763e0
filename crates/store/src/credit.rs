//! 联合信用惩戒 — the 失信被执行人 and 拒执 entries (each keyed by its 案号 and the blind index of
//! whom it is about), written from the court's sheet within the importer's scope, lifted, looked up
//! by subject for a check, and the joint-discipline measures member units recorded on them.

use crate::sql::ListQuery;
use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;
use pingan_domain::page::{Cursor, KeyPart, Page, PageAt, Total};

/// An entry as the court's sheet gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditEntryInput {
    pub kind: String,
    pub case_number: String,
    pub subject_kind: String,
    pub subject_index: String,
    pub subject_sealed: Vec<u8>,
    pub name_sealed: Vec<u8>,
    pub court: String,
    pub amount_fen: Option<i64>,
    /// Codes separated by spaces.
    pub restrictions: String,
    pub listed_on: NaiveDate,
    pub lifted_on: Option<NaiveDate>,
    pub lift_reason: Option<String>,
}

/// What writing one entry of a sheet did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditWrite {
    Added,
    Updated,
    /// The 案号 and subject are kept by a unit outside the importer's scope: left alone.
    OutOfScope,
}

/// 失信/拒执名单条目 — an entry as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CreditEntryRecord {
    pub id: i64,
    pub kind: String,
    pub case_number: String,
    pub subject_kind: String,
    pub subject_index: String,
    pub subject_sealed: Vec<u8>,
    pub name_sealed: Vec<u8>,
    pub court: String,
    pub amount_fen: Option<i64>,
    pub restrictions: String,
    pub listed_on: NaiveDate,
    pub lifted_on: Option<NaiveDate>,
    pub lift_reason: Option<String>,
    pub org_code: String,
    pub updated_at: DateTime<Utc>,
}

const ENTRY_COLUMNS: &str = "SELECT e.id, e.kind, e.case_number, e.subject_kind, e.subject_index,
    e.subject_sealed, e.name_sealed, e.court, e.amount_fen, e.restrictions, e.listed_on,
    e.lifted_on, e.lift_reason, e.org_code, e.updated_at
    FROM credit_entries e";

/// A search of the entries of a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditEntryFilter {
    pub prefix: String,
    pub kind: Option<String>,
    /// Standing (true: not lifted; no entry is listed or lifted ahead of its day) or lifted.
    pub standing: Option<bool>,
    pub case_number: Option<String>,
    pub subject_index: Option<String>,
    pub at: PageAt,
    pub limit: i64,
}

/// A measure to record (联合惩戒措施).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCreditMeasure {
    pub entry_id: i64,
    pub department_id: Option<i64>,
    pub org_code: String,
    pub measure: String,
    pub note: String,
    pub taken_on: NaiveDate,
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// 惩戒措施 — a measure as stored, with the member unit's name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CreditMeasureRecord {
    pub id: i64,
    pub entry_id: i64,
    /// The department's name, or the org unit's for a hub.
    pub unit: String,
    pub measure: String,
    pub note: String,
    pub taken_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Writes the entries of one sheet in one transaction: a new 案号 and subject added, a known
    /// one within `prefix` brought up to date (listed again or lifted as the sheet says), one
    /// kept by a unit outside `prefix` left alone. One answer per entry, in order.
    pub async fn write_credit_entries(
        &self,
        entries: &[CreditEntryInput],
        prefix: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<CreditWrite>> {
        Ok(dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let known: Option<(i64, String)> = sqlx::query_as(
                    "SELECT id, org_code FROM credit_entries
                     WHERE case_number = $1 AND subject_index = $2",
                )
                .bind(&e.case_number)
                .bind(&e.subject_index)
                .fetch_optional(&mut *tx)
                .await?;
                let written = match known {
                    Some((_, org)) if !org.starts_with(prefix) => CreditWrite::OutOfScope,
                    Some((id, _)) => {
                        sqlx::query(
                            "UPDATE credit_entries SET kind = $2, subject_sealed = $3,
                                 name_sealed = $4, court = $5, amount_fen = $6,
                                 restrictions = $7, listed_on = $8, lifted_on = $9,
                                 lift_reason = $10, updated_at = $11
                             WHERE id = $1",
                        )
                        .bind(id)
                        .bind(&e.kind)
                        .bind(&e.subject_sealed)
                        .bind(&e.name_sealed)
                        .bind(&e.court)
                        .bind(e.amount_fen)
                        .bind(&e.restrictions)
                        .bind(e.listed_on)
                        .bind(e.lifted_on)
                        .bind(&e.lift_reason)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        CreditWrite::Updated
                    }
                    None => {
                        sqlx::query(
                            "INSERT INTO credit_entries (kind, case_number, subject_kind,
                                 subject_index, subject_sealed, name_sealed, court, amount_fen,
                                 restrictions, listed_on, lifted_on, lift_reason, org_code,
                                 created_at, updated_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                                 $14, $14)",
                        )
                        .bind(&e.kind)
                        .bind(&e.case_number)
                        .bind(&e.subject_kind)
                        .bind(&e.subject_index)
                        .bind(&e.subject_sealed)
                        .bind(&e.name_sealed)
                        .bind(&e.court)
                        .bind(e.amount_fen)
                        .bind(&e.restrictions)
                        .bind(e.listed_on)
                        .bind(e.lifted_on)
                        .bind(&e.lift_reason)
                        .bind(prefix)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        CreditWrite::Added
                    }
                };
                out.push(written);
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(out)
        })?)
    }

    /// Every entry about a subject (by its blind index), wherever it is kept: a check asks
    /// about the whole district. Newest listing first.
    pub async fn credit_entries_of(&self, subject_index: &str) -> Result<Vec<CreditEntryRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{ENTRY_COLUMNS} WHERE e.subject_index = $1 ORDER BY e.listed_on DESC, e.id DESC"
            )))
            .bind(subject_index)
            .fetch_all(db)
            .await
        })?)
    }

    /// One entry of `scope`.
    pub async fn credit_entry(&self, id: i64, scope: &Scope) -> Result<Option<CreditEntryRecord>> {
        self.fetch_in_scope(ENTRY_COLUMNS, "e.id", "e.org_code", id, scope)
            .await
    }

    /// A page of the entries of a scope, in the order they were first imported.
    pub async fn credit_entries(&self, f: &CreditEntryFilter) -> Result<Page<CreditEntryRecord>> {
        let q = Self::credit_query(f).keyset(ENTRY_COLUMNS, &["e.id"], &f.at, f.limit);
        self.fetch_page(&q, &f.at, f.limit, |e: &CreditEntryRecord| {
            Cursor(vec![KeyPart::Int(e.id)])
        })
        .await
    }

    /// How many entries the search finds, up to `cap`.
    pub async fn count_credit_entries(&self, f: &CreditEntryFilter, cap: u64) -> Result<Total> {
        let q = Self::credit_query(f).count("FROM credit_entries e", Some(cap));
        self.fetch_total(&q, Some(cap)).await
    }

    fn credit_query(f: &CreditEntryFilter) -> ListQuery {
        let mut q = ListQuery::scoped("e.org_code", &f.prefix);
        if let Some(kind) = &f.kind {
            q.and("e.kind = ?", [kind.as_str()]);
        }
        match f.standing {
            Some(true) => q.and_always("e.lifted_on IS NULL"),
            Some(false) => q.and_always("e.lifted_on IS NOT NULL"),
            None => &mut q,
        };
        if let Some(n) = &f.case_number {
            q.and("e.case_number = ?", [n.as_str()]);
        }
        if let Some(i) = &f.subject_index {
            q.and("e.subject_index = ?", [i.as_str()]);
        }
        q
    }

    /// Lifts an entry of `scope` that stands; false when there is none such.
    pub async fn lift_credit_entry(
        &self,
        id: i64,
        prefix: &str,
        lifted_on: NaiveDate,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = dispatch!(self, |db| {
            sqlx::query(
                "UPDATE credit_entries SET lifted_on = $3, lift_reason = $4, updated_at = $5
                 WHERE id = $1 AND org_code LIKE $2 || '%' AND lifted_on IS NULL",
            )
            .bind(id)
            .bind(prefix)
            .bind(lifted_on)
            .bind(reason)
            .bind(at)
            .execute(db)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Records measures (one per entry hit), in one transaction.
    pub async fn insert_credit_measures(&self, measures: &[NewCreditMeasure]) -> Result<()> {
        dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            for m in measures {
                sqlx::query(
                    "INSERT INTO credit_measures (entry_id, department_id, org_code, measure,
                         note, taken_on, recorded_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(m.entry_id)
                .bind(m.department_id)
                .bind(&m.org_code)
                .bind(&m.measure)
                .bind(&m.note)
                .bind(m.taken_on)
                .bind(m.recorded_by)
                .bind(m.at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The measures recorded on an entry, oldest first, each with its member unit's name.
    pub async fn credit_measures(&self, entry_id: i64) -> Result<Vec<CreditMeasureRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT m.id, m.entry_id, COALESCE(d.name, o.name, m.org_code) AS unit, m.measure,
                        m.note, m.taken_on, m.created_at
                   FROM credit_measures m
                   LEFT JOIN departments d ON d.id = m.department_id
                   LEFT JOIN org_units o ON o.code = m.org_code
                  WHERE m.entry_id = $1 ORDER BY m.id",
            )
            .bind(entry_id)
            .fetch_all(db)
            .await
        })?)
    }
}
