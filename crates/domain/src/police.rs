//! 公安统计 — the monthly public-security figures a township's police station reports: 警情 by the
//! categories of the 110 statistics (有效 and 无效), 治安案件 (受理, 查处) and 刑事案件 (立案, 破案).
//! A 警情 is a report, not a case: the three groups are never added together; each is compared with
//! its own last year (同比) by [`crate::compare`].

use crate::labelled::labelled;

labelled! {
    /// 统计项 — one monthly figure.
    PoliceFigure {
        CriminalAlerts = "alert_criminal", "刑事类警情";
        PublicOrderAlerts = "alert_public_order", "治安类警情";
        DisasterAlerts = "alert_disaster", "治安灾害事故警情";
        TrafficAlerts = "alert_traffic", "交通事故警情";
        FireAlerts = "alert_fire", "火灾火警警情";
        DisputeAlerts = "alert_dispute", "纠纷警情";
        HelpAlerts = "alert_help", "群众求助警情";
        ComplaintAlerts = "alert_complaint", "举报投诉警情";
        OtherAlerts = "alert_other", "其他警情";
        /// 无效报警: hang-ups, misdials, harassment, repeats.
        InvalidAlerts = "alert_invalid", "无效报警";
        /// 治安案件受理.
        AdminAccepted = "admin_accepted", "治安案件受理";
        /// 治安案件查处 (处罚 or 调解结案).
        AdminHandled = "admin_handled", "治安案件查处";
        /// 刑事立案, by 立案日期.
        CriminalFiled = "criminal_filed", "刑事立案";
        /// 破案.
        CriminalSolved = "criminal_solved", "破案";
    }
}

/// 统计口径 — a line of the year's table: a figure, or a sum within one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoliceLine {
    pub key: &'static str,
    pub label: &'static str,
    /// The figures it adds up, all of one group.
    pub figures: &'static [PoliceFigure],
}

use PoliceFigure::*;

const VALID_ALERTS: &[PoliceFigure] = &[
    CriminalAlerts,
    PublicOrderAlerts,
    DisasterAlerts,
    TrafficAlerts,
    FireAlerts,
    DisputeAlerts,
    HelpAlerts,
    ComplaintAlerts,
    OtherAlerts,
];

/// The lines of the year's table, in the order the bulletins give them.
pub const LINES: &[PoliceLine] = &[
    PoliceLine {
        key: "offence_alerts",
        label: "违法犯罪警情（刑事类＋治安类）",
        figures: &[CriminalAlerts, PublicOrderAlerts],
    },
    PoliceLine {
        key: "criminal_alerts",
        label: "刑事类警情",
        figures: &[CriminalAlerts],
    },
    PoliceLine {
        key: "public_order_alerts",
        label: "治安类警情",
        figures: &[PublicOrderAlerts],
    },
    PoliceLine {
        key: "valid_alerts",
        label: "有效警情",
        figures: VALID_ALERTS,
    },
    PoliceLine {
        key: "received_alerts",
        label: "接报警情（有效＋无效）",
        figures: &[
            CriminalAlerts,
            PublicOrderAlerts,
            DisasterAlerts,
            TrafficAlerts,
            FireAlerts,
            DisputeAlerts,
            HelpAlerts,
            ComplaintAlerts,
            OtherAlerts,
            InvalidAlerts,
        ],
    },
    PoliceLine {
        key: "admin_accepted",
        label: "治安案件受理",
        figures: &[AdminAccepted],
    },
    PoliceLine {
        key: "admin_handled",
        label: "治安案件查处",
        figures: &[AdminHandled],
    },
    PoliceLine {
        key: "criminal_filed",
        label: "刑事立案",
        figures: &[CriminalFiled],
    },
    PoliceLine {
        key: "criminal_solved",
        label: "破案",
        figures: &[CriminalSolved],
    },
];

/// The largest monthly figure accepted for one township (a typo guard).
pub const MAX_MONTHLY: i64 = 1_000_000;

/// Checks a month's figures for one township: each 0 to [`MAX_MONTHLY`], 查处 not above 受理 and
/// 破案 not above what could be solved (it may include older cases, so only a sanity bound).
pub fn check_month(figures: &[(PoliceFigure, i64)]) -> Result<(), String> {
    for (f, v) in figures {
        if !(0..=MAX_MONTHLY).contains(v) {
            return Err(format!("{}应为 0 到 {MAX_MONTHLY} 之间的整数", f.label()));
        }
    }
    Ok(())
}

/// A month as `YYYY-MM`, checked: from 2000 to `latest` (this month).
pub fn parse_month(s: &str, latest: (i32, u32)) -> Result<(i32, u32), String> {
    let s = s.trim();
    let bad = || {
        format!(
            "月份应写作 2020-12 这样的“年-月”，收到“{}”",
            s.chars().take(20).collect::<String>()
        )
    };
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || y < 2000 || (y, m) > latest {
        return Err(format!("月份 {s} 不在 2000-01 到本月之间"));
    }
    Ok((y, m))
}

/// The 破案率 in percent, one decimal: solved ÷ filed.
pub fn solve_rate(solved: i64, filed: i64) -> Option<f64> {
    (filed > 0).then(|| (solved as f64 * 1000.0 / filed as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_never_mix_the_groups() {
        let group = |f: PoliceFigure| {
            if f.code().starts_with("alert_") {
                0
            } else if f.code().starts_with("admin_") {
                1
            } else {
                2
            }
        };
        for line in LINES {
            let first = line.figures.first().map(|f| group(*f));
            assert!(
                line.figures.iter().all(|f| Some(group(*f)) == first),
                "{}",
                line.key
            );
        }
        let received = LINES.iter().find(|l| l.key == "received_alerts").unwrap();
        assert_eq!(received.figures.len(), VALID_ALERTS.len() + 1);
    }

    #[test]
    fn months_and_figures_are_checked() {
        assert_eq!(parse_month("2020-12", (2026, 12)), Ok((2020, 12)));
        assert!(parse_month("2020-13", (2026, 12)).is_err());
        assert!(parse_month("2027-01", (2026, 12)).is_err());
        assert!(parse_month("202012", (2026, 12)).is_err());
        assert!(check_month(&[(CriminalFiled, -1)]).is_err());
        assert!(check_month(&[(CriminalFiled, 12)]).is_ok());
        assert_eq!(solve_rate(78, 100), Some(78.0));
        assert_eq!(solve_rate(1, 0), None);
    }
}
