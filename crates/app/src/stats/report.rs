//! 月报 — the month's figures of a unit as a PDF (the documents' shared PDF path): each indicator
//! with its 同比, 环比 and 累计同比 in §9.3's words, and bar charts of the units one level down
//! against the same month a year before. `pingan report monthly` and the dashboard's button.

use super::dashboard::BreakdownQuery;
use super::indicators::{IndicatorQuery, format_value};
use crate::{Actor, AppError, Result};
use chrono::{Datelike, NaiveDate, Utc};
use pingan_domain::time::{beijing_date, format_minute};
use pingan_office::pdf::{BarChart, Block, write_pdf};

/// The kinds charted by unit, and how the report names them.
const CHARTED: [(&str, &str); 3] = [
    ("event", "事件受理"),
    ("dispute", "纠纷受理"),
    ("petition", "信访登记"),
];

/// The month a report is for: `YYYY-MM`, not after this month.
fn month_of(month: &str) -> Result<NaiveDate> {
    let first =
        NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").map_err(|_| {
            AppError::Invalid(format!(
                "month 应为 YYYY-MM，收到 {}",
                month.chars().take(20).collect::<String>()
            ))
        })?;
    if first > beijing_date(Utc::now()) {
        return Err(AppError::Invalid("该月尚未开始，不能生成月报".into()));
    }
    Ok(first)
}

impl crate::services::Stats<'_> {
    /// The monthly report of `org` (or the user's unit) for `month` (`YYYY-MM`), as a PDF.
    pub async fn monthly_report(
        self,
        actor: &Actor,
        org: Option<&str>,
        month: &str,
    ) -> Result<Vec<u8>> {
        let first = month_of(month)?;
        let key = first.format("%Y-%m").to_string();
        let query = IndicatorQuery {
            org: org.map(str::to_owned),
            period: Some("month".into()),
            at: Some(key.clone()),
        };
        let view = self.indicators(actor, &query).await?;
        let mut blocks = vec![
            Block::Title(format!("{}综治工作月报", view.org_name)),
            Block::Right(format!("{}年{}月", first.year(), first.month())),
            Block::Paragraph(format!(
                "统计期间 {} 至 {}；同比对照上年同期 {} 至 {}，环比对照 {} 至 {}。",
                view.from,
                view.to,
                view.compared_from,
                view.compared_to,
                view.previous_from,
                view.previous_to
            )),
            Block::Heading("一、主要指标".into()),
        ];
        let shown = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), format_value);
        let mut group = String::new();
        // Figures of now (open cases, 点亮率) say nothing of a month gone: the report leaves them out.
        for i in view.indicators.iter().filter(|i| !i.current) {
            if i.group != group {
                group.clone_from(&i.group);
                blocks.push(Block::Paragraph(format!("【{group}】")));
            }
            let with_unit = |v: Option<f64>| match v {
                Some(_) => format!("{}{}", shown(v), i.unit),
                None => "—".to_owned(),
            };
            let value = with_unit(i.value);
            blocks.push(Block::Paragraph(format!(
                "{}：{value}，同比{}，环比{}；年初至今{}，累计同比{}。",
                i.label,
                i.wording,
                i.mom_wording,
                with_unit(i.cumulative),
                i.cumulative_wording
            )));
        }
        let year_before = first
            .with_year(first.year() - 1)
            .unwrap_or(first)
            .format("%Y-%m")
            .to_string();
        for (n, (kind, label)) in CHARTED.iter().enumerate() {
            let ask = |at: &str| BreakdownQuery {
                org: org.map(str::to_owned),
                period: Some("month".into()),
                at: Some(at.to_owned()),
                kind: Some((*kind).to_owned()),
            };
            let (this_month, last_year) = (ask(&key), ask(&year_before));
            let (now, then) = tokio::try_join!(
                self.breakdown(actor, &this_month),
                self.breakdown(actor, &last_year)
            )?;
            let units = if now.units.is_empty() {
                &now.grids
            } else {
                &now.units
            };
            let before = if then.units.is_empty() {
                &then.grids
            } else {
                &then.units
            };
            let rows: Vec<(String, f64, f64)> = units
                .iter()
                .map(|u| {
                    let last = before
                        .iter()
                        .find(|b| b.code == u.code)
                        .map_or(0, |b| b.received);
                    (u.name.clone(), u.received as f64, last as f64)
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let title = format!(
                "{}、各单位{label}",
                ["二", "三", "四"].get(n).copied().unwrap_or("")
            );
            if rows.iter().all(|r| r.1 == 0.0 && r.2 == 0.0) {
                blocks.push(Block::Heading(title));
                blocks.push(Block::Paragraph("本月及上年同月均无记录。".into()));
            } else {
                blocks.push(Block::Bars(BarChart {
                    title,
                    legend: ("本月".into(), "上年同月".into()),
                    rows,
                }));
            }
        }
        blocks.push(Block::Gap(1.0));
        blocks.push(Block::Right(format!(
            "平安综治平台根据原始记录生成 · {}（北京时间）",
            format_minute(Utc::now())
        )));
        let bytes = write_pdf(&format!("{}综治工作月报 {key}", view.org_name), &blocks)?;
        self.audit(
            actor,
            "stats.report",
            "monthly",
            "ok",
            serde_json::json!({"org": view.org_code, "month": key}),
        )
        .await?;
        Ok(bytes)
    }
}
