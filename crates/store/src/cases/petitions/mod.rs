//! 信访 — what the petition kind stores besides its case: its details (channel, class, content,
//! requests, the 重复/越级 marks, the dates and outcomes of each step, the hearing, the 包案
//! leader, the lawyer, the dispute it went to mediation as); its scoped reads and lists; the
//! lawyers' directory; the indicators. Its petitioners are `case_parties`, sealed.
//!
//! A petition is visible by the rule of every case (the scope's org prefix, or for a department
//! the cases on it) when the reader may see cases at all, and besides to its 包案 leader and to
//! the lawyer assigned to it — whatever their scope.

mod lawyers;
mod stats;

pub use lawyers::{LawyerRecord, NewLawyer};
pub use stats::{LeaderLoad, PetitionCount};

use super::parties::{NewCaseParty, insert_parties};
use super::{CaseRecord, CaseRow, NewTimelineEntry, append_timeline, case_columns, scope_binds};
use crate::cases::events::Inserted;
use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;
use pingan_domain::text::{like_contains, like_prefix};

/// Who reads petitions: the scope of their cases (when `org_wide`: they may see cases), and their
/// account, for the petitions they lead (包案) or advise on as a lawyer.
#[derive(Debug, Clone)]
pub struct PetitionReader {
    pub scope: Scope,
    pub org_wide: bool,
    pub user_id: i64,
}

/// 信访详情 — what a petition adds to its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PetitionDetail {
    pub client_id: String,
    pub channel: String,
    pub class: String,
    pub content: String,
    pub requests: String,
    pub people_count: i64,
    /// 集体访.
    pub collective: bool,
    /// 12345 工单号, or the number a higher office gave it.
    pub external_ref: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub address: Option<String>,
    /// 重复信访: the earlier petition by the same person or on the same matter.
    pub repeat_of: Option<i64>,
    /// 越级.
    pub skipped_level: bool,
    pub refusal_ground: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_on_time: Option<bool>,
    /// Days 办理 was extended by, in all.
    pub extended_days: i64,
    pub outcome: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub replied_on_time: Option<bool>,
    pub served_at: Option<DateTime<Utc>>,
    pub review_outcome: Option<String>,
    pub recheck_outcome: Option<String>,
    /// A 听证 under way since.
    pub hearing_since: Option<DateTime<Utc>>,
    /// Days of the hearings held, not counted in 复核.
    pub hearing_days: i64,
    /// 包案领导 and the plan.
    pub leader_id: Option<i64>,
    pub leader_plan: Option<String>,
    pub lawyer_id: Option<i64>,
    pub lawyer_role: Option<String>,
    /// 访调对接: the dispute it went to mediation as.
    pub dispute_id: Option<i64>,
}

/// A petition with its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PetitionRecord {
    #[sqlx(flatten, try_from = "CaseRow")]
    pub case: CaseRecord,
    #[sqlx(flatten)]
    pub detail: PetitionDetail,
}

/// A new petition: its case, details, petitioners and timeline (its registration first; the
/// demo's history brings the later steps too); the organ it lies with is its case's department.
#[derive(Debug, Clone)]
pub struct PetitionInsert {
    pub case: CaseRecord,
    pub detail: PetitionDetail,
    pub parties: Vec<NewCaseParty>,
    pub entries: Vec<NewTimelineEntry>,
}

/// A 听证 begun or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HearingChange {
    Started(DateTime<Utc>),
    /// Ended: the days of every hearing held, in all.
    Ended(i64),
}

/// What an action changes of a petition's own row, written with the case in one transaction;
/// what is none stays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PetitionUpdate {
    pub refusal_ground: Option<String>,
    /// Accepted at, and whether within the limit.
    pub accepted: Option<(DateTime<Utc>, bool)>,
    pub extended_days: Option<i64>,
    /// Replied at, the outcome, and whether within the limit.
    pub replied: Option<(DateTime<Utc>, String, bool)>,
    pub served_at: Option<DateTime<Utc>>,
    pub review_outcome: Option<String>,
    pub recheck_outcome: Option<String>,
    pub hearing: Option<HearingChange>,
    pub leader: Option<(i64, String)>,
    pub lawyer: Option<(i64, String)>,
    pub dispute_id: Option<i64>,
    pub rating: Option<String>,
}

/// Filters of the petition list; all optional. Newest first, `before_id` pages on.
#[derive(Debug, Clone, Default)]
pub struct PetitionFilter {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub alert: Option<String>,
    pub class: Option<String>,
    pub channel: Option<String>,
    /// Org-code prefix within the caller's scope.
    pub area: Option<String>,
    /// Text within the title.
    pub text: Option<String>,
    /// Only those this leader took on (包案).
    pub leader_id: Option<i64>,
    /// Only those assigned to this lawyer.
    pub lawyer_id: Option<i64>,
    /// Only 集体访.
    pub collective: Option<bool>,
    /// Only 重复信访.
    pub repeated: Option<bool>,
    /// Only 越级.
    pub skipped_level: Option<bool>,
    pub id: Option<i64>,
    pub before_id: Option<i64>,
}

/// An earlier petition that may be the same matter or by the same person (重复信访, 不再受理).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RepeatCandidate {
    pub case_id: i64,
    pub org_code: String,
    pub owner_org: String,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub title: String,
    pub content: String,
}

macro_rules! select_petitions {
    ($($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    x.client_id, x.channel, x.class, x.content, x.requests, x.people_count,
                    x.collective, x.external_ref, x.lon, x.lat, x.address, x.repeat_of,
                    x.skipped_level, x.refusal_ground, x.accepted_at, x.accepted_on_time,
                    x.extended_days, x.outcome, x.replied_at, x.replied_on_time, x.served_at,
                    x.review_outcome, x.recheck_outcome, x.hearing_since, x.hearing_days,
                    x.leader_id, x.leader_plan, x.lawyer_id, x.lawyer_role, x.dispute_id
             FROM petitions x JOIN cases c ON c.id = x.case_id ",
            $($rest),*
        )
    };
}

/// The visibility clause of a petition over `c` and `x`: the org prefix as `$1`, the department
/// as `$2`, whether the reader sees cases by scope at all as `$3`, the reader's account as `$4`.
macro_rules! petition_scoped {
    () => {
        "((($1 IS NULL OR c.org_code LIKE $1 || '%')
           AND ($2 IS NULL OR EXISTS (SELECT 1 FROM case_departments d
                                      WHERE d.case_id = c.id AND d.department_id = $2))
           AND $3)
          OR x.leader_id = $4
          OR x.lawyer_id IN (SELECT l.id FROM lawyers l WHERE l.user_id = $4)) "
    };
}

impl Store {
    /// One petition, if `reader` may see it.
    pub async fn petition(
        &self,
        id: i64,
        reader: &PetitionReader,
    ) -> Result<Option<PetitionRecord>> {
        const SQL: &str = select_petitions!("WHERE c.id = $5 AND ", petition_scoped!());
        let (org, dept) = scope_binds(&reader.scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(reader.org_wide)
                .bind(reader.user_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Petitions `reader` may see matching the filter, newest first.
    pub async fn petitions(
        &self,
        reader: &PetitionReader,
        f: &PetitionFilter,
        limit: i64,
    ) -> Result<Vec<PetitionRecord>> {
        const SQL: &str = select_petitions!(
            "WHERE ",
            petition_scoped!(),
            "AND ($5 IS NULL OR c.state = $5)
             AND ($6 IS NULL OR c.open = $6)
             AND ($7 IS NULL OR c.alert = $7)
             AND ($8 IS NULL OR x.class = $8)
             AND ($9 IS NULL OR x.channel = $9)
             AND ($10 IS NULL OR c.org_code LIKE $10 ESCAPE '\\')
             AND ($11 IS NULL OR c.title LIKE $11 ESCAPE '\\')
             AND ($12 IS NULL OR x.leader_id = $12)
             AND ($13 IS NULL OR x.lawyer_id = $13)
             AND ($14 IS NULL OR x.collective = $14)
             AND ($15 IS NULL OR (x.repeat_of IS NOT NULL) = $15)
             AND ($16 IS NULL OR x.skipped_level = $16)
             AND ($17 IS NULL OR c.id = $17)
             AND ($18 IS NULL OR x.case_id < $18)
             ORDER BY x.case_id DESC LIMIT $19"
        );
        let (org, dept) = scope_binds(&reader.scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .persistent(self.plans_are_generic_safe())
                .bind(&org)
                .bind(dept)
                .bind(reader.org_wide)
                .bind(reader.user_id)
                .bind(&f.state)
                .bind(f.open)
                .bind(&f.alert)
                .bind(&f.class)
                .bind(&f.channel)
                .bind(f.area.as_deref().map(like_prefix))
                .bind(f.text.as_deref().map(like_contains))
                .bind(f.leader_id)
                .bind(f.lawyer_id)
                .bind(f.collective)
                .bind(f.repeated)
                .bind(f.skipped_level)
                .bind(f.id)
                .bind(f.before_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Earlier petitions since `since` about the place `org_code`, or (with `person`, a blind
    /// index) by that person, newest first, at most 200 — the candidates for 重复信访 and 不再受理,
    /// read in every scope because a repeat is a repeat wherever the first one was registered
    /// (the app names an earlier case only to a reader who may see it).
    pub async fn repeat_candidates(
        &self,
        org_code: &str,
        person: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<Vec<RepeatCandidate>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT c.id AS case_id, c.org_code, c.owner_org, c.state, c.created_at, c.title,
                        x.content
                 FROM petitions x JOIN cases c ON c.id = x.case_id
                 WHERE x.created_at >= $1
                   AND (($2 IS NULL AND x.org_code = $3)
                        OR x.case_id IN (SELECT p.case_id FROM case_parties p WHERE p.id_index = $2))
                 ORDER BY x.case_id DESC LIMIT 200",
            )
            .bind(since)
            .bind(person)
            .bind(org_code)
            .fetch_all(p)
            .await
        })?)
    }

    /// Writes a new petition (see [`Store::insert_petitions`]).
    pub async fn insert_petition(&self, d: &PetitionInsert) -> Result<Inserted> {
        self.insert_petitions(std::slice::from_ref(d))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// Writes new petitions — each its case, details, petitioners, organ and timeline — in one
    /// transaction; for each, in order, the id it got or, when its client id was taken already,
    /// the case that has it.
    pub async fn insert_petitions(&self, batch: &[PetitionInsert]) -> Result<Vec<Inserted>> {
        let written: std::result::Result<Vec<Inserted>, sqlx::Error> = dispatch!(self, |p| {
            async {
                let mut tx = p.begin_with(self.begin_write()).await?;
                let mut out = Vec::with_capacity(batch.len());
                for d in batch {
                    let x = &d.detail;
                    if let Some(id) =
                        crate::cases::case_of_client_id!(tx, "petitions", &x.client_id)
                    {
                        out.push(Inserted::Existing(id));
                        continue;
                    }
                    let id = crate::cases::insert_case!(tx, d.case);
                    sqlx::query(
                        "INSERT INTO petitions (case_id, client_id, org_code, created_at, channel,
                            class, content, requests, people_count, collective, external_ref, lon,
                            lat, address, repeat_of, skipped_level, refusal_ground, accepted_at,
                            accepted_on_time, extended_days, outcome, replied_at, replied_on_time,
                            served_at, review_outcome, recheck_outcome, hearing_since,
                            hearing_days, leader_id, leader_plan, lawyer_id, lawyer_role,
                            dispute_id, rating)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                            $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29,
                            $30, $31, $32, $33, $34)",
                    )
                    .bind(id)
                    .bind(&x.client_id)
                    .bind(&d.case.org_code)
                    .bind(d.case.created_at)
                    .bind(&x.channel)
                    .bind(&x.class)
                    .bind(&x.content)
                    .bind(&x.requests)
                    .bind(x.people_count)
                    .bind(x.collective)
                    .bind(&x.external_ref)
                    .bind(x.lon)
                    .bind(x.lat)
                    .bind(&x.address)
                    .bind(x.repeat_of)
                    .bind(x.skipped_level)
                    .bind(&x.refusal_ground)
                    .bind(x.accepted_at)
                    .bind(x.accepted_on_time)
                    .bind(x.extended_days)
                    .bind(&x.outcome)
                    .bind(x.replied_at)
                    .bind(x.replied_on_time)
                    .bind(x.served_at)
                    .bind(&x.review_outcome)
                    .bind(&x.recheck_outcome)
                    .bind(x.hearing_since)
                    .bind(x.hearing_days)
                    .bind(x.leader_id)
                    .bind(&x.leader_plan)
                    .bind(x.lawyer_id)
                    .bind(&x.lawyer_role)
                    .bind(x.dispute_id)
                    .bind(d.case.core.rating.map(|r| r.as_str()))
                    .execute(&mut *tx)
                    .await?;
                    insert_parties!(tx, id, &d.parties);
                    let rows: Vec<(i64, &NewTimelineEntry)> =
                        d.entries.iter().map(|e| (id, e)).collect();
                    if !rows.is_empty() {
                        let _ = append_timeline!(tx, &rows);
                    }
                    out.push(Inserted::New(id));
                }
                tx.commit().await?;
                Ok(out)
            }
            .await
        });
        written.map_err(StoreError::from)
    }

    /// Writes a changed petition — the case as [`Store::update_case`] does, and what the action
    /// changed of its own row — in one transaction, if its version is still `expected`.
    pub async fn update_petition(
        &self,
        case: &CaseRecord,
        expected: i64,
        entry: &NewTimelineEntry,
        departments: Option<&[(i64, bool)]>,
        change: &PetitionUpdate,
    ) -> Result<()> {
        crate::cases::update_case_with!(self, case, expected, entry, departments, |tx| {
            sqlx::query(
                "UPDATE petitions SET
                        refusal_ground = COALESCE($1, refusal_ground),
                        accepted_at = COALESCE($2, accepted_at),
                        accepted_on_time = COALESCE($3, accepted_on_time),
                        extended_days = COALESCE($4, extended_days),
                        replied_at = COALESCE($5, replied_at),
                        outcome = COALESCE($6, outcome),
                        replied_on_time = COALESCE($7, replied_on_time),
                        served_at = COALESCE($8, served_at),
                        review_outcome = COALESCE($9, review_outcome),
                        recheck_outcome = COALESCE($10, recheck_outcome),
                        leader_id = COALESCE($11, leader_id),
                        leader_plan = COALESCE($12, leader_plan),
                        lawyer_id = COALESCE($13, lawyer_id),
                        lawyer_role = COALESCE($14, lawyer_role),
                        dispute_id = COALESCE($15, dispute_id),
                        rating = COALESCE($16, rating)
                     WHERE case_id = $17",
            )
            .bind(&change.refusal_ground)
            .bind(change.accepted.map(|a| a.0))
            .bind(change.accepted.map(|a| a.1))
            .bind(change.extended_days)
            .bind(change.replied.as_ref().map(|r| r.0))
            .bind(change.replied.as_ref().map(|r| r.1.clone()))
            .bind(change.replied.as_ref().map(|r| r.2))
            .bind(change.served_at)
            .bind(&change.review_outcome)
            .bind(&change.recheck_outcome)
            .bind(change.leader.as_ref().map(|l| l.0))
            .bind(change.leader.as_ref().map(|l| l.1.clone()))
            .bind(change.lawyer.as_ref().map(|l| l.0))
            .bind(change.lawyer.as_ref().map(|l| l.1.clone()))
            .bind(change.dispute_id)
            .bind(&change.rating)
            .bind(case.id)
            .execute(&mut *tx)
            .await?;
            match change.hearing {
                Some(HearingChange::Started(at)) => {
                    sqlx::query("UPDATE petitions SET hearing_since = $1 WHERE case_id = $2")
                        .bind(at)
                        .bind(case.id)
                        .execute(&mut *tx)
                        .await?;
                }
                Some(HearingChange::Ended(days)) => {
                    sqlx::query(
                        "UPDATE petitions SET hearing_since = NULL, hearing_days = $1
                             WHERE case_id = $2",
                    )
                    .bind(days)
                    .bind(case.id)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {}
            }
        })
    }

    /// The petition that went to mediation as this dispute, if any (访调对接; any scope: the
    /// dispute's outcome acts on it as its linked case, and nothing of it is shown).
    pub async fn petition_of_dispute(&self, dispute_id: i64) -> Result<Option<CaseRecord>> {
        let row: Option<CaseRow> = dispatch!(self, |p| {
            sqlx::query_as(concat!(
                "SELECT ",
                case_columns!(),
                " FROM petitions x JOIN cases c ON c.id = x.case_id WHERE x.dispute_id = $1"
            ))
            .bind(dispute_id)
            .fetch_optional(p)
            .await
        })?;
        row.map(CaseRecord::try_from)
            .transpose()
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
    }
}

impl Store {
    /// The collective petitions (集体访) of an area and period: what breaks its "无群体性事件".
    pub async fn collective_petitions(
        &self,
        area: &super::AreaPeriod,
    ) -> Result<Vec<super::AreaRecord>> {
        self.area_cases(
            "petition",
            "JOIN petitions x ON x.case_id = c.id",
            "x.collective",
            &[],
            area,
        )
        .await
    }
}
