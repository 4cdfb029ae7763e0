//! 涉黑涉恶线索 — what the clue kind stores besides its case: the report (source, content, who it
//! names, whether anonymous), its grade, the verification's result and figures (打财断血), the
//! 一案三查 marks and the feedback; the blind index of the informant's lookup code; and, apart, the
//! informant's identity, sealed (`clue_informants`), which only [`Store::clue_informant`] reads.
//!
//! A clue is visible to the clue office (线索管理 holders) within their org scope, and to the
//! department it was given to for 核查 — to nobody else, whatever their other permissions.

use super::{CaseRecord, CaseRow, NewTimelineEntry, append_timeline, case_columns, scope_binds};
use crate::cases::events::Inserted;
use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;
use pingan_domain::text::{like_contains, like_prefix};

/// Who reads clues: the scope of their account, and whether they are the clue office.
#[derive(Debug, Clone)]
pub struct ClueReader {
    pub scope: Scope,
    /// Holds 线索管理: sees the clues within the scope's org prefix.
    pub office: bool,
}

/// 线索详情 — what a clue adds to its case (never who reported it).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClueDetail {
    pub client_id: String,
    pub source: String,
    pub external_ref: Option<String>,
    pub content: String,
    /// The people and organisations the report names.
    pub named: String,
    pub anonymous: bool,
    pub grade: Option<String>,
    pub result: Option<String>,
    pub cases_opened: i64,
    pub people_involved: i64,
    pub assets_fen: i64,
    /// 一案三查 marks, space-separated.
    pub marks: String,
    pub feedback: Option<String>,
    pub feedback_at: Option<DateTime<Utc>>,
}

/// A clue with its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClueRecord {
    #[sqlx(flatten, try_from = "CaseRow")]
    pub case: CaseRecord,
    #[sqlx(flatten)]
    pub detail: ClueDetail,
}

/// The informant's identity, sealed; every field optional (an anonymous report has none).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct SealedInformant {
    pub name_sealed: Option<Vec<u8>>,
    pub phone_sealed: Option<Vec<u8>>,
    pub id_sealed: Option<Vec<u8>>,
    pub contact_sealed: Option<Vec<u8>>,
}

/// A new clue: its case, details, the blind index of its lookup code, the informant (unless
/// anonymous) and its timeline.
#[derive(Debug, Clone)]
pub struct ClueInsert {
    pub case: CaseRecord,
    pub detail: ClueDetail,
    pub code_index: String,
    pub informant: Option<SealedInformant>,
    pub entries: Vec<NewTimelineEntry>,
}

/// What an action changes of a clue's own row, written with the case; what is none stays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClueUpdate {
    pub grade: Option<String>,
    /// The result and its figures: cases opened, people involved, assets in fen.
    pub result: Option<(String, i64, i64, i64)>,
    /// A 一案三查 mark to add.
    pub mark: Option<String>,
    /// The feedback given to the informant, and when.
    pub feedback: Option<(String, DateTime<Utc>)>,
}

/// Filters of the clue list; all optional. Newest first, `before_id` pages on.
#[derive(Debug, Clone, Default)]
pub struct ClueFilter {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub alert: Option<String>,
    pub grade: Option<String>,
    pub area: Option<String>,
    pub text: Option<String>,
    pub id: Option<i64>,
    pub before_id: Option<i64>,
}

macro_rules! select_clues {
    ($($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    x.client_id, x.source, x.external_ref, x.content, x.named, x.anonymous,
                    x.grade, x.result, x.cases_opened, x.people_involved, x.assets_fen, x.marks,
                    x.feedback, x.feedback_at
             FROM clues x JOIN cases c ON c.id = x.case_id ",
            $($rest),*
        )
    };
}

/// The visibility clause of a clue over `c`: the org prefix as `$1` for the clue office (`$3`
/// true), or the department as `$2` when the clue is on it.
macro_rules! clue_scoped {
    () => {
        "(($3 AND $1 IS NOT NULL AND c.org_code LIKE $1 || '%')
          OR ($2 IS NOT NULL AND EXISTS (SELECT 1 FROM case_departments d
                                         WHERE d.case_id = c.id AND d.department_id = $2))) "
    };
}

impl Store {
    /// One clue, if `reader` may see it.
    pub async fn clue(&self, id: i64, reader: &ClueReader) -> Result<Option<ClueRecord>> {
        const SQL: &str = select_clues!("WHERE c.id = $4 AND ", clue_scoped!());
        let (org, dept) = scope_binds(&reader.scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(reader.office)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Clues `reader` may see matching the filter, newest first.
    pub async fn clues(
        &self,
        reader: &ClueReader,
        f: &ClueFilter,
        limit: i64,
    ) -> Result<Vec<ClueRecord>> {
        const SQL: &str = select_clues!(
            "WHERE ",
            clue_scoped!(),
            "AND ($4 IS NULL OR c.state = $4)
             AND ($5 IS NULL OR c.open = $5)
             AND ($6 IS NULL OR c.alert = $6)
             AND ($7 IS NULL OR x.grade = $7)
             AND ($8 IS NULL OR c.org_code LIKE $8 ESCAPE '\\')
             AND ($9 IS NULL OR c.title LIKE $9 ESCAPE '\\')
             AND ($10 IS NULL OR c.id = $10)
             AND ($11 IS NULL OR x.case_id < $11)
             ORDER BY x.case_id DESC LIMIT $12"
        );
        let (org, dept) = scope_binds(&reader.scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(reader.office)
                .bind(&f.state)
                .bind(f.open)
                .bind(&f.alert)
                .bind(&f.grade)
                .bind(f.area.as_deref().map(like_prefix))
                .bind(f.text.as_deref().map(like_contains))
                .bind(f.id)
                .bind(f.before_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Writes a new clue — its case, details, informant and timeline — in one transaction: the id
    /// it got or, when its client id was taken already, the clue that has it.
    pub async fn insert_clue(&self, d: &ClueInsert) -> Result<Inserted> {
        let written: std::result::Result<Inserted, sqlx::Error> = dispatch!(self, |p| {
            async {
                let mut tx = p.begin_with(self.begin_write()).await?;
                let x = &d.detail;
                if let Some(id) = crate::cases::case_of_client_id!(tx, "clues", &x.client_id) {
                    return Ok(Inserted::Existing(id));
                }
                let id = crate::cases::insert_case!(tx, d.case);
                sqlx::query(
                    "INSERT INTO clues (case_id, client_id, code_index, source, external_ref,
                        content, named, anonymous, grade, result, cases_opened, people_involved,
                        assets_fen, marks, feedback, feedback_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                        $16, $17)",
                )
                .bind(id)
                .bind(&x.client_id)
                .bind(&d.code_index)
                .bind(&x.source)
                .bind(&x.external_ref)
                .bind(&x.content)
                .bind(&x.named)
                .bind(x.anonymous)
                .bind(&x.grade)
                .bind(&x.result)
                .bind(x.cases_opened)
                .bind(x.people_involved)
                .bind(x.assets_fen)
                .bind(&x.marks)
                .bind(&x.feedback)
                .bind(x.feedback_at)
                .bind(d.case.created_at)
                .execute(&mut *tx)
                .await?;
                if let Some(i) = &d.informant {
                    sqlx::query(
                        "INSERT INTO clue_informants (case_id, name_sealed, phone_sealed,
                            id_sealed, contact_sealed)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id)
                    .bind(&i.name_sealed)
                    .bind(&i.phone_sealed)
                    .bind(&i.id_sealed)
                    .bind(&i.contact_sealed)
                    .execute(&mut *tx)
                    .await?;
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

    /// Writes a changed clue — the case as [`Store::update_case`] does, and what the action
    /// changed of its own row — in one transaction, if its version is still `expected`.
    pub async fn update_clue(
        &self,
        case: &CaseRecord,
        expected: i64,
        entry: &NewTimelineEntry,
        departments: Option<&[(i64, bool)]>,
        change: &ClueUpdate,
    ) -> Result<()> {
        crate::cases::update_case_with!(self, case, expected, entry, departments, |tx| {
            sqlx::query(
                    "UPDATE clues SET
                        grade = COALESCE($1, grade),
                        result = COALESCE($2, result),
                        cases_opened = COALESCE($3, cases_opened),
                        people_involved = COALESCE($4, people_involved),
                        assets_fen = COALESCE($5, assets_fen),
                        marks = CASE WHEN $6 IS NULL OR (' ' || marks || ' ') LIKE ('% ' || $6 || ' %')
                                     THEN marks ELSE TRIM(marks || ' ' || $6) END,
                        feedback = COALESCE($7, feedback),
                        feedback_at = COALESCE($8, feedback_at)
                     WHERE case_id = $9",
                )
                .bind(&change.grade)
                .bind(change.result.as_ref().map(|r| r.0.clone()))
                .bind(change.result.as_ref().map(|r| r.1))
                .bind(change.result.as_ref().map(|r| r.2))
                .bind(change.result.as_ref().map(|r| r.3))
                .bind(&change.mark)
                .bind(change.feedback.as_ref().map(|f| f.0.clone()))
                .bind(change.feedback.as_ref().map(|f| f.1))
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
        })
    }

    /// The state and result of the clue whose lookup code has this blind index — all an
    /// informant's code answers.
    pub async fn clue_by_code(&self, code_index: &str) -> Result<Option<(String, Option<String>)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT c.state, x.result FROM clues x JOIN cases c ON c.id = x.case_id
                 WHERE x.code_index = $1",
            )
            .bind(code_index)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The sealed identity of a clue's informant, if the report was not anonymous. The app calls
    /// this only to reveal it to the clue office for a stated reason.
    pub async fn clue_informant(&self, case_id: i64) -> Result<Option<SealedInformant>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT name_sealed, phone_sealed, id_sealed, contact_sealed
                 FROM clue_informants WHERE case_id = $1",
            )
            .bind(case_id)
            .fetch_optional(p)
            .await
        })?)
    }
}

impl Store {
    /// The clues of an area and period found true (查实): what breaks its "无黑恶".
    pub async fn substantiated_clues(
        &self,
        area: &super::AreaPeriod,
    ) -> Result<Vec<super::AreaRecord>> {
        self.area_cases(
            "clue",
            "JOIN clues x ON x.case_id = c.id",
            "x.result = $6",
            &["substantiated"],
            area,
        )
        .await
    }
}
