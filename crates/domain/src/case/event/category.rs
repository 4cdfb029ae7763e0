//! 事件分类 — the categories an event is filed under, with their handling limits (立结案标准) and
//! the kind of department that usually handles them.
//!
//! Two families ship: the 综治 grid-event categories (no national code table exists; the codes
//! `ZZ…` are ours) and the GB/T 30428 / CJ/T 214 城管 event classes (`CG` + the standard's
//! 2-digit 大类 code). Limits are defaults: the hub changes them per category in the database,
//! and a new version of this list never overwrites a changed limit.

use crate::calendar::TimeUnit;
use crate::case::TimeLimit;

/// The version of the shipped list; bump it when entries change.
pub const VERSION: &str = "2026.2";

/// 事件类别 — one category as shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCategory {
    pub code: &'static str,
    pub name: &'static str,
    /// The 大类 of a 小类.
    pub parent: Option<&'static str>,
    /// Which family: `综治` or `GB/T 30428`.
    pub family: &'static str,
    /// 处置时限 — how long the department has from signing for the case to reporting back.
    pub handling: TimeLimit,
    /// The kind of 成员单位 (e.g. `公安`, `城管`) that usually handles it, used to suggest a
    /// department when dispatching.
    pub department_kind: Option<&'static str>,
}

const fn cat(
    code: &'static str,
    name: &'static str,
    parent: Option<&'static str>,
    handling: TimeLimit,
    department_kind: Option<&'static str>,
) -> EventCategory {
    let family = if matches!(code.as_bytes(), [b'C', b'G', ..]) {
        "GB/T 30428"
    } else {
        "综治"
    };
    EventCategory {
        code,
        name,
        parent,
        family,
        handling,
        department_kind,
    }
}

const fn days(n: u32) -> TimeLimit {
    TimeLimit::new(n, TimeUnit::WorkDays)
}

const fn urgent(n: u32) -> TimeLimit {
    TimeLimit::new(n, TimeUnit::UrgentHours)
}

/// The shipped categories, 大类 before their 小类.
pub const CATEGORIES: &[EventCategory] = &[
    cat(
        "ZZ01",
        "矛盾纠纷",
        None,
        TimeLimit::new(30, TimeUnit::NaturalDays),
        Some("司法"),
    ),
    cat(
        "ZZ0101",
        "婚姻家庭纠纷",
        Some("ZZ01"),
        TimeLimit::new(30, TimeUnit::NaturalDays),
        Some("司法"),
    ),
    cat(
        "ZZ0102",
        "邻里纠纷",
        Some("ZZ01"),
        TimeLimit::new(30, TimeUnit::NaturalDays),
        Some("司法"),
    ),
    cat(
        "ZZ0103",
        "劳动争议",
        Some("ZZ01"),
        TimeLimit::new(30, TimeUnit::NaturalDays),
        Some("人社"),
    ),
    cat(
        "ZZ0104",
        "土地山林纠纷",
        Some("ZZ01"),
        TimeLimit::new(30, TimeUnit::NaturalDays),
        Some("自然资源"),
    ),
    cat(
        "ZZ0105",
        "物业纠纷",
        Some("ZZ01"),
        TimeLimit::new(30, TimeUnit::NaturalDays),
        Some("住建"),
    ),
    cat("ZZ02", "治安隐患", None, days(3), Some("公安")),
    cat(
        "ZZ0201",
        "可疑人员物品",
        Some("ZZ02"),
        urgent(4),
        Some("公安"),
    ),
    cat("ZZ0202", "黄赌毒线索", Some("ZZ02"), days(3), Some("公安")),
    cat(
        "ZZ0203",
        "涉毒违法犯罪",
        Some("ZZ02"),
        days(3),
        Some("公安"),
    ),
    cat("ZZ0204", "邪教活动", Some("ZZ02"), days(1), Some("公安")),
    cat("ZZ03", "安全隐患", None, days(2), Some("应急")),
    cat(
        "ZZ0301",
        "消防安全隐患",
        Some("ZZ03"),
        urgent(2),
        Some("消防"),
    ),
    cat(
        "ZZ0302",
        "安全生产隐患",
        Some("ZZ03"),
        days(2),
        Some("应急"),
    ),
    cat(
        "ZZ0303",
        "道路交通安全隐患",
        Some("ZZ03"),
        days(2),
        Some("交通"),
    ),
    cat(
        "ZZ0304",
        "燃气安全隐患",
        Some("ZZ03"),
        urgent(2),
        Some("住建"),
    ),
    cat(
        "ZZ0305",
        "危险化学品隐患",
        Some("ZZ03"),
        urgent(2),
        Some("应急"),
    ),
    cat(
        "ZZ0306",
        "食品药品安全隐患",
        Some("ZZ03"),
        days(2),
        Some("市场监管"),
    ),
    cat("ZZ04", "特殊人群", None, days(1), Some("司法")),
    cat(
        "ZZ0401",
        "特殊人群脱管失联",
        Some("ZZ04"),
        urgent(4),
        Some("公安"),
    ),
    cat(
        "ZZ0402",
        "肇事肇祸苗头",
        Some("ZZ04"),
        urgent(2),
        Some("卫健"),
    ),
    cat("ZZ05", "重点青少年", None, days(3), Some("教育")),
    cat("ZZ06", "涉稳苗头", None, urgent(4), Some("信访")),
    cat("ZZ07", "突发事件", None, urgent(2), Some("应急")),
    cat(
        "ZZ0701",
        "群体性事件",
        Some("ZZ07"),
        urgent(2),
        Some("公安"),
    ),
    cat(
        "ZZ0702",
        "重大安全事故",
        Some("ZZ07"),
        urgent(2),
        Some("应急"),
    ),
    cat("ZZ0703", "命案", Some("ZZ07"), urgent(2), Some("公安")),
    cat("ZZ08", "民生诉求", None, days(5), Some("民政")),
    cat("ZZ09", "政策咨询", None, days(3), None),
    cat("ZZ99", "其他", None, days(5), None),
    cat("CG01", "市容环境", None, days(2), Some("城管")),
    cat("CG0101", "暴露垃圾", Some("CG01"), days(1), Some("城管")),
    cat("CG0102", "道路不洁", Some("CG01"), days(1), Some("城管")),
    cat("CG02", "宣传广告", None, days(3), Some("城管")),
    cat("CG03", "施工管理", None, days(3), Some("住建")),
    cat("CG04", "突发事件（城管）", None, urgent(2), Some("城管")),
    cat("CG0401", "路面塌陷", Some("CG04"), urgent(2), Some("住建")),
    cat(
        "CG0402",
        "自来水管破裂",
        Some("CG04"),
        urgent(2),
        Some("水务"),
    ),
    cat("CG05", "街面秩序", None, days(1), Some("城管")),
    cat("CG0501", "占道经营", Some("CG05"), days(1), Some("城管")),
    cat("CG06", "其他事件（城管）", None, days(3), Some("城管")),
];

/// The shipped category with this code or this exact name.
pub fn find(code_or_name: &str) -> Option<&'static EventCategory> {
    CATEGORIES
        .iter()
        .find(|c| c.code == code_or_name || c.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_parents_come_first() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert!(
                CATEGORIES
                    .iter()
                    .skip(i + 1)
                    .all(|d| d.code != c.code && d.name != c.name),
                "{} repeats",
                c.code
            );
            if let Some(p) = c.parent {
                assert!(c.code.starts_with(p), "{} under {p}", c.code);
                assert!(
                    CATEGORIES.iter().take(i).any(|d| d.code == p),
                    "{p} before {}",
                    c.code
                );
            }
            assert!(c.handling.amount > 0);
        }
    }

    #[test]
    fn found_by_code_or_chinese_name() {
        assert_eq!(find("治安隐患").map(|c| c.code), Some("ZZ02"));
        assert_eq!(find("CG0501").map(|c| c.name), Some("占道经营"));
        assert_eq!(find("CG0501").map(|c| c.family), Some("GB/T 30428"));
        assert_eq!(find("ZZ07").map(|c| c.family), Some("综治"));
        assert!(find("治安").is_none());
    }
}
