//! 名单维护 — importing the court's sheet (each row named when refused), the list with its
//! filters, an entry's page with the measures taken on it, and lifting an entry.

use super::{
    CreditEntryView, CreditImportReport, CreditLiftRequest, CreditListQuery, CreditMeasureView,
    NAME_FIELD, SUBJECT_FIELD,
};
use crate::list::{Listed, page_at};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{NaiveDate, Utc};
use pingan_domain::Capability;
use pingan_domain::credit::{
    CreditListKind, CreditSubject, Restriction, normalise_case_number, parse_day,
    parse_restrictions,
};
use pingan_domain::identity::mask_name;
use pingan_domain::page::KeyKind::Int;
use pingan_domain::page::{COUNT_CAP, PageAt};
use pingan_domain::time::beijing_date;
use pingan_office::sheet::{Cell, Column, RejectedCell, read_import, write_sheet};
use pingan_store::{CreditEntryFilter, CreditEntryInput, CreditEntryRecord, CreditWrite};
use serde_json::json;

const CASE_HEADER: &str = "案号";
const KIND_HEADER: &str = "类别";
const NAME_HEADER: &str = "被执行人";
const SUBJECT_HEADER: &str = "证件号码或统一社会信用代码";
const COURT_HEADER: &str = "执行法院";
/// Read by its name; the template says the unit in brackets (a bracketed note is ignored).
const AMOUNT_HEADER: &str = "标的金额";
const AMOUNT_TITLE: &str = "标的金额（元）";
const RESTRICTIONS_HEADER: &str = "限制措施";
const LISTED_HEADER: &str = "发布日期";
const STATUS_HEADER: &str = "状态";
const LIFTED_HEADER: &str = "撤销日期";
const REASON_HEADER: &str = "撤销原因";

/// The most rows one sheet may hold (a district's list is a few thousand).
const MAX_ROWS: usize = 20_000;
/// Entries on one page of the list.
const PAGE_ROWS: i64 = 50;
/// What the 状态 column says of a lifted entry.
const LIFTED_WORDS: [&str; 5] = ["已撤销", "撤销", "已屏蔽", "屏蔽", "已履行"];

/// Why a department's or a township's account is refused the list.
const KEEPERS_ONLY: &str = "名单由联合惩戒名单管理员维护";

impl crate::services::Credit<'_> {
    /// The keeper behind an actor: holds 维护联合惩戒名单, as a hub's account (a department keeps
    /// no list).
    fn keeper<'a>(&self, actor: &'a Actor) -> Result<&'a CurrentUser> {
        self.authorize(actor, Capability::ManageCreditList, None)?;
        self.hub_user(actor, KEEPERS_ONLY)
    }

    /// The import template: the columns the court's sheet is read by.
    pub fn template(self, actor: &Actor) -> Result<Vec<u8>> {
        self.keeper(actor)?;
        Ok(write_sheet(
            "失信被执行人名单",
            &template_columns(),
            &[],
            Some(&format!(
                "每行一个案号的一名被执行人；自然人填 18 位身份证号码，单位填统一社会信用代码；限制措施可填 {}，用顿号分隔；状态填“已撤销”并填撤销日期即移出名单",
                Restriction::labels()
            )),
        )?)
    }

    /// Imports the court's sheet: each good row added or brought up to date (listed again or
    /// lifted as the sheet says), each bad cell named; a 案号 kept by a unit outside the
    /// importer's scope is refused by row.
    pub async fn import(self, actor: &Actor, bytes: &[u8]) -> Result<CreditImportReport> {
        let user = self.keeper(actor)?;
        let known = [
            (CASE_HEADER, true),
            (KIND_HEADER, false),
            (NAME_HEADER, true),
            (SUBJECT_HEADER, true),
            (COURT_HEADER, true),
            (AMOUNT_HEADER, false),
            (RESTRICTIONS_HEADER, false),
            (LISTED_HEADER, true),
            (STATUS_HEADER, false),
            (LIFTED_HEADER, false),
            (REASON_HEADER, false),
        ];
        let (columns, rows) = read_import(bytes, MAX_ROWS, &known).await?;
        let today = beijing_date(Utc::now());
        let mut good = Vec::new();
        let mut at_row = Vec::new();
        let mut rejected = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let at = i + 2;
            let text = |h: &str| columns.cell(row, h).text();
            match self.entry_of_row(&text, columns.cell(row, AMOUNT_HEADER), today) {
                Ok(entry) => {
                    good.push(entry);
                    at_row.push(at);
                }
                Err((column, reason)) => rejected.push(RejectedCell {
                    row: at,
                    column: column.into(),
                    value: if column == SUBJECT_HEADER {
                        String::new()
                    } else {
                        text(column).chars().take(60).collect()
                    },
                    reason,
                }),
            }
        }
        let written = self
            .store
            .write_credit_entries(&good, user.org_code.as_str(), Utc::now())
            .await?;
        let (mut added, mut updated, mut lifted) = (0, 0, 0);
        for ((w, entry), row) in written.iter().zip(&good).zip(at_row) {
            match w {
                CreditWrite::Added => added += 1,
                CreditWrite::Updated => updated += 1,
                CreditWrite::OutOfScope => {
                    rejected.push(RejectedCell {
                        row,
                        column: CASE_HEADER.into(),
                        value: entry.case_number.clone(),
                        reason: "该案号的这名被执行人由其他单位导入，不在您的管辖范围内".into(),
                    });
                    continue;
                }
            }
            if entry.lifted_on.is_some() {
                lifted += 1;
            }
        }
        rejected.sort_by_key(|r| r.row);
        self.audit(
            actor,
            "credit.import",
            "credit_entries",
            "ok",
            json!({"added": added, "updated": updated, "lifted": lifted, "rejected": rejected.len()}),
        )
        .await?;
        Ok(CreditImportReport {
            added,
            updated,
            lifted,
            rejected,
        })
    }

    /// One row of the sheet as an entry, or the column at fault and why.
    fn entry_of_row(
        &self,
        text: &dyn Fn(&str) -> String,
        amount: &Cell,
        today: NaiveDate,
    ) -> std::result::Result<CreditEntryInput, (&'static str, String)> {
        let case_number =
            normalise_case_number(&text(CASE_HEADER)).map_err(|e| (CASE_HEADER, e))?;
        let kind = CreditListKind::parse_or(&text(KIND_HEADER), CreditListKind::Dishonest, "类别")
            .map_err(|e| (KIND_HEADER, e))?;
        let name = text(NAME_HEADER);
        if !(2..=60).contains(&name.chars().count()) {
            return Err((NAME_HEADER, "被执行人名称应为 2 到 60 个字".into()));
        }
        let subject = CreditSubject::parse(&text(SUBJECT_HEADER), today)
            .map_err(|e| (SUBJECT_HEADER, e.to_string()))?;
        let court = text(COURT_HEADER);
        if !(4..=40).contains(&court.chars().count()) {
            return Err((
                COURT_HEADER,
                "执行法院应为 4 到 40 个字，如 通川区人民法院".into(),
            ));
        }
        let amount_fen = match amount {
            Cell::Empty => None,
            cell => {
                let yuan: f64 = cell
                    .text()
                    .replace([',', '，'], "")
                    .parse()
                    .map_err(|_| (AMOUNT_HEADER, "标的金额应为数字（元）".to_owned()))?;
                if !(0.0..1e12).contains(&yuan) {
                    return Err((AMOUNT_HEADER, "标的金额应在 0 到 1 万亿元之间".into()));
                }
                Some((yuan * 100.0).round() as i64)
            }
        };
        let restrictions =
            parse_restrictions(&text(RESTRICTIONS_HEADER)).map_err(|e| (RESTRICTIONS_HEADER, e))?;
        let listed_on = parse_day(&text(LISTED_HEADER)).map_err(|e| (LISTED_HEADER, e))?;
        if listed_on > today {
            return Err((LISTED_HEADER, "发布日期不能晚于今天".into()));
        }
        let status = text(STATUS_HEADER);
        let lifted_on = if LIFTED_WORDS.contains(&status.as_str()) {
            let day = match text(LIFTED_HEADER).as_str() {
                "" => today,
                d => parse_day(d).map_err(|e| (LIFTED_HEADER, e))?,
            };
            if day > today || day < listed_on {
                return Err((LIFTED_HEADER, "撤销日期应在发布日期与今天之间".into()));
            }
            Some(day)
        } else if status.is_empty() || status == "在册" {
            None
        } else {
            return Err((STATUS_HEADER, "状态应为 在册 或 已撤销".into()));
        };
        let index = self.subject_index(&subject);
        let sealed = |field: &str, s: &str| {
            self.cipher
                .seal(field, s)
                .map_err(|e| (SUBJECT_HEADER, e.to_string()))
        };
        Ok(CreditEntryInput {
            kind: kind.code().into(),
            case_number,
            subject_kind: subject.kind().into(),
            subject_index: index,
            subject_sealed: sealed(SUBJECT_FIELD, subject.as_str())?,
            name_sealed: sealed(NAME_FIELD, &name)?,
            court,
            amount_fen,
            restrictions: restrictions
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(" "),
            listed_on,
            lift_reason: lifted_on.map(|_| {
                let reason = text(REASON_HEADER);
                if reason.is_empty() {
                    "法院撤销".into()
                } else {
                    reason.chars().take(200).collect()
                }
            }),
            lifted_on,
        })
    }

    /// The list of the keeper's scope.
    pub async fn entries(
        self,
        actor: &Actor,
        q: &CreditListQuery,
    ) -> Result<Listed<CreditEntryView>> {
        let user = self.keeper(actor)?;
        let standing = match q.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("standing" | "在册") => Some(true),
            Some("lifted" | "已撤销") => Some(false),
            Some(other) => {
                return Err(AppError::Invalid(format!(
                    "status 应为 standing（在册）或 lifted（已撤销），收到 {}",
                    other.chars().take(20).collect::<String>()
                )));
            }
        };
        let kind =
            CreditListKind::parse_param(q.kind.as_deref(), "kind").map_err(AppError::Invalid)?;
        let case_number = match q.case_number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => Some(normalise_case_number(n).map_err(AppError::Invalid)?),
        };
        let subject_index = match q.subject.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let subject = CreditSubject::parse(s, beijing_date(Utc::now()))
                    .map_err(|e| AppError::Invalid(e.to_string()))?;
                Some(self.subject_index(&subject))
            }
        };
        let filter = CreditEntryFilter {
            prefix: user.org_code.as_str().into(),
            kind: kind.map(|k| k.code().into()),
            standing,
            case_number,
            subject_index,
            at: page_at(q.after.as_deref(), q.before.as_deref(), &[Int])?,
            limit: PAGE_ROWS,
        };
        let page = self.store.credit_entries(&filter).await?;
        let total = self
            .store
            .count_credit_entries(
                &CreditEntryFilter {
                    at: PageAt::First,
                    ..filter
                },
                COUNT_CAP,
            )
            .await?;
        let views = page
            .rows
            .iter()
            .cloned()
            .map(|r| self.entry_view(r))
            .collect::<Result<Vec<_>>>()?;
        let mut views = views.into_iter();
        self.audit(
            actor,
            "credit.list",
            "credit_entries",
            "ok",
            json!({"rows": page.rows.len()}),
        )
        .await?;
        Ok(Listed::new(page, total, |_| {
            views
                .next()
                .unwrap_or_else(|| unreachable!("one view per row"))
        }))
    }

    /// An entry of the keeper's scope with the measures member units recorded on it.
    pub async fn entry(self, actor: &Actor, id: i64) -> Result<CreditEntryView> {
        let user = self.keeper(actor)?;
        let record = self
            .store
            .credit_entry(id, &user.scope())
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("名单条目 {id} 不存在，或不在您的管辖范围内"))
            })?;
        let mut view = self.entry_view(record)?;
        view.measures = self
            .store
            .credit_measures(id)
            .await?
            .into_iter()
            .map(|m| CreditMeasureView {
                unit: m.unit,
                measure: Restriction::parse(&m.measure)
                    .map_or_else(|| m.measure.clone(), |r| r.label().into()),
                note: m.note,
                taken_on: m.taken_on,
            })
            .collect();
        self.audit(
            actor,
            "credit.entry",
            &format!("credit_entry:{id}"),
            "ok",
            json!({}),
        )
        .await?;
        Ok(view)
    }

    /// Lifts an entry that stands (撤销): it stops flagging from that day.
    pub async fn lift(
        self,
        actor: &Actor,
        id: i64,
        r: &CreditLiftRequest,
    ) -> Result<CreditEntryView> {
        let user = self.keeper(actor)?;
        let reason = r.reason.trim();
        if !(2..=200).contains(&reason.chars().count()) {
            return Err(AppError::Invalid(
                "请填写撤销原因（2 到 200 个字），如 已全部履行".into(),
            ));
        }
        let today = beijing_date(Utc::now());
        let day = r.lifted_on.unwrap_or(today);
        if day > today {
            return Err(AppError::Invalid("撤销日期不能晚于今天".into()));
        }
        let scope = user.scope();
        let record = self.store.credit_entry(id, &scope).await?.ok_or_else(|| {
            AppError::NotFound(format!("名单条目 {id} 不存在，或不在您的管辖范围内"))
        })?;
        if day < record.listed_on {
            return Err(AppError::Invalid(format!(
                "撤销日期不能早于发布日期 {}",
                record.listed_on
            )));
        }
        if !self
            .store
            .lift_credit_entry(id, user.org_code.as_str(), day, reason, Utc::now())
            .await?
        {
            return Err(AppError::Conflict(format!(
                "名单条目 {id} 已于 {} 撤销",
                record.lifted_on.map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        self.audit(
            actor,
            "credit.lift",
            &format!("credit_entry:{id}"),
            "ok",
            json!({"lifted_on": day, "reason": reason}),
        )
        .await?;
        self.entry(actor, id).await
    }

    /// An entry as its keepers see it: whom it is about masked, its restrictions by name.
    pub(super) fn entry_view(&self, r: CreditEntryRecord) -> Result<CreditEntryView> {
        let subject = self.cipher.open(SUBJECT_FIELD, &r.subject_sealed)?;
        let name = self.cipher.open(NAME_FIELD, &r.name_sealed)?;
        let person = r.subject_kind == "person";
        let kind = CreditListKind::parse(&r.kind);
        Ok(CreditEntryView {
            id: r.id,
            kind_label: kind.map_or_else(|| r.kind.clone(), |k| k.label().into()),
            kind: r.kind,
            case_number: r.case_number,
            subject: if person {
                pingan_domain::identity::mask_id_number(&subject)
            } else {
                subject
            },
            name: if person { mask_name(&name) } else { name },
            subject_kind: r.subject_kind,
            court: r.court,
            amount_yuan: r.amount_fen.map(|f| f as f64 / 100.0),
            restrictions: restriction_labels(&r.restrictions),
            listed_on: r.listed_on,
            standing: r.lifted_on.is_none(),
            lifted_on: r.lifted_on,
            lift_reason: r.lift_reason,
            measures: Vec::new(),
        })
    }
}

/// The columns of the court's sheet, in the template's order (the demo and the tests fill them).
pub fn template_columns() -> [Column; 11] {
    [
        Column::new(CASE_HEADER, 26.0).text(),
        Column::new(KIND_HEADER, 14.0).choices(
            CreditListKind::ALL
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>(),
        ),
        Column::new(NAME_HEADER, 24.0).text(),
        Column::new(SUBJECT_HEADER, 24.0).text(),
        Column::new(COURT_HEADER, 20.0).text(),
        Column::new(AMOUNT_TITLE, 14.0),
        Column::new(RESTRICTIONS_HEADER, 30.0).text(),
        Column::new(LISTED_HEADER, 12.0).text(),
        Column::new(STATUS_HEADER, 10.0).choices(vec!["在册", "已撤销"]),
        Column::new(LIFTED_HEADER, 12.0).text(),
        Column::new(REASON_HEADER, 20.0).text(),
    ]
}

/// The Chinese names of stored restriction codes.
pub(super) fn restriction_labels(codes: &str) -> Vec<String> {
    codes
        .split_whitespace()
        .map(|c| Restriction::parse(c).map_or_else(|| c.to_owned(), |r| r.label().into()))
        .collect()
}
