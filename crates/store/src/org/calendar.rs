//! The work calendar's exceptional days.

use crate::{Result, Store, dispatch};
use chrono::{NaiveDate, Utc};

/// 日历例外 — a day off on a weekday or a day worked on a weekend, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CalendarDayRecord {
    pub day: NaiveDate,
    /// `holiday` or `workday`.
    pub kind: String,
    pub name: String,
    /// `official` (shipped) or `admin` (entered or changed by an administrator).
    pub source: String,
}

impl Store {
    /// Every exceptional day, in date order.
    pub async fn calendar_days(&self) -> Result<Vec<CalendarDayRecord>> {
        const SQL: &str = "SELECT day, kind, name, source FROM calendar_days ORDER BY day";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
    }

    /// Adds shipped days that are not there yet; days an administrator entered are kept.
    pub async fn insert_official_calendar_days(&self, days: &[CalendarDayRecord]) -> Result<()> {
        let now = Utc::now();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for d in days {
                sqlx::query(
                    "INSERT INTO calendar_days (day, kind, name, source, updated_at) VALUES ($1, $2, $3, 'official', $4)
                     ON CONFLICT (day) DO NOTHING",
                )
                .bind(d.day)
                .bind(&d.kind)
                .bind(&d.name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Sets one day (an administrator's entry).
    pub async fn set_calendar_day(&self, day: NaiveDate, kind: &str, name: &str) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO calendar_days (day, kind, name, source, updated_at) VALUES ($1, $2, $3, 'admin', $4)
                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                     source = 'admin', updated_at = excluded.updated_at",
            )
            .bind(day)
            .bind(kind)
            .bind(name)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Removes a day's exception; false if it had none.
    pub async fn delete_calendar_day(&self, day: NaiveDate) -> Result<bool> {
        let n = dispatch!(self, |p| {
            sqlx::query("DELETE FROM calendar_days WHERE day = $1")
                .bind(day)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }
}
