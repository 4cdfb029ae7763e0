//! Event categories (versioned reference data with limits the hub may change) and routing rules.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// 事件类别 — a category as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CategoryRecord {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub family: String,
    pub handling_amount: i64,
    pub handling_unit: String,
    pub department_kind: Option<String>,
    pub version: String,
    /// The hub changed the limit: shipped versions leave it alone.
    pub customized: bool,
    pub retired_at: Option<DateTime<Utc>>,
}

/// 分拨规则 — events of a category (prefix) in an area (org-code prefix) go to this hub and,
/// optionally, this department. Empty prefixes match everything.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RoutingRuleRecord {
    pub id: i64,
    pub category_prefix: String,
    pub area_prefix: String,
    pub owner_org: String,
    pub department_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A routing rule to insert.
#[derive(Debug, Clone)]
pub struct NewRoutingRule {
    pub category_prefix: String,
    pub area_prefix: String,
    pub owner_org: String,
    pub department_id: Option<i64>,
}

impl Store {
    /// Brings the shipped categories in: new ones are inserted, names and parents follow the
    /// shipped version, limits only where the hub has not changed them, and categories no longer
    /// shipped are retired (kept for the events filed under them).
    pub async fn sync_categories(&self, shipped: &[CategoryRecord]) -> Result<()> {
        let now = Utc::now();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for c in shipped {
                sqlx::query(
                    "INSERT INTO event_categories (code, name, parent_code, family, handling_amount,
                        handling_unit, department_kind, version, customized)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                        parent_code = excluded.parent_code, family = excluded.family,
                        department_kind = excluded.department_kind, version = excluded.version,
                        retired_at = NULL,
                        handling_amount = CASE WHEN event_categories.customized
                            THEN event_categories.handling_amount ELSE excluded.handling_amount END,
                        handling_unit = CASE WHEN event_categories.customized
                            THEN event_categories.handling_unit ELSE excluded.handling_unit END",
                )
                .bind(&c.code)
                .bind(&c.name)
                .bind(&c.parent_code)
                .bind(&c.family)
                .bind(c.handling_amount)
                .bind(&c.handling_unit)
                .bind(&c.department_kind)
                .bind(&c.version)
                .bind(false)
                .execute(&mut *tx)
                .await?;
            }
            let codes: Vec<String> = shipped.iter().map(|c| c.code.clone()).collect();
            let current: Vec<(String,)> =
                sqlx::query_as("SELECT code FROM event_categories WHERE retired_at IS NULL")
                    .fetch_all(&mut *tx)
                    .await?;
            for (code,) in current.into_iter().filter(|(c,)| !codes.contains(c)) {
                sqlx::query("UPDATE event_categories SET retired_at = $1 WHERE code = $2")
                    .bind(now)
                    .bind(code)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Every category, retired ones included, by code.
    pub async fn categories(&self) -> Result<Vec<CategoryRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT code, name, parent_code, family, handling_amount, handling_unit,
                        department_kind, version, customized, retired_at
                 FROM event_categories ORDER BY code",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// Sets a category's handling limit and marks it as the hub's own.
    pub async fn set_category_limit(&self, code: &str, amount: i64, unit: &str) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            sqlx::query(
                "UPDATE event_categories SET handling_amount = $1, handling_unit = $2,
                    customized = $3 WHERE code = $4",
            )
            .bind(amount)
            .bind(unit)
            .bind(true)
            .bind(code)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    pub async fn routing_rules(&self) -> Result<Vec<RoutingRuleRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, category_prefix, area_prefix, owner_org, department_id, created_at
                 FROM routing_rules ORDER BY id",
            )
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn insert_routing_rule(&self, r: &NewRoutingRule) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |p| {
            sqlx::query_as(
                "INSERT INTO routing_rules (category_prefix, area_prefix, owner_org, department_id,
                    created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&r.category_prefix)
            .bind(&r.area_prefix)
            .bind(&r.owner_org)
            .bind(r.department_id)
            .bind(Utc::now())
            .fetch_one(p)
            .await
        })?;
        Ok(id)
    }

    pub async fn delete_routing_rule(&self, id: i64) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            sqlx::query("DELETE FROM routing_rules WHERE id = $1")
                .bind(id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }
}
