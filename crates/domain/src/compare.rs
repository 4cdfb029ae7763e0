//! 同比 / 环比 — how a figure compares with an earlier period, worded as Chinese statistics
//! bulletins word it: "上升 4.6%", "下降 20.5%", "持平", "上年同期为0，新增3起" for counts, and
//! "上升 1.2 个百分点" for rates.

/// The growth of a count from `before` to `now`, one decimal; `unit` names what is counted
/// (起, 件, 人) for the base-zero wording.
pub fn growth(now: i64, before: i64, base: &str, unit: &str) -> String {
    if now == before {
        return "持平".into();
    }
    if before == 0 {
        return format!("{base}为0，新增{now}{unit}");
    }
    let pct = (now - before) as f64 * 100.0 / before as f64;
    let word = if pct > 0.0 { "上升" } else { "下降" };
    format!("{word} {:.1}%", pct.abs())
}

/// The change of a rate (in percent) from `before` to `now`, in 百分点; none when either is
/// unknown.
pub fn rate_change(now: Option<f64>, before: Option<f64>) -> Option<String> {
    let diff = ((now? - before?) * 10.0).round() / 10.0;
    Some(if diff == 0.0 {
        "持平".into()
    } else if diff > 0.0 {
        format!("上升 {diff:.1} 个百分点")
    } else {
        format!("下降 {:.1} 个百分点", -diff)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_worded_as_bulletins_word_them() {
        assert_eq!(growth(62, 81, "上年同期", "起"), "下降 23.5%");
        assert_eq!(growth(81, 62, "上年同期", "起"), "上升 30.6%");
        assert_eq!(growth(5, 5, "上年同期", "起"), "持平");
        assert_eq!(growth(3, 0, "上年同期", "起"), "上年同期为0，新增3起");
        assert_eq!(growth(0, 4, "上期", "件"), "下降 100.0%");
    }

    #[test]
    fn rates_change_in_percentage_points() {
        assert_eq!(
            rate_change(Some(96.4), Some(95.2)).as_deref(),
            Some("上升 1.2 个百分点")
        );
        assert_eq!(
            rate_change(Some(95.0), Some(97.25)).as_deref(),
            Some("下降 2.3 个百分点")
        );
        assert_eq!(rate_change(Some(95.0), Some(95.0)).as_deref(), Some("持平"));
        assert_eq!(rate_change(None, Some(95.0)), None);
    }
}
