//! 公安统计 — entering and importing each township's monthly figures (警情 by category, 治安案件,
//! 刑事立案), and the year's table with 同比 (or 累计同比 for a year not yet over), each group on
//! its own lines, never added together.

use crate::{Actor, AppError, Result};
use chrono::{Datelike, Utc};
use pingan_domain::compare::{growth, rate_change};
use pingan_domain::police::{LINES, PoliceFigure, check_month, parse_month, solve_rate};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_office::sheet::{Cell, Column, RejectedCell, read_import, write_sheet};
use pingan_store::PoliceFigureRow;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most rows an import takes (18 townships × 12 months × several years fit easily).
const MAX_ROWS: usize = 5_000;
const TOWNSHIP_HEADER: &str = "乡镇街道代码";
const MONTH_HEADER: &str = "月份";

/// A month's figures for one township, as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PoliceEntry {
    /// The township's 9-digit code.
    pub township: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Figure code (`alert_criminal`, `admin_accepted`, `criminal_filed` …) → value.
    pub figures: HashMap<String, i64>,
}

/// One line of the year's table.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PoliceLineView {
    pub key: String,
    pub label: String,
    pub this_year: i64,
    pub last_year: i64,
    /// (本期 − 上年同期) ÷ 上年同期, percent, one decimal; none when last year was 0.
    pub yoy_percent: Option<f64>,
    /// "下降22.0%", "持平", "上年同期为0，新增3起".
    pub wording: String,
}

/// 公安统计年表 of a unit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PoliceYearView {
    pub org_code: String,
    /// The unit's name (通川区, 东城街道 …).
    pub org_name: String,
    pub year: i32,
    /// The months counted: 1 to this month (累计, for a year not yet over), else 12.
    pub months: u32,
    pub lines: Vec<PoliceLineView>,
    /// 破案率 this year and last, and the change in 百分点.
    pub solve_rate: Option<f64>,
    pub solve_rate_last_year: Option<f64>,
    pub solve_rate_change: Option<String>,
}

/// What an import did: rows written, and the cells refused (each named).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PoliceImportReport {
    pub rows: usize,
    pub rejected: Vec<RejectedCell>,
}

impl crate::services::Stats<'_> {
    /// The year's table for `org` (or the user's unit): each line's total over the months of the
    /// year so far, against the same months a year before.
    pub async fn police_year(
        self,
        actor: &Actor,
        org: Option<&str>,
        year: Option<i32>,
    ) -> Result<PoliceYearView> {
        self.authorize(actor, Capability::ViewOrg, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let unit = match org.map(str::trim).filter(|s| !s.is_empty()) {
            Some(o) => {
                let code =
                    OrgCode::parse(o).map_err(|e| AppError::Invalid(format!("org 无效：{e}")))?;
                if !code.is_within(&user.org_code) || user.department_id.is_some() {
                    return Err(AppError::NotFound(format!("{o} 不在您的管辖范围内")));
                }
                code
            }
            None => user.org_code.clone(),
        };
        let now = pingan_domain::time::beijing_date(Utc::now());
        let year = year.unwrap_or(now.year());
        if !(2000..=now.year()).contains(&year) {
            return Err(AppError::Invalid(format!(
                "year 应在 2000 到 {} 之间",
                now.year()
            )));
        }
        // A year not yet over is compared month for month (累计同比) up to its latest figures.
        let months = if year < now.year() {
            12
        } else {
            self.store
                .police_latest_month(unit.as_str(), year)
                .await?
                .and_then(|m| m.get(5..7).and_then(|x| x.parse().ok()))
                .unwrap_or(now.month())
        };
        let span = |y: i32| (format!("{y}-01"), format!("{y}-{months:02}"));
        let ((a, b), (la, lb)) = (span(year), span(year - 1));
        let (now_sums, last_sums) = tokio::try_join!(
            self.store.police_sums(unit.as_str(), &a, &b),
            self.store.police_sums(unit.as_str(), &la, &lb)
        )?;
        let total = |sums: &[(String, i64)], figures: &[PoliceFigure]| -> i64 {
            sums.iter()
                .filter(|(f, _)| figures.iter().any(|x| x.code() == f))
                .map(|(_, v)| v)
                .sum()
        };
        let lines = LINES
            .iter()
            .map(|l| {
                let (this_year, last_year) =
                    (total(&now_sums, l.figures), total(&last_sums, l.figures));
                PoliceLineView {
                    key: l.key.into(),
                    label: l.label.into(),
                    this_year,
                    last_year,
                    yoy_percent: (last_year > 0).then(|| {
                        ((this_year - last_year) as f64 * 1000.0 / last_year as f64).round() / 10.0
                    }),
                    wording: growth(this_year, last_year, "上年同期", "起"),
                }
            })
            .collect();
        let rate = |sums: &[(String, i64)]| {
            solve_rate(
                total(sums, &[PoliceFigure::CriminalSolved]),
                total(sums, &[PoliceFigure::CriminalFiled]),
            )
        };
        let (solve, solve_last) = (rate(&now_sums), rate(&last_sums));
        let org_name = self
            .store
            .org_unit(unit.as_str())
            .await?
            .map_or_else(|| unit.as_str().to_owned(), |u| u.name);
        Ok(PoliceYearView {
            org_name,
            org_code: unit.as_str().into(),
            year,
            months,
            lines,
            solve_rate: solve,
            solve_rate_last_year: solve_last,
            solve_rate_change: rate_change(solve, solve_last),
        })
    }

    /// The townships the user may enter figures for, (code, name), for the entry form.
    pub async fn police_townships(self, actor: &Actor) -> Result<Vec<(String, String)>> {
        self.authorize(actor, Capability::ManagePoliceStatistics, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        self.org()
            .units_at(&user.org_code, OrgLevel::Township)
            .await
    }

    /// Enters one township's figures for a month, replacing what was entered before.
    pub async fn enter_police_month(self, actor: &Actor, entry: &PoliceEntry) -> Result<usize> {
        self.authorize(actor, Capability::ManagePoliceStatistics, None)?;
        let rows = self.police_rows(actor, &entry.township, &entry.month, &entry.figures)?;
        self.write_police(actor, &rows).await?;
        Ok(rows.len())
    }

    /// Checks one township-month and turns it into rows.
    fn police_rows(
        self,
        actor: &Actor,
        township: &str,
        month: &str,
        figures: &HashMap<String, i64>,
    ) -> Result<Vec<PoliceFigureRow>> {
        let code = OrgCode::parse(township.trim())
            .ok()
            .filter(|c| c.level() == OrgLevel::Township)
            .ok_or_else(|| AppError::Invalid(format!("{township} 不是乡镇（街道）的 9 位代码")))?;
        self.authorize(actor, Capability::ManagePoliceStatistics, Some(&code))?;
        let now = pingan_domain::time::beijing_date(Utc::now());
        let (y, m) = parse_month(month, (now.year(), now.month())).map_err(AppError::Invalid)?;
        let mut parsed = Vec::new();
        for (key, value) in figures {
            let f = PoliceFigure::parse(key).ok_or_else(|| {
                AppError::Invalid(format!(
                    "没有统计项“{key}”：可填 {}",
                    PoliceFigure::labels()
                ))
            })?;
            parsed.push((f, *value));
        }
        if parsed.is_empty() {
            return Err(AppError::Invalid("请至少填写一项数据".into()));
        }
        check_month(&parsed).map_err(AppError::Invalid)?;
        Ok(parsed
            .into_iter()
            .map(|(f, v)| PoliceFigureRow {
                township: code.as_str().into(),
                month: format!("{y}-{m:02}"),
                figure: f.code().into(),
                value: v,
            })
            .collect())
    }

    async fn write_police(self, actor: &Actor, rows: &[PoliceFigureRow]) -> Result<()> {
        self.store
            .put_police_figures(rows, &actor.name(), Utc::now())
            .await?;
        self.audit(
            actor,
            "police.enter",
            "police_figures",
            "ok",
            serde_json::json!({"rows": rows.len()}),
        )
        .await
    }

    /// The import template: a township, a month, and a column per figure.
    pub fn police_template(self, actor: &Actor) -> Result<Vec<u8>> {
        self.authorize(actor, Capability::ManagePoliceStatistics, None)?;
        let mut columns = vec![
            Column::new(TOWNSHIP_HEADER, 16.0).text(),
            Column::new(MONTH_HEADER, 10.0).text(),
        ];
        columns.extend(
            PoliceFigure::ALL
                .iter()
                .map(|f| Column::new(f.label(), 14.0)),
        );
        Ok(write_sheet(
            "公安统计",
            &columns,
            &[],
            Some("每行一个乡镇（街道）一个月；月份写作 2020-12；数字填整数，空格表示不填"),
        )?)
    }

    /// Imports a sheet of township-months: each good row written, each bad cell named.
    pub async fn import_police(self, actor: &Actor, bytes: &[u8]) -> Result<PoliceImportReport> {
        self.authorize(actor, Capability::ManagePoliceStatistics, None)?;
        let mut known: Vec<(&'static str, bool)> =
            vec![(TOWNSHIP_HEADER, true), (MONTH_HEADER, true)];
        known.extend(PoliceFigure::ALL.iter().map(|f| (f.label(), false)));
        let (columns, rows) = read_import(bytes, MAX_ROWS, &known).await?;
        let mut good = Vec::new();
        let mut rejected = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let at = i + 2;
            let text = |h: &str| columns.cell(row, h).text();
            let mut figures = HashMap::new();
            let mut bad = false;
            for f in PoliceFigure::ALL {
                let cell = columns.cell(row, f.label());
                match cell {
                    Cell::Empty => {}
                    _ => match cell.text().trim().parse::<i64>() {
                        Ok(v) => {
                            figures.insert(f.code().to_owned(), v);
                        }
                        Err(_) => {
                            bad = true;
                            rejected.push(RejectedCell {
                                row: at,
                                column: f.label().into(),
                                value: cell.text(),
                                reason: "应为整数".into(),
                            });
                        }
                    },
                }
            }
            if bad {
                continue;
            }
            match self.police_rows(actor, &text(TOWNSHIP_HEADER), &text(MONTH_HEADER), &figures) {
                Ok(r) => good.extend(r),
                Err(e) => rejected.push(RejectedCell {
                    row: at,
                    column: format!("{TOWNSHIP_HEADER}/{MONTH_HEADER}"),
                    value: format!("{} {}", text(TOWNSHIP_HEADER), text(MONTH_HEADER)),
                    reason: e.to_string(),
                }),
            }
        }
        if !good.is_empty() {
            self.write_police(actor, &good).await?;
        }
        Ok(PoliceImportReport {
            rows: good.len(),
            rejected,
        })
    }
}
