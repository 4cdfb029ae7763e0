//! 网格导入 — loading a district's real grid boundaries (from its GIS, usually the 自然资源局) as a
//! GeoJSON FeatureCollection in WGS-84. Each feature carries `code` (the 15-digit grid code) and
//! `name`; a feature whose village or community does not exist yet may give `village_name` to
//! create it. Valid features are saved (new grids added, existing ones renamed and redrawn) in one
//! transaction; every other feature is reported with its reason, and nothing of it is saved.

use crate::{Actor, AppError, Result};
use pingan_domain::org::village_kind;
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_geo::Polygon;
use pingan_store::NewOrgUnit;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashSet;

/// The largest file accepted.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GridImportReport {
    /// Grids saved (new or updated).
    pub saved: usize,
    /// Villages and communities created for them.
    pub villages_created: usize,
    /// `(feature number from 1, grid code if any, reason)` of every feature not saved.
    pub rejected: Vec<(usize, String, String)>,
}

impl crate::services::Org<'_> {
    /// Imports grid boundaries from GeoJSON text (see the module documentation).
    pub async fn import_grids(self, actor: &Actor, text: &str) -> Result<GridImportReport> {
        self.authorize(actor, Capability::ManageOrg, None)?;
        if text.len() > MAX_IMPORT_BYTES {
            return Err(AppError::Invalid(format!(
                "文件超过 {} MB，请分片导入",
                MAX_IMPORT_BYTES / 1024 / 1024
            )));
        }
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            AppError::Invalid(format!("不是合法的 GeoJSON（第 {} 行附近：{e}）", e.line()))
        })?;
        let features = match (
            doc.get("type").and_then(Value::as_str),
            doc.get("features").and_then(Value::as_array),
        ) {
            (Some("FeatureCollection"), Some(f)) => f,
            _ => {
                return Err(AppError::Invalid(
                    "应为 GeoJSON FeatureCollection（含 features 数组）".into(),
                ));
            }
        };
        let mut report = GridImportReport::default();
        let mut units: Vec<NewOrgUnit> = Vec::new();
        let mut seen = HashSet::new();
        for (i, feature) in features.iter().enumerate() {
            match self.grid_units(feature, &units).await {
                Ok(found) if seen.insert(found.grid.code.clone()) => {
                    report.villages_created += usize::from(found.village.is_some());
                    units.extend(found.village);
                    units.push(found.grid);
                    report.saved += 1;
                }
                Ok(found) => {
                    report
                        .rejected
                        .push((i + 1, found.grid.code, "同一文件中网格编码重复".into()))
                }
                Err((code, reason)) => report.rejected.push((i + 1, code, reason)),
            }
        }
        self.store.upsert_org_units(&units).await?;
        self.mark_grids_changed().await?;
        let detail = json!({"saved": report.saved, "villages_created": report.villages_created, "rejected": report.rejected.len()});
        self.audit(actor, "grids.import", "org_units", "ok", detail)
            .await?;
        Ok(report)
    }

    /// The grid of one feature and, if needed, its new village; or the code and why not.
    async fn grid_units(
        self,
        feature: &Value,
        pending: &[NewOrgUnit],
    ) -> std::result::Result<FeatureUnits, (String, String)> {
        let props = feature.get("properties").cloned().unwrap_or(Value::Null);
        let text = |key: &str| {
            props
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("")
                .to_owned()
        };
        let raw_code = text("code");
        let fail = |reason: String| (raw_code.clone(), reason);
        let code =
            OrgCode::parse(&raw_code).map_err(|e| fail(format!("网格编码 code 有误：{e}")))?;
        if code.level() != OrgLevel::Grid {
            return Err(fail(
                "网格编码 code 应为 15 位（村/社区编码加 3 位序号）".into(),
            ));
        }
        let name = text("name");
        if name.is_empty() || name.chars().count() > 50 {
            return Err(fail("网格名称 name 应为 1 到 50 个字".into()));
        }
        let geometry = feature
            .get("geometry")
            .map(Value::to_string)
            .unwrap_or_default();
        let polygon = Polygon::from_geojson(&geometry).map_err(|e| fail(e.to_string()))?;
        let village_code = code
            .parent()
            .ok_or_else(|| fail("网格编码缺少上级".into()))?;
        let township = village_code
            .parent()
            .ok_or_else(|| fail("网格编码缺少上级".into()))?;
        if self
            .store
            .org_unit(township.as_str())
            .await
            .map_err(|e| fail(e.to_string()))?
            .is_none()
        {
            return Err(fail(format!(
                "乡镇（街道）{township} 不存在：网格编码的前 9 位应为本区的乡镇（街道）编码"
            )));
        }
        let village_exists = pending.iter().any(|u| u.code == village_code.as_str())
            || self
                .store
                .org_unit(village_code.as_str())
                .await
                .map_err(|e| fail(e.to_string()))?
                .is_some();
        let village = if village_exists {
            None
        } else {
            let village_name = text("village_name");
            if village_name.is_empty() || village_name.chars().count() > 50 {
                return Err(fail(format!(
                    "村（社区）{village_code} 不存在：请在属性 village_name 中给出它的名称以便新建"
                )));
            }
            Some(NewOrgUnit {
                code: village_code.to_string(),
                parent_code: Some(township.to_string()),
                level: OrgLevel::Village.as_str(),
                kind: village_kind(village_code.segment()).into(),
                name: village_name,
                provenance: "imported",
                version: "import".into(),
                boundary: None,
            })
        };
        let grid = NewOrgUnit {
            code: code.to_string(),
            parent_code: Some(village_code.to_string()),
            level: OrgLevel::Grid.as_str(),
            kind: "网格".into(),
            name,
            provenance: "imported",
            version: "import".into(),
            boundary: Some((polygon.to_geojson(), polygon.label_point())),
        };
        Ok(FeatureUnits { village, grid })
    }
}

struct FeatureUnits {
    village: Option<NewOrgUnit>,
    grid: NewOrgUnit,
}
