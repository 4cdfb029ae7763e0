//! 导出 — any search of 实有人口 as an .xlsx: masked, or — for a user allowed to see personal data
//! who states why — in plain text. Every export is on the audit record and the file itself says
//! who exported it, when, and whether it holds plain identifiers.

use crate::access::contacts::MIN_REASON_CHARS;
use crate::registry::persons::{ID_FIELD, NAME_FIELD, PHONE_FIELD};
use crate::sheet::{Column, write_sheet};
use crate::{Actor, AppError, CurrentUser, PersonQuery, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::code_table::{ETHNICITY, SEX};
use pingan_domain::person::{Residence, field};
use pingan_domain::time::format_minute;
use pingan_store::PersonFilter;
use serde_json::json;
use std::collections::HashMap;

/// The most persons one export holds.
pub const MAX_EXPORT_ROWS: usize = 100_000;

impl crate::services::Registry<'_> {
    /// The persons a search finds, as an .xlsx. With a `reason`, names, ID numbers and phones are
    /// in plain text (查看个人信息明文 only); refusals are audited too.
    pub async fn export_persons(
        self,
        actor: &Actor,
        user: &CurrentUser,
        q: &PersonQuery,
        reason: Option<&str>,
    ) -> Result<Vec<u8>> {
        let reason = self.plain_export_reason(actor, "persons", reason).await?;
        let filter = self.person_filter(user, q, "persons.export").await?;
        let page = self
            .store
            .persons(&PersonFilter {
                limit: MAX_EXPORT_ROWS as i64,
                ..filter
            })
            .await?;
        let rows = page.rows;
        if page.after.is_some() {
            return Err(AppError::TooLarge(format!(
                "符合条件的人员超过 {} 人：请按网格或人员类型缩小范围，分批导出",
                pingan_domain::time::format_count(MAX_EXPORT_ROWS as u64)
            )));
        }
        let mut plain: HashMap<i64, (String, String, String)> = HashMap::new();
        if reason.is_some() {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            for s in self.store.persons_sealed(&ids).await? {
                let phone = match s.phone_sealed.as_deref() {
                    Some(p) => self.cipher.open(PHONE_FIELD, p)?,
                    None => String::new(),
                };
                plain.insert(
                    s.id,
                    (
                        self.cipher.open(NAME_FIELD, &s.name_sealed)?,
                        self.cipher.open(ID_FIELD, &s.id_sealed)?,
                        phone,
                    ),
                );
            }
        }
        let columns = [
            Column::new("序号", 8.0),
            Column::new(field::NAME, 12.0),
            Column::new(field::SEX, 6.0),
            Column::new("出生日期", 12.0),
            Column::new(field::ID_NUMBER, 22.0).text(),
            Column::new(field::PHONE, 16.0).text(),
            Column::new(field::ETHNICITY, 10.0),
            Column::new(field::ADDRESS, 36.0),
            Column::new(field::RESIDENCE, 12.0),
            Column::new("网格编码", 18.0).text(),
        ];
        let cells: Vec<Vec<String>> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (name, id_number, phone) = match plain.get(&r.id) {
                    Some((n, id, ph)) => (n.clone(), id.clone(), ph.clone()),
                    None => (
                        r.name_masked.clone(),
                        r.id_masked.clone(),
                        r.phone_masked.clone().unwrap_or_default(),
                    ),
                };
                vec![
                    (i + 1).to_string(),
                    name,
                    SEX.name_of(&r.sex).unwrap_or("").to_owned(),
                    r.birth_date.format("%Y-%m-%d").to_string(),
                    id_number,
                    phone,
                    r.ethnicity
                        .as_deref()
                        .and_then(|e| ETHNICITY.name_of(e))
                        .unwrap_or("")
                        .to_owned(),
                    r.address.clone(),
                    Residence::parse(&r.residence)
                        .map_or("", |x| x.label())
                        .to_owned(),
                    r.grid_code.clone(),
                ]
            })
            .collect();
        let note = export_note(user, &format!("共 {} 人", rows.len()), reason);
        let bytes = write_sheet("实有人口", &columns, &cells, Some(&note))?;
        self.audit(
            actor,
            "persons.export",
            "persons",
            "ok",
            json!({
                "rows": rows.len(),
                "plain": reason.is_some(),
                "reason": reason,
                "grid": q.grid,
                "residence": q.residence,
                "by_text": q.q.as_deref().is_some_and(|t| !t.trim().is_empty()),
            }),
        )
        .await?;
        Ok(bytes)
    }
}

impl crate::services::Registry<'_> {
    /// The reason for a plain-text export of `what` (`persons`, `places`), checked: none for a
    /// masked export; else 4–200 characters and 查看个人信息明文, a refusal audited.
    pub(crate) async fn plain_export_reason<'r>(
        self,
        actor: &Actor,
        what: &str,
        reason: Option<&'r str>,
    ) -> Result<Option<&'r str>> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason {
            if !(MIN_REASON_CHARS..=200).contains(&r.chars().count()) {
                return Err(AppError::Invalid(
                    "请写明明文导出的原因（4 到 200 个字），如“报送民政部门核对低保名单”".into(),
                ));
            }
            if let Err(e) = self.authorize(actor, Capability::RevealPersonalData, None) {
                let action = format!("{what}.export");
                let detail = json!({"plain": true, "reason": r});
                self.audit(actor, &action, what, "denied", detail).await?;
                return Err(e);
            }
        }
        Ok(reason)
    }
}

/// The last line of an exported sheet: who, when (Beijing), how much, masked or plain and why.
pub(crate) fn export_note(user: &CurrentUser, count: &str, reason: Option<&str>) -> String {
    let kind = match reason {
        Some(r) => format!("含明文个人信息，导出原因：{r}"),
        None => "个人信息已脱敏".to_owned(),
    };
    format!(
        "导出人：{}（{}）；导出时间：{}（北京时间）；{count}；{kind}。本表含个人信息，请妥善保管，不得外传。",
        user.display_name,
        user.username,
        format_minute(Utc::now())
    )
}
