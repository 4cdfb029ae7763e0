//! 矛盾纠纷 — what the dispute kind stores besides its case: its details (type, source, scale,
//! money, the referring body, the agreement and outcome), its mediation sessions (its parties are
//! `case_parties`, sealed); its scoped reads and lists; the mediation organisations; the indicators.
//!
//! A dispute is visible by the rule of every case (the scope's org prefix, or for a department
//! the cases on it — a mediation organisation is a department) and, besides, to the department
//! that referred it (诉调/检调/公调/访调对接: the court follows what it referred).

mod organisations;
mod screenings;
mod stats;

pub use organisations::{MediationOrganisationRecord, MediatorRecord, NewMediationOrganisation};
pub use screenings::{NewScreening, ScreeningRecord, ScreeningReportRecord};
pub use stats::{DisputeCount, DisputeDim, DisputeMargin};

use super::parties::NewCaseParty;
use super::{CaseRecord, CaseRow, NewTimelineEntry, append_timeline, case_columns, scope_binds};
use crate::cases::events::Inserted;
use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;
use pingan_domain::text::{like_contains, like_prefix};

/// 纠纷详情 — what a dispute adds to its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DisputeDetail {
    pub client_id: String,
    pub dispute_type: String,
    pub sub_type: Option<String>,
    pub source: String,
    /// The referring body's number (案号, 警情编号, 信访件编号 …).
    pub external_ref: Option<String>,
    pub scale: String,
    pub people_count: i64,
    pub amount_fen: Option<i64>,
    pub facts: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub address: Option<String>,
    pub referrer_department_id: Option<i64>,
    pub event_id: Option<i64>,
    /// 主调解员, once a mediator recorded a session or an outcome.
    pub mediator_id: Option<i64>,
    pub agreement_kind: Option<String>,
    pub agreement: Option<String>,
    pub concluded_at: Option<DateTime<Utc>>,
    /// 调解成功 (true) or 调解不成 (false), once concluded.
    pub succeeded: Option<bool>,
    pub referred_to: Option<String>,
    pub accident_number: Option<String>,
    pub insurer: Option<String>,
    pub liability_percent: Option<i64>,
    /// Taken to court (道交一体化 counts the road-accident disputes that were).
    pub litigated: bool,
    /// 防止民转刑: the mediation kept it from becoming a criminal case.
    pub prevented_crime: bool,
    /// 防止群体性上访.
    pub prevented_petition: bool,
    /// The 排查 campaign it was registered in.
    pub screening_id: Option<i64>,
}

/// A dispute with its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DisputeRecord {
    #[sqlx(flatten, try_from = "CaseRow")]
    pub case: CaseRecord,
    #[sqlx(flatten)]
    pub detail: DisputeDetail,
}

/// 调解记录 — one mediation session.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewDisputeSession {
    pub held_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub attendees: String,
    pub record: String,
    pub mediator_id: Option<i64>,
    pub mediator_name: String,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DisputeSessionRecord {
    pub id: i64,
    #[sqlx(flatten)]
    pub session: NewDisputeSession,
}

/// A new dispute: its case, details, parties, timeline (its registration first; the demo's
/// history brings the later steps too) and sessions; the organisation it lies with (a mediator
/// registering at their own committee) is its case's department.
#[derive(Debug, Clone)]
pub struct DisputeInsert {
    pub case: CaseRecord,
    pub detail: DisputeDetail,
    pub parties: Vec<NewCaseParty>,
    pub entries: Vec<NewTimelineEntry>,
    pub sessions: Vec<NewDisputeSession>,
}

/// What an action changes of a dispute's own rows, written with the case in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DisputeUpdate {
    /// Becomes the 主调解员 if none is yet.
    pub mediator_id: Option<i64>,
    /// The agreement's form and content (调解成功).
    pub agreement: Option<(String, String)>,
    /// Mediation ended at this time: succeeded or not.
    pub concluded: Option<(DateTime<Utc>, bool)>,
    pub referred_to: Option<String>,
    /// Referred to a court (进入诉讼).
    pub litigated: bool,
    /// With success: (防止民转刑, 防止群体性上访).
    pub prevented: Option<(bool, bool)>,
    pub session: Option<NewDisputeSession>,
}

/// Filters of the dispute list; all optional. Newest first, `before_id` pages on.
#[derive(Debug, Clone, Default)]
pub struct DisputeFilter {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub alert: Option<String>,
    pub dispute_type: Option<String>,
    pub source: Option<String>,
    /// Org-code prefix within the caller's scope.
    pub area: Option<String>,
    /// Text within the title.
    pub text: Option<String>,
    /// Only the disputes on this organisation.
    pub organisation_id: Option<i64>,
    /// Only the disputes this department referred.
    pub referrer_department_id: Option<i64>,
    pub id: Option<i64>,
    pub before_id: Option<i64>,
}

macro_rules! select_disputes {
    ($($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    x.client_id, x.dispute_type, x.sub_type, x.source, x.external_ref, x.scale,
                    x.people_count, x.amount_fen, x.facts, x.lon, x.lat, x.address,
                    x.referrer_department_id, x.event_id, x.mediator_id, x.agreement_kind,
                    x.agreement, x.concluded_at, x.succeeded, x.referred_to, x.accident_number,
                    x.insurer, x.liability_percent, x.litigated, x.prevented_crime,
                    x.prevented_petition, x.screening_id
             FROM disputes x JOIN cases c ON c.id = x.case_id ",
            $($rest),*
        )
    };
}

/// The scope clause of a dispute over `c` and `x`: the org prefix as `$1`, the department as
/// `$2` — on the case (the organisation mediating it) or the one that referred it.
macro_rules! dispute_scoped {
    () => {
        "($1 IS NULL OR c.org_code LIKE $1 || '%')
         AND ($2 IS NULL OR x.referrer_department_id = $2
              OR EXISTS (SELECT 1 FROM case_departments d
                         WHERE d.case_id = c.id AND d.department_id = $2)) "
    };
}

impl Store {
    /// One dispute, if it lies in `scope`.
    pub async fn dispute(&self, id: i64, scope: &Scope) -> Result<Option<DisputeRecord>> {
        const SQL: &str = select_disputes!("WHERE c.id = $3 AND ", dispute_scoped!());
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

    /// Disputes in `scope` matching the filter, newest first.
    pub async fn disputes(
        &self,
        scope: &Scope,
        f: &DisputeFilter,
        limit: i64,
    ) -> Result<Vec<DisputeRecord>> {
        const SQL: &str = select_disputes!(
            "WHERE ",
            dispute_scoped!(),
            "AND ($3 IS NULL OR c.state = $3)
             AND ($4 IS NULL OR c.open = $4)
             AND ($5 IS NULL OR c.alert = $5)
             AND ($6 IS NULL OR x.dispute_type = $6)
             AND ($7 IS NULL OR x.source = $7)
             AND ($8 IS NULL OR c.org_code LIKE $8 ESCAPE '\\')
             AND ($9 IS NULL OR c.title LIKE $9 ESCAPE '\\')
             AND ($10 IS NULL OR EXISTS (SELECT 1 FROM case_departments o
                                         WHERE o.case_id = c.id AND o.department_id = $10))
             AND ($11 IS NULL OR x.referrer_department_id = $11)
             AND ($12 IS NULL OR c.id = $12)
             AND ($13 IS NULL OR x.case_id < $13)
             ORDER BY x.case_id DESC LIMIT $14"
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .persistent(self.plans_are_generic_safe())
                .bind(&org)
                .bind(dept)
                .bind(&f.state)
                .bind(f.open)
                .bind(&f.alert)
                .bind(&f.dispute_type)
                .bind(&f.source)
                .bind(f.area.as_deref().map(like_prefix))
                .bind(f.text.as_deref().map(like_contains))
                .bind(f.organisation_id)
                .bind(f.referrer_department_id)
                .bind(f.id)
                .bind(f.before_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// The mediation sessions of a dispute, oldest first.
    pub async fn dispute_sessions(&self, case_id: i64) -> Result<Vec<DisputeSessionRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, held_at, place, video_link, attendees, record, mediator_id,
                        mediator_name
                 FROM dispute_sessions WHERE case_id = $1 ORDER BY held_at, id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Writes a new dispute (see [`Store::insert_disputes`]).
    pub async fn insert_dispute(&self, d: &DisputeInsert) -> Result<Inserted> {
        self.insert_disputes(std::slice::from_ref(d))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// Writes new disputes — each its case, details, parties, organisation, timeline and
    /// sessions — in one transaction; for each, in order, the id it got or, when its client id
    /// was taken already, the case that has it.
    pub async fn insert_disputes(&self, batch: &[DisputeInsert]) -> Result<Vec<Inserted>> {
        let written: std::result::Result<Vec<Inserted>, sqlx::Error> = dispatch!(self, |p| {
            async {
                let mut tx = p.begin_with(self.begin_write()).await?;
                let mut out = Vec::with_capacity(batch.len());
                for d in batch {
                    let x = &d.detail;
                    if let Some(id) = crate::cases::case_of_client_id!(tx, "disputes", &x.client_id) {
                        out.push(Inserted::Existing(id));
                        continue;
                    }
                    let id = crate::cases::insert_case!(tx, d.case);
                    sqlx::query(
                        "INSERT INTO disputes (case_id, org_code, department_id, created_at,
                            client_id, dispute_type, sub_type, source,
                            external_ref, scale, people_count, amount_fen, facts, lon, lat, address,
                            referrer_department_id, event_id, mediator_id, agreement_kind, agreement,
                            concluded_at, succeeded, referred_to, accident_number, insurer,
                            liability_percent, litigated, prevented_crime, prevented_petition,
                            screening_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                            $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29,
                            $30, $31)",
                    )
                    .bind(id)
                    .bind(&d.case.org_code)
                    .bind(d.case.core.department)
                    .bind(d.case.created_at)
                    .bind(&x.client_id)
                    .bind(&x.dispute_type)
                    .bind(&x.sub_type)
                    .bind(&x.source)
                    .bind(&x.external_ref)
                    .bind(&x.scale)
                    .bind(x.people_count)
                    .bind(x.amount_fen)
                    .bind(&x.facts)
                    .bind(x.lon)
                    .bind(x.lat)
                    .bind(&x.address)
                    .bind(x.referrer_department_id)
                    .bind(x.event_id)
                    .bind(x.mediator_id)
                    .bind(&x.agreement_kind)
                    .bind(&x.agreement)
                    .bind(x.concluded_at)
                    .bind(x.succeeded)
                    .bind(&x.referred_to)
                    .bind(&x.accident_number)
                    .bind(&x.insurer)
                    .bind(x.liability_percent)
                    .bind(x.litigated)
                    .bind(x.prevented_crime)
                    .bind(x.prevented_petition)
                    .bind(x.screening_id)
                    .execute(&mut *tx)
                    .await?;
                    crate::cases::parties::insert_parties!(tx, id, &d.parties);
                    for s in &d.sessions {
                        sqlx::query(
                            "INSERT INTO dispute_sessions (case_id, held_at, place, video_link,
                                attendees, record, mediator_id, mediator_name)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(id)
                        .bind(s.held_at)
                        .bind(&s.place)
                        .bind(&s.video_link)
                        .bind(&s.attendees)
                        .bind(&s.record)
                        .bind(s.mediator_id)
                        .bind(&s.mediator_name)
                        .execute(&mut *tx)
                        .await?;
                    }
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

    /// Writes a changed dispute — the case as [`Store::update_case`] does, and what the action
    /// changed of its own rows — in one transaction, if its version is still `expected`.
    pub async fn update_dispute(
        &self,
        case: &CaseRecord,
        expected: i64,
        entry: &NewTimelineEntry,
        departments: Option<&[(i64, bool)]>,
        change: &DisputeUpdate,
    ) -> Result<()> {
        crate::cases::update_case_with!(self, case, expected, entry, departments, |tx| {
            sqlx::query("UPDATE disputes SET department_id = $1 WHERE case_id = $2")
                .bind(case.core.department)
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
            if let Some(mediator) = change.mediator_id {
                sqlx::query(
                    "UPDATE disputes SET mediator_id = $1
                         WHERE case_id = $2 AND mediator_id IS NULL",
                )
                .bind(mediator)
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((kind, content)) = &change.agreement {
                sqlx::query(
                    "UPDATE disputes SET agreement_kind = $1, agreement = $2 WHERE case_id = $3",
                )
                .bind(kind)
                .bind(content)
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((crime, petition)) = change.prevented {
                sqlx::query(
                    "UPDATE disputes SET prevented_crime = $1, prevented_petition = $2
                         WHERE case_id = $3",
                )
                .bind(crime)
                .bind(petition)
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((at, succeeded)) = change.concluded {
                sqlx::query(
                    "UPDATE disputes SET concluded_at = $1, succeeded = $2 WHERE case_id = $3",
                )
                .bind(at)
                .bind(succeeded)
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
            }
            if change.referred_to.is_some() || change.litigated {
                sqlx::query(
                    "UPDATE disputes SET referred_to = $1, litigated = $2 WHERE case_id = $3",
                )
                .bind(&change.referred_to)
                .bind(change.litigated)
                .bind(case.id)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(s) = &change.session {
                sqlx::query(
                    "INSERT INTO dispute_sessions (case_id, held_at, place, video_link,
                            attendees, record, mediator_id, mediator_name)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(case.id)
                .bind(s.held_at)
                .bind(&s.place)
                .bind(&s.video_link)
                .bind(&s.attendees)
                .bind(&s.record)
                .bind(s.mediator_id)
                .bind(&s.mediator_name)
                .execute(&mut *tx)
                .await?;
            }
        })
    }

    /// The dispute an event was converted into, if any (in any scope: the event's reader sees
    /// only its number through the app, which reads the dispute under its own rule).
    pub async fn dispute_of_event(&self, event_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = dispatch!(self, |p| {
            sqlx::query_as("SELECT case_id FROM disputes WHERE event_id = $1")
                .bind(event_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }
}
