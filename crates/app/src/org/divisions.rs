//! 区划导入 — taking a newer edition of the statistical division codes (or another district's
//! rows) for the villages and communities: new codes are added, renamed ones take their new name,
//! and those of the file's townships that the edition no longer lists are retired, never deleted.
//! The edition is remembered, so that the rows this build ships do not undo it at the next start.

use crate::{Actor, AppError, Result};
use pingan_domain::division::{read_division_rows, village_name};
use pingan_domain::org::village_kind;
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::NewOrgUnit;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The setting that records the edition of the division codes last imported.
pub(crate) const EDITION_KEY: &str = "divisions.edition";

/// The largest division file accepted (the whole country's villages are 40 MB; a district's a few KB).
pub const MAX_DIVISION_BYTES: usize = 2 * 1024 * 1024;

/// 区划导入结果 — what an import of division codes changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DivisionImportReport {
    pub edition: String,
    pub added: usize,
    pub renamed: usize,
    pub retired: usize,
    pub unchanged: usize,
    /// Rows not taken: line number, code as written, reason.
    pub rejected: Vec<(usize, String, String)>,
}

impl crate::services::Org<'_> {
    /// Imports the villages and communities of a division file of `edition` (a year, e.g. 2024):
    /// rows of townships this installation does not have are refused one by one.
    pub async fn import_divisions(
        self,
        actor: &Actor,
        text: &str,
        edition: &str,
    ) -> Result<DivisionImportReport> {
        self.authorize(actor, Capability::ManageOrg, None)?;
        if text.len() > MAX_DIVISION_BYTES {
            return Err(AppError::TooLarge(format!(
                "区划文件超过 {} MB：请只保留本区县的行",
                MAX_DIVISION_BYTES / 1024 / 1024
            )));
        }
        if !(edition.len() == 4 && edition.bytes().all(|b| b.is_ascii_digit())) {
            return Err(AppError::Invalid(format!(
                "版本应为统计用区划代码的年份，如 2024（收到“{edition}”）"
            )));
        }
        let rows = read_division_rows(text).map_err(AppError::Invalid)?;
        let mut report = DivisionImportReport {
            edition: edition.to_owned(),
            ..DivisionImportReport::default()
        };
        let mut townships: HashMap<String, bool> = HashMap::new();
        let mut units: Vec<NewOrgUnit> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for row in rows {
            let code = match OrgCode::parse(&row.code) {
                Ok(c) if c.level() == OrgLevel::Village => c,
                Ok(_) => {
                    report
                        .rejected
                        .push((row.line, row.code, "应为 12 位村（社区）代码".into()));
                    continue;
                }
                Err(e) => {
                    report.rejected.push((row.line, row.code, e.to_string()));
                    continue;
                }
            };
            let township = code.parent().map(String::from).unwrap_or_default();
            let known = match townships.get(&township) {
                Some(k) => *k,
                None => {
                    let k = self
                        .store
                        .org_unit(&township)
                        .await?
                        .is_some_and(|u| u.retired_at.is_none() && u.level == "township");
                    townships.insert(township.clone(), k);
                    k
                }
            };
            if !known {
                report.rejected.push((
                    row.line,
                    row.code,
                    format!("乡镇（街道）{township} 不在组织架构中"),
                ));
            } else if row.name.is_empty() || row.name.chars().count() > 50 {
                report
                    .rejected
                    .push((row.line, row.code, "名称应为 1 到 50 个字".into()));
            } else if !seen.insert(code.as_str().to_owned()) {
                report
                    .rejected
                    .push((row.line, row.code, "同一文件中代码重复".into()));
            } else {
                units.push(NewOrgUnit {
                    parent_code: Some(township),
                    level: OrgLevel::Village.as_str(),
                    kind: village_kind(code.segment()).into(),
                    name: village_name(&row.name),
                    code: code.into(),
                    provenance: "official",
                    version: edition.to_owned(),
                    boundary: None,
                });
            }
        }
        if units.is_empty() {
            return Err(AppError::Invalid(
                "文件中没有可导入的村（社区）：请看被拒绝的行".into(),
            ));
        }
        let covered: BTreeSet<&str> = units
            .iter()
            .filter_map(|u| u.parent_code.as_deref())
            .collect();
        let mut retire = Vec::new();
        for township in &covered {
            for existing in self.store.org_children(Some(township)).await? {
                match units.iter().find(|u| u.code == existing.code) {
                    Some(u) if u.name == existing.name && existing.provenance == "official" => {
                        report.unchanged += 1
                    }
                    Some(_) => report.renamed += 1,
                    None if existing.provenance == "official" => retire.push(existing.code),
                    None => {}
                }
            }
        }
        report.retired = retire.len();
        report.added = units.len() - report.unchanged - report.renamed;
        self.store.save_official_villages(&units, &retire).await?;
        self.store.set_setting(EDITION_KEY, edition).await?;
        self.audit(
            actor,
            "divisions.import",
            "org:divisions",
            "ok",
            serde_json::json!({"edition": edition, "added": report.added, "renamed": report.renamed,
                "retired": report.retired, "rejected": report.rejected.len()}),
        )
        .await?;
        Ok(report)
    }
}
