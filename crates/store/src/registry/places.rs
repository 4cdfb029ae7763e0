//! 场所与组织 as stored: one active row per organisation's 统一社会信用代码, or per grid, category and
//! name; the principal sealed; the tenants of rental houses. Reads are under an org-code prefix.

use crate::sql::ListQuery;
use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;
use pingan_domain::page::{COUNT_CAP, Cursor, KeyPart, Page, PageAt, Total};
use pingan_domain::text::like_contains;

/// A place to write, sealed by the caller.
#[derive(Debug, Clone)]
pub struct NewPlace {
    pub grid_code: String,
    pub category: String,
    pub name: String,
    pub address: String,
    pub credit_code: Option<String>,
    pub principal_sealed: Option<Vec<u8>>,
    pub principal_masked: Option<String>,
    pub phone_sealed: Option<Vec<u8>>,
    pub phone_masked: Option<String>,
    pub headcount: Option<i32>,
    pub attention: String,
    pub hazard: Option<String>,
    pub at: DateTime<Utc>,
}

/// 场所 as lists show it: the principal masked, with its active tenants counted.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlaceRecord {
    pub id: i64,
    pub grid_code: String,
    pub category: String,
    pub name: String,
    pub address: String,
    pub credit_code: Option<String>,
    pub principal_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub headcount: Option<i32>,
    pub attention: String,
    pub hazard: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub tenants: i64,
}

/// A place's sealed principal, for the reveal.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlaceSealed {
    pub id: i64,
    pub grid_code: String,
    pub principal_sealed: Option<Vec<u8>>,
    pub phone_sealed: Option<Vec<u8>>,
}

/// Which places to read.
#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    pub prefix: String,
    pub category: Option<String>,
    pub attention: Option<String>,
    /// Part of the name or address, or a whole credit code.
    pub text: Option<String>,
    pub at: PageAt,
    pub limit: i64,
}

const PLACE_COLUMNS: &str = "SELECT s.id, s.grid_code, s.category, s.name, s.address,
        s.credit_code, s.principal_masked, s.phone_masked, s.headcount, s.attention, s.hazard,
        s.ended_at,
        (SELECT COUNT(*) FROM place_tenants t WHERE t.place_id = s.id AND t.ended_at IS NULL)
            AS tenants
    FROM places s";

/// What a write of places did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceWrites {
    pub inserted: usize,
    pub updated: usize,
    /// Positions of rows not written: the organisation is registered outside the writer's
    /// scope, and a move between places is a request, never a side effect of a write.
    pub refused: Vec<usize>,
}

impl Store {
    /// Writes places in one transaction: an organisation found by its credit code, any other
    /// place by grid, category and name, is updated; the rest inserted. An organisation
    /// registered outside `scope_prefix` (the writer's org-code prefix) is not touched: its
    /// position in `rows` is returned in [`PlaceWrites::refused`].
    pub async fn upsert_places(
        &self,
        scope_prefix: &str,
        rows: &[NewPlace],
    ) -> Result<PlaceWrites> {
        let mut writes = PlaceWrites::default();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for (i, r) in rows.iter().enumerate() {
                let known: Option<(i64, String)> = match &r.credit_code {
                    Some(code) => {
                        sqlx::query_as(
                            "SELECT id, grid_code FROM places
                             WHERE credit_code = $1 AND ended_at IS NULL",
                        )
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await?
                    }
                    None => sqlx::query_as(
                        "SELECT id, grid_code FROM places WHERE grid_code = $1 AND category = $2
                                AND name = $3 AND credit_code IS NULL AND ended_at IS NULL",
                    )
                    .bind(&r.grid_code)
                    .bind(&r.category)
                    .bind(&r.name)
                    .fetch_optional(&mut *tx)
                    .await?,
                };
                if known
                    .as_ref()
                    .is_some_and(|(_, grid)| !grid.starts_with(scope_prefix))
                {
                    writes.refused.push(i);
                    continue;
                }
                let known = known.map(|(id, _)| id);
                let sql = match known {
                    Some(_) => {
                        "UPDATE places SET grid_code = $1, category = $2, name = $3, address = $4,
                            credit_code = $5, principal_sealed = $6, principal_masked = $7,
                            phone_sealed = $8, phone_masked = $9, headcount = $10,
                            attention = $11, hazard = $12, updated_at = $13
                         WHERE id = $14"
                    }
                    None => {
                        "INSERT INTO places (grid_code, category, name, address, credit_code,
                            principal_sealed, principal_masked, phone_sealed, phone_masked,
                            headcount, attention, hazard, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
                    }
                };
                let q = sqlx::query(sql)
                    .bind(&r.grid_code)
                    .bind(&r.category)
                    .bind(&r.name)
                    .bind(&r.address)
                    .bind(&r.credit_code)
                    .bind(&r.principal_sealed)
                    .bind(&r.principal_masked)
                    .bind(&r.phone_sealed)
                    .bind(&r.phone_masked)
                    .bind(r.headcount)
                    .bind(&r.attention)
                    .bind(&r.hazard)
                    .bind(r.at);
                match known {
                    Some(id) => q.bind(id).execute(&mut *tx).await?,
                    None => q.execute(&mut *tx).await?,
                };
                if known.is_some() {
                    writes.updated += 1;
                } else {
                    writes.inserted += 1;
                }
            }
            tx.commit().await
        })?;
        Ok(writes)
    }

    /// A page of the active places under a prefix, by grid, category and name.
    pub async fn places(&self, f: &PlaceFilter) -> Result<Page<PlaceRecord>> {
        let q = Self::place_query(f).keyset(
            PLACE_COLUMNS,
            &["s.grid_code", "s.category", "s.name", "s.id"],
            &f.at,
            f.limit,
        );
        self.fetch_page(&q, &f.at, f.limit, |r: &PlaceRecord| {
            Cursor(vec![
                KeyPart::Text(r.grid_code.clone()),
                KeyPart::Text(r.category.clone()),
                KeyPart::Text(r.name.clone()),
                KeyPart::Int(r.id),
            ])
        })
        .await
    }

    /// How many places a search finds: the kept count for a whole scope, else counted up to
    /// [`COUNT_CAP`] unless `exact`.
    pub async fn count_places(&self, f: &PlaceFilter, exact: bool) -> Result<Total> {
        if f.category.is_none() && f.attention.is_none() && f.text.is_none() {
            return self.kept_total("places", &f.prefix).await;
        }
        let cap = (!exact).then_some(COUNT_CAP);
        let q = Self::place_query(f).count("FROM places s", cap);
        self.fetch_total(&q, cap).await
    }

    fn place_query(f: &PlaceFilter) -> ListQuery {
        let mut q = ListQuery::scoped("s.grid_code", &f.prefix);
        q.and_always("s.ended_at IS NULL");
        for (clause, value) in [
            ("s.category = ?", &f.category),
            ("s.attention = ?", &f.attention),
        ] {
            if let Some(v) = value {
                q.and(clause, [v.as_str()]);
            }
        }
        if let Some(t) = &f.text {
            let like = like_contains(t);
            q.and(
                "(s.credit_code = ? OR s.name LIKE ? ESCAPE '\\' OR s.address LIKE ? ESCAPE '\\')",
                [t.clone(), like.clone(), like],
            );
        }
        q
    }

    /// One place of `scope`.
    pub async fn place(&self, id: i64, scope: &Scope) -> Result<Option<PlaceRecord>> {
        self.fetch_in_scope(PLACE_COLUMNS, "s.id", "s.grid_code", id, scope)
            .await
    }

    /// A place's grid and sealed principal and phone, for the reveal, if it is of `scope`.
    pub async fn place_sealed(&self, id: i64, scope: &Scope) -> Result<Option<PlaceSealed>> {
        self.fetch_in_scope(
            "SELECT id, grid_code, principal_sealed, phone_sealed FROM places",
            "id",
            "grid_code",
            id,
            scope,
        )
        .await
    }

    /// The sealed principals of many places (for an export in plain text).
    pub async fn places_sealed(&self, ids: &[i64]) -> Result<Vec<PlaceSealed>> {
        self.fetch_in(
            "SELECT id, grid_code, principal_sealed, phone_sealed FROM places WHERE id IN ({})",
            ids,
        )
        .await
    }

    /// Adds tenants to rental houses: `(place, person, since)`; an active tenancy already there
    /// is left alone. Returns how many were added.
    pub async fn add_tenants(&self, rows: &[(i64, i64, NaiveDate)]) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut added = 0;
            for (place, person, since) in rows {
                added += sqlx::query(
                    "INSERT INTO place_tenants (place_id, person_id, since) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                )
                .bind(place)
                .bind(person)
                .bind(since)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await.map(|()| added)
        })?)
    }

    /// Ends a tenancy (the tenant moved out); whether it was active.
    pub async fn end_tenant(&self, place: i64, person: i64, at: DateTime<Utc>) -> Result<bool> {
        let done = dispatch!(self, |p| {
            sqlx::query(
                "UPDATE place_tenants SET ended_at = $3
                 WHERE place_id = $1 AND person_id = $2 AND ended_at IS NULL",
            )
            .bind(place)
            .bind(person)
            .bind(at)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }
}
