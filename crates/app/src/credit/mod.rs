//! 联合信用惩戒 — the court's 失信被执行人 list and its 拒执 cases kept in the hub (`entries.rs`:
//! imported from the court's sheet, kept current, lifted) and the checks member units make
//! against it (`checks.rs`: one subject at a time, with a purpose, every check and every hit
//! audited; the registry's person and place pages flag a listed subject to those who may check).
//! The list itself is shown only to the 联合惩戒名单管理员 (维护联合惩戒名单).

mod checks;
mod entries;

pub use entries::template_columns;

use chrono::NaiveDate;
use pingan_office::sheet::RejectedCell;
use serde::{Deserialize, Serialize};

/// The blind-index field of an organisation's 统一社会信用代码 on the list (a person's ID number
/// shares the registry's, so that a person's page needs nothing unsealed).
const CREDIT_CODE_FIELD: &str = "credit.credit_code";
/// Sealed columns of an entry.
const SUBJECT_FIELD: &str = "credit_entries.subject";
const NAME_FIELD: &str = "credit_entries.name";

/// 信用核查 — whom to check and why: `id_number` for a person or `credit_code` for an
/// organisation, one of them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CreditCheckRequest {
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    /// `bidding` 招投标, `service` 政务服务, `honours` 评优评先, `appointment` 任职录用,
    /// `financing` 融资信贷 or `other` 其他 (code or Chinese name).
    #[serde(default)]
    pub purpose: String,
}

/// The answer to a check, as far as the caller may know.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreditCheckView {
    /// Whom it was about, as shown (an ID number masked).
    pub subject: String,
    /// On the list today (an entry standing).
    pub listed: bool,
    /// The purpose's own restriction is among them (e.g. 限制招投标 for a 招投标 check).
    pub restricted_for_purpose: bool,
    /// 失信被执行人, 拒执案件.
    pub kinds: Vec<String>,
    /// The restrictions of the standing entries (Chinese names).
    pub restrictions: Vec<String>,
    /// The standing entries with their 案号, court and amount — only to the list's keepers.
    pub entries: Vec<CreditEntryView>,
    pub purpose: String,
}

/// 失信/拒执名单条目 — an entry as its keepers see it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreditEntryView {
    pub id: i64,
    /// `dishonest` or `refusal`.
    pub kind: String,
    pub kind_label: String,
    pub case_number: String,
    /// `person` or `organisation`.
    pub subject_kind: String,
    /// An ID number masked; a credit code in full.
    pub subject: String,
    /// A person's name masked; an organisation's in full.
    pub name: String,
    pub court: String,
    pub amount_yuan: Option<f64>,
    pub restrictions: Vec<String>,
    pub listed_on: NaiveDate,
    pub lifted_on: Option<NaiveDate>,
    pub lift_reason: Option<String>,
    /// Not lifted.
    pub standing: bool,
    /// The measures member units recorded (only on an entry's own page).
    pub measures: Vec<CreditMeasureView>,
}

/// 惩戒措施 — a measure a member unit recorded.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreditMeasureView {
    pub unit: String,
    pub measure: String,
    pub note: String,
    pub taken_on: NaiveDate,
}

/// A measure a member unit took against a listed subject (named as for a check).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CreditMeasureRequest {
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    /// A restriction (code or Chinese name), e.g. 限制招投标.
    pub measure: String,
    /// What was done, at most 200 characters (e.g. 取消中标候选人资格).
    #[serde(default)]
    pub note: String,
    /// Default today.
    pub taken_on: Option<NaiveDate>,
}

/// How many entries a measure was recorded on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CreditMeasureRecorded {
    pub entries: usize,
}

/// Lifting an entry (撤销/屏蔽: paid, settled, or the court's decision).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CreditLiftRequest {
    /// 2 to 200 characters, e.g. 已全部履行.
    pub reason: String,
    /// Default today; never ahead of today.
    pub lifted_on: Option<NaiveDate>,
}

/// A search of the list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CreditListQuery {
    /// `standing` 在册 or `lifted` 已撤销 (default: both).
    pub status: Option<String>,
    /// `dishonest` or `refusal` (code or Chinese name).
    pub kind: Option<String>,
    pub case_number: Option<String>,
    /// One subject's entries (an ID number or a credit code).
    pub subject: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreditImportReport {
    /// New 案号 and subjects.
    pub added: usize,
    /// Known ones brought up to date.
    pub updated: usize,
    /// Of those written, how many are lifted.
    pub lifted: usize,
    pub rejected: Vec<RejectedCell>,
}

/// What a registry page shows of a listed subject to one who may check: kinds and restrictions.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CreditFlag {
    pub kinds: Vec<String>,
    pub restrictions: Vec<String>,
}
