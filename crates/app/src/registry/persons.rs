//! 实有人口 — the persons of the grid registry: entered from an .xlsx import (keyed by ID number,
//! so the same file twice changes nothing), searched within scope by any two characters of a name,
//! by address, by exact ID number or phone (through blind indexes), shown masked, and revealed in
//! plain text only to those allowed, for a stated reason, on the audit record.

use crate::access::contacts::MIN_REASON_CHARS;
use crate::list::{Listed, page_at};
use crate::sheet::{Cell, Column, RejectedCell, add_refused, read_import, write_sheet};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Datelike, Utc};
use pingan_domain::code_table::{ETHNICITY, RELATION, SEX};
use pingan_domain::identity::{IdNumber, PhoneNumber, mask_name};
use pingan_domain::page::{KeyKind, PageAt};
use pingan_domain::person::{
    HEAD_OF_HOUSEHOLD, PersonInput, PersonTag, Residence, ValidPerson, field, two_char_pieces,
};
use pingan_domain::special_group::SpecialGroup;
use pingan_domain::text::filter_text;
use pingan_domain::{Capability, OrgCode};
use pingan_store::{NewHousehold, NewPerson, PersonFilter, PersonRecord};
use serde_json::json;
use std::collections::{HashMap, HashSet};

pub(crate) const NAME_FIELD: &str = "persons.name";
const NAME_GRAM_FIELD: &str = "persons.name_gram";
pub(crate) const ID_FIELD: &str = "persons.id_number";
pub(crate) const PHONE_FIELD: &str = "persons.phone";
const ROW_FIELD: &str = "persons.row";

/// The most rows one import may hold.
pub const MAX_PERSON_ROWS: usize = 200_000;

/// Why a row keyed by an ID number registered in another township is refused — without saying
/// where: an import or a form never moves a person out of another's scope.
pub(crate) const REGISTERED_ELSEWHERE: &str = "此人已在其他辖区登记，本辖区不能导入或修改：如此人已迁入本辖区，请在“迁移申请”中申请迁入，由原辖区确认";
/// The grid column of the template (the command line's `--grid` stands in for it).
const GRID: &str = "网格编码";
/// Rows per page of the list.
pub const PERSON_PAGE_ROWS: i64 = 50;

/// 人员 — a person as lists and the API show it: identifiers masked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: i64,
    /// `张**`.
    pub name: String,
    /// `511702********123X`.
    pub id_number: String,
    /// `138****5678`.
    pub phone: Option<String>,
    pub sex: String,
    /// Age in whole years today.
    pub age: i32,
    pub ethnicity: Option<String>,
    pub address: String,
    /// `registered` / `floating` / `foreign` / `left_behind`, and its Chinese name.
    pub residence: String,
    pub residence_label: String,
    pub grid_code: String,
    /// Moved out (the row is kept).
    pub ended: bool,
    /// The household (户) the person belongs to, and their relation to its head (GB/T 4761 name).
    pub household_id: Option<i64>,
    pub relation: Option<String>,
}

impl From<PersonRecord> for PersonView {
    fn from(r: PersonRecord) -> Self {
        let today = pingan_domain::time::beijing_date(Utc::now());
        let mut age = today.year() - r.birth_date.year();
        if (today.month(), today.day()) < (r.birth_date.month(), r.birth_date.day()) {
            age -= 1;
        }
        Self {
            id: r.id,
            name: r.name_masked,
            id_number: r.id_masked,
            phone: r.phone_masked,
            sex: SEX.name_of(&r.sex).unwrap_or("").to_owned(),
            age,
            ethnicity: r
                .ethnicity
                .as_deref()
                .and_then(|e| ETHNICITY.name_of(e))
                .map(str::to_owned),
            residence_label: Residence::parse(&r.residence)
                .map_or_else(|| r.residence.clone(), |x| x.label().to_owned()),
            residence: r.residence,
            address: r.address,
            grid_code: r.grid_code,
            ended: r.ended_at.is_some(),
            household_id: r.household_id,
            relation: r
                .relation
                .as_deref()
                .and_then(|c| RELATION.name_of(c))
                .map(str::to_owned),
        }
    }
}

/// A person's identifiers in plain text (after a reveal).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PersonPlain {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
}

/// The filters of a person search.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PersonQuery {
    /// Two or more characters of a name, or part of an address.
    pub q: Option<String>,
    /// A whole 公民身份号码 (exact).
    pub id_number: Option<String>,
    /// A whole phone number (exact).
    pub phone: Option<String>,
    /// A grid, village or township code in your scope.
    pub grid: Option<String>,
    /// A 人员类型 code or name.
    pub residence: Option<String>,
    /// A special group (code or name) the persons are in — only with that group's permission.
    pub group: Option<String>,
    /// A 人员标签 code or name (独居老人 …).
    pub tag: Option<String>,
    /// The next page: the `after` cursor of the page before it.
    pub after: Option<String>,
    /// The previous page: the `before` cursor of the page after it.
    pub before: Option<String>,
    /// Count every match for the total (`true`); by default a search's total stops at 10,000.
    pub exact_total: Option<bool>,
}

/// A person as entered on the phone's quick-add form or sent to the API: the template's fields.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PersonEntry {
    /// The grid (15 digits, in your scope).
    pub grid: String,
    pub name: String,
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    pub address: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub ethnicity: String,
    /// 户籍人口 (default), 流动人口, 境外人员 or 留守人员 (or their codes).
    #[serde(default)]
    pub residence: String,
    #[serde(default)]
    pub household_no: String,
    #[serde(default)]
    pub relation: String,
}

/// How far an import has got, in rows of the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportProgress {
    pub total: usize,
    /// Rows checked (validated, sealed).
    pub checked: usize,
    /// Rows written (scaled to the file's rows).
    pub written: usize,
}

impl ImportProgress {
    /// Percent done: checking counts for a third, writing for the rest.
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 0;
        }
        let done = (self.checked + 2 * self.written) * 100 / (3 * self.total);
        u8::try_from(done.min(100)).unwrap_or(100)
    }
}

/// What a person import did.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct PersonImportReport {
    pub inserted: usize,
    pub updated: usize,
    /// Rows identical to what is stored.
    pub unchanged: usize,
    pub rejected_rows: usize,
    pub rejected: Vec<RejectedCell>,
}

/// The person template: the four columns a file needs at least, then the optional ones.
pub fn person_template() -> Result<Vec<u8>> {
    let sexes = vec!["男", "女"];
    let ethnicities: Vec<&str> = ETHNICITY.entries.iter().map(|e| e.name).collect();
    let residences: Vec<&str> = Residence::ALL.iter().map(|r| r.label()).collect();
    let columns = [
        Column::new(field::NAME, 12.0),
        Column::new(field::ID_NUMBER, 22.0).text(),
        Column::new(field::PHONE, 16.0).text(),
        Column::new(field::ADDRESS, 36.0),
        Column::new(field::SEX, 8.0).choices(sexes),
        Column::new(field::ETHNICITY, 10.0).choices(ethnicities),
        Column::new(field::RESIDENCE, 12.0).choices(residences),
        Column::new(GRID, 18.0).text(),
        Column::new(field::HOUSEHOLD_NO, 14.0).text(),
        Column::new(field::RELATION, 12.0).choices(COMMON_RELATIONS.to_vec()),
    ];
    Ok(write_sheet(
        "实有人口",
        &columns,
        &[],
        Some(
            "前四列必填；性别、出生日期以身份证号码为准；网格编码不填则用导入时选择的网格；同一网格内户号相同的人为一户，户址取户主的现住址。",
        ),
    )?)
}

/// The relations the template's drop-down offers (GB/T 4761 names; any other name or code of the
/// standard is accepted too — a drop-down holds at most 255 characters).
const COMMON_RELATIONS: [&str; 22] = [
    "户主",
    "配偶",
    "夫",
    "妻",
    "子",
    "长子",
    "次子",
    "女",
    "长女",
    "次女",
    "儿媳",
    "女婿",
    "孙子",
    "孙女",
    "父亲",
    "母亲",
    "兄",
    "弟",
    "姐姐",
    "妹妹",
    "其他",
    "非亲属",
];

/// The template's headers, and whether each is required.
const HEADERS: [(&str, bool); 10] = [
    (field::NAME, true),
    (field::ID_NUMBER, true),
    (field::PHONE, false),
    (field::ADDRESS, true),
    (field::SEX, false),
    (field::ETHNICITY, false),
    (field::RESIDENCE, false),
    (GRID, false),
    (field::HOUSEHOLD_NO, false),
    (field::RELATION, false),
];

impl crate::services::Registry<'_> {
    /// Imports persons from an .xlsx (the template's columns in any order, at least 姓名,
    /// 公民身份号码, 联系方式, 现住址); rows without 网格编码 go to `grid`. Every bad cell is
    /// reported; good rows are written, keyed by ID number.
    pub async fn import_persons(
        self,
        actor: &Actor,
        bytes: &[u8],
        grid: Option<&str>,
    ) -> Result<PersonImportReport> {
        self.import_persons_with_progress(actor, bytes, grid, &|_| {})
            .await
    }

    /// [`App::import_persons`], telling `progress` how far it got: rows checked, then rows
    /// written.
    pub async fn import_persons_with_progress(
        self,
        actor: &Actor,
        bytes: &[u8],
        grid: Option<&str>,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> Result<PersonImportReport> {
        self.authorize(actor, Capability::ManageRegistry, None)?;
        let scope_prefix = actor.scope_prefix();
        let grids: HashSet<String> = self
            .store
            .grids_under(&scope_prefix)
            .await?
            .into_iter()
            .map(|g| g.code)
            .collect();
        let default_grid = match grid.map(str::trim).filter(|g| !g.is_empty()) {
            Some(g) if grids.contains(g) => Some(g.to_owned()),
            Some(g) => {
                return Err(AppError::Invalid(format!(
                    "网格 {g} 不存在或不在您的管辖范围内：请填写 15 位网格编码"
                )));
            }
            None => None,
        };
        let (columns, body) = read_import(bytes, MAX_PERSON_ROWS, &HEADERS).await?;
        if default_grid.is_none() && !columns.has(GRID) {
            return Err(AppError::Invalid(
                "表格没有“网格编码”列：请选择这些人员所在的网格".into(),
            ));
        }
        let today = pingan_domain::time::beijing_date(Utc::now());
        let now = pingan_domain::audit::to_micros(Utc::now());
        let mut report = PersonImportReport::default();
        let mut rows: Vec<NewPerson> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        // Each row's Excel number and masked ID number, by the ID number's blind index.
        let mut row_of: HashMap<String, (usize, String)> = HashMap::new();
        let mut households: Vec<NewHousehold> = Vec::new();
        let mut household_index: HashMap<(String, String), usize> = HashMap::new();
        // The row of each household's 户主.
        let mut heads: HashMap<usize, usize> = HashMap::new();
        let total = body.len();
        progress(ImportProgress {
            total,
            ..ImportProgress::default()
        });
        for (i, row) in body.iter().enumerate() {
            if i % 1_000 == 999 {
                progress(ImportProgress {
                    total,
                    checked: i + 1,
                    written: 0,
                });
            }
            let cell = |name: &str| columns.cell(row, name);
            if row.iter().all(|c| c.text().is_empty()) {
                continue;
            }
            let n = i + 2;
            let mut reject = |column: &str, value: String, reason: String| {
                report.rejected.push(RejectedCell {
                    row: n,
                    column: column.to_owned(),
                    value,
                    reason,
                });
            };
            let input = PersonInput {
                name: cell(field::NAME).text(),
                id_number: cell(field::ID_NUMBER).text(),
                phone: cell(field::PHONE).text(),
                address: cell(field::ADDRESS).text(),
                sex: cell(field::SEX).text(),
                ethnicity: cell(field::ETHNICITY).text(),
                residence: cell(field::RESIDENCE).text(),
                household_no: cell(field::HOUSEHOLD_NO).text(),
                relation: cell(field::RELATION).text(),
            };
            let mut bad = false;
            if matches!(cell(field::ID_NUMBER), Cell::Number(_)) {
                reject(
                    field::ID_NUMBER,
                    input.id_number.clone(),
                    "号码被存成了数字，会丢失位数：请把该列单元格格式设为“文本”".into(),
                );
                bad = true;
            }
            let grid_code = match cell(GRID).text() {
                g if g.is_empty() => default_grid.clone(),
                g if grids.contains(&g) => Some(g),
                g => {
                    reject(GRID, g, "网格不存在或不在您的管辖范围内".into());
                    bad = true;
                    None
                }
            };
            let valid = match input.validate(today) {
                Ok(v) if !bad => v,
                Ok(_) => {
                    report.rejected_rows += 1;
                    continue;
                }
                Err(errors) => {
                    for (column, reason) in errors {
                        let value = cell(column).text();
                        reject(column, value, reason);
                    }
                    report.rejected_rows += 1;
                    continue;
                }
            };
            let Some(grid_code) = grid_code else {
                reject(GRID, String::new(), "必填".into());
                report.rejected_rows += 1;
                continue;
            };
            if let Some(first) = seen.insert(valid.id_number.as_str().to_owned(), n) {
                reject(
                    field::ID_NUMBER,
                    valid.id_number.masked(),
                    format!("与第 {first} 行重复"),
                );
                report.rejected_rows += 1;
                continue;
            }
            let household = match &valid.household_no {
                None => None,
                Some(no) => {
                    let key = (grid_code.clone(), no.clone());
                    let next = households.len();
                    let at = *household_index.entry(key).or_insert(next);
                    if at == next {
                        households.push(NewHousehold {
                            grid_code: grid_code.clone(),
                            household_no: no.clone(),
                            address: valid.address.clone(),
                        });
                    }
                    if valid.relation == Some(HEAD_OF_HOUSEHOLD) {
                        if let Some(first) = heads.insert(at, n) {
                            reject(
                                field::RELATION,
                                "户主".into(),
                                format!("户号 {no} 已有户主（第 {first} 行）"),
                            );
                            report.rejected_rows += 1;
                            continue;
                        }
                        if let Some(h) = households.get_mut(at) {
                            h.address.clone_from(&valid.address);
                        }
                    }
                    Some(at)
                }
            };
            let masked = valid.id_number.masked();
            let person = self.new_person(valid, grid_code, household, now)?;
            row_of.insert(person.id_index.clone(), (n, masked));
            rows.push(person);
        }
        let good = rows.len();
        let writes = self
            .store
            .upsert_persons(&scope_prefix, &households, &rows, now, &|written| {
                progress(ImportProgress {
                    total,
                    checked: total,
                    written: written * total / good.max(1),
                });
            })
            .await?;
        if writes.inserted + writes.updated >= 1_000 {
            self.store.analyze_persons().await?;
        }
        let refused = writes.refused.iter().filter_map(|index| {
            let (row, masked) = row_of.get(index)?;
            Some(RejectedCell {
                row: *row,
                column: field::ID_NUMBER.to_owned(),
                value: masked.clone(),
                reason: REGISTERED_ELSEWHERE.into(),
            })
        });
        report.rejected_rows += add_refused(&mut report.rejected, refused);
        report.inserted = writes.inserted;
        report.updated = writes.updated;
        report.unchanged = writes.unchanged;
        self.audit(
            actor,
            "persons.import",
            "persons",
            "ok",
            json!({
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected_rows": report.rejected_rows,
            }),
        )
        .await?;
        Ok(report)
    }

    /// Registers one person of the user's grids (the phone's quick add, the API). A person already
    /// registered under that ID number is refused, wherever they are (without saying where).
    pub async fn add_person(
        self,
        actor: &Actor,
        user: &CurrentUser,
        entry: &PersonEntry,
    ) -> Result<PersonView> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        let grid = entry.grid.trim().to_owned();
        let in_scope = self
            .store
            .grids_under(user.scope().prefix())
            .await?
            .iter()
            .any(|g| g.code == grid);
        if !in_scope {
            return Err(AppError::Invalid(format!(
                "网格：{grid} 不存在或不在您的管辖范围内，请选择所在网格"
            )));
        }
        let input = PersonInput {
            name: entry.name.clone(),
            id_number: entry.id_number.clone(),
            phone: entry.phone.clone(),
            address: entry.address.clone(),
            sex: entry.sex.clone(),
            ethnicity: entry.ethnicity.clone(),
            residence: entry.residence.clone(),
            household_no: entry.household_no.clone(),
            relation: entry.relation.clone(),
        };
        let today = pingan_domain::time::beijing_date(Utc::now());
        let valid = input.validate(today).map_err(|errors| {
            AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(f, reason)| format!("{f}：{reason}"))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })?;
        let index = self.id_number_index(&valid.id_number);
        if !self
            .store
            .person_ids(std::slice::from_ref(&index))
            .await?
            .is_empty()
        {
            return Err(AppError::Conflict(
                "此公民身份号码已登记：如此人已迁入本网格，请先由原网格注销，或按身份证号码查找"
                    .into(),
            ));
        }
        let households: Vec<NewHousehold> = valid
            .household_no
            .iter()
            .map(|no| NewHousehold {
                grid_code: grid.clone(),
                household_no: no.clone(),
                address: valid.address.clone(),
            })
            .collect();
        let household = (!households.is_empty()).then_some(0);
        let now = pingan_domain::audit::to_micros(Utc::now());
        let row = self.new_person(valid, grid.clone(), household, now)?;
        // An existing household keeps its address unless this is its 户主.
        let households = if row.relation.as_deref() == Some(HEAD_OF_HOUSEHOLD) {
            households
        } else {
            self.keep_household_address(households).await?
        };
        self.store
            .upsert_persons(
                user.scope().prefix(),
                &households,
                std::slice::from_ref(&row),
                now,
                &|_| {},
            )
            .await?;
        let id = *self
            .store
            .person_ids(std::slice::from_ref(&index))
            .await?
            .get(&index)
            .ok_or_else(|| AppError::Internal("刚登记的人员未能读回".into()))?;
        self.audit(
            actor,
            "persons.add",
            &format!("person:{id}"),
            "ok",
            json!({"grid": grid}),
        )
        .await?;
        self.person(user, id).await
    }

    /// The households as given, but with the stored address of any that exist already.
    async fn keep_household_address(
        self,
        households: Vec<NewHousehold>,
    ) -> Result<Vec<NewHousehold>> {
        let mut out = Vec::with_capacity(households.len());
        for mut h in households {
            let found = self
                .store
                .households(&h.grid_code, Some(&h.household_no), &PageAt::First, 50)
                .await?;
            if let Some(existing) = found
                .rows
                .into_iter()
                .find(|e| e.household_no == h.household_no)
            {
                h.address = existing.address;
            }
            out.push(h);
        }
        Ok(out)
    }

    /// A checked person as stored: identifiers sealed, blind indexes and masks beside them, the
    /// name's and address's pieces, the digest that tells an unchanged row.
    pub(crate) fn new_person(
        self,
        valid: ValidPerson,
        grid_code: String,
        household: Option<usize>,
        at: DateTime<Utc>,
    ) -> Result<NewPerson> {
        let digest_text = format!(
            "{}|{}|{}|{}|{}|{}|{}|{}|{}",
            valid.name,
            valid.phone.as_ref().map_or("", |p| p.as_str()),
            valid.address,
            valid.ethnicity.unwrap_or(""),
            valid.residence.code(),
            grid_code,
            valid.id_number.as_str(),
            valid.household_no.as_deref().unwrap_or(""),
            valid.relation.unwrap_or("")
        );
        Ok(NewPerson {
            grid_code,
            name_sealed: self.cipher.seal(NAME_FIELD, &valid.name)?,
            name_masked: mask_name(&valid.name),
            id_sealed: self.cipher.seal(ID_FIELD, valid.id_number.as_str())?,
            id_index: self.cipher.blind_index(ID_FIELD, valid.id_number.as_str()),
            id_masked: valid.id_number.masked(),
            phone_sealed: valid
                .phone
                .as_ref()
                .map(|p| self.cipher.seal(PHONE_FIELD, p.as_str()))
                .transpose()?,
            phone_index: valid
                .phone
                .as_ref()
                .map(|p| self.cipher.blind_index(PHONE_FIELD, p.as_str())),
            phone_masked: valid.phone.as_ref().map(PhoneNumber::masked),
            sex: valid.sex.to_owned(),
            birth_date: valid.birth_date,
            ethnicity: valid.ethnicity.map(str::to_owned),
            address_grams: two_char_pieces(&valid.address),
            address: valid.address,
            residence: valid.residence.code().to_owned(),
            row_digest: self.cipher.blind_index(ROW_FIELD, &digest_text),
            grams: two_char_pieces(&valid.name)
                .iter()
                .map(|g| self.cipher.blind_index(NAME_GRAM_FIELD, g))
                .collect(),
            household,
            relation: valid.relation.map(str::to_owned),
            at,
        })
    }

    /// The blind index of an ID number, as persons are found by.
    pub(crate) fn id_number_index(self, id_number: &IdNumber) -> String {
        self.cipher.blind_index(ID_FIELD, id_number.as_str())
    }

    /// Persons of the user's scope, masked. Searches by ID number or phone are on the audit record
    /// (the values are not).
    pub async fn persons(self, user: &CurrentUser, q: &PersonQuery) -> Result<Listed<PersonView>> {
        let at = page_at(q.after.as_deref(), q.before.as_deref(), &[KeyKind::Int])?;
        let filter = PersonFilter {
            at,
            ..self.person_filter(user, q, "persons.search").await?
        };
        let (page, total) = self
            .store
            .persons_counted(&filter, q.exact_total.unwrap_or(false))
            .await?;
        Ok(Listed::new(page, total, PersonView::from))
    }

    /// The store's filter for a search of the user's scope; a search by ID number or phone is
    /// audited as `action`.
    pub(crate) async fn person_filter(
        self,
        user: &CurrentUser,
        q: &PersonQuery,
        action: &str,
    ) -> Result<PersonFilter> {
        let text = |v: &Option<String>, field: &str| {
            filter_text(v.as_deref(), field).map_err(AppError::Invalid)
        };
        let prefix = self.prefix_asked(user, q.grid.as_deref(), Capability::ViewRegistry)?;
        let today = pingan_domain::time::beijing_date(Utc::now());
        let id_index = match text(&q.id_number, "id_number")? {
            Some(raw) => {
                let id = IdNumber::parse(&raw, today)
                    .map_err(|e| AppError::Invalid(format!("id_number：{e}")))?;
                Some(self.cipher.blind_index(ID_FIELD, id.as_str()))
            }
            None => None,
        };
        let phone_index = match text(&q.phone, "phone")? {
            Some(raw) => {
                let phone = PhoneNumber::parse(&raw)
                    .map_err(|e| AppError::Invalid(format!("phone：{e}")))?;
                Some(self.cipher.blind_index(PHONE_FIELD, phone.as_str()))
            }
            None => None,
        };
        let (name_grams, address) = match text(&q.q, "q")? {
            Some(t) if t.chars().count() >= 2 => (
                two_char_pieces(&t)
                    .iter()
                    .map(|g| self.cipher.blind_index(NAME_GRAM_FIELD, g))
                    .collect(),
                Some((t.clone(), two_char_pieces(&t))),
            ),
            Some(_) => {
                return Err(AppError::Invalid(
                    "按姓名或地址查找请至少输入 2 个字".into(),
                ));
            }
            None => (Vec::new(), None),
        };
        let residence = Residence::parse_param(q.residence.as_deref(), "residence")
            .map_err(AppError::Invalid)?
            .map(|r| r.code().to_owned());
        let group =
            SpecialGroup::parse_param(q.group.as_deref(), "group").map_err(AppError::Invalid)?;
        if let Some(g) = group {
            self.authorize_user(user, g.capability())?;
        }
        let tag = PersonTag::parse_param(q.tag.as_deref(), "tag")
            .map_err(AppError::Invalid)?
            .map(|t| t.code().to_owned());
        if id_index.is_some() || phone_index.is_some() {
            self.audit(
                &Actor::user(user.clone(), None),
                action,
                "persons",
                "ok",
                json!({"by_id_number": id_index.is_some(), "by_phone": phone_index.is_some()}),
            )
            .await?;
        }
        Ok(PersonFilter {
            prefix,
            name_grams,
            address,
            id_index,
            phone_index,
            residence,
            group: group.map(|g| g.code().to_owned()),
            tag,
            ended: false,
            at: PageAt::First,
            limit: PERSON_PAGE_ROWS,
        })
    }

    /// One person of the user's scope, masked.
    pub async fn person(self, user: &CurrentUser, id: i64) -> Result<PersonView> {
        self.authorize_user(user, Capability::ViewRegistry)?;
        self.store
            .person(id, &user.scope())
            .await?
            .map(PersonView::from)
            .ok_or_else(|| AppError::NotFound(format!("没有人员 {id}，或不在您的管辖范围内")))
    }

    /// A person's tags (人员标签), as (code, Chinese name).
    pub async fn person_tags(
        self,
        user: &CurrentUser,
        id: i64,
    ) -> Result<Vec<(&'static str, &'static str)>> {
        self.person(user, id).await?;
        Ok(self
            .store
            .person_tags(id)
            .await?
            .iter()
            .filter_map(|t| PersonTag::parse(t))
            .map(|t| (t.code(), t.label()))
            .collect())
    }

    /// Replaces a person's tags (codes or names); audited.
    pub async fn set_person_tags(
        self,
        actor: &Actor,
        user: &CurrentUser,
        id: i64,
        tags: &[String],
    ) -> Result<Vec<(&'static str, &'static str)>> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        self.person(user, id).await?;
        let mut codes = Vec::with_capacity(tags.len());
        for t in tags.iter().filter(|t| !t.trim().is_empty()) {
            let tag = PersonTag::parse(t).ok_or_else(|| {
                AppError::Invalid(format!("标签应为 {} 之一，收到 {t}", PersonTag::labels()))
            })?;
            codes.push(tag.code().to_owned());
        }
        codes.sort();
        codes.dedup();
        self.store
            .set_person_tags(id, &codes, pingan_domain::audit::to_micros(Utc::now()))
            .await?;
        self.audit(
            actor,
            "persons.tags",
            &format!("person:{id}"),
            "ok",
            json!({"tags": codes}),
        )
        .await?;
        self.person_tags(user, id).await
    }

    /// Ends a person of the user's scope — moved out, died — for a reason; the record stays (and
    /// can be found with its history), and the same ID number may be registered again.
    pub async fn end_person(
        self,
        actor: &Actor,
        user: &CurrentUser,
        id: i64,
        reason: &str,
    ) -> Result<PersonView> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        self.person(user, id).await?;
        let reason = reason.trim();
        if !(2..=200).contains(&reason.chars().count()) {
            return Err(AppError::Invalid(
                "请写明注销原因（2 到 200 个字），如“迁往达川区”".into(),
            ));
        }
        if !self
            .store
            .end_person(id, reason, pingan_domain::audit::to_micros(Utc::now()))
            .await?
        {
            return Err(AppError::Conflict("此人已注销".into()));
        }
        self.audit(
            actor,
            "persons.end",
            &format!("person:{id}"),
            "ok",
            json!({"reason": reason}),
        )
        .await?;
        self.person(user, id).await
    }

    /// A person's name, ID number and phone in plain text, for a stated reason; refusals and
    /// reveals are both on the audit record.
    pub async fn reveal_person(self, actor: &Actor, id: i64, reason: &str) -> Result<PersonPlain> {
        let reason = reveal_reason(reason)?;
        let object = format!("person:{id}");
        let detail = json!({"fields": ["name", "id_number", "phone"], "reason": reason});
        let scope = self.revealer_scope(actor, &object, &detail).await?;
        let Some(sealed) = self.store.person_sealed(id, &scope).await? else {
            return Err(self
                .reveal_refused(
                    actor,
                    &object,
                    &detail,
                    format!("没有人员 {id}，或不在您的管辖范围内"),
                )
                .await);
        };
        self.may_reveal(actor, &sealed.grid_code, &object, &detail)
            .await?;
        let plain = PersonPlain {
            id,
            name: self.cipher.open(NAME_FIELD, &sealed.name_sealed)?,
            id_number: self.cipher.open(ID_FIELD, &sealed.id_sealed)?,
            phone: sealed
                .phone_sealed
                .as_deref()
                .map(|s| self.cipher.open(PHONE_FIELD, s))
                .transpose()?,
        };
        self.audit(actor, "personal.reveal", &object, "ok", detail)
            .await?;
        Ok(plain)
    }

    /// Whether `actor` may see the registry's plain personal data of something in `grid_code`
    /// (查看个人信息明文 and the registry, in scope); a refusal is audited as a `personal.reveal`
    /// of `object` with `detail`.
    /// The scope whose plain data `actor` may ask for: a signed-in user's (the command line has
    /// no reason to see plain data and is refused).
    pub(crate) async fn revealer_scope(
        self,
        actor: &Actor,
        object: &str,
        detail: &serde_json::Value,
    ) -> Result<pingan_domain::Scope> {
        match &actor.user {
            Some(u) => Ok(u.scope()),
            None => Err(self
                .reveal_refused(actor, object, detail, "请登录后查看明文".into())
                .await),
        }
    }

    /// Records a refused reveal and gives the error to answer with (audit failures win).
    pub(crate) async fn reveal_refused(
        self,
        actor: &Actor,
        object: &str,
        detail: &serde_json::Value,
        message: String,
    ) -> AppError {
        match self
            .audit(actor, "personal.reveal", object, "denied", detail.clone())
            .await
        {
            Ok(()) => AppError::NotFound(message),
            Err(e) => e,
        }
    }

    pub(crate) async fn may_reveal(
        self,
        actor: &Actor,
        grid_code: &str,
        object: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        let grid = OrgCode::parse(grid_code).map_err(|e| AppError::Internal(e.to_string()))?;
        if let Err(e) = self
            .authorize(actor, Capability::RevealPersonalData, Some(&grid))
            .and_then(|()| self.authorize(actor, Capability::ViewRegistry, Some(&grid)))
        {
            self.audit(actor, "personal.reveal", object, "denied", detail.clone())
                .await?;
            return Err(e);
        }
        Ok(())
    }
}

/// A reason to see plain personal data, checked: 4 to 200 characters.
pub(crate) fn reveal_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.chars().count() < MIN_REASON_CHARS || reason.chars().count() > 200 {
        return Err(AppError::Invalid(
            "请写明查看原因（4 到 200 个字），如“核实走访对象身份”".into(),
        ));
    }
    Ok(reason)
}
