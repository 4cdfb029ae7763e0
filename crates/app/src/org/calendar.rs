//! 工作日历 — the calendar deadlines are computed against: the shipped official arrangement,
//! administrators' entries, and a warning when the current or next year has none.

use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use pingan_domain::Capability;
use pingan_domain::calendar::{DayException, TimeUnit, WorkCalendar, official_2026};
use pingan_store::CalendarDayRecord;
use serde::Serialize;
use serde_json::json;

/// A year of the calendar as shown.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    /// Whether the year's arrangement has been entered.
    pub entered: bool,
    /// `(day, "holiday" | "workday", name, "official" | "admin")`, in date order.
    pub days: Vec<(NaiveDate, String, String, String)>,
}

impl crate::services::Org<'_> {
    /// Fills years of the shipped arrangement that have no days at all; a year an administrator
    /// has edited is left as it is.
    pub(crate) async fn sync_official_calendar(self) -> Result<()> {
        let existing = self.store.calendar_days().await?;
        let shipped = official_2026();
        let years: std::collections::BTreeSet<i32> =
            shipped.iter().map(|(d, _)| d.year()).collect();
        for year in years {
            if existing.iter().any(|d| d.day.year() == year) {
                continue;
            }
            let rows: Vec<CalendarDayRecord> = shipped
                .iter()
                .filter(|(d, _)| d.year() == year)
                .map(|(d, e)| record(*d, e))
                .collect();
            self.store.insert_official_calendar_days(&rows).await?;
        }
        Ok(())
    }

    /// The calendar deadlines are computed against (kept for a minute; this instance's edits
    /// apply at once).
    pub async fn work_calendar(self) -> Result<std::sync::Arc<WorkCalendar>> {
        if let Some(c) = self.caches.calendar.get() {
            return Ok(c);
        }
        let days = self.store.calendar_days().await?;
        Ok(self
            .caches
            .calendar
            .put(WorkCalendar::new(days.into_iter().map(|d| {
                let e = if d.kind == "workday" {
                    DayException::MakeUpWorkday(d.name)
                } else {
                    DayException::Holiday(d.name)
                };
                (d.day, e)
            }))))
    }

    /// One year's exceptional days.
    pub async fn calendar_year(self, user: &CurrentUser, year: i32) -> Result<CalendarYear> {
        self.authorize_user(user, Capability::ViewOrg)?;
        let days: Vec<_> = self
            .store
            .calendar_days()
            .await?
            .into_iter()
            .filter(|d| d.day.year() == year)
            .map(|d| (d.day, d.kind, d.name, d.source))
            .collect();
        Ok(CalendarYear {
            year,
            entered: !days.is_empty(),
            days,
        })
    }

    /// Years among this and the next whose arrangement is missing (deadlines there fall back to
    /// Monday–Friday).
    pub async fn calendar_gaps(self) -> Result<Vec<i32>> {
        let calendar = self.work_calendar().await?;
        let this = pingan_domain::time::in_shanghai(Utc::now()).year();
        Ok([this, this + 1]
            .into_iter()
            .filter(|y| !calendar.knows_year(*y))
            .collect())
    }

    /// Enters or changes one day (系统管理员), audited with what it was before.
    pub async fn set_calendar_day(
        self,
        actor: &Actor,
        day: NaiveDate,
        workday: bool,
        name: &str,
    ) -> Result<()> {
        self.authorize(actor, Capability::ManageOrg, None)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 20 {
            return Err(AppError::Invalid(
                "请写明节日或调休名称（1 到 20 个字），如“春节”".into(),
            ));
        }
        let before = self.work_calendar().await?.exception(day).cloned();
        let kind = if workday { "workday" } else { "holiday" };
        self.store.set_calendar_day(day, kind, name).await?;
        self.caches.calendar.clear();
        let detail = json!({"day": day.to_string(), "before": format!("{before:?}"), "after": {"kind": kind, "name": name}});
        self.audit(
            actor,
            "calendar.set",
            &format!("calendar:{day}"),
            "ok",
            detail,
        )
        .await
    }

    /// Removes one day's exception, so that it follows the Monday–Friday rule again.
    pub async fn clear_calendar_day(self, actor: &Actor, day: NaiveDate) -> Result<()> {
        self.authorize(actor, Capability::ManageOrg, None)?;
        if !self.store.delete_calendar_day(day).await? {
            return Err(AppError::NotFound(format!("{day} 没有设置放假或调休")));
        }
        self.caches.calendar.clear();
        self.audit(
            actor,
            "calendar.clear",
            &format!("calendar:{day}"),
            "ok",
            json!({"day": day.to_string()}),
        )
        .await
    }

    /// The deadline of a time limit, for trying out limits before they are set on cases.
    pub async fn deadline_for(
        self,
        user: &CurrentUser,
        start: DateTime<FixedOffset>,
        amount: u32,
        unit: TimeUnit,
    ) -> Result<DateTime<FixedOffset>> {
        self.authorize_user(user, Capability::ViewOrg)?;
        if amount > 3650 {
            return Err(AppError::Invalid("时限不能超过 3650 个单位".into()));
        }
        let start = start.with_timezone(&pingan_domain::time::shanghai());
        Ok(self.work_calendar().await?.deadline(start, amount, unit))
    }
}

fn record(day: NaiveDate, e: &DayException) -> CalendarDayRecord {
    let (kind, name) = match e {
        DayException::Holiday(n) => ("holiday", n.clone()),
        DayException::MakeUpWorkday(n) => ("workday", n.clone()),
    };
    CalendarDayRecord {
        day,
        kind: kind.into(),
        name,
        source: "official".into(),
    }
}
