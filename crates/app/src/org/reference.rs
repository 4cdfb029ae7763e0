//! Shipped reference data: the code tables and the division codes of 通川区.

use super::divisions::EDITION_KEY;
use crate::Result;
use pingan_domain::OrgLevel;
use pingan_domain::code_table;
use pingan_domain::division::{DISTRICT, DIVISION_VERSION, TOWNSHIPS, villages};
use pingan_domain::org::{OrgCode, township_kind, village_kind};
use pingan_store::NewOrgUnit;

impl crate::services::Org<'_> {
    /// Brings the database's reference data in line with this build: new codes are added, codes
    /// no longer shipped are retired (never deleted). Idempotent; runs at every start.
    pub(crate) async fn sync_reference_data(self) -> Result<()> {
        for table in code_table::ALL {
            let retired = self.store.sync_code_table(&table).await?;
            if retired > 0 {
                tracing::info!(table = table.key, retired, "代码表中有代码已停用");
            }
        }
        // An edition imported with `pingan import divisions` that is newer than the one this
        // build ships keeps its villages; the district and townships are synced either way.
        let imported = self.store.setting(EDITION_KEY).await?;
        let with_villages = imported.is_none_or(|e| e.as_str() <= DIVISION_VERSION);
        let units = official_units(with_villages)?;
        self.store.insert_org_units(&units).await?;
        let keep: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
        let mut levels = vec![OrgLevel::District.as_str(), OrgLevel::Township.as_str()];
        if with_villages {
            levels.push(OrgLevel::Village.as_str());
        }
        self.store
            .retire_official_units_except(&levels, &keep)
            .await?;
        Ok(())
    }

    /// The current codes of a shipped code table, as `(code, name)`.
    pub async fn code_table(self, key: &str) -> Result<Vec<(String, String)>> {
        Ok(self
            .store
            .code_entries(key)
            .await?
            .into_iter()
            .filter(|e| !e.retired)
            .map(|e| (e.code, e.name))
            .collect())
    }
}

/// The district, its 18 townships and (unless a newer edition was imported) its 209 villages and
/// communities as org units.
fn official_units(with_villages: bool) -> Result<Vec<NewOrgUnit>> {
    let mut units = vec![official(DISTRICT.0, DISTRICT.1, "区")?];
    for (code, name) in TOWNSHIPS {
        let kind = township_kind(OrgCode::parse(code).map_err(invalid)?.segment());
        units.push(official(code, name, kind)?);
    }
    for v in villages().filter(|_| with_villages) {
        let kind = village_kind(OrgCode::parse(v.code).map_err(invalid)?.segment());
        units.push(official(v.code, &v.name(), kind)?);
    }
    Ok(units)
}

fn official(code: &str, name: &str, kind: &str) -> Result<NewOrgUnit> {
    let c = OrgCode::parse(code).map_err(invalid)?;
    Ok(NewOrgUnit {
        parent_code: c.parent().map(String::from),
        level: c.level().as_str(),
        code: c.into(),
        kind: kind.into(),
        name: name.into(),
        provenance: "official",
        version: DIVISION_VERSION.into(),
        boundary: None,
    })
}

fn invalid(e: pingan_domain::OrgCodeError) -> crate::AppError {
    crate::AppError::Internal(format!("内置区划代码有误: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_units_are_the_district_its_townships_and_villages() {
        let units = official_units(true).unwrap();
        assert_eq!(units.len(), 1 + 18 + 209);
        assert_eq!(
            units
                .iter()
                .filter(|u| u.level == OrgLevel::Township.as_str())
                .count(),
            18
        );
        let dongcheng = units.iter().find(|u| u.code == "511702001").unwrap();
        assert_eq!(dongcheng.kind, "街道");
        assert_eq!(dongcheng.parent_code.as_deref(), Some("511702"));
        let anyun = units.iter().find(|u| u.code == "511702208").unwrap();
        assert_eq!(anyun.kind, "乡");
        let xiaobeijie = units.iter().find(|u| u.code == "511702002002").unwrap();
        assert_eq!(
            (xiaobeijie.name.as_str(), xiaobeijie.kind.as_str()),
            ("小北街社区", "社区")
        );
        assert_eq!(xiaobeijie.parent_code.as_deref(), Some("511702002"));
    }
}
