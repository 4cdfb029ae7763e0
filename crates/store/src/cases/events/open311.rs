//! Open311 — the events that came in through the Open311 GeoReport v2 interface: what the
//! specification carries beside the event (the integrator, a media URL, the sealed contact), and
//! the reads that answer `GET /open311/v2/requests`.

use super::EventRecord;
use crate::cases::{case_columns, scope_binds, scoped};
use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;

/// What an Open311 request adds to its event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOpen311Request {
    pub case_id: i64,
    /// The account of the integrator whose api_key sent it.
    pub integrator_id: i64,
    pub media_url: Option<String>,
    /// The reporter's name, phone and e-mail, sealed.
    pub contact_sealed: Option<Vec<u8>>,
    pub account_id: Option<String>,
    pub device_id: Option<String>,
}

/// An event that came in through Open311, with the integrator and the lead department.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Open311Record {
    #[sqlx(flatten)]
    pub event: EventRecord,
    pub integrator_id: i64,
    pub media_url: Option<String>,
    /// The lead department's name (承办部门), once dispatched.
    pub agency: Option<String>,
}

/// Filters of `GET /requests`; the window is required (the specification's 90 days at most).
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Filter {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `open` or `closed` only, when given.
    pub open: Option<bool>,
    /// Category codes (letters and digits only, checked by the caller), comma-separated.
    pub codes: Option<String>,
}

macro_rules! select_requests {
    ($($rest:expr),*) => {
        concat!(
            "SELECT ", case_columns!(), ",
                    e.client_id, e.channel, e.category_code, e.description, e.lon, e.lat,
                    e.address, e.self_resolved, o.integrator_id, o.media_url,
                    (SELECT d.name FROM case_departments cd JOIN departments d ON d.id = cd.department_id
                     WHERE cd.case_id = c.id ORDER BY cd.lead DESC, d.name LIMIT 1) AS agency
             FROM open311_requests o JOIN cases c ON c.id = o.case_id
                  JOIN events e ON e.case_id = c.id ",
            $($rest),*
        )
    };
}

impl Store {
    /// Records what an Open311 request brought beside its event.
    pub async fn insert_open311_request(&self, r: &NewOpen311Request) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO open311_requests
                     (case_id, integrator_id, media_url, contact_sealed, account_id, device_id)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(r.case_id)
            .bind(r.integrator_id)
            .bind(&r.media_url)
            .bind(&r.contact_sealed)
            .bind(&r.account_id)
            .bind(&r.device_id)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// One Open311 request, if it lies in `scope`.
    pub async fn open311_request(&self, id: i64, scope: &Scope) -> Result<Option<Open311Record>> {
        const SQL: &str = select_requests!("WHERE c.id = $3 AND ", scoped!());
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

    /// Open311 requests in `scope` received within the filter's window, newest first.
    pub async fn open311_requests(
        &self,
        scope: &Scope,
        f: &Open311Filter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Open311Record>> {
        const SQL: &str = select_requests!(
            "WHERE ",
            scoped!(),
            "AND c.created_at >= $3 AND c.created_at < $4
               AND ($5 IS NULL OR c.open = $5)
               AND ($6 IS NULL OR (',' || $6 || ',') LIKE ('%,' || e.category_code || ',%'))
             ORDER BY c.id DESC LIMIT $7 OFFSET $8"
        );
        let (org, dept) = scope_binds(scope);
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(&org)
                .bind(dept)
                .bind(f.from)
                .bind(f.to)
                .bind(f.open)
                .bind(&f.codes)
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await
        })?)
    }

    /// The sealed contact of an Open311 request's reporter, if the request named one.
    pub async fn open311_contact(&self, case_id: i64) -> Result<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> = dispatch!(self, |p| {
            sqlx::query_as("SELECT contact_sealed FROM open311_requests WHERE case_id = $1")
                .bind(case_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.and_then(|(c,)| c))
    }
}
