//! 领导驾驶舱 — the figures behind the dashboard's charts and map for one case kind: the year's
//! months (or the month's days) against a year before, each unit one level down, each grid for
//! the map, and the categories; all from the kept case totals.

use super::indicators::{Tally, on_time, period_asked, piece_keys};
use crate::{Actor, AppError, Result};
use chrono::{Datelike, NaiveDate};
use pingan_domain::case::dispute::DisputeType;
use pingan_domain::case::petition::PetitionClass;
use pingan_domain::period::{Period, PeriodKind, Piece};
use pingan_domain::{OrgCode, OrgLevel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The query of `GET /api/v1/stats/breakdown`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct BreakdownQuery {
    pub org: Option<String>,
    /// `day`, `week`, `month` (default), `quarter` or `year`.
    pub period: Option<String>,
    /// A day, month or year in the period (default: today).
    pub at: Option<String>,
    /// `event` (default), `dispute` or `petition`.
    pub kind: Option<String>,
}

/// One point of the trend: a month (or a day) this year and a year before.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    /// 1月, 2月 … (or 1日, 2日 …).
    pub label: String,
    pub received: i64,
    pub concluded: i64,
    pub received_last_year: i64,
}

/// The figures of one unit (a township, village or grid) in the period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitFigures {
    pub code: String,
    pub name: String,
    pub received: i64,
    pub concluded: i64,
    /// 按期办结率, percent; none when nothing was concluded.
    pub on_time_rate: Option<f64>,
}

/// One category's count in the period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CategoryFigure {
    pub code: String,
    pub label: String,
    pub received: i64,
}

/// The dashboard's breakdown of one kind for a unit and period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BreakdownView {
    pub org_code: String,
    pub org_name: String,
    pub kind: String,
    pub period_label: String,
    /// The months of the period's year (or the days of its month, for a day or week).
    pub trend: Vec<TrendPoint>,
    /// Each unit one level down.
    pub units: Vec<UnitFigures>,
    /// Each grid under the unit, for the map.
    pub grids: Vec<UnitFigures>,
    /// The categories, most first.
    pub categories: Vec<CategoryFigure>,
}

const KINDS: [&str; 3] = ["event", "dispute", "petition"];

impl crate::services::Stats<'_> {
    /// The breakdown of `kind` for `org` (or the user's unit) and a period.
    pub async fn breakdown(self, actor: &Actor, q: &BreakdownQuery) -> Result<BreakdownView> {
        let unit = self.stats_area(actor, q.org.as_deref())?;
        let kind = q.kind.as_deref().unwrap_or("event");
        if !KINDS.contains(&kind) {
            return Err(AppError::Invalid(
                "kind 应为 event、dispute 或 petition".into(),
            ));
        }
        self.authorize(actor, pingan_domain::Capability::ViewCases, None)?;
        let (period, today) = period_asked(q.period.as_deref(), q.at.as_deref())?;
        let now = period.so_far(today);
        let child = unit.level().child();
        let units: Vec<(String, String)> = match child {
            Some(level) => self.org().units_at(&unit, level).await?,
            None => Vec::new(),
        };
        let grids = if unit.level() == OrgLevel::Grid {
            Vec::new()
        } else {
            self.org().units_at(&unit, OrgLevel::Grid).await?
        };
        let here = vec![unit.as_str().to_owned()];
        // The units one level down and the grids in one scan of the period index.
        let (trend, below, by_category) = tokio::try_join!(
            self.trend(kind, &unit, &period),
            self.tallies_under(
                kind,
                &unit,
                (child.unwrap_or(OrgLevel::Grid), OrgLevel::Grid),
                &now
            ),
            self.tallies(kind, &here, &now),
        )?;
        let (by_grid, mut by_unit): (Vec<_>, Vec<_>) = below
            .into_iter()
            .partition(|r| r.unit.len() == OrgLevel::Grid.code_len());
        if child == Some(OrgLevel::Grid) {
            by_unit.clone_from(&by_grid);
        }
        let figures = |list: &[(String, String)], rows: &[pingan_store::CaseTotalRow]| {
            let mut sums: BTreeMap<&str, Tally> = BTreeMap::new();
            for r in rows {
                sums.entry(r.unit.as_str()).or_default().add(r);
            }
            list.iter()
                .map(|(code, name)| {
                    let t = sums.get(code.as_str()).copied().unwrap_or_default();
                    UnitFigures {
                        code: code.clone(),
                        name: name.clone(),
                        received: t.received,
                        concluded: t.concluded,
                        on_time_rate: on_time(&t).value(),
                    }
                })
                .collect::<Vec<_>>()
        };
        let mut cats: BTreeMap<String, i64> = BTreeMap::new();
        for r in &by_category {
            *cats.entry(r.category.clone()).or_default() += r.received;
        }
        let names = if kind == "event" {
            self.store
                .categories()
                .await?
                .into_iter()
                .map(|c| (c.code, c.name))
                .collect()
        } else {
            BTreeMap::new()
        };
        let label = |code: &str| -> String {
            match kind {
                "dispute" => DisputeType::parse(code).map(|t| t.label().to_owned()),
                "petition" => PetitionClass::parse(code).map(|t| t.label().to_owned()),
                _ => names.get(code).cloned(),
            }
            .unwrap_or_else(|| code.to_owned())
        };
        let mut categories: Vec<CategoryFigure> = cats
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(code, received)| CategoryFigure {
                label: label(&code),
                code,
                received,
            })
            .collect();
        categories.sort_by_key(|c| std::cmp::Reverse(c.received));
        let org_name = self
            .store
            .org_unit(unit.as_str())
            .await?
            .map_or_else(|| unit.as_str().to_owned(), |u| u.name);
        Ok(BreakdownView {
            org_code: unit.as_str().into(),
            org_name,
            kind: kind.into(),
            period_label: period.label(),
            trend,
            units: figures(&units, &by_unit),
            grids: figures(&grids, &by_grid),
            categories,
        })
    }

    /// The months of the period's year (days of its month for a day or a week), this year and
    /// the year before.
    async fn trend(&self, kind: &str, unit: &OrgCode, period: &Period) -> Result<Vec<TrendPoint>> {
        let daily = matches!(period.kind, PeriodKind::Day | PeriodKind::Week);
        let span = Period::holding(
            if daily {
                PeriodKind::Month
            } else {
                PeriodKind::Year
            },
            period.last,
        );
        let piece = |p: &Period| {
            if daily {
                Piece::Days(p.first, p.last)
            } else {
                Piece::Months(
                    p.first,
                    NaiveDate::from_ymd_opt(p.first.year(), 12, 1).unwrap_or(p.first),
                )
            }
        };
        let here = vec![unit.as_str().to_owned()];
        let fetch = |p: Period| {
            let (grain, from, to) = piece_keys(piece(&p));
            let here = &here;
            async move { self.store.case_totals(kind, here, grain, &from, &to).await }
        };
        let (this, last) = tokio::try_join!(fetch(span), fetch(span.year_before()))?;
        // Bucket by the month (or day) number.
        let slot = |period_key: &str| -> Option<usize> {
            let part = if daily {
                period_key.get(8..10)
            } else {
                period_key.get(5..7)
            };
            part.and_then(|x| x.parse::<usize>().ok()).map(|n| n - 1)
        };
        let len = if daily {
            usize::try_from(span.days()).unwrap_or(31)
        } else {
            12
        };
        let mut points: Vec<TrendPoint> = (1..=len)
            .map(|n| TrendPoint {
                label: if daily {
                    format!("{n}日")
                } else {
                    format!("{n}月")
                },
                received: 0,
                concluded: 0,
                received_last_year: 0,
            })
            .collect();
        for r in &this {
            if let Some(p) = slot(&r.period).and_then(|i| points.get_mut(i)) {
                p.received += r.received;
                p.concluded += r.concluded;
            }
        }
        for r in &last {
            if let Some(p) = slot(&r.period).and_then(|i| points.get_mut(i)) {
                p.received_last_year += r.received;
            }
        }
        Ok(points)
    }
}

impl crate::services::Stats<'_> {
    /// The units the dashboard offers: the user's own, then each one level down.
    pub async fn dashboard_units(self, actor: &Actor) -> Result<Vec<(String, String)>> {
        let unit = self.stats_area(actor, None)?;
        let own = self
            .store
            .org_unit(unit.as_str())
            .await?
            .map_or_else(|| unit.as_str().to_owned(), |u| u.name);
        let mut out = vec![(unit.as_str().to_owned(), own)];
        if let Some(level) = unit.level().child() {
            out.extend(self.org().units_at(&unit, level).await?);
        }
        Ok(out)
    }
}
