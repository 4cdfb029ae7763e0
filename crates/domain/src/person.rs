//! 实有人口 — a person of the grid registry (GB/T 31000-2015 §1.2–1.3): the common block as entered
//! on a form, a phone or an import row, checked field by field with a reason for each refusal; the
//! birth date and sex come from the 公民身份号码 and what was typed must agree with them.

use crate::code_table::{ETHNICITY, RELATION, SEX};
use crate::identity::{IdNumber, PhoneNumber};
use crate::labelled::labelled;
use chrono::NaiveDate;

labelled! {
    /// 人员类型 — how a person lives in the grid (§1.3).
    Residence {
        /// 户籍人口 — registered here.
        Registered = "registered", "户籍人口";
        /// 流动人口 — living here, registered elsewhere.
        Floating = "floating", "流动人口";
        /// 境外人员 — foreigners.
        Foreign = "foreign", "境外人员";
        /// 留守人员 — left behind (children, elderly, women).
        LeftBehind = "left_behind", "留守人员";
    }
}

labelled! {
    /// 人员标签 — what a grid keeps an eye on beyond the special groups (关爱、服务对象).
    PersonTag {
        LivingAlone = "living_alone", "独居老人";
        EmptyNest = "empty_nest", "空巢老人";
        Disabled = "disabled", "残疾人";
        LowIncome = "low_income", "低保对象";
        ExtremePoverty = "extreme_poverty", "特困人员";
        Veteran = "veteran", "退役军人";
        Orphan = "orphan", "孤儿";
        KeyAttention = "key_attention", "重点关注人员";
    }
}

/// A person as typed: every field text, empty when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    /// 男/女 or the GB/T 2261.1 code; checked against the ID number.
    pub sex: String,
    /// The GB 3304 code or name (汉族).
    pub ethnicity: String,
    /// A [`Residence`] code or label; 户籍人口 when empty.
    pub residence: String,
    /// 户号 — the household's number (户口簿); persons with the same number in a grid are one 户.
    pub household_no: String,
    /// 与户主关系 — GB/T 4761 code or name (户主, 妻, 长子 …); needs a 户号.
    pub relation: String,
}

/// A person whose fields passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Option<PhoneNumber>,
    pub address: String,
    /// GB/T 2261.1 code, from the ID number.
    pub sex: &'static str,
    pub birth_date: NaiveDate,
    pub ethnicity: Option<&'static str>,
    pub residence: Residence,
    pub household_no: Option<String>,
    /// GB/T 4761 code.
    pub relation: Option<&'static str>,
}

/// The GB/T 4761 code of 户主.
pub const HEAD_OF_HOUSEHOLD: &str = "02";

/// The column names of the fields, as templates and reports say them.
pub mod field {
    pub const NAME: &str = "姓名";
    pub const ID_NUMBER: &str = "公民身份号码";
    pub const PHONE: &str = "联系方式";
    pub const ADDRESS: &str = "现住址";
    pub const SEX: &str = "性别";
    pub const ETHNICITY: &str = "民族";
    pub const RESIDENCE: &str = "人员类型";
    pub const HOUSEHOLD_NO: &str = "户号";
    pub const RELATION: &str = "与户主关系";
}

impl PersonInput {
    /// Checks every field; the refusals name the field and say what is wrong.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidPerson, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        let name_ok = (2..=50).contains(&name.chars().count())
            && !name.chars().any(|c| c.is_ascii_digit() || c.is_control());
        if !name_ok {
            errors.push((field::NAME, "姓名应为 2 到 50 个字，不含数字".to_owned()));
        }
        let id = match IdNumber::parse(&self.id_number, today) {
            Ok(id) => Some(id),
            Err(e) => {
                errors.push((field::ID_NUMBER, e.to_string()));
                None
            }
        };
        let phone = match self.phone.trim() {
            "" => None,
            p => match PhoneNumber::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push((field::PHONE, e.to_string()));
                    None
                }
            },
        };
        let address = self.address.trim();
        if address.is_empty() || address.chars().count() > 80 {
            errors.push((field::ADDRESS, "现住址必填，不超过 80 个字".to_owned()));
        }
        let sex_typed = match self.sex.trim() {
            "" => None,
            s => SEX
                .entries
                .iter()
                .find(|e| e.code == s || e.name == s || e.name.starts_with(s))
                .map(|e| e.code)
                .or_else(|| {
                    errors.push((field::SEX, "性别应为 男 或 女".to_owned()));
                    None
                }),
        };
        if let (Some(id), Some(typed)) = (&id, sex_typed)
            && typed != id.sex_code()
        {
            let derived = SEX.name_of(id.sex_code()).unwrap_or("");
            errors.push((
                field::SEX,
                format!("与公民身份号码不符：号码第 17 位表示{derived}"),
            ));
        }
        let ethnicity = match self.ethnicity.trim() {
            "" => None,
            e => ETHNICITY
                .entries
                .iter()
                .find(|x| x.code == e || x.name == e || x.name.trim_end_matches('族') == e)
                .map(|x| x.code)
                .or_else(|| {
                    errors.push((
                        field::ETHNICITY,
                        "民族应为 GB 3304 的名称或两位代码，如 汉族 或 01".to_owned(),
                    ));
                    None
                }),
        };
        let residence = Residence::parse_or(&self.residence, Residence::Registered, "人员类型")
            .map_err(|e| errors.push((field::RESIDENCE, e)))
            .ok();
        let household_no = self.household_no.trim();
        let household_ok = household_no.is_empty()
            || ((1..=20).contains(&household_no.len())
                && household_no
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if !household_ok {
            errors.push((
                field::HOUSEHOLD_NO,
                "户号应为 1 到 20 位数字或字母".to_owned(),
            ));
        }
        let relation = match self.relation.trim() {
            "" => None,
            _ if household_no.is_empty() => {
                errors.push((field::RELATION, "填写与户主关系时须同时填写户号".to_owned()));
                None
            }
            r => RELATION
                .entries
                .iter()
                .find(|x| x.code == r || x.name == r)
                .map(|x| x.code)
                .or_else(|| {
                    errors.push((
                        field::RELATION,
                        "与户主关系应为 GB/T 4761 的名称或代码，如 户主、妻、长子 或 02".to_owned(),
                    ));
                    None
                }),
        };
        match (id, residence) {
            (Some(id_number), Some(residence)) if errors.is_empty() => Ok(ValidPerson {
                household_no: (!household_no.is_empty()).then(|| household_no.to_owned()),
                relation,
                name: name.to_owned(),
                birth_date: id_number.birth_date().unwrap_or(today),
                sex: id_number.sex_code(),
                id_number,
                phone,
                address: address.to_owned(),
                ethnicity,
                residence,
            }),
            _ => Err(errors),
        }
    }
}

/// The two-character pieces of a text (张三丰 → 张三, 三丰; spaces dropped): what a name or address
/// search matches on, so that any two or more consecutive characters find it.
pub fn two_char_pieces(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut grams: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    grams
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// A valid 18-digit number for a birth date and sequence.
    fn id(birth: &str, seq: u16) -> String {
        let first17 = format!("511702{birth}{seq:03}");
        format!(
            "{first17}{}",
            crate::identity::check_character(&first17).unwrap()
        )
    }

    fn input(id_number: &str) -> PersonInput {
        PersonInput {
            name: "张三丰".into(),
            id_number: id_number.into(),
            address: "朝阳路 1 号".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_relation_needs_a_household_and_a_known_code() {
        let mut p = input(&id("19800101", 123));
        p.relation = "妻".into();
        let e = p.clone().validate(today()).unwrap_err();
        assert_eq!(e[0].0, field::RELATION);
        p.household_no = "511702001".into();
        let v = p.clone().validate(today()).unwrap();
        assert_eq!(
            (v.household_no.as_deref(), v.relation),
            (Some("511702001"), Some("12"))
        );
        p.relation = "02".into();
        assert_eq!(
            p.clone().validate(today()).unwrap().relation,
            Some(HEAD_OF_HOUSEHOLD)
        );
        p.relation = "邻居".into();
        p.household_no = "12 34".into();
        let fields: Vec<_> = p
            .validate(today())
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, [field::HOUSEHOLD_NO, field::RELATION]);
    }

    #[test]
    fn the_four_columns_are_enough_and_sex_and_birth_come_from_the_number() {
        let p = input(&id("19800101", 123)).validate(today()).unwrap();
        assert_eq!(
            (p.sex, p.birth_date.to_string().as_str()),
            ("1", "1980-01-01")
        );
        assert_eq!(p.residence, Residence::Registered);
        assert_eq!(p.ethnicity, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = PersonInput {
            name: "张".into(),
            id_number: "51170219800101123".into(),
            phone: "12345".into(),
            address: String::new(),
            sex: "X".into(),
            ethnicity: "火星族".into(),
            residence: "常住".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = bad
            .validate(today())
            .unwrap_err()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            fields,
            [
                "姓名",
                "公民身份号码",
                "联系方式",
                "现住址",
                "性别",
                "民族",
                "人员类型"
            ]
        );
    }

    #[test]
    fn a_typed_sex_must_agree_with_the_number() {
        let mut p = input(&id("19800101", 123));
        p.sex = "女".into();
        let e = p.validate(today()).unwrap_err();
        assert_eq!(e[0].0, "性别");
        assert!(e[0].1.contains("男"), "{:?}", e);
        p.sex = "男".into();
        p.ethnicity = "汉".into();
        p.residence = "流动人口".into();
        let ok = p.validate(today()).unwrap();
        assert_eq!(
            (ok.ethnicity, ok.residence),
            (Some("01"), Residence::Floating)
        );
    }

    #[test]
    fn pieces_cover_every_two_characters() {
        assert_eq!(two_char_pieces("张三丰"), ["三丰", "张三"]);
        assert_eq!(two_char_pieces("欧阳 修"), ["欧阳", "阳修"]);
        assert!(two_char_pieces("张").is_empty());
    }

    proptest! {
        #[test]
        fn any_valid_number_gives_back_its_birth_date_and_sex(
            y in 1900i32..2026, m in 1u32..=12, d in 1u32..=28, seq in 0u16..1000
        ) {
            let birth = format!("{y:04}{m:02}{d:02}");
            let p = input(&id(&birth, seq)).validate(today()).unwrap();
            prop_assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(y, m, d).unwrap());
            prop_assert_eq!(p.sex, if seq % 2 == 1 { "1" } else { "2" });
        }

        #[test]
        fn any_text_is_refused_or_accepted_without_panic(
            name in "\\PC{0,60}", id_number in "\\PC{0,20}", phone in "\\PC{0,15}", sex in "\\PC{0,3}"
        ) {
            let _ = PersonInput { name, id_number, phone, sex, address: "地址".into(), ..Default::default() }
                .validate(today());
        }
    }
}
