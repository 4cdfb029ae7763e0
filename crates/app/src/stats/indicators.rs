//! 指标 — the figures of any org unit and period with 同比, 环比 and 累计同比 (§9.3: one decimal,
//! 持平, "上年同期为0，新增N起", 百分点 for rates), from the kept case totals and each module's
//! own figures. Every module's indicators are listed in one place, [`SOURCES`]: a module that
//! lands later adds its source there.

use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{NaiveDate, Utc};
use futures_util::future::try_join_all;
use pingan_domain::compare::{growth, rate_change};
use pingan_domain::period::{Period, PeriodKind, Piece};
use pingan_domain::time::beijing_date;
use pingan_domain::{Capability, OrgCode, Scope};
use pingan_store::{CaseTotalRow, Grain};
use serde::{Deserialize, Serialize};

/// What a figure is before it is compared: a count, a share (part of whole, as percent) or a
/// mean (sum over n; minutes shown as hours).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Figure {
    Count(i64),
    Share(i64, i64),
    Hours(i64, i64),
}

impl Figure {
    /// The value shown: a count, a percent or hours, one decimal.
    pub(crate) fn value(self) -> Option<f64> {
        let one = |x: f64| (x * 10.0).round() / 10.0;
        match self {
            Figure::Count(n) => Some(n as f64),
            Figure::Share(part, whole) => {
                (whole > 0).then(|| one(part as f64 * 100.0 / whole as f64))
            }
            Figure::Hours(minutes, n) => (n > 0).then(|| one(minutes as f64 / 60.0 / n as f64)),
        }
    }

    /// How it changed from `before` (§9.3), as words, and in percent for a count.
    fn compared(self, before: Figure, base: &str, unit: &str) -> (Option<f64>, String) {
        match (self, before) {
            (Figure::Count(now), Figure::Count(then)) => {
                let pct = (then != 0)
                    .then(|| ((now - then) as f64 * 1000.0 / then as f64).round() / 10.0);
                (pct, growth(now, then, base, unit))
            }
            (Figure::Share(..), _) => (
                None,
                rate_change(self.value(), before.value()).unwrap_or_else(|| "—".into()),
            ),
            _ => {
                let (now, then) = (self.value(), before.value());
                match (now, then) {
                    (Some(n), Some(t)) if t > 0.0 => {
                        let pct = ((n - t) * 1000.0 / t).round() / 10.0;
                        let word = if pct > 0.0 { "上升" } else { "下降" };
                        let text = if pct == 0.0 {
                            "持平".into()
                        } else {
                            format!("{word} {:.1}%", pct.abs())
                        };
                        (Some(pct), text)
                    }
                    _ => (None, "—".into()),
                }
            }
        }
    }
}

/// One measured indicator of one period.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub figure: Figure,
}

/// 指标来源 — a module that feeds the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// 事件: received, concluded, on time, time taken, satisfaction (kept totals).
    Events,
    /// 矛盾纠纷: 受理, 调解成功, 调解成功率.
    Disputes,
    /// 信访: 登记, 办结, 按期办结率 (kept totals).
    Petitions,
    /// 政务服务办件: 申请, 办结, 按时办结率, 好评率 (kept totals).
    Applications,
    /// Now: open events and their yellow and red cards.
    OpenEvents,
    /// Now: 点亮率.
    Video,
    /// Now: special-group members and how many are visited in time (走访覆盖率).
    Visits,
    /// Now: 实有人口, 实有房屋 (户), 实有单位.
    Registry,
}

/// Every module's indicators, in the order the dashboard shows them.
const SOURCES: [Source; 8] = [
    Source::Events,
    Source::Disputes,
    Source::Petitions,
    Source::Applications,
    Source::OpenEvents,
    Source::Video,
    Source::Visits,
    Source::Registry,
];

impl Source {
    /// 分组 on the page.
    fn group(self) -> &'static str {
        match self {
            Source::Events | Source::OpenEvents => "事件办理",
            Source::Disputes => "矛盾纠纷化解",
            Source::Petitions => "信访",
            Source::Applications => "政务服务",
            Source::Video => "视频监控",
            Source::Visits => "特殊人群走访",
            Source::Registry => "实有人口与单位",
        }
    }

    /// What the reader must hold to see it.
    fn capability(self) -> Capability {
        match self {
            Source::Events
            | Source::OpenEvents
            | Source::Disputes
            | Source::Petitions
            | Source::Applications => Capability::ViewCases,
            Source::Video => Capability::ViewVideo,
            Source::Visits => Capability::ViewSpecialGroups,
            Source::Registry => Capability::ViewRegistry,
        }
    }

    /// Whether it counts a period (else it is a figure of now).
    fn periodic(self) -> bool {
        matches!(
            self,
            Source::Events | Source::Disputes | Source::Petitions | Source::Applications
        )
    }
}

/// The query of `GET /api/v1/stats/indicators`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct IndicatorQuery {
    /// Org code (default: the user's unit).
    pub org: Option<String>,
    /// `day`, `week`, `month` (default), `quarter` or `year`.
    pub period: Option<String>,
    /// A day `YYYY-MM-DD`, a month `YYYY-MM` or a year `YYYY` in the period (default: today).
    pub at: Option<String>,
}

/// 指标 — one figure with its comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    pub key: String,
    pub label: String,
    /// 分组: 事件办理, 矛盾纠纷化解, 信访, 政务服务, 视频监控, 特殊人群走访, 实有人口与单位.
    pub group: String,
    /// 件, %, 小时, 人 ….
    pub unit: String,
    /// None when there is nothing to divide by (no case concluded, none rated).
    pub value: Option<f64>,
    /// 上年同期 (none for a figure of now).
    pub previous: Option<f64>,
    /// 上期, for 环比.
    pub previous_period: Option<f64>,
    /// 同比 in percent, one decimal; none for rates (see `wording`) and base zero.
    pub yoy_percent: Option<f64>,
    /// 环比 in percent, one decimal.
    pub mom_percent: Option<f64>,
    /// 同比 in words: "下降 4.6%", "持平", "上年同期为0，新增3起", "上升 1.2 个百分点".
    pub wording: String,
    /// 环比 in words.
    pub mom_wording: String,
    /// 年初至今 (累计) and its 同比 (累计同比).
    pub cumulative: Option<f64>,
    pub cumulative_last_year: Option<f64>,
    pub cumulative_wording: String,
    /// A figure of now, not of the period (open cases, 点亮率, registry counts).
    pub current: bool,
}

/// The indicators of a unit and period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorsView {
    pub org_code: String,
    pub org_name: String,
    /// `day`, `week`, `month`, `quarter`, `year`.
    pub period: String,
    /// 2020年12月, 2020年第4季度 ….
    pub period_label: String,
    /// The days counted (a period in progress: up to today), `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// The days of last year compared (同比) and of the period before (环比).
    pub compared_from: String,
    pub compared_to: String,
    pub previous_from: String,
    pub previous_to: String,
    pub indicators: Vec<Indicator>,
}

/// The totals of one kind over one period, summed over its pieces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub received: i64,
    pub concluded: i64,
    pub late: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub minutes: i64,
}

impl Tally {
    pub(crate) fn add(&mut self, r: &CaseTotalRow) {
        self.received += r.received;
        self.concluded += r.concluded;
        self.late += r.late;
        self.rated += r.rated;
        self.satisfied += r.satisfied;
        self.minutes += r.minutes;
    }
}

/// The period a statistics request names — `period` (default `month`) holding `at` (default
/// today) — and today, Asia/Shanghai; a period not begun is refused.
pub(crate) fn period_asked(period: Option<&str>, at: Option<&str>) -> Result<(Period, NaiveDate)> {
    let kind_key = period.unwrap_or("month");
    let kind = PeriodKind::parse(kind_key).ok_or_else(|| {
        AppError::Invalid(format!(
            "period 应为 day、week、month、quarter 或 year，收到 {}",
            kind_key.chars().take(20).collect::<String>()
        ))
    })?;
    let today = beijing_date(Utc::now());
    let period = match at.map(str::trim).filter(|s| !s.is_empty()) {
        None => Period::holding(kind, today),
        Some(at) => Period::parse(kind, at).ok_or_else(|| {
            AppError::Invalid(format!(
                "at 应为 YYYY-MM-DD、YYYY-MM 或 YYYY，收到 {}",
                at.chars().take(20).collect::<String>()
            ))
        })?,
    };
    if period.first > today {
        return Err(AppError::Invalid("统计期间尚未开始".into()));
    }
    Ok((period, today))
}

/// Indicators from `(key, label, unit, figure)`.
fn measured(list: Vec<(&'static str, &'static str, &'static str, Figure)>) -> Vec<Measured> {
    list.into_iter()
        .map(|(key, label, unit, figure)| Measured {
            key,
            label,
            unit,
            figure,
        })
        .collect()
}

/// 按期办结率: concluded by the deadline ÷ concluded.
pub(crate) fn on_time(t: &Tally) -> Figure {
    Figure::Share(t.concluded - t.late, t.concluded)
}

fn day_key(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The grain and the first and last period keys of a piece.
pub(crate) fn piece_keys(piece: Piece) -> (Grain, String, String) {
    match piece {
        Piece::Days(a, b) => (Grain::Day, day_key(a), day_key(b)),
        Piece::Months(a, b) => (
            Grain::Month,
            a.format("%Y-%m").to_string(),
            b.format("%Y-%m").to_string(),
        ),
    }
}

impl crate::services::Stats<'_> {
    /// The unit a statistics request is about: `org` if it lies in the user's area, else the
    /// user's own unit; a department's account has no area.
    pub(crate) fn stats_area(&self, actor: &Actor, org: Option<&str>) -> Result<OrgCode> {
        self.authorize(actor, Capability::ViewOrg, None)?;
        let asked = org.map(str::trim).filter(|s| !s.is_empty());
        let code =
            |o: &str| OrgCode::parse(o).map_err(|e| AppError::Invalid(format!("org 无效：{e}")));
        // The command line is trusted with any unit it names.
        let Some(user) = actor.user.as_ref() else {
            return code(asked.ok_or_else(|| AppError::Invalid("请用 --org 指定单位".into()))?);
        };
        if user.department_id.is_some() {
            return Err(AppError::Forbidden(
                "部门账号只能查看本部门的案件，区域统计请由综治中心查看".into(),
            ));
        }
        match asked {
            Some(o) => {
                let code = code(o)?;
                if code.is_within(&user.org_code) {
                    Ok(code)
                } else {
                    Err(AppError::NotFound(format!("{o} 不在您的管辖范围内")))
                }
            }
            None => Ok(user.org_code.clone()),
        }
    }

    /// The kept totals of `kind` for `units` over `period`, each unit's summed over the pieces.
    pub(crate) async fn tallies(
        &self,
        kind: &str,
        units: &[String],
        period: &Period,
    ) -> Result<Vec<CaseTotalRow>> {
        let parts = try_join_all(period.pieces().into_iter().map(|piece| {
            let (grain, from, to) = piece_keys(piece);
            async move { self.store.case_totals(kind, units, grain, &from, &to).await }
        }))
        .await?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// The kept totals of `kind` for every unit of two levels under `unit` over `period`.
    pub(crate) async fn tallies_under(
        &self,
        kind: &str,
        unit: &OrgCode,
        levels: (pingan_domain::OrgLevel, pingan_domain::OrgLevel),
        period: &Period,
    ) -> Result<Vec<CaseTotalRow>> {
        let lens = (levels.0.code_len(), levels.1.code_len());
        let parts = try_join_all(period.pieces().into_iter().map(|piece| {
            let (grain, from, to) = piece_keys(piece);
            async move {
                self.store
                    .case_totals_under(kind, unit.as_str(), lens, grain, &from, &to)
                    .await
            }
        }))
        .await?;
        Ok(parts.into_iter().flatten().collect())
    }

    async fn tally(&self, kind: &str, unit: &OrgCode, period: &Period) -> Result<Tally> {
        let mut t = Tally::default();
        for r in self.tallies(kind, &[unit.as_str().into()], period).await? {
            t.add(&r);
        }
        Ok(t)
    }

    /// What a periodic source counts for a unit and period.
    async fn measure(&self, source: Source, unit: &OrgCode, p: &Period) -> Result<Vec<Measured>> {
        Ok(measured(match source {
            Source::Events => {
                let t = self.tally("event", unit, p).await?;
                vec![
                    (
                        "events_received",
                        "事件受理",
                        "件",
                        Figure::Count(t.received),
                    ),
                    (
                        "events_concluded",
                        "事件办结",
                        "件",
                        Figure::Count(t.concluded),
                    ),
                    ("events_on_time_rate", "按期办结率", "%", on_time(&t)),
                    (
                        "events_hours",
                        "平均办理时长",
                        "小时",
                        Figure::Hours(t.minutes, t.concluded),
                    ),
                    (
                        "events_satisfaction",
                        "群众满意率",
                        "%",
                        Figure::Share(t.satisfied, t.rated),
                    ),
                ]
            }
            Source::Disputes => {
                let scope = Scope::org(unit.clone());
                let t = crate::cases::disputes::stats::Tally::of(
                    &crate::cases::disputes::stats::dispute_margins(
                        &self.store,
                        &scope,
                        p.first,
                        p.last,
                        true,
                    )
                    .await?,
                );
                // 调解成功率: succeeded ÷ (succeeded + failed), as the mediation page counts it.
                let rate = Figure::Share(t.succeeded, t.succeeded + t.failed);
                vec![
                    (
                        "disputes_received",
                        "纠纷受理",
                        "件",
                        Figure::Count(t.received),
                    ),
                    (
                        "disputes_succeeded",
                        "调解成功",
                        "件",
                        Figure::Count(t.succeeded),
                    ),
                    ("disputes_success_rate", "调解成功率", "%", rate),
                ]
            }
            Source::Petitions => {
                let t = self.tally("petition", unit, p).await?;
                vec![
                    (
                        "petitions_received",
                        "信访登记",
                        "件",
                        Figure::Count(t.received),
                    ),
                    (
                        "petitions_concluded",
                        "信访办结",
                        "件",
                        Figure::Count(t.concluded),
                    ),
                    ("petitions_on_time_rate", "信访按期办结率", "%", on_time(&t)),
                ]
            }
            Source::Applications => {
                let t = self.tally("application", unit, p).await?;
                vec![
                    (
                        "applications_received",
                        "政务服务申请",
                        "件",
                        Figure::Count(t.received),
                    ),
                    (
                        "applications_concluded",
                        "政务服务办结",
                        "件",
                        Figure::Count(t.concluded),
                    ),
                    (
                        "applications_on_time_rate",
                        "政务服务按时办结率",
                        "%",
                        on_time(&t),
                    ),
                    (
                        "applications_satisfaction",
                        "政务服务好评率",
                        "%",
                        Figure::Share(t.satisfied, t.rated),
                    ),
                ]
            }
            Source::OpenEvents | Source::Video | Source::Visits | Source::Registry => Vec::new(),
        }))
    }

    /// What a source of figures of now shows for a unit.
    async fn measure_now(
        &self,
        source: Source,
        user: &CurrentUser,
        unit: &OrgCode,
    ) -> Result<Vec<Measured>> {
        Ok(measured(match source {
            Source::OpenEvents => {
                let c = self.store.open_case_counts("event", unit.as_str()).await?;
                vec![
                    ("events_open", "在办事件", "件", Figure::Count(c.open)),
                    ("events_yellow", "黄牌预警", "件", Figure::Count(c.yellow)),
                    ("events_red", "红牌超期", "件", Figure::Count(c.red)),
                ]
            }
            Source::Video => {
                let r = self.video().online_rate(user, unit, None).await?.total;
                vec![(
                    "video_online_rate",
                    "视频点亮率",
                    "%",
                    Figure::Share(r.online, r.channels),
                )]
            }
            Source::Visits => {
                let units = self
                    .registry()
                    .visit_coverage(user, Some(unit.as_str()))
                    .await?;
                let count = |f: fn(&crate::UnitCoverage) -> usize| {
                    units.iter().map(f).sum::<usize>() as i64
                };
                let (members, on_time) = (count(|u| u.members), count(|u| u.on_time));
                vec![
                    (
                        "visit_members",
                        "列管特殊人群",
                        "人",
                        Figure::Count(members),
                    ),
                    (
                        "visit_coverage",
                        "走访覆盖率",
                        "%",
                        Figure::Share(on_time, members),
                    ),
                ]
            }
            Source::Registry => {
                let (persons, households, places) = tokio::try_join!(
                    self.store.registry_total("persons", unit.as_str()),
                    self.store.registry_total("households", unit.as_str()),
                    self.store.registry_total("places", unit.as_str()),
                )?;
                vec![
                    ("persons", "实有人口", "人", Figure::Count(persons)),
                    ("households", "实有户", "户", Figure::Count(households)),
                    ("places", "实有单位与场所", "个", Figure::Count(places)),
                ]
            }
            Source::Events | Source::Disputes | Source::Petitions | Source::Applications => {
                Vec::new()
            }
        }))
    }

    /// The indicators of `org` (or the user's unit) for a period, each with 同比, 环比 and 累计同比.
    pub async fn indicators(self, actor: &Actor, q: &IndicatorQuery) -> Result<IndicatorsView> {
        let unit = self.stats_area(actor, q.org.as_deref())?;
        let (period, today) = period_asked(q.period.as_deref(), q.at.as_deref())?;
        // A period in progress is compared over as many days; a whole one with the whole other.
        let now = period.so_far(today);
        let cut = |p: Period| if now == period { p } else { p.as_long_as(&now) };
        let last_year = cut(period.year_before());
        let before = cut(period.previous());
        let ytd = now.year_to_date();
        let ytd_last = ytd.same_days_a_year_before();
        // The command line (a report) gets every figure of a period and none of now.
        let sources: Vec<Source> = SOURCES
            .into_iter()
            .filter(|s| {
                actor
                    .user
                    .as_ref()
                    .map_or(s.periodic(), |u| u.can(s.capability()))
            })
            .collect();

        // Each distinct span once (a year's 环比 is its 同比), every source and span at once.
        let mut spans: Vec<Period> = Vec::new();
        for p in [now, last_year, before, ytd, ytd_last] {
            if !spans.iter().any(|s| (s.first, s.last) == (p.first, p.last)) {
                spans.push(p);
            }
        }
        let periodic: Vec<Source> = sources.iter().copied().filter(|s| s.periodic()).collect();
        let jobs = spans
            .iter()
            .flat_map(|p| periodic.iter().map(move |s| (*s, *p)))
            .map(|(s, p)| {
                let unit = &unit;
                async move {
                    Ok::<_, AppError>(((s, p.first, p.last), self.measure(s, unit, &p).await?))
                }
            });
        let nows = sources
            .iter()
            .copied()
            .filter(|s| !s.periodic())
            .filter_map(|s| actor.user.as_ref().map(|user| (s, user)))
            .map(|(s, user)| {
                let unit = &unit;
                async move { Ok::<_, AppError>((s, self.measure_now(s, user, unit).await?)) }
            });
        let (measured, current) = tokio::try_join!(try_join_all(jobs), try_join_all(nows))?;
        let of = |s: Source, p: &Period| -> &[Measured] {
            measured
                .iter()
                .find(|((src, a, b), _)| *src == s && (*a, *b) == (p.first, p.last))
                .map_or(&[], |(_, v)| v.as_slice())
        };

        let mut indicators = Vec::new();
        for s in &sources {
            if s.periodic() {
                for (i, here) in of(*s, &now).iter().enumerate() {
                    let pick = |p: &Period| of(*s, p).get(i).map(|x| x.figure);
                    let (ly, pv) = (pick(&last_year), pick(&before));
                    let (cu, cl) = (pick(&ytd), pick(&ytd_last));
                    let unit_word = if here.unit == "件" { "件" } else { "" };
                    let (yoy, wording) = ly.map_or((None, "—".into()), |b| {
                        here.figure.compared(b, "上年同期", unit_word)
                    });
                    let (mom, mom_wording) = pv.map_or((None, "—".into()), |b| {
                        here.figure.compared(b, "上期", unit_word)
                    });
                    let cumulative_wording = match (cu, cl) {
                        (Some(a), Some(b)) => a.compared(b, "上年同期", unit_word).1,
                        _ => "—".into(),
                    };
                    indicators.push(Indicator {
                        key: here.key.into(),
                        label: here.label.into(),
                        group: s.group().into(),
                        unit: here.unit.into(),
                        value: here.figure.value(),
                        previous: ly.and_then(Figure::value),
                        previous_period: pv.and_then(Figure::value),
                        yoy_percent: yoy,
                        mom_percent: mom,
                        wording,
                        mom_wording,
                        cumulative: cu.and_then(Figure::value),
                        cumulative_last_year: cl.and_then(Figure::value),
                        cumulative_wording,
                        current: false,
                    });
                }
            } else if let Some((_, list)) = current.iter().find(|(src, _)| src == s) {
                indicators.extend(list.iter().map(|here| Indicator {
                    key: here.key.into(),
                    label: here.label.into(),
                    group: s.group().into(),
                    unit: here.unit.into(),
                    value: here.figure.value(),
                    previous: None,
                    previous_period: None,
                    yoy_percent: None,
                    mom_percent: None,
                    wording: "—".into(),
                    mom_wording: "—".into(),
                    cumulative: None,
                    cumulative_last_year: None,
                    cumulative_wording: "—".into(),
                    current: true,
                }));
            }
        }
        let org_name = self
            .store
            .org_unit(unit.as_str())
            .await?
            .map_or_else(|| unit.as_str().to_owned(), |u| u.name);
        Ok(IndicatorsView {
            org_code: unit.as_str().into(),
            org_name,
            period: period.kind.key().into(),
            period_label: period.label(),
            from: day_key(now.first),
            to: day_key(now.last),
            compared_from: day_key(last_year.first),
            compared_to: day_key(last_year.last),
            previous_from: day_key(before.first),
            previous_to: day_key(before.last),
            indicators,
        })
    }
}

/// What `pingan stats rebuild` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotalsRebuilt {
    /// Kept rows that differed from a count from the cases before the rebuild.
    pub drift_before: i64,
    /// Rows kept after it.
    pub rows: u64,
}

impl crate::services::Stats<'_> {
    /// Recounts the kept totals (the cases' and the mediation figures) from the records
    /// (`pingan stats rebuild`), audited.
    pub async fn rebuild_totals(self, actor: &Actor) -> Result<TotalsRebuilt> {
        self.authorize(actor, Capability::ManageOrg, None)?;
        let drift_before = self.store.totals_drift().await?;
        let rows = self.store.rebuild_totals().await?;
        self.audit(
            actor,
            "stats.rebuild",
            "case_totals, dispute_totals",
            "ok",
            serde_json::json!({"drift_before": drift_before, "rows": rows}),
        )
        .await?;
        Ok(TotalsRebuilt { drift_before, rows })
    }

    /// How many kept total rows (the cases' and the mediation figures) differ from a count from
    /// the records (`pingan stats check`): zero when they agree.
    pub async fn totals_drift(self, actor: &Actor) -> Result<i64> {
        self.authorize(actor, Capability::ManageOrg, None)?;
        Ok(self.store.totals_drift().await?)
    }
}

impl crate::services::Stats<'_> {
    /// The indicators as an .xlsx sheet (the same figures as the JSON), audited as an export.
    pub async fn indicators_sheet(self, actor: &Actor, q: &IndicatorQuery) -> Result<Vec<u8>> {
        let view = self.indicators(actor, q).await?;
        let columns = [
            pingan_office::sheet::Column::new("分组", 14.0),
            pingan_office::sheet::Column::new("指标", 16.0),
            pingan_office::sheet::Column::new("单位", 6.0),
            pingan_office::sheet::Column::new("本期", 12.0),
            pingan_office::sheet::Column::new("上年同期", 12.0),
            pingan_office::sheet::Column::new("同比", 22.0),
            pingan_office::sheet::Column::new("上期", 12.0),
            pingan_office::sheet::Column::new("环比", 22.0),
            pingan_office::sheet::Column::new("年初至今", 12.0),
            pingan_office::sheet::Column::new("累计同比", 22.0),
        ];
        let shown = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), format_value);
        let rows: Vec<Vec<String>> = view
            .indicators
            .iter()
            .map(|i| {
                vec![
                    i.group.clone(),
                    if i.current {
                        format!("{}（当前）", i.label)
                    } else {
                        i.label.clone()
                    },
                    i.unit.clone(),
                    shown(i.value),
                    shown(i.previous),
                    i.wording.clone(),
                    shown(i.previous_period),
                    i.mom_wording.clone(),
                    shown(i.cumulative),
                    i.cumulative_wording.clone(),
                ]
            })
            .collect();
        let note = format!(
            "{} {}（{} 至 {}），同比期间 {} 至 {}，上期 {} 至 {}",
            view.org_name,
            view.period_label,
            view.from,
            view.to,
            view.compared_from,
            view.compared_to,
            view.previous_from,
            view.previous_to
        );
        let bytes = pingan_office::sheet::write_sheet("统计指标", &columns, &rows, Some(&note))?;
        self.audit(
            actor,
            "stats.export",
            "indicators",
            "ok",
            serde_json::json!({"org": view.org_code, "period": view.period, "from": view.from}),
        )
        .await?;
        Ok(bytes)
    }
}

/// A figure as the sheet and the page show it: whole numbers without decimals.
pub fn format_value(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}
