//! The org tree, grid boundaries and departments.

pub(crate) mod calendar;
pub(crate) mod reference;

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// 组织单位 — one node of the tree 区 → 乡镇/街道 → 村/社区 → 网格, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrgUnitRecord {
    pub code: String,
    pub parent_code: Option<String>,
    /// `district`, `township`, `village` or `grid`.
    pub level: String,
    /// 区, 街道, 镇, 乡, 社区, 村 or 网格.
    pub kind: String,
    pub name: String,
    /// `official` (code and name from the statistical codes), `real_name` (a real name under a
    /// generated code) or `synthetic` (generated for the demo).
    pub provenance: String,
    pub version: String,
    pub retired_at: Option<DateTime<Utc>>,
}

/// An org unit to insert.
#[derive(Debug, Clone)]
pub struct NewOrgUnit {
    pub code: String,
    pub parent_code: Option<String>,
    pub level: &'static str,
    pub kind: String,
    pub name: String,
    pub provenance: &'static str,
    pub version: String,
    /// For grids: the boundary as a GeoJSON geometry and its label point `[lon, lat]`.
    pub boundary: Option<(String, [f64; 2])>,
}

/// 网格边界 — a grid's boundary as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GridRecord {
    pub code: String,
    pub name: String,
    pub boundary: String,
    pub label_lon: f64,
    pub label_lat: f64,
}

/// 成员单位 — a department that takes part in the hub's work, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DepartmentRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub org_code: String,
}

/// A department to insert.
#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub org_code: String,
}

macro_rules! select_org_units {
    ($($rest:literal),*) => {
        concat!(
            "SELECT code, parent_code, level, kind, name, provenance, version, retired_at FROM org_units ",
            $($rest),*
        )
    };
}

impl Store {
    /// Inserts org units (parents before children) with their grid boundaries, in one transaction.
    /// Units that already exist are left as they are, so loading twice changes nothing. Returns
    /// how many units were new.
    pub async fn insert_org_units(&self, units: &[NewOrgUnit]) -> Result<u64> {
        self.write_org_units(units, false).await
    }

    /// Inserts org units, or updates the name (and boundary) of those that exist and brings retired
    /// ones back, in one transaction (grid imports). Returns how many units were new.
    pub async fn upsert_org_units(&self, units: &[NewOrgUnit]) -> Result<u64> {
        self.write_org_units(units, true).await
    }

    async fn write_org_units(&self, units: &[NewOrgUnit], update: bool) -> Result<u64> {
        const INSERT_UNIT: &str = "INSERT INTO org_units (code, parent_code, level, kind, name, provenance, version, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING";
        const UPDATE_UNIT: &str =
            "UPDATE org_units SET name = $2, retired_at = NULL WHERE code = $1";
        const INSERT_GRID: &str =
            "INSERT INTO grids (code, boundary, label_lon, label_lat) VALUES ($1, $2, $3, $4)
            ON CONFLICT (code) DO NOTHING";
        const UPSERT_GRID: &str =
            "INSERT INTO grids (code, boundary, label_lon, label_lat) VALUES ($1, $2, $3, $4)
            ON CONFLICT (code) DO UPDATE SET boundary = excluded.boundary,
                label_lon = excluded.label_lon, label_lat = excluded.label_lat";
        let grid_sql = if update { UPSERT_GRID } else { INSERT_GRID };
        let now = Utc::now();
        let inserted = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut inserted = 0;
            for u in units {
                let new = sqlx::query(INSERT_UNIT)
                    .bind(&u.code)
                    .bind(&u.parent_code)
                    .bind(u.level)
                    .bind(&u.kind)
                    .bind(&u.name)
                    .bind(u.provenance)
                    .bind(&u.version)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                inserted += new;
                if update && new == 0 {
                    sqlx::query(UPDATE_UNIT)
                        .bind(&u.code)
                        .bind(&u.name)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some((geojson, [lon, lat])) = &u.boundary {
                    sqlx::query(grid_sql)
                        .bind(&u.code)
                        .bind(geojson)
                        .bind(lon)
                        .bind(lat)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(inserted)
        })?;
        Ok(inserted)
    }

    /// Marks official units of these levels absent from the shipped reference data as retired
    /// (never deleted).
    pub async fn retire_official_units_except(
        &self,
        levels: &[&str],
        keep: &[&str],
    ) -> Result<u64> {
        let current: Vec<(String, String)> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT code, level FROM org_units WHERE provenance = 'official' AND retired_at IS NULL",
            )
            .fetch_all(p)
            .await
        })?;
        let current: Vec<String> = current
            .into_iter()
            .filter(|(_, level)| levels.contains(&level.as_str()))
            .map(|(code, _)| code)
            .collect();
        let mut retired = 0;
        for code in current.iter().filter(|c| !keep.contains(&c.as_str())) {
            retired += dispatch!(self, |p| {
                sqlx::query("UPDATE org_units SET retired_at = $1 WHERE code = $2")
                    .bind(Utc::now())
                    .bind(code)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected())
            })?;
        }
        Ok(retired)
    }

    /// Writes an edition of the official villages and communities in one transaction: each unit
    /// is inserted, or takes the edition's name, kind and version (and comes back if it was
    /// retired, or becomes official if it was generated); the official ones of `retire` are marked
    /// retired, never deleted.
    pub async fn save_official_villages(
        &self,
        units: &[NewOrgUnit],
        retire: &[String],
    ) -> Result<()> {
        const SAVE: &str = "INSERT INTO org_units (code, parent_code, level, kind, name, provenance, version, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                provenance = excluded.provenance, version = excluded.version, retired_at = NULL";
        let now = Utc::now();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for u in units {
                sqlx::query(SAVE)
                    .bind(&u.code)
                    .bind(&u.parent_code)
                    .bind(u.level)
                    .bind(&u.kind)
                    .bind(&u.name)
                    .bind(u.provenance)
                    .bind(&u.version)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            for code in retire {
                sqlx::query(
                    "UPDATE org_units SET retired_at = $1
                     WHERE code = $2 AND provenance = 'official' AND retired_at IS NULL",
                )
                .bind(now)
                .bind(code)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// One org unit by code.
    pub async fn org_unit(&self, code: &str) -> Result<Option<OrgUnitRecord>> {
        const SQL: &str = select_org_units!("WHERE code = $1");
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(code)
            .fetch_optional(p)
            .await)?)
    }

    /// The current children of a unit, in code order; with `None`, the top-level units.
    pub async fn org_children(&self, parent: Option<&str>) -> Result<Vec<OrgUnitRecord>> {
        const SQL: &str = select_org_units!(
            "WHERE retired_at IS NULL AND (parent_code = $1 OR ($1 IS NULL AND parent_code IS NULL))
             ORDER BY code"
        );
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(parent)
            .fetch_all(p)
            .await)?)
    }

    /// Every current unit whose code starts with `prefix` (the unit itself included), in code order.
    pub async fn org_units_under(&self, prefix: &str) -> Result<Vec<OrgUnitRecord>> {
        const SQL: &str =
            select_org_units!("WHERE code LIKE $1 || '%' AND retired_at IS NULL ORDER BY code");
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(prefix)
            .fetch_all(p)
            .await)?)
    }

    /// The boundaries of every current grid under `prefix`.
    pub async fn grids_under(&self, prefix: &str) -> Result<Vec<GridRecord>> {
        const SQL: &str = "SELECT g.code, o.name, g.boundary, g.label_lon, g.label_lat
            FROM grids g JOIN org_units o ON o.code = g.code
            WHERE g.code LIKE $1 || '%' AND o.retired_at IS NULL ORDER BY g.code";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(prefix)
            .fetch_all(p)
            .await)?)
    }

    /// Inserts departments; those whose code exists are left as they are.
    pub async fn insert_departments(&self, departments: &[NewDepartment]) -> Result<()> {
        let now = Utc::now();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            for d in departments {
                sqlx::query(
                    "INSERT INTO departments (code, name, kind, org_code, created_at)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
                )
                .bind(&d.code)
                .bind(&d.name)
                .bind(&d.kind)
                .bind(&d.org_code)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Departments belonging to units under `prefix`, in code order.
    pub async fn departments_under(&self, prefix: &str) -> Result<Vec<DepartmentRecord>> {
        const SQL: &str = "SELECT id, code, name, kind, org_code FROM departments
            WHERE org_code LIKE $1 || '%' ORDER BY org_code, code";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(prefix)
            .fetch_all(p)
            .await)?)
    }
}
