//! 联合信用惩戒 — the court's list of 失信被执行人 and the 拒执 (拒不执行判决、裁定) cases, kept in
//! the hub so that member units can check a person or an organisation before a 招投标, a service
//! or an appointment, and record the joint-discipline measures they took. This module holds the
//! rules that need no I/O: who an entry is about, its 案号, its restrictions, and whether it
//! stands on a day.

use crate::identity::IdNumber;
use crate::labelled::labelled;
use crate::place::uscc_valid;
use chrono::NaiveDate;

labelled! {
    /// 名单类别.
    CreditListKind {
        /// 失信被执行人 (最高人民法院关于公布失信被执行人名单信息的若干规定).
        Dishonest = "dishonest", "失信被执行人";
        /// 拒不执行判决、裁定 (刑法第三百一十三条): a criminal case against the person.
        Refusal = "refusal", "拒执案件";
    }
}

labelled! {
    /// 限制措施 — what the listing restricts (the court's decision names them).
    Restriction {
        /// 限制高消费.
        Consumption = "consumption", "限制高消费";
        /// 限制乘坐飞机、高铁.
        Travel = "travel", "限制乘坐飞机高铁";
        /// 限制出境.
        Exit = "exit", "限制出境";
        /// 限制参与招投标、政府采购.
        Bidding = "bidding", "限制招投标";
        /// 限制担任法定代表人、董事、监事、高管.
        Office = "office", "限制任职";
        /// 限制融资信贷.
        Financing = "financing", "限制融资信贷";
        /// 限制评优评先、入党、参军、公务员录用.
        Honours = "honours", "限制评优评先";
    }
}

labelled! {
    /// 核查用途 — why a member unit checks (kept in the audit trail with each check).
    CheckPurpose {
        /// 招投标、政府采购.
        Bidding = "bidding", "招投标";
        /// 政务服务、资质审批.
        Service = "service", "政务服务";
        /// 评优评先.
        Honours = "honours", "评优评先";
        /// 任职、录用.
        Appointment = "appointment", "任职录用";
        /// 融资信贷.
        Financing = "financing", "融资信贷";
        /// 其他.
        Other = "other", "其他";
    }
}

impl CheckPurpose {
    /// The restriction a hit matters for, if the purpose has one.
    pub fn restriction(self) -> Option<Restriction> {
        match self {
            CheckPurpose::Bidding => Some(Restriction::Bidding),
            CheckPurpose::Honours => Some(Restriction::Honours),
            CheckPurpose::Appointment => Some(Restriction::Office),
            CheckPurpose::Financing => Some(Restriction::Financing),
            CheckPurpose::Service | CheckPurpose::Other => None,
        }
    }
}

/// 被执行人 — whom an entry is about: a person by 公民身份号码 or an organisation by 统一社会信用代码.
#[derive(Clone, PartialEq, Eq)]
pub enum CreditSubject {
    Person(IdNumber),
    Organisation(String),
}

/// Masked in logs and test output, as on a screen.
impl std::fmt::Debug for CreditSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CreditSubject::{}({})", self.kind(), self.shown())
    }
}

/// Why a subject could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    #[error("证件号码为空：自然人填写 18 位公民身份号码，单位填写 18 位统一社会信用代码")]
    Empty,
    #[error(
        "{0} 既不是有效的公民身份号码，也不是有效的统一社会信用代码（GB 32100，末位校验码不符）"
    )]
    Neither(String),
}

impl CreditSubject {
    /// Reads an identifier as typed: an ID number for a person, else a credit code for an
    /// organisation (both are 18 characters; the check characters tell them apart).
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, SubjectError> {
        let s = raw.trim().to_uppercase();
        if s.is_empty() {
            return Err(SubjectError::Empty);
        }
        if let Ok(id) = IdNumber::parse(&s, today) {
            return Ok(CreditSubject::Person(id));
        }
        if uscc_valid(&s) {
            return Ok(CreditSubject::Organisation(s));
        }
        Err(SubjectError::Neither(mask(&s)))
    }

    /// `person` or `organisation`.
    pub fn kind(&self) -> &'static str {
        match self {
            CreditSubject::Person(_) => "person",
            CreditSubject::Organisation(_) => "organisation",
        }
    }

    /// The identifier itself.
    pub fn as_str(&self) -> &str {
        match self {
            CreditSubject::Person(id) => id.as_str(),
            CreditSubject::Organisation(code) => code,
        }
    }

    /// As shown on a screen: an ID number masked, a credit code (public) in full.
    pub fn shown(&self) -> String {
        match self {
            CreditSubject::Person(id) => id.masked(),
            CreditSubject::Organisation(code) => code.clone(),
        }
    }
}

/// The first `n` characters of what was typed, to echo it in a message.
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Masks what is neither ID number nor credit code before it is echoed (it may be either).
fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n <= 8 {
        return "*".repeat(n);
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 4 >= n { c } else { '*' })
        .collect()
}

/// 案号 as the courts write it — `（2020）川1702执1234号`: the year in brackets, the court and the
/// kind of case, the number, 号. Brackets typed half-width (or as 〔〕) are kept full-width, the
/// form of 最高人民法院关于人民法院案件案号的若干规定, so that one case has one number.
pub fn normalise_case_number(raw: &str) -> Result<String, String> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' | '〔' | '[' => '（',
            ')' | '〕' | ']' => '）',
            c => c,
        })
        .collect();
    let bad = || {
        format!(
            "案号 {} 格式不对：应如（2020）川1702执1234号",
            clip(raw.trim(), 40)
        )
    };
    let rest = s.strip_prefix('（').ok_or_else(bad)?;
    let (year, body) = rest.split_once('）').ok_or_else(bad)?;
    let year_ok = year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && ("1990".."2100").contains(&year);
    let body_ok = body
        .strip_suffix('号')
        .and_then(|b| b.chars().last())
        .is_some_and(|c| c.is_ascii_digit())
        && body.chars().count() >= 3
        && body.chars().count() <= 40;
    if year_ok && body_ok {
        Ok(s)
    } else {
        Err(bad())
    }
}

/// Reads the restrictions as a court lists them: separated by 、，,；; or spaces, by label or
/// code; an unknown one is named.
pub fn parse_restrictions(raw: &str) -> Result<Vec<Restriction>, String> {
    let mut out = Vec::new();
    for piece in raw
        .split(|c: char| "、，,；;/ \t\n".contains(c))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let r = Restriction::parse(piece).ok_or_else(|| {
            format!(
                "限制措施“{}”不认识：应为 {} 之一",
                clip(piece, 20),
                Restriction::labels()
            )
        })?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out.sort();
    Ok(out)
}

/// A day as a court's sheet writes it: `2020-05-06`, `2020/5/6`, `2020.5.6`, `2020年5月6日`,
/// `20200506`, or Excel's day number (44000 is 2020-06-18). Time of day, if any, is ignored.
pub fn parse_day(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let bad = || format!("日期“{}”应写作 2020-05-06", clip(s, 20));
    let day_part = s.split([' ', 'T']).next().unwrap_or(s);
    if let Ok(serial) = day_part.parse::<f64>()
        && (1.0..2_958_466.0).contains(&serial)
        // 20200618 is a date, not a day number.
        && (day_part.len() != 8 || day_part.contains('.'))
    {
        // Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(bad)?;
        return base
            .checked_add_signed(chrono::Duration::days(serial.trunc() as i64))
            .ok_or_else(bad);
    }
    let unified: String = day_part
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            '日' => ' ',
            c => c,
        })
        .collect();
    let unified = unified.trim();
    NaiveDate::parse_from_str(unified, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(unified, "%Y%m%d"))
        .map_err(|_| bad())
}

/// Whether an entry listed on `listed_on` and lifted on `lifted_on` (if ever) stands on `day`:
/// from its listing day, up to but not on the day it was lifted.
pub fn stands_on(listed_on: NaiveDate, lifted_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    listed_on <= day && lifted_on.is_none_or(|l| day < l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()
    }

    #[test]
    fn a_subject_is_a_person_or_an_organisation_by_its_check_character() {
        let p = CreditSubject::parse(" 11010519491231002x ", today()).unwrap();
        assert_eq!(p.kind(), "person");
        assert_eq!(p.as_str(), "11010519491231002X");
        assert_eq!(p.shown(), "110105********002X");
        let o = CreditSubject::parse("91350100m000100y43", today()).unwrap();
        assert_eq!(o.kind(), "organisation");
        assert_eq!(o.shown(), "91350100M000100Y43");
        assert_eq!(CreditSubject::parse("", today()), Err(SubjectError::Empty));
        let e = CreditSubject::parse("110105194912310021", today()).unwrap_err();
        assert_eq!(e, SubjectError::Neither("1101**********0021".into()));
    }

    #[test]
    fn case_numbers_are_read_in_either_bracket() {
        assert_eq!(
            normalise_case_number("(2020)川1702执1234号").unwrap(),
            "（2020）川1702执1234号"
        );
        assert_eq!(
            normalise_case_number("〔2019〕 川1702 刑初 88 号").unwrap(),
            "（2019）川1702刑初88号"
        );
        for bad in [
            "2020川1702执1234号",
            "(20)川执1号",
            "(2020)川1702执号",
            "(2020)川1702执12",
        ] {
            assert!(normalise_case_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn restrictions_are_read_by_label_or_code_and_unknown_ones_named() {
        assert_eq!(
            parse_restrictions("限制高消费、限制招投标；bidding").unwrap(),
            vec![Restriction::Consumption, Restriction::Bidding]
        );
        assert_eq!(parse_restrictions("").unwrap(), vec![]);
        let e = parse_restrictions("限制高消费，限制养猫").unwrap_err();
        assert!(e.contains("限制养猫"), "{e}");
    }

    #[test]
    fn days_are_read_as_courts_and_excel_write_them() {
        let d = NaiveDate::from_ymd_opt(2020, 6, 18).unwrap();
        for text in [
            "2020-06-18",
            "2020/6/18",
            "2020.6.18",
            "2020年6月18日",
            "20200618",
            "44000",
            "44000.5",
            "2020-06-18 09:30:00",
        ] {
            assert_eq!(parse_day(text), Ok(d), "{text}");
        }
        assert!(parse_day("昨天").is_err());
        assert!(parse_day("2020-02-30").is_err());
    }

    #[test]
    fn a_purpose_names_the_restriction_it_matters_for() {
        assert_eq!(
            CheckPurpose::Bidding.restriction(),
            Some(Restriction::Bidding)
        );
        assert_eq!(CheckPurpose::Service.restriction(), None);
    }

    proptest! {
        #[test]
        fn an_entry_stands_from_its_listing_to_the_day_before_it_is_lifted(
            listed in 0i64..2000, lifted in proptest::option::of(0i64..2000), day in 0i64..2000
        ) {
            let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            let at = |n: i64| base + chrono::Duration::days(n);
            let stands = stands_on(at(listed), lifted.map(at), at(day));
            prop_assert_eq!(stands, day >= listed && lifted.is_none_or(|l| day < l));
        }

        #[test]
        fn case_number_reading_never_panics(s in "\\PC{0,60}") {
            let _ = normalise_case_number(&s);
            let _ = parse_restrictions(&s);
            let _ = CreditSubject::parse(&s, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap());
        }
    }
}
