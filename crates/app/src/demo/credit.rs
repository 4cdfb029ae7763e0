//! 演示联合惩戒名单 — the court's sheet of 失信被执行人 and 拒执 cases as the district's list keeper
//! (`xy-511702`) imports it: persons and companies of the district listed since 2019 with their
//! 案号, amounts and restrictions, some lifted after they paid; and the measures member units took
//! (住建 refusing a bid, 人社 an honour, 市场监管 an appointment) recorded through the check.
//! Through the real use cases (an .xlsx made and imported, checks and measures by department
//! accounts); deterministic; only at `district` scale.

use super::events::as_user;
use super::places::{STEMS, TRADES, credit_code, person_name};
use super::rng::SplitMix64;
use crate::{App, AppError, CreditMeasureRequest, Result};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use pingan_domain::credit::{CreditListKind, Restriction};
use pingan_domain::identity::check_character;
use pingan_domain::time::beijing_date;
use pingan_office::sheet::write_sheet;

/// The list keeper the demo creates (a role that exists as data only, migration 0031).
pub(super) const KEEPER: &str = "xy-511702";
const SEED: u64 = 20_190_601;
/// Persons and companies listed as 失信被执行人, and 拒执 cases.
const PERSONS: usize = 120;
const COMPANIES: usize = 30;
const REFUSALS: usize = 12;
/// One in this many has paid and been lifted.
const LIFTED_ONE_IN: usize = 6;
/// Member units that record a measure: (department code, restriction, what they did).
const MEASURES: [(&str, Restriction, &str); 3] = [
    ("511702-ZJ", Restriction::Bidding, "取消其中标候选人资格"),
    ("511702-RS", Restriction::Honours, "取消年度评优资格"),
    (
        "511702-SCJG",
        Restriction::Office,
        "不予登记为公司法定代表人",
    ),
];

pub(super) async fn seed(app: &App) -> Result<usize> {
    let keeper = app
        .store
        .user_by_username(KEEPER)
        .await?
        .ok_or_else(|| AppError::Internal(format!("演示账号 {KEEPER} 不存在")))?;
    let keeper = as_user(app, keeper)?;
    let today = beijing_date(Utc::now());
    let mut rng = SplitMix64::new(SEED);
    let mut rows = Vec::new();
    let mut persons = Vec::new();
    let mut companies = Vec::new();
    for n in 0..PERSONS + COMPANIES + REFUSALS {
        let refusal = n >= PERSONS + COMPANIES;
        let company = (PERSONS..PERSONS + COMPANIES).contains(&n);
        let listed = today - Duration::days(30 + i64::try_from(rng.below(2400)).unwrap_or(0));
        let (name, subject) = if company {
            let code = credit_code("91511702MA", &mut rng);
            companies.push(code.clone());
            (
                format!("达州市{}{}有限公司", rng.pick(&STEMS), rng.pick(&TRADES)),
                code,
            )
        } else {
            let id = id_number(n, &mut rng)?;
            persons.push(id.clone());
            (person_name(&mut rng), id)
        };
        let (case_kind, kind) = if refusal {
            ("刑初", CreditListKind::Refusal)
        } else {
            ("执", CreditListKind::Dishonest)
        };
        let case_number = format!("（{}）川1702{case_kind}{}号", listed.year(), 100 + n * 7);
        let restrictions = if company {
            "限制高消费、限制招投标、限制融资信贷"
        } else if n % 3 == 0 {
            "限制高消费、限制乘坐飞机高铁、限制出境"
        } else {
            "限制高消费、限制评优评先、限制任职"
        };
        let amount = 2_000 + rng.below(480_000);
        let lifted = !refusal && n % LIFTED_ONE_IN == LIFTED_ONE_IN - 1;
        let lifted_on =
            (listed + Duration::days(60 + i64::try_from(rng.below(300)).unwrap_or(0))).min(today);
        rows.push(vec![
            case_number,
            kind.label().to_owned(),
            name,
            subject,
            "通川区人民法院".to_owned(),
            format!("{amount}.00"),
            restrictions.to_owned(),
            listed.to_string(),
            if lifted { "已撤销" } else { "在册" }.to_owned(),
            if lifted {
                lifted_on.to_string()
            } else {
                String::new()
            },
            if lifted { "已全部履行" } else { "" }.to_owned(),
        ]);
    }
    let sheet = write_sheet(
        "失信被执行人名单",
        &crate::credit::template_columns(),
        &rows,
        None,
    )?;
    let report = app.credit().import(&keeper, &sheet).await?;
    if !report.rejected.is_empty() {
        return Err(AppError::Internal(format!(
            "演示名单有 {} 行未导入：{:?}",
            report.rejected.len(),
            report.rejected.first()
        )));
    }
    // Member units hit a listed subject in their own work and record what they did.
    for (i, (department, measure, note)) in MEASURES.iter().enumerate() {
        let username = format!("bm-{}", department.to_lowercase());
        let Some(user) = app.store.user_by_username(&username).await? else {
            continue;
        };
        let actor = as_user(app, user)?;
        let (id_number, credit_code) = if *measure == Restriction::Bidding {
            (None, companies.get(i).cloned())
        } else {
            (persons.get(i * 3 + 1).cloned(), None)
        };
        app.credit()
            .record_measure(
                &actor,
                &CreditMeasureRequest {
                    id_number,
                    credit_code,
                    measure: measure.code().into(),
                    note: (*note).into(),
                    taken_on: None,
                },
            )
            .await?;
    }
    Ok(report.added)
}

/// A valid ID number of a resident of the district, born 1960–1999, with a sequence the demo
/// population does not use (900 and above).
fn id_number(n: usize, rng: &mut SplitMix64) -> Result<String> {
    let born = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
        + Duration::days(i64::try_from(rng.below(14_600)).unwrap_or(0));
    let first17 = format!("511702{}{:03}", born.format("%Y%m%d"), 900 + n % 100);
    let check = check_character(&first17)
        .ok_or_else(|| AppError::Internal(format!("演示身份证号 {first17} 无法计算校验位")))?;
    Ok(format!("{first17}{check}"))
}
