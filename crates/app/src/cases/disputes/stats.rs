//! 调解统计 — the mediation indicators (受理数, 调解成功数, 调解成功率, 协议金额) of a scope and period,
//! by type, source, township and organisation, with 同比 and 环比 worded by the statistics
//! conventions. The district's and a township's from the kept totals, any other scope's counted
//! from its disputes.

use crate::stats::indicators::piece_keys;
use crate::{Actor, AppError, Result};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use futures_util::future::try_join_all;
use pingan_domain::case::dispute::{DisputeSource, DisputeType, success_rate};
use pingan_domain::compare::{growth, rate_change};
use pingan_domain::period::pieces;
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_domain::{OrgCode, OrgLevel, Scope};
use pingan_store::{DisputeCount, DisputeDim, DisputeMargin, Store};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The period and unit asked about.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct DisputeStatsQuery {
    /// An org code within your scope (default: your own).
    pub org: Option<String>,
    /// First day, `YYYY-MM-DD` (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day, included (default: today).
    pub to: Option<String>,
}

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StatsRow {
    pub key: String,
    pub label: String,
    pub received: i64,
    pub succeeded: i64,
    pub failed: i64,
    /// 调解成功率 in percent, one decimal (none when nothing concluded).
    pub success_rate: Option<f64>,
    pub amount_yuan: f64,
}

/// 同比 or 环比 of the main figures, in words.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    /// The period compared with, `YYYY-MM-DD` to `YYYY-MM-DD`.
    pub period: String,
    pub received_before: i64,
    pub received: String,
    pub succeeded: String,
    /// In 百分点.
    pub success_rate: Option<String>,
    /// Road-accident disputes taken to court (道交一体化).
    pub traffic_litigated: String,
}

/// 矛盾纠纷调解统计.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DisputeStatsView {
    pub org_code: String,
    /// The unit's name (通川区, 东城街道 …).
    pub org_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// 受理数: registered in the period.
    pub received: i64,
    /// 调解成功数: concluded with an agreement in the period.
    pub succeeded: i64,
    pub failed: i64,
    /// succeeded ÷ (succeeded + failed), percent, one decimal.
    pub success_rate: Option<f64>,
    /// 协议金额 of the successful mediations, yuan.
    pub amount_yuan: f64,
    /// Road-accident disputes registered in the period and taken to court.
    pub traffic_litigated: i64,
    /// 防止民转刑: successful mediations in the period that kept a dispute from becoming a crime.
    pub prevented_crime: i64,
    /// 防止群体性上访.
    pub prevented_petition: i64,
    /// 同比: the same days a year before.
    pub year_on_year: Comparison,
    /// 环比: the period of equal length just before.
    pub period_on_period: Comparison,
    pub by_type: Vec<StatsRow>,
    pub by_source: Vec<StatsRow>,
    pub by_township: Vec<StatsRow>,
    pub by_organisation: Vec<StatsRow>,
}

#[derive(Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) received: i64,
    pub(crate) succeeded: i64,
    pub(crate) failed: i64,
    amount_fen: i64,
    /// Road-accident disputes registered and taken to court (道交一体化).
    litigated: i64,
    prevented_crime: i64,
    prevented_petition: i64,
}

impl Tally {
    fn add(&mut self, m: &DisputeMargin) {
        self.received += m.received;
        self.succeeded += m.succeeded;
        self.failed += m.failed;
        self.amount_fen += m.amount_fen;
        self.litigated += m.traffic_litigated;
        self.prevented_crime += m.prevented_crime;
        self.prevented_petition += m.prevented_petition;
    }

    /// The whole of a span: the sum of its township lines (each dispute lies in one township).
    pub(crate) fn of(margins: &[DisputeMargin]) -> Self {
        let mut t = Self::default();
        for m in margins
            .iter()
            .filter(|m| m.dim == DisputeDim::Township.key())
        {
            t.add(m);
        }
        t
    }

    fn row(&self, key: String, label: String) -> StatsRow {
        StatsRow {
            key,
            label,
            received: self.received,
            succeeded: self.succeeded,
            failed: self.failed,
            success_rate: success_rate(self.succeeded, self.failed),
            amount_yuan: self.amount_fen as f64 / 100.0,
        }
    }
}

const TRAFFIC: &str = "13";

/// The lines of each breakdown that one combination of the counted disputes adds.
fn margins_of(c: &DisputeCount) -> [DisputeMargin; 4] {
    let line = |dim: DisputeDim, key: String| DisputeMargin {
        dim: dim.key().into(),
        key,
        received: c.received,
        succeeded: c.succeeded,
        failed: c.failed,
        amount_fen: c.amount_fen,
        traffic_litigated: if c.dispute_type == TRAFFIC {
            c.litigated
        } else {
            0
        },
        prevented_crime: c.prevented_crime,
        prevented_petition: c.prevented_petition,
    };
    [
        line(DisputeDim::Type, c.dispute_type.clone()),
        line(DisputeDim::Source, c.source.clone()),
        line(DisputeDim::Township, c.township.clone()),
        line(
            DisputeDim::Organisation,
            c.department_id.map_or_else(String::new, |d| d.to_string()),
        ),
    ]
}

/// The mediation figures of `scope` over the days `first..=last`, as breakdown lines (only the
/// townships' when `totals_only`: enough for [`Tally::of`]). The district and a township read the
/// kept totals — whole months from the month rows, loose days from the day rows — so that a span
/// of years costs what a few months do; a village, a grid or an organisation's own scope is
/// counted from its disputes.
pub(crate) async fn dispute_margins(
    store: &Store,
    scope: &Scope,
    first: NaiveDate,
    last: NaiveDate,
    totals_only: bool,
) -> Result<Vec<DisputeMargin>> {
    let only = totals_only.then_some(DisputeDim::Township);
    if scope.department_id().is_none() && scope.prefix().len() <= OrgLevel::Township.code_len() {
        let parts = try_join_all(pieces(first, last).into_iter().map(|piece| {
            let (grain, from, to) = piece_keys(piece);
            async move {
                store
                    .kept_dispute_margins(scope.prefix(), grain, &from, &to, only)
                    .await
            }
        }))
        .await?;
        return Ok(parts.into_iter().flatten().collect());
    }
    let (from, to) = (
        beijing_midnight(first),
        beijing_midnight(last + Duration::days(1)),
    );
    Ok(store
        .dispute_stats(scope, from, to)
        .await?
        .iter()
        .flat_map(margins_of)
        .filter(|m| only.is_none_or(|d| m.dim == d.key()))
        .collect())
}

impl crate::services::Cases<'_> {
    /// The mediation indicators of `org` (or the user's scope) for a period of days.
    pub async fn dispute_stats(
        self,
        actor: &Actor,
        q: &DisputeStatsQuery,
    ) -> Result<DisputeStatsView> {
        let user = self.case_user(actor)?;
        let scope = match stats_unit(user, q.org.as_deref())? {
            Some(code) => Scope::org(code),
            None => self.dispute_scope(user).await?,
        };
        let (from, to) = stats_period(q.from.as_deref(), q.to.as_deref())?;
        let year_before =
            |d: NaiveDate| d.with_year(d.year() - 1).unwrap_or(d - Duration::days(365));
        let (ly_from, ly_to) = (year_before(from), year_before(to));
        let length = to - from + Duration::days(1);
        let (prev_from, prev_to) = (from - length, from - Duration::days(1));
        // The three periods at once; the two compared with only as totals.
        let (now, last_year, before) = tokio::try_join!(
            dispute_margins(&self.store, &scope, from, to, false),
            dispute_margins(&self.store, &scope, ly_from, ly_to, true),
            dispute_margins(&self.store, &scope, prev_from, prev_to, true)
        )?;
        let here = Tally::of(&now);
        let compare = |before: Tally, a: NaiveDate, b: NaiveDate, base: &str| Comparison {
            period: format!("{a} 至 {b}"),
            received_before: before.received,
            received: growth(here.received, before.received, base, "件"),
            succeeded: growth(here.succeeded, before.succeeded, base, "件"),
            success_rate: rate_change(
                success_rate(here.succeeded, here.failed),
                success_rate(before.succeeded, before.failed),
            ),
            traffic_litigated: growth(here.litigated, before.litigated, base, "件"),
        };
        let year_on_year = compare(Tally::of(&last_year), ly_from, ly_to, "上年同期");
        let period_on_period = compare(Tally::of(&before), prev_from, prev_to, "上期");

        // From the township down, so that a village's figures name its township too.
        let township = scope
            .prefix()
            .get(..OrgLevel::Township.code_len())
            .unwrap_or(scope.prefix());
        let units = self.store.org_units_under(township).await?;
        let departments = self.all_departments().await?;
        let by = |dim: DisputeDim, label: &dyn Fn(&str) -> String| {
            let mut m: BTreeMap<&str, Tally> = BTreeMap::new();
            for line in now.iter().filter(|l| l.dim == dim.key()) {
                m.entry(line.key.as_str()).or_default().add(line);
            }
            m.into_iter()
                .map(|(k, t)| t.row(k.to_owned(), label(k)))
                .collect::<Vec<_>>()
        };
        Ok(DisputeStatsView {
            org_name: units
                .iter()
                .find(|u| u.code == scope.prefix())
                .map_or_else(|| scope.prefix().to_owned(), |u| u.name.clone()),
            org_code: scope.prefix().to_owned(),
            from,
            to,
            received: here.received,
            succeeded: here.succeeded,
            failed: here.failed,
            success_rate: success_rate(here.succeeded, here.failed),
            amount_yuan: here.amount_fen as f64 / 100.0,
            traffic_litigated: here.litigated,
            prevented_crime: here.prevented_crime,
            prevented_petition: here.prevented_petition,
            year_on_year,
            period_on_period,
            by_type: by(DisputeDim::Type, &|k| {
                DisputeType::parse(k).map_or_else(|| k.to_owned(), |t| t.label().into())
            }),
            by_source: by(DisputeDim::Source, &|k| {
                DisputeSource::parse(k).map_or_else(|| k.to_owned(), |s| s.label().into())
            }),
            by_township: by(DisputeDim::Township, &|k| {
                units
                    .iter()
                    .find(|u| u.code == k)
                    .map_or_else(|| k.to_owned(), |u| u.name.clone())
            }),
            by_organisation: by(DisputeDim::Organisation, &|k| match k.parse::<i64>() {
                Ok(id) => crate::cases::routing::department_name(&departments, Some(id))
                    .unwrap_or_else(|| k.to_owned()),
                Err(_) => "未分流".into(),
            }),
        })
    }
}

impl crate::services::Cases<'_> {
    /// The indicators as an .xlsx: the total and each breakdown, one line per row, with the
    /// unit, the period and when it was made in the note under them.
    pub async fn dispute_stats_sheet(
        self,
        actor: &Actor,
        q: &DisputeStatsQuery,
    ) -> Result<Vec<u8>> {
        use crate::sheet::{Column, write_sheet};
        let s = self.dispute_stats(actor, q).await?;
        let total = StatsRow {
            key: s.org_code.clone(),
            label: "合计".into(),
            received: s.received,
            succeeded: s.succeeded,
            failed: s.failed,
            success_rate: s.success_rate,
            amount_yuan: s.amount_yuan,
        };
        let groups = [
            ("合计", std::slice::from_ref(&total)),
            ("纠纷类型", s.by_type.as_slice()),
            ("来源", s.by_source.as_slice()),
            ("乡镇（街道）", s.by_township.as_slice()),
            ("调解组织", s.by_organisation.as_slice()),
        ];
        let rows: Vec<Vec<String>> = groups
            .iter()
            .flat_map(|(group, rows)| {
                rows.iter().map(move |r| {
                    vec![
                        (*group).to_owned(),
                        r.label.clone(),
                        r.received.to_string(),
                        r.succeeded.to_string(),
                        r.failed.to_string(),
                        r.success_rate
                            .map_or_else(|| "—".into(), |p| format!("{p:.1}")),
                        format!("{:.2}", r.amount_yuan),
                    ]
                })
            })
            .collect();
        let columns = [
            Column::new("分组", 14.0),
            Column::new("项目", 36.0),
            Column::new("受理数", 10.0),
            Column::new("调解成功数", 12.0),
            Column::new("调解不成", 10.0),
            Column::new("调解成功率（%）", 16.0),
            Column::new("协议金额（元）", 16.0),
        ];
        let note = format!(
            "统计范围 {}（{}），{} 至 {}；同比受理{}，调解成功率{}；生成于 {}",
            s.org_name,
            s.org_code,
            s.from,
            s.to,
            s.year_on_year.received,
            s.year_on_year.success_rate.as_deref().unwrap_or("—"),
            pingan_domain::time::format_minute(Utc::now())
        );
        Ok(write_sheet(
            "矛盾纠纷调解统计",
            &columns,
            &rows,
            Some(&note),
        )?)
    }
}

/// The unit a statistics request names, if any: within the user's own, and not for a
/// department's account (a department sees its own cases, not a unit's figures).
pub(crate) fn stats_unit(user: &crate::CurrentUser, org: Option<&str>) -> Result<Option<OrgCode>> {
    match org.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(o) => {
            let code =
                OrgCode::parse(o).map_err(|e| AppError::Invalid(format!("org 无效：{e}")))?;
            if !code.is_within(&user.org_code) || user.department_id.is_some() {
                return Err(AppError::NotFound(format!("{o} 不在您的管辖范围内")));
            }
            Ok(Some(code))
        }
    }
}

/// The days a statistics request covers: `from` (default 1 January of this year) to `to`
/// (default today), both `YYYY-MM-DD` and included, at most ten years.
pub(crate) fn stats_period(from: Option<&str>, to: Option<&str>) -> Result<(NaiveDate, NaiveDate)> {
    let today = beijing_date(Utc::now());
    let day = |s: Option<&str>, what: &str, default: NaiveDate| -> Result<NaiveDate> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| AppError::Invalid(format!("{what} 应为日期 YYYY-MM-DD，收到 {s}"))),
        }
    };
    let from = day(from, "from", today.with_ordinal(1).unwrap_or(today))?;
    let to = day(to, "to", today)?;
    if to < from || (to - from).num_days() > 3660 {
        return Err(AppError::Invalid(
            "统计期间应从 from 到 to，且不超过十年".into(),
        ));
    }
    Ok((from, to))
}
