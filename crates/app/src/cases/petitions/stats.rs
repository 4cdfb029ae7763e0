//! 信访统计 — the petition indicators of a unit and period by the units one level down (the
//! district's townships, a township's villages): 受理 (按期受理率), 办结
//! (按期办结率), 群众满意率, 重复访率, 越级访, 集体访, with 同比 of the petitions received; and
//! the 包案 load of each leader. Counted from the petitions themselves each time.

use crate::cases::disputes::stats::{stats_period, stats_unit};
use crate::{Actor, Result};
use chrono::{Datelike, Duration, NaiveDate};
use pingan_domain::Capability;
use pingan_domain::case::petition::rate;
use pingan_domain::compare::growth;
use pingan_domain::time::beijing_midnight;
use pingan_store::PetitionCount;
use serde::{Deserialize, Serialize};

/// The period and unit asked about.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PetitionStatsQuery {
    /// An org code within your scope (default: your own).
    pub org: Option<String>,
    /// First day, `YYYY-MM-DD` (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day, included (default: today).
    pub to: Option<String>,
}

/// One unit's (or the total's) figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionStatsRow {
    pub org_code: String,
    pub name: String,
    /// 信访总量: registered in the period.
    pub received: i64,
    pub collective: i64,
    pub skipped_level: i64,
    pub repeated: i64,
    /// 重复访率, percent.
    pub repeat_rate: Option<f64>,
    /// 按期受理率: decided (受理 or not) within 15 days, of those decided; percent.
    pub on_time_acceptance: Option<f64>,
    /// 按期办结率: replied within the limit (with any extension), of those replied; percent.
    pub on_time_reply: Option<f64>,
    /// 群众满意率: 满意 and 基本满意 of those rated; percent.
    pub satisfaction: Option<f64>,
}

impl PetitionStatsRow {
    fn new(org_code: String, name: String, c: &PetitionCount) -> Self {
        Self {
            org_code,
            name,
            received: c.received,
            collective: c.collective,
            skipped_level: c.skipped_level,
            repeated: c.repeated,
            repeat_rate: rate(c.repeated, c.received),
            on_time_acceptance: rate(c.accepted_on_time, c.acceptance_due),
            on_time_reply: rate(c.replied_on_time, c.replied),
            satisfaction: rate(c.satisfied, c.rated),
        }
    }
}

/// One leader's 包案 petitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LeaderLoadView {
    pub leader_id: i64,
    pub name: String,
    pub total: i64,
    pub open: i64,
    /// Open and past their step's deadline.
    pub overdue: i64,
}

/// 信访工作统计.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PetitionStatsView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The unit asked about, and its name.
    pub org_code: String,
    pub org_name: String,
    pub total: PetitionStatsRow,
    /// 同比 of the petitions received (the same days a year before).
    pub received_year_on_year: String,
    /// The units one level down.
    pub by_unit: Vec<PetitionStatsRow>,
    pub leaders: Vec<LeaderLoadView>,
}

impl crate::services::Cases<'_> {
    /// The petition indicators of `org` (or the user's unit) for a period of days.
    pub async fn petition_stats(
        self,
        actor: &Actor,
        q: &PetitionStatsQuery,
    ) -> Result<PetitionStatsView> {
        self.authorize(actor, Capability::ViewCases, None)?;
        let user = self.case_user(actor)?;
        let unit = stats_unit(user, q.org.as_deref())?.unwrap_or_else(|| user.org_code.clone());
        let (from, to) = stats_period(q.from.as_deref(), q.to.as_deref())?;
        let span = |a: NaiveDate, b: NaiveDate| {
            (beijing_midnight(a), beijing_midnight(b + Duration::days(1)))
        };
        let year_before =
            |d: NaiveDate| d.with_year(d.year() - 1).unwrap_or(d - Duration::days(365));
        let ((a, b), (la, lb)) = (span(from, to), span(year_before(from), year_before(to)));
        let prefix = unit.as_str();
        // One level down: a district's townships (9 digits), a township's villages (12).
        let unit_len = if prefix.len() <= 6 { 9 } else { 12 };
        let (rows, last_year, loads) = tokio::try_join!(
            self.store.petition_counts(prefix, unit_len, a, b),
            self.store.petition_counts(prefix, unit_len, la, lb),
            self.store.leader_loads(prefix)
        )?;
        let units = self.store.org_units_under(prefix).await?;
        let name_of = |code: &str| {
            units
                .iter()
                .find(|u| u.code == code)
                .map_or_else(|| code.to_owned(), |u| u.name.clone())
        };
        let mut total = PetitionCount::default();
        for r in &rows {
            total.received += r.received;
            total.collective += r.collective;
            total.skipped_level += r.skipped_level;
            total.repeated += r.repeated;
            total.acceptance_due += r.acceptance_due;
            total.accepted_on_time += r.accepted_on_time;
            total.replied += r.replied;
            total.replied_on_time += r.replied_on_time;
            total.rated += r.rated;
            total.satisfied += r.satisfied;
        }
        let before: i64 = last_year.iter().map(|r| r.received).sum();
        Ok(PetitionStatsView {
            from,
            to,
            org_code: prefix.into(),
            org_name: name_of(prefix),
            total: PetitionStatsRow::new(prefix.into(), "合计".into(), &total),
            received_year_on_year: growth(total.received, before, "上年同期", "件"),
            by_unit: rows
                .iter()
                .map(|r| PetitionStatsRow::new(r.unit.clone(), name_of(&r.unit), r))
                .collect(),
            leaders: loads
                .into_iter()
                .map(|l| LeaderLoadView {
                    leader_id: l.leader_id,
                    name: l.leader_name,
                    total: l.total,
                    open: l.open,
                    overdue: l.overdue,
                })
                .collect(),
        })
    }
}
