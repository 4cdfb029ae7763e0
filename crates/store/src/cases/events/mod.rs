//! 事件 — what the event kind stores besides its case: its details (channel, category, place,
//! description), its scoped reads and lists, the duplicate candidates and the counts of the
//! 工作台; `intake` writes new events in batches.

pub(crate) mod intake;

use super::{CaseRecord, CaseRow, case_columns, scope_binds, scoped};
use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;
use pingan_domain::text::{like_contains, like_prefix};

/// 事件详情 — what an event adds to its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventDetail {
    pub client_id: String,
    pub channel: String,
    pub category_code: String,
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub address: Option<String>,
    pub self_resolved: bool,
}

/// An event with its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRecord {
    #[sqlx(flatten, try_from = "CaseRow")]
    pub case: CaseRecord,
    #[sqlx(flatten)]
    pub detail: EventDetail,
}

/// Filters of the event list; all optional. Results come newest first, `before_id` pages on.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub state: Option<String>,
    pub open: Option<bool>,
    pub alert: Option<String>,
    /// Category code prefix (`ZZ03` covers its 小类).
    pub category: Option<String>,
    /// Org-code prefix within the caller's scope (a township, a grid).
    pub area: Option<String>,
    /// Text within the title.
    pub text: Option<String>,
    pub channel: Option<String>,
    /// Only the cases this account reported.
    pub reporter_id: Option<i64>,
    /// Only this case (a search by case number).
    pub id: Option<i64>,
    pub before_id: Option<i64>,
}

/// An open event that a new one may duplicate: what the comparison reads of it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DuplicateCandidate {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub org_code: String,
    pub created_at: DateTime<Utc>,
    pub description: String,
    pub category_code: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// 事件概况 — counts of a scope's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct EventCounts {
    pub open: i64,
    pub yellow: i64,
    pub red: i64,
    /// Reported since the time asked about (today, on the front page).
    pub since: i64,
}

/// The outcome of an idempotent insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// The client id was taken already: the case it made.
    Existing(i64),
}

macro_rules! select_events {
    ($($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    e.client_id, e.channel, e.category_code, e.description, e.lon, e.lat,
                    e.address, e.self_resolved
             FROM cases c JOIN events e ON e.case_id = c.id ",
            $($rest),*
        )
    };
}

pub(crate) mod open311;

impl Store {
    /// One event, if it lies in `scope`.
    pub async fn event(&self, id: i64, scope: &Scope) -> Result<Option<EventRecord>> {
        const SQL: &str = select_events!("WHERE c.id = $3 AND ", scoped!());
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Events in `scope` matching the filter, newest first.
    pub async fn events(
        &self,
        scope: &Scope,
        f: &EventFilter,
        limit: i64,
    ) -> Result<Vec<EventRecord>> {
        const SQL: &str = select_events!(
            "WHERE ",
            scoped!(),
            "AND ($3 IS NULL OR c.state = $3)
                   AND ($4 IS NULL OR c.open = $4)
                   AND ($5 IS NULL OR c.alert = $5)
                   AND ($6 IS NULL OR e.category_code LIKE $6 ESCAPE '\\')
                   AND ($7 IS NULL OR c.org_code LIKE $7 ESCAPE '\\')
                   AND ($8 IS NULL OR c.title LIKE $8 ESCAPE '\\')
                   AND ($9 IS NULL OR e.channel = $9)
                   AND ($10 IS NULL OR c.id < $10)
                   AND ($12 IS NULL OR c.reporter_id = $12)
                   AND ($13 IS NULL OR c.id = $13)
                 ORDER BY c.id DESC LIMIT $11"
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .persistent(self.plans_are_generic_safe())
                .bind(&org)
                .bind(dept)
                .bind(&f.state)
                .bind(f.open)
                .bind(&f.alert)
                .bind(f.category.as_deref().map(like_prefix))
                .bind(f.area.as_deref().map(like_prefix))
                .bind(f.text.as_deref().map(like_contains))
                .bind(&f.channel)
                .bind(f.before_id)
                .bind(limit)
                .bind(f.reporter_id)
                .bind(f.id)
                .fetch_all(p)
                .await
        })?)
    }

    /// The candidates for duplicate suggestions, in one query: the open ones reported since
    /// `since` among the 40 latest events of `category` inside a lon/lat box, and the
    /// latest open events at `place` (a grid, or the unit of an event without a grid) — both only
    /// of what the reader may open, by the rule of [`Store::event`] (the scope, a department's own
    /// cases) and, for those who follow only their own reports, `reporter_id`. Only what the
    /// comparison needs is read: this runs at every intake.
    ///
    /// The box's events are first chosen from the index alone (its rows carry the case id), and
    /// only those looked up: looking up every event in the box and sorting them cost more as the
    /// table grew (78 events in the box after 57,000 intakes of one category, 0.7–2 ms; now
    /// 0.2–0.4 ms). `CROSS JOIN` keeps SQLite reading from those few ids.
    pub async fn duplicate_candidates(
        &self,
        scope: &Scope,
        reporter_id: Option<i64>,
        category: &str,
        bbox: Option<((f64, f64), (f64, f64))>,
        place: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DuplicateCandidate>> {
        macro_rules! candidates {
            ($from:literal, $where:literal) => {
                concat!(
                    "SELECT * FROM (SELECT c.id, c.title, c.state, c.org_code, c.created_at,
                            e.description, e.category_code, e.lon, e.lat FROM ",
                    $from,
                    " WHERE ",
                    scoped!(),
                    "AND ($11 IS NULL OR c.reporter_id = $11) AND ",
                    $where,
                    " ORDER BY c.id DESC LIMIT 20)"
                )
            };
        }
        const SQL: &str = concat!(
            candidates!(
                "(SELECT n.case_id FROM events n
                  WHERE n.category_code = $3 AND n.lat BETWEEN $6 AND $7 AND n.lon BETWEEN $8 AND $9
                  ORDER BY n.case_id DESC LIMIT 40) recent
                 CROSS JOIN cases c CROSS JOIN events e",
                "c.id = recent.case_id AND e.case_id = c.id AND c.open = $4 AND c.created_at >= $5"
            ),
            " AS near UNION ALL ",
            candidates!(
                "cases c JOIN events e ON e.case_id = c.id",
                "c.org_code = $10 AND c.open = $4 AND c.created_at >= $5"
            ),
            " AS here"
        );
        // Without a point the box is empty and only the place counts.
        let ((lon0, lon1), (lat0, lat1)) = bbox.unwrap_or(((1.0, 0.0), (1.0, 0.0)));
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .persistent(self.plans_are_generic_safe())
                .bind(&org)
                .bind(dept)
                .bind(category)
                .bind(true)
                .bind(since)
                .bind(lat0)
                .bind(lat1)
                .bind(lon0)
                .bind(lon1)
                .bind(place)
                .bind(reporter_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// How many events in scope are open, carry a yellow or a red card, and came in since `since`.
    pub async fn event_counts(&self, scope: &Scope, since: DateTime<Utc>) -> Result<EventCounts> {
        const SQL: &str = concat!(
            "SELECT COALESCE(SUM(CASE WHEN c.open THEN 1 ELSE 0 END), 0) AS open,
                    COALESCE(SUM(CASE WHEN c.open AND c.alert = 'yellow' THEN 1 ELSE 0 END), 0) AS yellow,
                    COALESCE(SUM(CASE WHEN c.open AND c.alert = 'red' THEN 1 ELSE 0 END), 0) AS red,
                    COALESCE(SUM(CASE WHEN c.created_at >= $3 THEN 1 ELSE 0 END), 0) AS since
             FROM cases c WHERE c.kind = 'event' AND ",
            scoped!()
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(since)
                .fetch_one(p)
                .await
        })?)
    }
}

impl Store {
    /// The events of `categories` in an area and period, but those in the `not_counted` states
    /// (not yet taken in, refused, merged): what breaks an area's "六无".
    pub async fn events_of_categories(
        &self,
        categories: &[&str],
        not_counted: &[&str],
        area: &super::AreaPeriod,
    ) -> Result<Vec<super::AreaRecord>> {
        let condition = format!(
            "c.category IN ({}) AND c.state NOT IN ({})",
            super::placeholders(6, categories.len()),
            super::placeholders(6 + categories.len(), not_counted.len())
        );
        let extra: Vec<&str> = categories.iter().chain(not_counted).copied().collect();
        self.area_cases("event", "", &condition, &extra, area).await
    }
}
