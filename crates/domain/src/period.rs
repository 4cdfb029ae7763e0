//! 统计周期 — the periods figures are given for (日, 周 Monday to Sunday, 月, 季, 年, Asia/Shanghai
//! days), the periods they are compared with (上期 for 环比, 上年同期 for 同比, 年初至今 for 累计),
//! and the kept day and month totals that add up to a period.

use chrono::{Datelike, Duration, NaiveDate};

/// 周期类型 — how long a statistics period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Day,
    /// 周: Monday to Sunday.
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "day" => Self::Day,
            "week" => Self::Week,
            "month" => Self::Month,
            "quarter" => Self::Quarter,
            "year" => Self::Year,
            _ => return None,
        })
    }

    pub const ALL: [PeriodKind; 5] = [
        Self::Day,
        Self::Week,
        Self::Month,
        Self::Quarter,
        Self::Year,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Day => "日",
            Self::Week => "周",
            Self::Month => "月",
            Self::Quarter => "季度",
            Self::Year => "年",
        }
    }
}

/// 统计周期 — the days `first..=last` of one period of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The grain of one piece of a period: a whole month or single days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Whole months `first..=last` (their first days).
    Months(NaiveDate, NaiveDate),
    /// Days `first..=last`.
    Days(NaiveDate, NaiveDate),
}

/// The whole months and the loose days of the days `first..=last` (any span, not only a period of
/// a kind), each day in exactly one piece.
pub fn pieces(first: NaiveDate, last: NaiveDate) -> Vec<Piece> {
    let mut out = Vec::new();
    let whole_from = if first.day() == 1 {
        first
    } else {
        add_months(month_start(first), 1)
    };
    let whole_to = if last == month_end(last) {
        month_start(last)
    } else {
        add_months(month_start(last), -1)
    };
    if whole_from > whole_to {
        out.push(Piece::Days(first, last));
        return out;
    }
    if first < whole_from {
        out.push(Piece::Days(first, whole_from - Duration::days(1)));
    }
    out.push(Piece::Months(whole_from, whole_to));
    let after = month_end(whole_to) + Duration::days(1);
    if after <= last {
        out.push(Piece::Days(after, last));
    }
    out
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let m = d.year() * 12 + d.month0() as i32 + n;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// The last day of the month `d` lies in.
fn month_end(d: NaiveDate) -> NaiveDate {
    add_months(month_start(d), 1) - Duration::days(1)
}

/// The same day a year before (28 February for a 29th).
fn year_before(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, d.month(), 28))
        .unwrap_or(d)
}

impl Period {
    /// The period of `kind` holding the day `at`.
    pub fn holding(kind: PeriodKind, at: NaiveDate) -> Self {
        let (first, last) = match kind {
            PeriodKind::Day => (at, at),
            PeriodKind::Week => {
                let first = at - Duration::days(i64::from(at.weekday().num_days_from_monday()));
                (first, first + Duration::days(6))
            }
            PeriodKind::Month => (month_start(at), month_end(at)),
            PeriodKind::Quarter => {
                let first = add_months(month_start(at), -((at.month0() % 3) as i32));
                (first, month_end(add_months(first, 2)))
            }
            PeriodKind::Year => (
                NaiveDate::from_ymd_opt(at.year(), 1, 1).unwrap_or(at),
                NaiveDate::from_ymd_opt(at.year(), 12, 31).unwrap_or(at),
            ),
        };
        Self { kind, first, last }
    }

    /// The period of `kind` named by `at`: `YYYY-MM-DD` (the period holding that day), `YYYY-MM`
    /// or `YYYY` (the period holding its first day).
    pub fn parse(kind: PeriodKind, at: &str) -> Option<Self> {
        let at = at.trim();
        let day = match at.len() {
            10 => NaiveDate::parse_from_str(at, "%Y-%m-%d").ok()?,
            7 => NaiveDate::parse_from_str(&format!("{at}-01"), "%Y-%m-%d").ok()?,
            4 => NaiveDate::from_ymd_opt(at.parse().ok()?, 1, 1)?,
            _ => return None,
        };
        Some(Self::holding(kind, day))
    }

    /// 上期 — the period just before (环比).
    pub fn previous(&self) -> Self {
        Self::holding(self.kind, self.first - Duration::days(1))
    }

    /// 上年同期 — the same days a year before (同比); a week is the week of the same number.
    pub fn year_before(&self) -> Self {
        match self.kind {
            PeriodKind::Week => Self::holding(self.kind, self.first - Duration::days(364)),
            _ => Self::holding(self.kind, year_before(self.first)),
        }
    }

    /// The same calendar days a year before (累计同比 of 年初至今: 1 January to the same date).
    pub fn same_days_a_year_before(&self) -> Self {
        Self {
            kind: self.kind,
            first: year_before(self.first),
            last: year_before(self.last),
        }
    }

    /// 年初至今 — from 1 January to this period's last day (累计).
    pub fn year_to_date(&self) -> Self {
        Self {
            kind: PeriodKind::Year,
            first: NaiveDate::from_ymd_opt(self.last.year(), 1, 1).unwrap_or(self.first),
            last: self.last,
        }
    }

    /// This period cut at `today` when it is not over (figures of a period in progress are
    /// compared over as many days of the other period: 累计同比).
    pub fn so_far(&self, today: NaiveDate) -> Self {
        Self {
            last: self.last.min(today).max(self.first),
            ..*self
        }
    }

    /// The other period cut to as many days as this one has: the first `days()` days of it.
    pub fn as_long_as(&self, other: &Period) -> Self {
        let days = other.days().min(self.days());
        Self {
            last: self.first + Duration::days(days - 1),
            ..*self
        }
    }

    /// How many days it holds.
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// The whole months and the loose days that make it up, each day in exactly one piece.
    pub fn pieces(&self) -> Vec<Piece> {
        pieces(self.first, self.last)
    }

    /// How the period reads: "2020年12月7日", "2020年第50周（12月7日—12月13日）", "2020年12月",
    /// "2020年第4季度", "2020年".
    pub fn label(&self) -> String {
        let (y, m, d) = (self.first.year(), self.first.month(), self.first.day());
        match self.kind {
            PeriodKind::Day => format!("{y}年{m}月{d}日"),
            PeriodKind::Week => format!(
                "{}年第{}周（{m}月{d}日—{}月{}日）",
                self.first.iso_week().year(),
                self.first.iso_week().week(),
                self.last.month(),
                self.last.day()
            ),
            PeriodKind::Month => format!("{y}年{m}月"),
            PeriodKind::Quarter => format!("{y}年第{}季度", self.first.month0() / 3 + 1),
            PeriodKind::Year => format!("{y}年"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_hold_the_days_chinese_statistics_use() {
        let p = Period::parse(PeriodKind::Week, "2020-12-09").unwrap();
        assert_eq!((p.first, p.last), (day("2020-12-07"), day("2020-12-13")));
        assert_eq!(p.label(), "2020年第50周（12月7日—12月13日）");
        let q = Period::parse(PeriodKind::Quarter, "2020-11").unwrap();
        assert_eq!((q.first, q.last), (day("2020-10-01"), day("2020-12-31")));
        assert_eq!(q.label(), "2020年第4季度");
        let m = Period::parse(PeriodKind::Month, "2020-02").unwrap();
        assert_eq!(m.last, day("2020-02-29"));
        assert_eq!(m.year_before().last, day("2019-02-28"));
        assert_eq!(m.previous().label(), "2020年1月");
        assert_eq!(
            Period::parse(PeriodKind::Year, "2020").unwrap().label(),
            "2020年"
        );
        assert!(Period::parse(PeriodKind::Month, "2020-13").is_none());
        let ytd = m.year_to_date();
        assert_eq!(
            (ytd.first, ytd.last),
            (day("2020-01-01"), day("2020-02-29"))
        );
    }

    #[test]
    fn a_period_in_progress_is_compared_over_as_many_days() {
        let m = Period::parse(PeriodKind::Month, "2020-12").unwrap();
        let now = m.so_far(day("2020-12-07"));
        assert_eq!(now.days(), 7);
        let before = m.year_before().as_long_as(&now);
        assert_eq!(
            (before.first, before.last),
            (day("2019-12-01"), day("2019-12-07"))
        );
    }

    #[test]
    fn pieces_use_whole_months_where_they_can() {
        let p = Period {
            kind: PeriodKind::Year,
            first: day("2020-01-15"),
            last: day("2020-04-03"),
        };
        assert_eq!(
            p.pieces(),
            vec![
                Piece::Days(day("2020-01-15"), day("2020-01-31")),
                Piece::Months(day("2020-02-01"), day("2020-03-01")),
                Piece::Days(day("2020-04-01"), day("2020-04-03")),
            ]
        );
    }

    proptest! {
        #[test]
        fn pieces_hold_each_day_once(start in 0i64..3000, len in 0i64..800) {
            let first = day("2018-01-01") + Duration::days(start);
            let p = Period { kind: PeriodKind::Year, first, last: first + Duration::days(len) };
            let mut days = Vec::new();
            for piece in p.pieces() {
                match piece {
                    Piece::Days(a, b) => {
                        let mut d = a;
                        while d <= b { days.push(d); d += Duration::days(1); }
                    }
                    Piece::Months(a, b) => {
                        prop_assert_eq!(a.day(), 1);
                        let mut m = a;
                        while m <= b {
                            let mut d = m;
                            while d <= month_end(m) { days.push(d); d += Duration::days(1); }
                            m = add_months(m, 1);
                        }
                    }
                }
            }
            let want: Vec<NaiveDate> = (0..=len).map(|i| first + Duration::days(i)).collect();
            prop_assert_eq!(days, want);
        }

        #[test]
        fn every_period_holds_its_day_and_follows_the_previous(
            start in 0i64..4000, k in 0usize..5
        ) {
            let at = day("2016-01-01") + Duration::days(start);
            let p = Period::holding(PeriodKind::ALL[k], at);
            prop_assert!(p.first <= at && at <= p.last);
            prop_assert_eq!(p.previous().last + Duration::days(1), p.first);
            prop_assert_eq!(Period::holding(p.kind, p.last), p);
            let y = p.year_before();
            prop_assert!((358..=373).contains(&(p.first - y.first).num_days()));
        }
    }
}
