//! 社会稳定风险评估 — what the risk-assessment kind stores besides its case: the matter (type,
//! track, description, people affected), its level, decision and 备案; its materials and opinion
//! records, the experts' scores, the measures after the decision; the expert pool; the register
//! of matters by level. Visible by the rule of every case (`scoped!`).

use super::{CaseRecord, CaseRow, NewTimelineEntry, append_timeline, case_columns, scope_binds};
use crate::cases::events::Inserted;
use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;
use pingan_domain::text::{like_contains, like_prefix};

/// 评估事项 — what an assessment adds to its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskDetail {
    pub client_id: String,
    pub matter_type: String,
    pub track: String,
    pub description: String,
    pub people_affected: i64,
    pub level: Option<String>,
    pub decision: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub filed_at: Option<DateTime<Utc>>,
    pub reassessments: i64,
}

/// An assessment with its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskRecord {
    #[sqlx(flatten, try_from = "CaseRow")]
    pub case: CaseRecord,
    #[sqlx(flatten)]
    pub detail: RiskDetail,
}

/// A material or an opinion record.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewRiskDocument {
    pub kind: String,
    pub method: Option<String>,
    pub participants: Option<i64>,
    pub title: String,
    pub content: String,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// A stored material or opinion record.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskDocumentRecord {
    pub id: i64,
    #[sqlx(flatten)]
    pub document: NewRiskDocument,
}

/// An expert of the pool.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RiskExpertRecord {
    pub id: i64,
    pub name: String,
    pub field: String,
    pub unit: String,
}

/// One expert's scores on a matter.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewRiskScore {
    pub expert_id: i64,
    pub legality: i64,
    pub rationality: i64,
    pub feasibility: i64,
    pub controllability: i64,
    pub safety: Option<i64>,
    pub opinion: String,
    pub scored_at: DateTime<Utc>,
}

/// A stored score with the expert's name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RiskScoreRecord {
    pub expert_name: String,
    #[sqlx(flatten)]
    pub score: NewRiskScore,
}

/// A measure after the decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NewRiskMeasure {
    pub content: String,
    pub owner: String,
    pub due_on: NaiveDate,
}

/// A stored measure.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RiskMeasureRecord {
    pub id: i64,
    #[sqlx(flatten)]
    pub measure: NewRiskMeasure,
    pub done_at: Option<DateTime<Utc>>,
}

/// A new assessment: its case (the 评估主体 as its department), details, first materials and
/// timeline.
#[derive(Debug, Clone)]
pub struct RiskInsert {
    pub case: CaseRecord,
    pub detail: RiskDetail,
    pub documents: Vec<NewRiskDocument>,
    pub entries: Vec<NewTimelineEntry>,
}

/// What an action changes of an assessment's own rows, written with the case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskUpdate {
    pub document: Option<NewRiskDocument>,
    pub score: Option<NewRiskScore>,
    pub level: Option<String>,
    pub decision: Option<(String, DateTime<Utc>)>,
    pub filed_at: Option<DateTime<Utc>>,
    pub measure: Option<NewRiskMeasure>,
    /// A measure done: its id and when.
    pub measure_done: Option<(i64, DateTime<Utc>)>,
    /// A re-assessment begins: the level and decision are cleared and counted.
    pub reassessed: bool,
}

/// Filters of the assessment list.
#[derive(Debug, Clone, Default)]
pub struct RiskFilter {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub level: Option<String>,
    pub decision: Option<String>,
    pub matter_type: Option<String>,
    pub area: Option<String>,
    pub text: Option<String>,
    pub id: Option<i64>,
    pub before_id: Option<i64>,
}

/// One line of the register: how many matters at a level with a decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RiskRegisterCount {
    pub level: Option<String>,
    pub decision: Option<String>,
    pub matters: i64,
}

macro_rules! select_risks {
    ($($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    x.client_id, x.matter_type, x.track, x.description, x.people_affected,
                    x.level, x.decision, x.decided_at, x.filed_at, x.reassessments
             FROM risk_assessments x JOIN cases c ON c.id = x.case_id WHERE ",
            super::scoped!(),
            $($rest),*
        )
    };
}

impl Store {
    /// One assessment, if it lies in `scope`.
    pub async fn risk(&self, id: i64, scope: &Scope) -> Result<Option<RiskRecord>> {
        const SQL: &str = select_risks!("AND c.id = $3");
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Assessments in `scope` matching the filter, newest first.
    pub async fn risks(
        &self,
        scope: &Scope,
        f: &RiskFilter,
        limit: i64,
    ) -> Result<Vec<RiskRecord>> {
        const SQL: &str = select_risks!(
            "AND ($3 IS NULL OR c.state = $3)
             AND ($4 IS NULL OR c.open = $4)
             AND ($5 IS NULL OR x.level = $5)
             AND ($6 IS NULL OR x.decision = $6)
             AND ($7 IS NULL OR x.matter_type = $7)
             AND ($8 IS NULL OR c.org_code LIKE $8 ESCAPE '\\')
             AND ($9 IS NULL OR c.title LIKE $9 ESCAPE '\\')
             AND ($10 IS NULL OR c.id = $10)
             AND ($11 IS NULL OR x.case_id < $11)
             ORDER BY x.case_id DESC LIMIT $12"
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(&f.state)
                .bind(f.open)
                .bind(&f.level)
                .bind(&f.decision)
                .bind(&f.matter_type)
                .bind(f.area.as_deref().map(like_prefix))
                .bind(f.text.as_deref().map(like_contains))
                .bind(f.id)
                .bind(f.before_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Writes a new assessment — its case, details, materials and timeline — in one transaction.
    pub async fn insert_risk(&self, d: &RiskInsert) -> Result<Inserted> {
        let written: std::result::Result<Inserted, sqlx::Error> = dispatch!(self, |p| {
            async {
                let mut tx = p.begin_with(self.begin_write()).await?;
                let x = &d.detail;
                if let Some(id) =
                    crate::cases::case_of_client_id!(tx, "risk_assessments", &x.client_id)
                {
                    return Ok(Inserted::Existing(id));
                }
                let id = crate::cases::insert_case!(tx, d.case);
                sqlx::query(
                    "INSERT INTO risk_assessments (case_id, client_id, org_code, created_at,
                        matter_type, track, description, people_affected, level, decision,
                        decided_at, filed_at, reassessments)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(id)
                .bind(&x.client_id)
                .bind(&d.case.org_code)
                .bind(d.case.created_at)
                .bind(&x.matter_type)
                .bind(&x.track)
                .bind(&x.description)
                .bind(x.people_affected)
                .bind(&x.level)
                .bind(&x.decision)
                .bind(x.decided_at)
                .bind(x.filed_at)
                .bind(x.reassessments)
                .execute(&mut *tx)
                .await?;
                for doc in &d.documents {
                    insert_document!(tx, id, doc);
                }
                let rows: Vec<(i64, &NewTimelineEntry)> =
                    d.entries.iter().map(|e| (id, e)).collect();
                if !rows.is_empty() {
                    let _ = append_timeline!(tx, &rows);
                }
                tx.commit().await?;
                Ok(Inserted::New(id))
            }
            .await
        });
        written.map_err(StoreError::from)
    }

    /// Writes a changed assessment — the case and what the action changed of its own rows — in
    /// one transaction, if its version is still `expected`.
    pub async fn update_risk(
        &self,
        case: &CaseRecord,
        expected: i64,
        entry: &NewTimelineEntry,
        departments: Option<&[(i64, bool)]>,
        change: &RiskUpdate,
    ) -> Result<()> {
        crate::cases::update_case_with!(self, case, expected, entry, departments, |tx| {
            let id = case.id;
            if let Some(doc) = &change.document {
                insert_document!(tx, id, doc);
            }
            if let Some(s) = &change.score {
                sqlx::query(
                    "INSERT INTO risk_scores (case_id, expert_id, legality, rationality,
                            feasibility, controllability, safety, opinion, scored_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                         ON CONFLICT (case_id, expert_id) DO UPDATE SET
                            legality = excluded.legality, rationality = excluded.rationality,
                            feasibility = excluded.feasibility,
                            controllability = excluded.controllability, safety = excluded.safety,
                            opinion = excluded.opinion, scored_at = excluded.scored_at",
                )
                .bind(id)
                .bind(s.expert_id)
                .bind(s.legality)
                .bind(s.rationality)
                .bind(s.feasibility)
                .bind(s.controllability)
                .bind(s.safety)
                .bind(&s.opinion)
                .bind(s.scored_at)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(m) = &change.measure {
                sqlx::query(
                    "INSERT INTO risk_measures (case_id, content, owner, due_on)
                         VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(&m.content)
                .bind(&m.owner)
                .bind(m.due_on)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((measure, at)) = change.measure_done {
                sqlx::query(
                    "UPDATE risk_measures SET done_at = $1
                         WHERE id = $2 AND case_id = $3 AND done_at IS NULL",
                )
                .bind(at)
                .bind(measure)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "UPDATE risk_assessments SET
                        level = CASE WHEN $1 THEN NULL ELSE COALESCE($2, level) END,
                        decision = CASE WHEN $1 THEN NULL ELSE COALESCE($3, decision) END,
                        decided_at = CASE WHEN $1 THEN NULL ELSE COALESCE($4, decided_at) END,
                        filed_at = COALESCE($5, filed_at),
                        reassessments = reassessments + CASE WHEN $1 THEN 1 ELSE 0 END
                     WHERE case_id = $6",
            )
            .bind(change.reassessed)
            .bind(&change.level)
            .bind(change.decision.as_ref().map(|d| d.0.clone()))
            .bind(change.decision.as_ref().map(|d| d.1))
            .bind(change.filed_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        })
    }

    /// The materials and opinion records of an assessment, oldest first.
    pub async fn risk_documents(&self, case_id: i64) -> Result<Vec<RiskDocumentRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, kind, method, participants, title, content, added_by, added_at
                 FROM risk_documents WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The experts' scores on an assessment.
    pub async fn risk_scores(&self, case_id: i64) -> Result<Vec<RiskScoreRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT e.name AS expert_name, s.expert_id, s.legality, s.rationality,
                        s.feasibility, s.controllability, s.safety, s.opinion, s.scored_at
                 FROM risk_scores s JOIN risk_experts e ON e.id = s.expert_id
                 WHERE s.case_id = $1 ORDER BY s.id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The measures of an assessment, in the order set.
    pub async fn risk_measures(&self, case_id: i64) -> Result<Vec<RiskMeasureRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, content, owner, due_on, done_at FROM risk_measures
                 WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Adds an expert to the pool.
    pub async fn insert_risk_expert(&self, name: &str, field: &str, unit: &str) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |p| {
            sqlx::query_as(
                "INSERT INTO risk_experts (name, field, unit, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(name)
            .bind(field)
            .bind(unit)
            .bind(Utc::now())
            .fetch_one(p)
            .await
        })?;
        Ok(id)
    }

    /// The expert pool, by field and name.
    pub async fn risk_experts(&self) -> Result<Vec<RiskExpertRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, name, field, unit FROM risk_experts ORDER BY field, name, id",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// The register: the matters within the org prefix by level and decision.
    pub async fn risk_register(&self, prefix: &str) -> Result<Vec<RiskRegisterCount>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT level, decision, COUNT(*) AS matters FROM risk_assessments
                 WHERE org_code LIKE $1 || '%' GROUP BY level, decision ORDER BY level, decision",
            )
            .bind(prefix)
            .fetch_all(p)
            .await
        })?)
    }
}

/// Inserts a material or opinion record of the assessment `$id` inside the transaction `$tx`.
macro_rules! insert_document {
    ($tx:expr, $id:expr, $doc:expr) => {{
        let doc: &NewRiskDocument = $doc;
        sqlx::query(
            "INSERT INTO risk_documents (case_id, kind, method, participants, title, content,
                added_by, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($id)
        .bind(&doc.kind)
        .bind(&doc.method)
        .bind(doc.participants)
        .bind(&doc.title)
        .bind(&doc.content)
        .bind(&doc.added_by)
        .bind(doc.added_at)
        .execute(&mut *$tx)
        .await?;
    }};
}
use insert_document;
