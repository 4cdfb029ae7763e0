//! 场所与组织 — the schools, hospitals, markets, venues, 寄递物流 outlets, organisations and rental
//! houses of one's grids: entered on a form or imported from .xlsx (an organisation keyed by its
//! 统一社会信用代码, any other place by grid, category and name, so the same file twice changes
//! nothing new), listed within scope with the principal masked, and the tenants of rental houses
//! taken from the persons of the registry.

use crate::list::{Listed, page_at};
use crate::sheet::{Column, RejectedCell, add_refused, read_import, write_sheet};
use crate::{Actor, AppError, CurrentUser, PersonView, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::identity::{IdNumber, PhoneNumber, mask_name};
use pingan_domain::page::KeyKind::{Int, Text};
use pingan_domain::page::PageAt;
use pingan_domain::place::{Attention, PlaceCategory, PlaceInput, ValidPlace, field};
use pingan_domain::text::filter_text;
use pingan_store::{NewPlace, PlaceFilter, PlaceRecord};
use serde_json::json;
use std::collections::{HashMap, HashSet};

pub(crate) const PRINCIPAL_FIELD: &str = "places.principal";
pub(crate) const PHONE_FIELD: &str = "places.phone";
/// Places a page of the list.
pub const PLACE_PAGE_ROWS: i64 = 50;
/// The most rows one place import may hold.
const MAX_PLACE_ROWS: usize = 50_000;

/// Why an organisation whose credit code is registered in another township is refused — without
/// saying where: an import or a form never moves a place out of another's scope.
const CODE_REGISTERED_ELSEWHERE: &str = "此统一社会信用代码已在其他辖区登记，本辖区不能导入或修改：如该单位已迁入本辖区，请联系原辖区办理迁出后再登记";
/// The grid column of the template.
const GRID: &str = "网格编码";

/// 场所 as lists and the API show it: the principal masked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PlaceView {
    pub id: i64,
    pub grid_code: String,
    /// `school`, `enterprise`, `rental_house` …, and its Chinese name.
    pub category: String,
    pub category_label: String,
    pub name: String,
    pub address: String,
    /// 统一社会信用代码 (organisations).
    pub credit_code: Option<String>,
    /// `张*`.
    pub principal: Option<String>,
    /// `138****5678`.
    pub phone: Option<String>,
    /// 在校学生数, 从业人员数, 床位数 …
    pub headcount: Option<i32>,
    /// `normal` / `watch` / `key`, and its Chinese name.
    pub attention: String,
    pub attention_label: String,
    pub hazard: Option<String>,
    /// Active residents (houses and rental houses).
    pub tenants: i64,
    /// What its residents are called (承租人, 居住人); none for places nobody lives in.
    pub residents_label: Option<String>,
}

impl From<PlaceRecord> for PlaceView {
    fn from(r: PlaceRecord) -> Self {
        let category = PlaceCategory::parse(&r.category);
        Self {
            id: r.id,
            grid_code: r.grid_code,
            category_label: category.map_or_else(|| r.category.clone(), |c| c.label().to_owned()),
            category: r.category,
            name: r.name,
            address: r.address,
            credit_code: r.credit_code,
            principal: r.principal_masked,
            phone: r.phone_masked,
            headcount: r.headcount,
            attention_label: Attention::parse(&r.attention)
                .map_or_else(|| r.attention.clone(), |a| a.label().to_owned()),
            attention: r.attention,
            hazard: r.hazard,
            tenants: r.tenants,
            residents_label: category
                .and_then(PlaceCategory::residents_label)
                .map(str::to_owned),
        }
    }
}

/// One place with its tenants (rental houses), masked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PlacePage {
    pub place: PlaceView,
    pub tenants: Vec<PersonView>,
}

/// A place's principal in plain text (after a reveal).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PlacePlain {
    pub id: i64,
    pub principal: Option<String>,
    pub phone: Option<String>,
}

/// Filters of the place list.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
pub struct PlaceQuery {
    /// Part of the name or address, or a whole 统一社会信用代码.
    pub q: Option<String>,
    /// A category code or Chinese name.
    pub category: Option<String>,
    /// `normal`, `watch` or `key` (or 一般, 关注, 重点关注).
    pub attention: Option<String>,
    /// A grid, village or township code in your scope.
    pub grid: Option<String>,
    /// The next page: the `after` cursor of the page before it.
    pub after: Option<String>,
    /// The previous page: the `before` cursor of the page after it.
    pub before: Option<String>,
    /// Count every match for the total (`true`); by default a search's total stops at 10,000.
    pub exact_total: Option<bool>,
}

/// A place as entered on a form or sent to the API: the fields as text, as in the template.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PlaceEntry {
    /// The grid it belongs to (15 digits, in your scope).
    pub grid: String,
    pub name: String,
    /// A category code or Chinese name.
    pub category: String,
    pub address: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub principal: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub attention: String,
    #[serde(default)]
    pub hazard: String,
}

/// What a place import did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PlaceImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub rejected_rows: usize,
    pub rejected: Vec<RejectedCell>,
}

/// The template's headers, and whether each is required.
const HEADERS: [(&str, bool); 10] = [
    (field::NAME, true),
    (field::CATEGORY, true),
    (field::ADDRESS, true),
    (field::CREDIT_CODE, false),
    (field::PRINCIPAL, false),
    (field::PHONE, false),
    (field::HEADCOUNT, false),
    (field::ATTENTION, false),
    (field::HAZARD, false),
    (GRID, false),
];

/// The place template: Chinese headers, drop-downs for category and attention, codes as text.
pub fn place_template() -> Result<Vec<u8>> {
    let categories: Vec<&str> = PlaceCategory::ALL.iter().map(|c| c.label()).collect();
    let attention: Vec<&str> = Attention::ALL.iter().map(|a| a.label()).collect();
    let columns = [
        Column::new(field::NAME, 28.0),
        Column::new(field::CATEGORY, 16.0).choices(categories),
        Column::new(field::ADDRESS, 36.0),
        Column::new(field::CREDIT_CODE, 22.0).text(),
        Column::new(field::PRINCIPAL, 10.0),
        Column::new(field::PHONE, 16.0).text(),
        Column::new(field::HEADCOUNT, 8.0),
        Column::new(field::ATTENTION, 10.0).choices(attention),
        Column::new(field::HAZARD, 30.0),
        Column::new(GRID, 18.0).text(),
    ];
    Ok(write_sheet(
        "场所与组织",
        &columns,
        &[],
        Some(
            "名称、类别、地址必填；非公有制经济组织和社会组织须填统一社会信用代码；人数指在校学生数、从业人员数或床位数。",
        ),
    )?)
}

impl crate::services::Registry<'_> {
    /// Imports places from an .xlsx; rows without 网格编码 go to `grid`. Every bad cell is
    /// reported; good rows are written in one transaction.
    pub async fn import_places(
        self,
        actor: &Actor,
        bytes: &[u8],
        grid: Option<&str>,
    ) -> Result<PlaceImportReport> {
        self.authorize(actor, Capability::ManageRegistry, None)?;
        let grids = self.grids_of(actor).await?;
        let default_grid = match grid.map(str::trim).filter(|g| !g.is_empty()) {
            Some(g) if grids.contains(g) => Some(g.to_owned()),
            Some(g) => {
                return Err(AppError::Invalid(format!(
                    "网格 {g} 不存在或不在您的管辖范围内：请填写 15 位网格编码"
                )));
            }
            None => None,
        };
        let (columns, body) = read_import(bytes, MAX_PLACE_ROWS, &HEADERS).await?;
        if default_grid.is_none() && !columns.has(GRID) {
            return Err(AppError::Invalid(
                "表格没有“网格编码”列：请选择这些场所所在的网格".into(),
            ));
        }
        let mut report = PlaceImportReport::default();
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        // Each row's Excel number, in the order of `rows`.
        let mut row_numbers: Vec<usize> = Vec::new();
        for (i, row) in body.iter().enumerate() {
            if row.iter().all(|c| c.text().is_empty()) {
                continue;
            }
            let n = i + 2;
            let cell = |name: &str| columns.cell(row, name).text();
            let mut reject = |column: &str, value: String, reason: String| {
                report.rejected.push(RejectedCell {
                    row: n,
                    column: column.to_owned(),
                    value,
                    reason,
                });
            };
            let input = PlaceInput {
                name: cell(field::NAME),
                category: cell(field::CATEGORY),
                address: cell(field::ADDRESS),
                credit_code: cell(field::CREDIT_CODE),
                principal: cell(field::PRINCIPAL),
                phone: cell(field::PHONE),
                headcount: cell(field::HEADCOUNT),
                attention: cell(field::ATTENTION),
                hazard: cell(field::HAZARD),
            };
            let grid_code = match cell(GRID) {
                g if g.is_empty() => default_grid.clone(),
                g if grids.contains(&g) => Some(g),
                g => {
                    reject(GRID, g, "网格不存在或不在您的管辖范围内".into());
                    None
                }
            };
            match (input.validate(), grid_code) {
                (Ok(valid), Some(grid_code)) => {
                    let key = valid.credit_code.clone().unwrap_or_else(|| {
                        format!("{grid_code}|{}|{}", valid.category.code(), valid.name)
                    });
                    if !seen.insert(key) {
                        reject(field::NAME, valid.name.clone(), "与前面的行重复".into());
                        report.rejected_rows += 1;
                        continue;
                    }
                    row_numbers.push(n);
                    rows.push(self.new_place(valid, grid_code)?);
                }
                (Err(errors), _) => {
                    for (column, reason) in errors {
                        reject(column, cell(column), reason);
                    }
                    report.rejected_rows += 1;
                }
                (Ok(_), None) => report.rejected_rows += 1,
            }
        }
        let writes = self
            .store
            .upsert_places(&actor.scope_prefix(), &rows)
            .await?;
        let refused = writes.refused.iter().filter_map(|i| {
            let row = row_numbers.get(*i)?;
            Some(RejectedCell {
                row: *row,
                column: field::CREDIT_CODE.to_owned(),
                value: rows.get(*i)?.credit_code.clone().unwrap_or_default(),
                reason: CODE_REGISTERED_ELSEWHERE.into(),
            })
        });
        report.rejected_rows += add_refused(&mut report.rejected, refused);
        let (inserted, updated) = (writes.inserted, writes.updated);
        report.inserted = inserted;
        report.updated = updated;
        self.audit(
            actor,
            "places.import",
            "places",
            "ok",
            json!({"inserted": inserted, "updated": updated, "rejected_rows": report.rejected_rows}),
        )
        .await?;
        Ok(report)
    }

    /// Enters one place (a form or the API); an organisation already registered by its code, or
    /// a place of the same grid, category and name, is updated.
    pub async fn save_place(
        self,
        actor: &Actor,
        user: &CurrentUser,
        entry: &PlaceEntry,
    ) -> Result<PlaceView> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        let grid = entry.grid.trim();
        if !self.grids_of(actor).await?.contains(grid) {
            return Err(AppError::Invalid(format!(
                "网格：{grid} 不存在或不在您的管辖范围内，请选择所在网格"
            )));
        }
        let input = PlaceInput {
            name: entry.name.clone(),
            category: entry.category.clone(),
            address: entry.address.clone(),
            credit_code: entry.credit_code.clone(),
            principal: entry.principal.clone(),
            phone: entry.phone.clone(),
            headcount: entry.headcount.clone(),
            attention: entry.attention.clone(),
            hazard: entry.hazard.clone(),
        };
        let valid = input.validate().map_err(|errors| {
            AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(f, reason)| format!("{f}：{reason}"))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })?;
        let row = self.new_place(valid, grid.to_owned())?;
        let (name, category) = (row.name.clone(), row.category.clone());
        let writes = self
            .store
            .upsert_places(&actor.scope_prefix(), &[row])
            .await?;
        if !writes.refused.is_empty() {
            return Err(AppError::Conflict(CODE_REGISTERED_ELSEWHERE.into()));
        }
        self.audit(
            actor,
            "places.save",
            "places",
            "ok",
            json!({"grid": grid, "category": category}),
        )
        .await?;
        let found = self
            .places(
                user,
                &PlaceQuery {
                    q: Some(name.clone()),
                    category: Some(category),
                    grid: Some(grid.to_owned()),
                    ..PlaceQuery::default()
                },
            )
            .await?;
        found
            .rows
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| AppError::Internal("刚保存的场所未能读回".into()))
    }

    /// Places of the user's scope, masked; the total of the search.
    pub async fn places(self, user: &CurrentUser, q: &PlaceQuery) -> Result<Listed<PlaceView>> {
        let filter = PlaceFilter {
            at: page_at(
                q.after.as_deref(),
                q.before.as_deref(),
                &[Text, Text, Text, Int],
            )?,
            ..self.place_filter(user, q)?
        };
        let page = self.store.places(&filter).await?;
        let total = self
            .store
            .count_places(&filter, q.exact_total.unwrap_or(false))
            .await?;
        Ok(Listed::new(page, total, PlaceView::from))
    }

    /// The store's filter for a search of the user's scope (the first page).
    fn place_filter(self, user: &CurrentUser, q: &PlaceQuery) -> Result<PlaceFilter> {
        let prefix = self.prefix_asked(user, q.grid.as_deref(), Capability::ViewPlaces)?;
        let text = |v: &Option<String>| filter_text(v.as_deref(), "q").map_err(AppError::Invalid);
        let category = PlaceCategory::parse_param(q.category.as_deref(), "category")
            .map_err(AppError::Invalid)?
            .map(|c| c.code().to_owned());
        let attention = Attention::parse_param(q.attention.as_deref(), "attention")
            .map_err(AppError::Invalid)?
            .map(|a| a.code().to_owned());
        Ok(PlaceFilter {
            prefix,
            category,
            attention,
            text: text(&q.q)?.map(search_text),
            at: PageAt::First,
            limit: PLACE_PAGE_ROWS,
        })
    }

    /// One place of the user's scope with its tenants.
    pub async fn place(self, user: &CurrentUser, id: i64) -> Result<PlacePage> {
        self.authorize_user(user, Capability::ViewPlaces)?;
        let record =
            self.store.place(id, &user.scope()).await?.ok_or_else(|| {
                AppError::NotFound(format!("没有场所 {id}，或不在您的管辖范围内"))
            })?;
        let tenants = self.store.tenants(id).await?;
        Ok(PlacePage {
            place: PlaceView::from(record),
            tenants: tenants.into_iter().map(PersonView::from).collect(),
        })
    }

    /// Registers a person of the registry, found by their ID number, as living in a house (a
    /// tenant of a rental house, a resident of any other) of the user's scope.
    pub async fn add_tenant(
        self,
        actor: &Actor,
        user: &CurrentUser,
        place_id: i64,
        id_number: &str,
    ) -> Result<PlacePage> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        let page = self.place(user, place_id).await?;
        if page.place.residents_label.is_none() {
            return Err(AppError::Invalid(
                "只有房屋和出租房屋可以登记居住人或承租人".into(),
            ));
        }
        let today = pingan_domain::time::beijing_date(Utc::now());
        let id = IdNumber::parse(id_number, today)
            .map_err(|e| AppError::Invalid(format!("承租人公民身份号码：{e}")))?;
        let index = self.id_number_index(&id);
        let person = *self
            .store
            .person_ids(std::slice::from_ref(&index))
            .await?
            .get(&index)
            .ok_or_else(|| {
                AppError::NotFound(
                    "实有人口中没有这个身份证号码的人：请先登记此人，再登记为承租人".into(),
                )
            })?;
        self.person(user, person).await?;
        self.store.add_tenants(&[(place_id, person, today)]).await?;
        self.audit(
            actor,
            "places.tenant",
            &format!("place:{place_id}"),
            "ok",
            json!({"person": person}),
        )
        .await?;
        self.place(user, place_id).await
    }

    /// The tenant has left the rental house (the record stays).
    pub async fn end_tenant(
        self,
        actor: &Actor,
        user: &CurrentUser,
        place_id: i64,
        person_id: i64,
    ) -> Result<PlacePage> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        self.place(user, place_id).await?;
        if !self
            .store
            .end_tenant(place_id, person_id, Utc::now())
            .await?
        {
            return Err(AppError::NotFound("此人不是该房屋的承租人".into()));
        }
        self.audit(
            actor,
            "places.tenant_end",
            &format!("place:{place_id}"),
            "ok",
            json!({"person": person_id}),
        )
        .await?;
        self.place(user, place_id).await
    }

    /// The places a search finds, as an .xlsx (at most 100,000), the principal masked — or, with
    /// a reason and 查看个人信息明文, in plain text; the file names the exporter. Audited.
    pub async fn export_places(
        self,
        actor: &Actor,
        user: &CurrentUser,
        q: &PlaceQuery,
        reason: Option<&str>,
    ) -> Result<Vec<u8>> {
        let reason = self.plain_export_reason(actor, "places", reason).await?;
        let filter = self.place_filter(user, q)?;
        let page = self
            .store
            .places(&PlaceFilter {
                limit: crate::MAX_EXPORT_ROWS as i64,
                ..filter
            })
            .await?;
        let rows = page.rows;
        if page.after.is_some() {
            return Err(AppError::TooLarge(
                "符合条件的场所超过 10 万处：请按网格或类别缩小范围，分批导出".into(),
            ));
        }
        let mut plain: HashMap<i64, (String, String)> = HashMap::new();
        if reason.is_some() {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            for s in self.store.places_sealed(&ids).await? {
                let open = |field: &str, sealed: &Option<Vec<u8>>| -> Result<String> {
                    sealed
                        .as_deref()
                        .map_or(Ok(String::new()), |v| Ok(self.cipher.open(field, v)?))
                };
                let principal = open(PRINCIPAL_FIELD, &s.principal_sealed)?;
                let phone = open(PHONE_FIELD, &s.phone_sealed)?;
                plain.insert(s.id, (principal, phone));
            }
        }
        let columns: Vec<Column> = [
            ("序号", 8.0),
            (field::NAME, 28.0),
            (field::CATEGORY, 14.0),
            (field::ADDRESS, 32.0),
            (field::CREDIT_CODE, 22.0),
            (field::PRINCIPAL, 10.0),
            (field::PHONE, 16.0),
            (field::HEADCOUNT, 8.0),
            (field::ATTENTION, 10.0),
            (field::HAZARD, 30.0),
            (GRID, 18.0),
        ]
        .into_iter()
        .map(|(h, w)| Column::new(h, w).text())
        .collect();
        let count = rows.len();
        let cells: Vec<Vec<String>> = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let (principal, phone) = plain.remove(&r.id).unwrap_or_else(|| {
                    (
                        r.principal_masked.clone().unwrap_or_default(),
                        r.phone_masked.clone().unwrap_or_default(),
                    )
                });
                let v = PlaceView::from(r);
                vec![
                    (i + 1).to_string(),
                    v.name,
                    v.category_label,
                    v.address,
                    v.credit_code.unwrap_or_default(),
                    principal,
                    phone,
                    v.headcount.map(|h| h.to_string()).unwrap_or_default(),
                    v.attention_label,
                    v.hazard.unwrap_or_default(),
                    v.grid_code,
                ]
            })
            .collect();
        let note = crate::registry::export::export_note(user, &format!("共 {count} 处"), reason);
        let bytes = write_sheet("场所与组织", &columns, &cells, Some(&note))?;
        self.audit(
            actor,
            "places.export",
            "places",
            "ok",
            json!({"rows": count, "plain": reason.is_some(), "reason": reason, "grid": q.grid,
                "category": q.category}),
        )
        .await?;
        Ok(bytes)
    }

    /// The principal's name and phone in plain text, for a stated reason; audited like a
    /// person's reveal.
    pub async fn reveal_place(self, actor: &Actor, id: i64, reason: &str) -> Result<PlacePlain> {
        let reason = crate::registry::persons::reveal_reason(reason)?;
        let object = format!("place:{id}");
        let detail = json!({"fields": ["principal", "phone"], "reason": reason});
        let scope = self.revealer_scope(actor, &object, &detail).await?;
        let Some(sealed) = self.store.place_sealed(id, &scope).await? else {
            return Err(self
                .reveal_refused(
                    actor,
                    &object,
                    &detail,
                    format!("没有场所 {id}，或不在您的管辖范围内"),
                )
                .await);
        };
        self.may_reveal(actor, &sealed.grid_code, &object, &detail)
            .await?;
        let open = |field: &str, sealed: Option<Vec<u8>>| {
            sealed
                .as_deref()
                .map(|s| self.cipher.open(field, s))
                .transpose()
        };
        let plain = PlacePlain {
            id,
            principal: open(PRINCIPAL_FIELD, sealed.principal_sealed)?,
            phone: open(PHONE_FIELD, sealed.phone_sealed)?,
        };
        self.audit(actor, "personal.reveal", &object, "ok", detail)
            .await?;
        Ok(plain)
    }

    /// The grid codes of the actor's scope (everything for the command line).
    async fn grids_of(self, actor: &Actor) -> Result<HashSet<String>> {
        let prefix = actor.scope_prefix();
        Ok(self
            .store
            .grids_under(&prefix)
            .await?
            .into_iter()
            .map(|g| g.code)
            .collect())
    }

    /// A checked place as stored: the principal sealed and masked.
    pub(crate) fn new_place(self, valid: ValidPlace, grid_code: String) -> Result<NewPlace> {
        Ok(NewPlace {
            grid_code,
            category: valid.category.code().to_owned(),
            name: valid.name,
            address: valid.address,
            credit_code: valid.credit_code,
            principal_sealed: valid
                .principal
                .as_deref()
                .map(|p| self.cipher.seal(PRINCIPAL_FIELD, p))
                .transpose()?,
            principal_masked: valid.principal.as_deref().map(mask_name),
            phone_sealed: valid
                .phone
                .as_ref()
                .map(|p| self.cipher.seal(PHONE_FIELD, p.as_str()))
                .transpose()?,
            phone_masked: valid.phone.as_ref().map(PhoneNumber::masked),
            headcount: valid.headcount.and_then(|h| i32::try_from(h).ok()),
            attention: valid.attention.code().to_owned(),
            hazard: valid.hazard,
            at: pingan_domain::audit::to_micros(Utc::now()),
        })
    }
}

/// Credit codes are upper case; any other search text is left as typed.
fn search_text(t: String) -> String {
    if t.len() == 18 && t.chars().all(|c| c.is_ascii_alphanumeric()) {
        t.to_uppercase()
    } else {
        t
    }
}
