//! 组织与网格 — the org tree, grid lookup and the grid map, the grid import, the work calendar and
//! the shipped reference data.

pub(crate) mod calendar;
pub(crate) mod divisions;
pub(crate) mod grid_import;
pub(crate) mod outline;
pub(crate) mod reference;

use crate::{AppError, CurrentUser, Result};
use pingan_domain::{Capability, OrgCode, OrgLevel, Scope};
use pingan_geo::{GridIndex, Polygon};
use pingan_store::OrgUnitRecord;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The setting that changes whenever grid boundaries change.
const GRIDS_VERSION: &str = "grids.version";

/// 组织单位 — an org unit as shown and sent.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrgUnitView {
    #[schema(example = "511702001")]
    pub code: String,
    #[schema(example = "东城街道")]
    pub name: String,
    /// `district`, `township`, `village` or `grid`.
    #[schema(value_type = String, example = "township")]
    pub level: OrgLevel,
    /// 区, 街道, 镇, 乡, 社区, 村 or 网格.
    pub kind: String,
    pub parent_code: Option<String>,
    /// `official`, `real_name` or `synthetic` (see the store).
    pub provenance: String,
    /// Number of direct children.
    pub child_count: usize,
    /// Number of grids at or under this unit.
    pub grid_count: usize,
    /// Number of active grid-worker accounts at or under this unit.
    pub grid_worker_count: usize,
}

/// A node of the org tree with its children.
#[derive(Debug, Clone, Serialize)]
pub struct OrgTreeNode {
    #[serde(flatten)]
    pub unit: OrgUnitView,
    pub children: Vec<OrgTreeNode>,
}

/// A reference to an org unit, without counts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "grid")]
    pub level: OrgLevel,
    pub kind: String,
}

/// The answer of a grid lookup: the grid and its chain of units, district first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Located {
    #[schema(example = "511702003003003")]
    pub grid_code: String,
    pub grid_name: String,
    pub chain: Vec<OrgRef>,
}

/// The grids as a GeoJSON FeatureCollection, each feature carrying its code, name, village and
/// township, and a township index for colouring.
pub type GridFeatureCollection = serde_json::Value;

/// Figures for the front page.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSummary {
    /// Name of the unit the summary is about.
    pub name: String,
    pub townships: usize,
    pub villages: usize,
    pub grids: usize,
    pub grid_workers: usize,
    /// 成员单位 (departments that handle cases).
    pub departments: usize,
    /// 人民调解组织.
    pub mediation_organisations: usize,
}

impl crate::services::Org<'_> {
    /// The service station (便民服务站) a form names by org code: a grid's village, a village, a
    /// township or the district, which must exist. Residents belong to one and apply at one.
    pub(crate) async fn station_of(self, code: &str) -> Result<OrgCode> {
        let org =
            OrgCode::parse(code.trim()).map_err(|e| AppError::Invalid(format!("org：{e}")))?;
        let station = org.ancestor_at(OrgLevel::Village).unwrap_or(org);
        if self.store.org_unit(station.as_str()).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "组织编码 {station} 不存在，请从列表中选择村（社区）"
            )));
        }
        Ok(station)
    }

    /// The units in use at `level` under `unit` (code, name), for the forms that pick one: the
    /// grids of a township, the townships of the district.
    pub(crate) async fn units_at(
        self,
        unit: &OrgCode,
        level: OrgLevel,
    ) -> Result<Vec<(String, String)>> {
        Ok(self
            .store
            .org_units_under(unit.as_str())
            .await?
            .into_iter()
            .filter(|u| u.level == level.as_str() && u.retired_at.is_none())
            .map(|u| (u.code, u.name))
            .collect())
    }

    /// The children of `parent` (the district's top when none), each with its counts. The tree of
    /// divisions is reference data: any user who may see the org tree sees all of it.
    pub async fn org_children(
        self,
        user: &CurrentUser,
        parent: Option<&str>,
    ) -> Result<Vec<OrgUnitView>> {
        self.authorize_user(user, Capability::ViewOrg)?;
        let parent = parent.map(parse_code).transpose()?;
        let Some(parent) = parent else {
            let top = self.store.org_children(None).await?;
            let mut out = Vec::new();
            for unit in top {
                let sub = self.subtree(&unit.code).await?;
                out.extend(sub.into_iter().map(|n| n.unit));
            }
            return Ok(out);
        };
        if self.store.org_unit(parent.as_str()).await?.is_none() {
            return Err(AppError::NotFound(format!("组织编码 {parent} 不存在")));
        }
        Ok(self
            .subtree(parent.as_str())
            .await?
            .into_iter()
            .flat_map(|n| n.children)
            .map(|n| n.unit)
            .collect())
    }

    /// The whole tree of the user's scope, with counts, built from one read of the units.
    pub async fn org_tree(self, user: &CurrentUser) -> Result<Option<OrgTreeNode>> {
        self.authorize_user(user, Capability::ViewOrg)?;
        Ok(self
            .subtree(user.scope().prefix())
            .await?
            .into_iter()
            .next())
    }

    async fn subtree(self, root: &str) -> Result<Vec<OrgTreeNode>> {
        let units = self.store.org_units_under(root).await?;
        let workers: HashMap<String, i64> = self
            .store
            .holder_counts_by_org(Capability::GridWork.key(), root)
            .await?
            .into_iter()
            .collect();
        Ok(build_tree(&units, &workers, root))
    }

    /// Figures for the front page within the user's scope.
    pub async fn org_summary(self, user: &CurrentUser) -> Result<OrgSummary> {
        self.authorize_user(user, Capability::ViewOrg)?;
        self.summary_of(&user.scope()).await
    }

    pub(crate) async fn summary_of(self, scope: &Scope) -> Result<OrgSummary> {
        let units = self.store.org_units_under(scope.prefix()).await?;
        let count = |level: OrgLevel| units.iter().filter(|u| u.level == level.as_str()).count();
        let workers = self
            .store
            .holder_counts_by_org(Capability::GridWork.key(), scope.prefix())
            .await?;
        let departments = self.store.departments_under(scope.prefix()).await?;
        let mediation = departments
            .iter()
            .filter(|d| d.kind == crate::cases::MEDIATION_DEPARTMENT_KIND)
            .count();
        Ok(OrgSummary {
            name: units
                .iter()
                .find(|u| u.code == scope.prefix())
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            townships: count(OrgLevel::Township),
            villages: count(OrgLevel::Village),
            grids: count(OrgLevel::Grid),
            grid_workers: workers
                .iter()
                .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
                .sum(),
            departments: departments.len() - mediation,
            mediation_organisations: mediation,
        })
    }

    /// The grid holding a WGS-84 point, with its chain of units; not found outside every grid.
    pub async fn locate(self, user: &CurrentUser, lat: f64, lon: f64) -> Result<Located> {
        self.authorize_user(user, Capability::ViewOrg)?;
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(AppError::Invalid(
                "纬度 lat 应在 -90 到 90 之间（WGS-84，如 31.21）".into(),
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(AppError::Invalid(
                "经度 lon 应在 -180 到 180 之间（WGS-84，如 107.50）".into(),
            ));
        }
        let code = self.grid_index().locate(lon, lat).map(str::to_owned);
        let Some(code) = code else {
            return Err(AppError::NotFound(format!(
                "坐标（纬度 {lat}，经度 {lon}）不在本辖区任何网格内"
            )));
        };
        let grid = parse_code(&code)?;
        let mut chain = Vec::new();
        for level in [
            OrgLevel::District,
            OrgLevel::Township,
            OrgLevel::Village,
            OrgLevel::Grid,
        ] {
            let Some(c) = grid.ancestor_at(level) else {
                continue;
            };
            if let Some(u) = self.store.org_unit(c.as_str()).await? {
                chain.push(OrgRef {
                    level: OrgLevel::parse(&u.level).unwrap_or(level),
                    code: u.code,
                    name: u.name,
                    kind: u.kind,
                });
            }
        }
        let grid_name = chain.last().map(|u| u.name.clone()).unwrap_or_default();
        Ok(Located {
            grid_code: code,
            grid_name,
            chain,
        })
    }

    /// The grid boundaries within the user's scope as GeoJSON.
    pub async fn grid_features(self, user: &CurrentUser) -> Result<GridFeatureCollection> {
        self.authorize_user(user, Capability::ViewOrg)?;
        let scope = user.scope();
        let grids = self.store.grids_under(scope.prefix()).await?;
        let units = self.store.org_units_under(scope.prefix()).await?;
        let names: HashMap<&str, &str> = units
            .iter()
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        let townships: Vec<&str> = units
            .iter()
            .filter(|u| u.level == OrgLevel::Township.as_str())
            .map(|u| u.code.as_str())
            .collect();
        let features: Vec<serde_json::Value> = grids
            .iter()
            .map(|g| {
                let geometry: serde_json::Value =
                    serde_json::from_str(&g.boundary).unwrap_or(serde_json::Value::Null);
                let village = g.code.get(..12).unwrap_or_default();
                let township = g.code.get(..9).unwrap_or_default();
                serde_json::json!({
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {
                        "code": g.code,
                        "name": g.name,
                        "village": names.get(village).copied().unwrap_or_default(),
                        "township": names.get(township).copied().unwrap_or_default(),
                        "township_index": townships.iter().position(|t| *t == township),
                        "label": [g.label_lon, g.label_lat],
                    }
                })
            })
            .collect();
        Ok(serde_json::json!({"type": "FeatureCollection", "features": features}))
    }

    /// Rebuilds the in-memory grid index from the database (after the grids change).
    pub async fn reload_grid_index(self) -> Result<usize> {
        let version = self.store.setting(GRIDS_VERSION).await?;
        let root = pingan_domain::division::DISTRICT.0;
        let mut grids = Vec::new();
        for g in self.store.grids_under(root).await? {
            match Polygon::from_geojson(&g.boundary) {
                Ok(p) => grids.push((g.code, p)),
                Err(e) => tracing::warn!(grid = %g.code, "网格边界无效，已跳过: {e}"),
            }
        }
        let index = Arc::new(GridIndex::new(grids));
        let n = index.len();
        if let Ok(mut slot) = self.grids.write() {
            *slot = (version, index);
        }
        Ok(n)
    }

    /// Records that the grids changed, so that every instance reloads its index.
    pub(crate) async fn mark_grids_changed(self) -> Result<()> {
        let stamp = format!("{}", chrono::Utc::now().timestamp_micros());
        self.store.set_setting(GRIDS_VERSION, &stamp).await?;
        self.reload_grid_index().await?;
        Ok(())
    }

    /// Reloads the grid index if the grids changed since it was built (by an import from the
    /// command line or another instance). The server calls this periodically; returns whether it
    /// reloaded.
    pub async fn refresh_grid_index(self) -> Result<bool> {
        let current = self.store.setting(GRIDS_VERSION).await?;
        let known = self.grids.read().map(|g| g.0.clone()).unwrap_or_default();
        if current == known {
            return Ok(false);
        }
        let n = self.reload_grid_index().await?;
        tracing::info!(grids = n, "网格边界已更新，已重新载入");
        Ok(true)
    }

    pub(crate) fn grid_index(self) -> Arc<GridIndex> {
        self.grids
            .read()
            .map(|g| Arc::clone(&g.1))
            .unwrap_or_default()
    }
}

fn parse_code(s: &str) -> Result<OrgCode> {
    OrgCode::parse(s).map_err(|e| AppError::Invalid(e.to_string()))
}

fn view(
    u: &OrgUnitRecord,
    child_count: usize,
    grid_count: usize,
    grid_worker_count: usize,
) -> OrgUnitView {
    OrgUnitView {
        code: u.code.clone(),
        name: u.name.clone(),
        level: OrgLevel::parse(&u.level).unwrap_or(OrgLevel::Grid),
        kind: u.kind.clone(),
        parent_code: u.parent_code.clone(),
        provenance: u.provenance.clone(),
        child_count,
        grid_count,
        grid_worker_count,
    }
}

/// Builds the tree rooted at `root` from units sorted by code (parents sort before children).
fn build_tree(
    units: &[OrgUnitRecord],
    workers: &HashMap<String, i64>,
    root: &str,
) -> Vec<OrgTreeNode> {
    /// The node for `unit`, whose descendants follow it from index `next`; returns the index after them.
    fn build(
        unit: &OrgUnitRecord,
        mut next: usize,
        units: &[OrgUnitRecord],
        workers: &HashMap<String, i64>,
    ) -> (OrgTreeNode, usize) {
        let mut children = Vec::new();
        while let Some(u) = units.get(next) {
            if !u.code.starts_with(&unit.code) {
                break;
            }
            if u.parent_code.as_deref() == Some(unit.code.as_str()) {
                let (child, after) = build(u, next + 1, units, workers);
                children.push(child);
                next = after;
            } else {
                next += 1; // an orphan (parent retired): skipped
            }
        }
        let is_grid = unit.level == OrgLevel::Grid.as_str();
        let grid_count =
            usize::from(is_grid) + children.iter().map(|c| c.unit.grid_count).sum::<usize>();
        let own_workers = workers
            .get(&unit.code)
            .map_or(0, |n| usize::try_from(*n).unwrap_or(0));
        let grid_worker_count = own_workers
            + children
                .iter()
                .map(|c| c.unit.grid_worker_count)
                .sum::<usize>();
        let node = OrgTreeNode {
            unit: view(unit, children.len(), grid_count, grid_worker_count),
            children,
        };
        (node, next)
    }
    units
        .iter()
        .position(|u| u.code == root)
        .and_then(|at| {
            units
                .get(at)
                .map(|u| vec![build(u, at + 1, units, workers).0])
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, level: OrgLevel) -> OrgUnitRecord {
        let c = OrgCode::parse(code).unwrap();
        OrgUnitRecord {
            code: code.into(),
            parent_code: c.parent().map(String::from),
            level: level.as_str().into(),
            kind: String::new(),
            name: format!("单位{code}"),
            provenance: "synthetic".into(),
            version: "t".into(),
            retired_at: None,
        }
    }

    #[test]
    fn tree_counts_grids_and_workers_at_every_level() {
        let units = vec![
            unit("511702", OrgLevel::District),
            unit("511702001", OrgLevel::Township),
            unit("511702001001", OrgLevel::Village),
            unit("511702001001001", OrgLevel::Grid),
            unit("511702001001002", OrgLevel::Grid),
            unit("511702001002", OrgLevel::Village),
            unit("511702102", OrgLevel::Township),
            unit("511702102201", OrgLevel::Village),
            unit("511702102201001", OrgLevel::Grid),
        ];
        let workers = HashMap::from([
            ("511702001001001".to_owned(), 1),
            ("511702102201001".to_owned(), 2),
        ]);
        let tree = build_tree(&units, &workers, "511702");
        let root = &tree[0];
        assert_eq!(root.unit.child_count, 2);
        assert_eq!(root.unit.grid_count, 3);
        assert_eq!(root.unit.grid_worker_count, 3);
        let dongcheng = &root.children[0];
        assert_eq!(dongcheng.unit.grid_count, 2);
        assert_eq!(dongcheng.children.len(), 2);
        assert_eq!(dongcheng.children[1].unit.grid_count, 0);
        assert_eq!(root.children[1].unit.grid_worker_count, 2);
        assert!(build_tree(&units, &workers, "511703").is_empty());
        let sub = build_tree(&units, &workers, "511702001");
        assert_eq!(sub[0].unit.code, "511702001");
        assert_eq!(sub[0].unit.grid_count, 2);
    }
}
