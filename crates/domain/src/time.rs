//! Time as people in the district read it: Asia/Shanghai (UTC+8, no daylight saving), and numbers
//! written the Chinese way.

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};

/// 北京时间 — Asia/Shanghai is UTC+8 all year.
pub fn shanghai() -> FixedOffset {
    // 8 × 3600 s is within the ±24 h that `east_opt` accepts, so the fallback never runs.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// `2026-11-27 21:48` in Beijing time.
pub fn format_minute(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A count with thousands separators, as figures are printed in Chinese reports (`905,678`).
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount of money in yuan as a Chinese table prints it: thousands grouped, two decimals
/// (`52,179.00`).
pub fn format_yuan(yuan: f64) -> String {
    let fen = (yuan * 100.0).round();
    let sign = if fen < 0.0 { "-" } else { "" };
    let fen = fen.abs() as u64;
    format!("{sign}{}.{:02}", format_count(fen / 100), fen % 100)
}

/// The day an instant falls on in Beijing.
pub fn beijing_date(t: DateTime<Utc>) -> chrono::NaiveDate {
    in_shanghai(t).date_naive()
}

/// The instant a Beijing day begins.
pub fn beijing_midnight(day: chrono::NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(chrono::NaiveTime::MIN);
    local.and_utc() - chrono::Duration::hours(8)
}

/// The same instant as it reads on a Beijing clock, for tests and logs.
pub fn in_shanghai(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    shanghai().from_utc_datetime(&t.naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_eight_hours_ahead() {
        let t = Utc.with_ymd_and_hms(2026, 11, 27, 21, 48, 7).unwrap();
        assert_eq!(format_minute(t), "2026-11-28 05:48");
        assert_eq!(in_shanghai(t).offset().local_minus_utc(), 8 * 3600);
        let day = beijing_date(t);
        assert_eq!(day.to_string(), "2026-11-28");
        assert_eq!(format_minute(beijing_midnight(day)), "2026-11-28 00:00");
    }

    #[test]
    fn money_is_grouped_with_two_decimals() {
        assert_eq!(format_yuan(52_179.0), "52,179.00");
        assert_eq!(format_yuan(1_234_567.891), "1,234,567.89");
        assert_eq!(format_yuan(0.5), "0.50");
        assert_eq!(format_yuan(-12.3), "-12.30");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(453), "453");
        assert_eq!(format_count(3600), "3,600");
        assert_eq!(format_count(905_678), "905,678");
        assert_eq!(format_count(1_234_567), "1,234,567");
    }
}
