//! 工作日历 — working days, Chinese public holidays and 调休 make-up workdays, and the deadlines
//! computed against them in the four time units of the hub's time limits.
//!
//! A year without an entered calendar falls back to Monday–Friday working days; the hub warns the
//! administrators about such years (the State Council publishes the next year's 放假安排 each
//! November or December).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// 日历例外 — a day that breaks the Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayException {
    /// 放假 — a weekday off (and weekend days inside a holiday, for display).
    Holiday(String),
    /// 调休上班 — a weekend day worked to make up for a holiday.
    MakeUpWorkday(String),
}

/// 时限单位 — the unit a time limit is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// 工作时 — hours within office hours on working days.
    WorkHours,
    /// 工作日 — whole working days after the day of receipt (a day off counts as the next working
    /// day); due at the close of office.
    WorkDays,
    /// 紧急工作时 — hours around the clock (urgent cases do not wait for office hours).
    UrgentHours,
    /// 自然日 — calendar days.
    NaturalDays,
    /// 法定期间 — calendar days as the law counts a period (人民调解法, 信访工作条例, 民事诉讼法
    /// Art 85): from the day after the start, and a period whose last day is a day off ends on the
    /// next working day; due at the close of office.
    StatutoryDays,
}

impl TimeUnit {
    pub const fn label(self) -> &'static str {
        match self {
            TimeUnit::WorkHours => "工作时",
            TimeUnit::WorkDays => "工作日",
            TimeUnit::UrgentHours => "紧急工作时",
            TimeUnit::NaturalDays => "自然日",
            TimeUnit::StatutoryDays => "日（期满逢节假日顺延）",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            TimeUnit::WorkHours => "work_hours",
            TimeUnit::WorkDays => "work_days",
            TimeUnit::UrgentHours => "urgent_hours",
            TimeUnit::NaturalDays => "natural_days",
            TimeUnit::StatutoryDays => "statutory_days",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::WorkHours,
            Self::WorkDays,
            Self::UrgentHours,
            Self::NaturalDays,
            Self::StatutoryDays,
        ]
        .into_iter()
        .find(|u| u.as_str() == s)
    }
}

/// 工作日历 — working days and office hours, in Beijing time.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkCalendar {
    exceptions: BTreeMap<NaiveDate, DayException>,
    /// Years whose official arrangement has been entered.
    known_years: BTreeSet<i32>,
    /// Office hours of a working day, in order, not overlapping.
    office_hours: Vec<(NaiveTime, NaiveTime)>,
}

/// `day` at `time` in the offset of `like` (Beijing time has no daylight saving, so this always
/// exists; `like` itself is the fallback).
fn same_zone_at(
    like: DateTime<FixedOffset>,
    day: NaiveDate,
    time: NaiveTime,
) -> DateTime<FixedOffset> {
    like.offset()
        .from_local_datetime(&day.and_time(time))
        .single()
        .unwrap_or(like)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for WorkCalendar {
    /// Monday–Friday, 08:30–12:00 and 14:00–17:30, no holidays known.
    fn default() -> Self {
        Self {
            exceptions: BTreeMap::new(),
            known_years: BTreeSet::new(),
            office_hours: vec![(hm(8, 30), hm(12, 0)), (hm(14, 0), hm(17, 30))],
        }
    }
}

impl WorkCalendar {
    /// A calendar with the given exceptions; the years they fall in count as entered.
    pub fn new(exceptions: impl IntoIterator<Item = (NaiveDate, DayException)>) -> Self {
        let mut c = Self::default();
        for (day, e) in exceptions {
            c.known_years.insert(day.year());
            c.exceptions.insert(day, e);
        }
        c
    }

    /// Whether the year's official arrangement has been entered.
    pub fn knows_year(&self, year: i32) -> bool {
        self.known_years.contains(&year)
    }

    /// The exception of a day, if any.
    pub fn exception(&self, day: NaiveDate) -> Option<&DayException> {
        self.exceptions.get(&day)
    }

    /// Whether people work on `day`.
    pub fn is_workday(&self, day: NaiveDate) -> bool {
        match self.exceptions.get(&day) {
            Some(DayException::Holiday(_)) => false,
            Some(DayException::MakeUpWorkday(_)) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The working day after `day`.
    pub fn next_workday(&self, day: NaiveDate) -> NaiveDate {
        self.step_to_workday(day, NaiveDate::succ_opt)
    }

    /// The first working day reached from `day` by repeating `step` (a day forward or back).
    fn step_to_workday(
        &self,
        day: NaiveDate,
        step: fn(&NaiveDate) -> Option<NaiveDate>,
    ) -> NaiveDate {
        let mut d = day;
        // A year has at most a few weeks of consecutive days off; 400 days bounds any data error.
        for _ in 0..400 {
            d = step(&d).unwrap_or(d);
            if self.is_workday(d) {
                return d;
            }
        }
        d
    }

    fn close_of_office(&self) -> NaiveTime {
        self.office_hours.last().map_or(hm(17, 30), |(_, end)| *end)
    }

    /// The deadline of a time limit of `amount` units that starts at `start` (Beijing time).
    pub fn deadline(
        &self,
        start: DateTime<FixedOffset>,
        amount: u32,
        unit: TimeUnit,
    ) -> DateTime<FixedOffset> {
        let at = |day: NaiveDate, time: NaiveTime| same_zone_at(start, day, time);
        match unit {
            TimeUnit::UrgentHours => start + Duration::hours(i64::from(amount)),
            TimeUnit::NaturalDays => start + Duration::days(i64::from(amount)),
            TimeUnit::StatutoryDays => {
                let mut day = start.date_naive() + Duration::days(i64::from(amount));
                if !self.is_workday(day) {
                    day = self.next_workday(day);
                }
                at(day, self.close_of_office())
            }
            TimeUnit::WorkDays => {
                // Something received on a day off counts as received on the next working day;
                // the limit runs from the working day after receipt.
                let mut day = start.date_naive();
                if !self.is_workday(day) {
                    day = self.next_workday(day);
                }
                for _ in 0..amount {
                    day = self.next_workday(day);
                }
                at(day, self.close_of_office())
            }
            TimeUnit::WorkHours => self.shift_work_minutes(start, i64::from(amount) * 60),
        }
    }

    /// Minutes of office time in a working day (420 with the default hours).
    pub fn office_minutes_per_day(&self) -> i64 {
        self.office_hours
            .iter()
            .map(|(open, close)| (*close - *open).num_minutes())
            .sum()
    }

    /// The working day `n` working days after (`n` > 0) or before (`n` < 0) `day`.
    pub fn add_workdays(&self, day: NaiveDate, n: i32) -> NaiveDate {
        let mut d = day;
        for _ in 0..n.unsigned_abs() {
            d = if n > 0 {
                self.next_workday(d)
            } else {
                self.previous_workday(d)
            };
        }
        d
    }

    /// The working day before `day`.
    pub fn previous_workday(&self, day: NaiveDate) -> NaiveDate {
        self.step_to_workday(day, NaiveDate::pred_opt)
    }

    /// The instant `minutes` of office time after (or, negative, before) `start`. Time outside
    /// office hours does not count; the result lies in office hours (its end bounds included).
    pub fn shift_work_minutes(
        &self,
        start: DateTime<FixedOffset>,
        minutes: i64,
    ) -> DateTime<FixedOffset> {
        let at = |day: NaiveDate, time: NaiveTime| same_zone_at(start, day, time);
        let mut left = minutes.abs();
        let mut day = start.date_naive();
        let forward = minutes >= 0;
        // Bounded walk: 800 days cover any limit the hub uses, even across long holidays.
        for first in (0..800).map(|i| i == 0) {
            if self.is_workday(day) {
                let periods: Vec<_> = if forward {
                    self.office_hours.clone()
                } else {
                    self.office_hours.iter().rev().copied().collect()
                };
                for (open, close) in periods {
                    let (begin, end) = if forward {
                        let from = if first { start.time() } else { NaiveTime::MIN };
                        (from.max(open), close)
                    } else {
                        let to = if first { start.time() } else { hm(23, 59) };
                        (open, to.min(close))
                    };
                    if begin >= end {
                        continue;
                    }
                    let available = (end - begin).num_minutes();
                    if left <= available {
                        return if forward {
                            at(day, begin + Duration::minutes(left))
                        } else {
                            at(day, end - Duration::minutes(left))
                        };
                    }
                    left -= available;
                }
            }
            day = if forward {
                day.succ_opt()
            } else {
                day.pred_opt()
            }
            .unwrap_or(day);
        }
        at(day, self.close_of_office())
    }
}

/// The 2026 arrangement (国务院办公厅, 2025-11-04): days off and make-up workdays.
pub fn official_2026() -> Vec<(NaiveDate, DayException)> {
    let holidays: [(&str, u32, u32, u32); 7] = [
        ("元旦", 1, 1, 3),
        ("春节", 2, 15, 23),
        ("清明节", 4, 4, 6),
        ("劳动节", 5, 1, 5),
        ("端午节", 6, 19, 21),
        ("中秋节", 9, 25, 27),
        ("国庆节", 10, 1, 7),
    ];
    let make_up: [(&str, u32, u32); 6] = [
        ("元旦", 1, 4),
        ("春节", 2, 14),
        ("春节", 2, 28),
        ("劳动节", 5, 9),
        ("国庆节", 9, 20),
        ("国庆节", 10, 10),
    ];
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    let mut out = Vec::new();
    for (name, month, first, last) in holidays {
        for d in first..=last {
            out.extend(day(month, d).map(|date| (date, DayException::Holiday(name.to_owned()))));
        }
    }
    for (name, month, d) in make_up {
        out.extend(
            day(month, d).map(|date| (date, DayException::MakeUpWorkday(format!("{name}调休")))),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bj(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        crate::time::shanghai()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::new(official_2026())
    }

    #[test]
    fn the_2026_arrangement() {
        let c = calendar();
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert!(!c.is_workday(d(10, 1)), "国庆");
        assert!(c.is_workday(d(10, 10)), "a Saturday worked for 国庆");
        assert!(c.is_workday(d(2, 14)) && c.is_workday(d(2, 28)));
        assert!(!c.is_workday(d(2, 16)), "春节 Monday");
        assert!(c.is_workday(d(11, 27)), "an ordinary Friday");
        assert!(!c.is_workday(d(11, 28)), "an ordinary Saturday");
        assert!(c.knows_year(2026) && !c.knows_year(2027));
        let off = official_2026()
            .iter()
            .filter(|(_, e)| matches!(e, DayException::Holiday(_)))
            .count();
        assert_eq!(off, 3 + 9 + 3 + 5 + 3 + 3 + 7);
    }

    #[test]
    fn work_days_skip_holidays_and_end_at_the_close_of_office() {
        let c = calendar();
        // Received Wednesday 30 September; 3 working days: 国庆 1–7 off, Thu 8, Fri 9, Sat 10 (worked).
        assert_eq!(
            c.deadline(bj(2026, 9, 30, 10, 0), 3, TimeUnit::WorkDays),
            bj(2026, 10, 10, 17, 30)
        );
        // An ordinary week: Friday + 1 working day = Monday.
        assert_eq!(
            c.deadline(bj(2026, 11, 27, 16, 0), 1, TimeUnit::WorkDays),
            bj(2026, 11, 30, 17, 30)
        );
        // Received on Saturday: deemed received Monday, 1 working day = Tuesday.
        assert_eq!(
            c.deadline(bj(2026, 11, 28, 10, 0), 1, TimeUnit::WorkDays),
            bj(2026, 12, 1, 17, 30)
        );
    }

    #[test]
    fn work_hours_run_in_office_hours_only() {
        let c = calendar();
        // 2 hours from Friday 16:30: one hour on Friday, one from Monday 08:30.
        assert_eq!(
            c.deadline(bj(2026, 11, 27, 16, 30), 2, TimeUnit::WorkHours),
            bj(2026, 11, 30, 9, 30)
        );
        // Across lunch: 3 hours from 11:00 = 1 h before noon, 2 h from 14:00.
        assert_eq!(
            c.deadline(bj(2026, 11, 26, 11, 0), 3, TimeUnit::WorkHours),
            bj(2026, 11, 26, 16, 0)
        );
        // Started at night: counting begins at the next opening.
        assert_eq!(
            c.deadline(bj(2026, 11, 26, 22, 0), 1, TimeUnit::WorkHours),
            bj(2026, 11, 27, 9, 30)
        );
    }

    #[test]
    fn urgent_hours_and_natural_days_ignore_the_calendar() {
        let c = calendar();
        assert_eq!(
            c.deadline(bj(2026, 10, 1, 23, 0), 2, TimeUnit::UrgentHours),
            bj(2026, 10, 2, 1, 0)
        );
        assert_eq!(
            c.deadline(bj(2026, 10, 1, 9, 0), 15, TimeUnit::NaturalDays),
            bj(2026, 10, 16, 9, 0)
        );
        assert_eq!(TimeUnit::parse("work_days"), Some(TimeUnit::WorkDays));
        assert_eq!(
            TimeUnit::parse("statutory_days"),
            Some(TimeUnit::StatutoryDays)
        );
        assert_eq!(TimeUnit::WorkHours.label(), "工作时");
    }

    #[test]
    fn a_statutory_period_ending_on_a_day_off_ends_on_the_next_working_day() {
        let c = calendar();
        // 30 days from 2026-09-05 end on 2026-10-05, inside the National Day holiday: the
        // period ends on the first working day after it, at the close of office.
        assert_eq!(
            c.deadline(bj(2026, 9, 5, 10, 0), 30, TimeUnit::StatutoryDays),
            bj(2026, 10, 8, 17, 30)
        );
        // Ending on a working day: that day, at the close of office.
        assert_eq!(
            c.deadline(bj(2026, 11, 2, 10, 0), 30, TimeUnit::StatutoryDays),
            bj(2026, 12, 2, 17, 30)
        );
    }

    proptest! {
        #[test]
        fn statutory_periods_end_on_working_days_never_before_the_calendar_day(day in 0i64..700, hour in 0u32..24, n in 1u32..60) {
            let c = calendar();
            let start = bj(2026, 1, 1, hour, 0) + Duration::days(day);
            let end = c.deadline(start, n, TimeUnit::StatutoryDays);
            prop_assert!(c.is_workday(end.date_naive()));
            prop_assert!(end.date_naive() >= start.date_naive() + Duration::days(i64::from(n)));
            // Only days off lie between the calendar day and the day it ends.
            let mut d = start.date_naive() + Duration::days(i64::from(n));
            while d < end.date_naive() {
                prop_assert!(!c.is_workday(d));
                d += Duration::days(1);
            }
        }

        #[test]
        fn work_day_deadlines_fall_on_working_days_and_grow(day in 0i64..700, hour in 0u32..24, n in 0u32..30) {
            let c = calendar();
            let start = bj(2026, 1, 1, hour, 0) + Duration::days(day);
            let due = c.deadline(start, n, TimeUnit::WorkDays);
            prop_assert!(c.is_workday(due.date_naive()));
            prop_assert_eq!(due.time(), hm(17, 30));
            prop_assert!(due >= start.date_naive().and_time(NaiveTime::MIN).and_local_timezone(*start.offset()).unwrap());
            prop_assert!(c.deadline(start, n + 1, TimeUnit::WorkDays) > due);
        }

        #[test]
        fn work_hour_deadlines_are_in_office_hours_and_grow(day in 0i64..700, minute in 0i64..1440, h in 1u32..40) {
            let c = calendar();
            let start = bj(2026, 1, 1, 0, 0) + Duration::days(day) + Duration::minutes(minute);
            let due = c.deadline(start, h, TimeUnit::WorkHours);
            prop_assert!(due > start);
            prop_assert!(c.is_workday(due.date_naive()));
            let t = due.time();
            prop_assert!((hm(8, 30) < t && t <= hm(12, 0)) || (hm(14, 0) < t && t <= hm(17, 30)), "{}", due);
            prop_assert!(c.deadline(start, h + 1, TimeUnit::WorkHours) > due);
        }

        #[test]
        fn shifting_working_time_there_and_back_returns_to_the_same_instant(
            day in 0i64..700, minute in 1i64..420, n in 0i64..6000
        ) {
            let c = calendar();
            // A working instant strictly inside office hours of a working day.
            let date = c.next_workday(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(day));
            let time = if minute < 210 { hm(8, 30) } else { hm(14, 0) - Duration::minutes(210) } + Duration::minutes(minute);
            let t = date.and_time(time).and_local_timezone(shanghai_offset()).unwrap();
            let there = c.shift_work_minutes(t, n);
            prop_assert_eq!(c.shift_work_minutes(there, -n), t);
        }

        #[test]
        fn adding_and_subtracting_working_days_returns_to_the_same_day(day in 0i64..700, n in 0i32..60) {
            let c = calendar();
            let d = c.next_workday(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(day));
            let there = c.add_workdays(d, n);
            prop_assert!(c.is_workday(there));
            prop_assert_eq!(c.add_workdays(there, -n), d);
        }
    }

    fn shanghai_offset() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }
}
