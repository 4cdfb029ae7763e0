//! 公民身份号码 (GB 11643-1999) and phone numbers: validation with messages that say what is wrong,
//! and the masks shown on screen (PIPL).

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// What is wrong with an identity number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("公民身份号码应为 18 位（或 15 位旧号码），现为 {0} 位")]
    Length(usize),
    #[error("公民身份号码前 17 位应为数字，最后一位为数字或 X")]
    Characters,
    #[error("地址码前两位 {0} 不是有效的省级行政区划代码")]
    Province(String),
    #[error("出生日期 {0} 不是有效日期")]
    BirthDate(String),
    #[error("出生日期 {0} 不在 1900 年到今天之间")]
    BirthDateRange(String),
    #[error("校验位应为 {0}")]
    CheckCharacter(char),
}

/// 公民身份号码 — an 18-character identity number whose check character, birth date and province
/// have been verified. A 15-digit number of 1989 is upgraded on parsing.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// The MOD 11-2 check character of the first 17 digits (ISO 7064).
pub fn check_character(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    CHECK.get((sum % 11) as usize).copied()
}

impl IdNumber {
    /// Validates a number as typed (spaces trimmed, `x` read as `X`), relative to `today`.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let s: String = raw.trim().to_uppercase();
        let s = match s.chars().count() {
            18 => s,
            15 if s.bytes().all(|b| b.is_ascii_digit()) => {
                let first17 = format!("{}19{}", s.get(..6).unwrap_or(""), s.get(6..).unwrap_or(""));
                let check = check_character(&first17).ok_or(IdNumberError::Characters)?;
                format!("{first17}{check}")
            }
            n => return Err(IdNumberError::Length(n)),
        };
        let (first17, last) = s.split_at_checked(17).ok_or(IdNumberError::Characters)?;
        let last_ok = matches!(last.as_bytes(), [b'0'..=b'9' | b'X']);
        if !first17.bytes().all(|b| b.is_ascii_digit()) || !last_ok {
            return Err(IdNumberError::Characters);
        }
        let province = first17.get(..2).unwrap_or("");
        if !province.parse::<u8>().is_ok_and(|p| PROVINCES.contains(&p)) {
            return Err(IdNumberError::Province(province.to_owned()));
        }
        let birth = first17.get(6..14).unwrap_or("");
        let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
            .map_err(|_| IdNumberError::BirthDate(birth.to_owned()))?;
        if date.year() < 1900 || date > today {
            return Err(IdNumberError::BirthDateRange(birth.to_owned()));
        }
        let expected = check_character(first17).ok_or(IdNumberError::Characters)?;
        if !last.starts_with(expected) {
            return Err(IdNumberError::CheckCharacter(expected));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date written in the number.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.0.get(6..14)?, "%Y%m%d").ok()
    }

    /// The sex in GB/T 2261.1 code: `1` 男 for an odd sequence number, `2` 女 for an even one.
    pub fn sex_code(&self) -> &'static str {
        let digit = self
            .0
            .get(16..17)
            .and_then(|d| d.parse::<u8>().ok())
            .unwrap_or(0);
        if digit % 2 == 1 { "1" } else { "2" }
    }

    /// The 6-digit address code (the county of household registration at issue).
    pub fn area_code(&self) -> &str {
        self.0.get(..6).unwrap_or("")
    }

    /// `511702********123X`: the address code and the last four characters.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// Masks any identity-document number: first six and last four characters kept.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(6).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// What is wrong with a phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error(
        "手机号码应为 1 开头的 11 位数字（第二位为 3–9），固定电话应为区号加号码，如 0818-2123456"
    )]
    Format,
}

/// 联系电话 — a mobile or fixed-line number in canonical form (`13812345678`, `0818-2123456`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts `138 1234 5678`, `+86 138…`, `0818-2123456`, `08182123456`, `0818-2123456-801`.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let mobile = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("86").filter(|r| r.len() == 11))
            .unwrap_or(&compact);
        let mobile_digits: String = mobile.chars().filter(|c| *c != '-').collect();
        if mobile_digits.len() == 11
            && mobile_digits.bytes().all(|b| b.is_ascii_digit())
            && mobile_digits.starts_with('1')
            && mobile_digits
                .as_bytes()
                .get(1)
                .is_some_and(|b| (b'3'..=b'9').contains(b))
        {
            return Ok(Self(mobile_digits));
        }
        fixed_line(&compact).map(Self).ok_or(PhoneError::Format)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`, or `0818-***3456` for a fixed line.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// `0818-2123456` from `0818-2123456` or `08182123456` (area codes of 3 or 4 digits starting with 0).
fn fixed_line(s: &str) -> Option<String> {
    let (main, ext) = match s.split('-').collect::<Vec<_>>().as_slice() {
        [area, number] => (format!("{area}{number}"), None),
        [area, number, ext] => (format!("{area}{number}"), Some((*ext).to_owned())),
        [whole] => ((*whole).to_owned(), None),
        _ => return None,
    };
    if !main.starts_with('0') || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Three-digit area codes are 010 and 02X; the rest have four digits.
    let area_len = if main.starts_with("010") || main.starts_with("02") {
        3
    } else {
        4
    };
    let (area, number) = main.split_at_checked(area_len)?;
    if !(7..=8).contains(&number.len()) {
        return None;
    }
    match ext {
        Some(e) if (1..=6).contains(&e.len()) && e.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{area}-{number}-{e}"))
        }
        Some(_) => None,
        None => Some(format!("{area}-{number}")),
    }
}

/// Masks a phone number: a mobile keeps its first three and last four digits, a fixed line its area
/// code and last four digits.
pub fn mask_phone(s: &str) -> String {
    let keep_last = |t: &str, n: usize| {
        t.chars()
            .skip(t.chars().count().saturating_sub(n))
            .collect::<String>()
    };
    match s.split_once('-') {
        Some((area, rest)) => {
            let number = rest.split('-').next().unwrap_or(rest);
            format!(
                "{area}-{}{}",
                "*".repeat(number.len().saturating_sub(4)),
                keep_last(number, 4)
            )
        }
        None if s.len() == 11 => format!("{}****{}", s.get(..3).unwrap_or(""), keep_last(s, 4)),
        None => "*".repeat(s.chars().count()),
    }
}

/// Masks a personal name: the first character kept, each other one a `*` (`张*`, `欧阳**`→`欧***`).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn published_examples_pass() {
        for n in [
            "11010519491231002X",
            "440524188001010014",
            "34052419800101001X",
            "370101190102039973",
        ] {
            // 440524188001010014 is born in 1880: a valid number, but outside our range.
            let r = IdNumber::parse(n, today());
            if n.starts_with("4405241880") {
                assert_eq!(r, Err(IdNumberError::BirthDateRange("18800101".into())));
            } else {
                assert_eq!(r.unwrap().as_str(), n);
            }
        }
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.sex_code(), "2");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(id.area_code(), "110105");
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(
            IdNumber::parse("1101051949123100", today()),
            Err(IdNumberError::Length(16))
        );
        assert_eq!(
            IdNumber::parse("11010519491231002Y", today()),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse("990105194912310021", today()),
            Err(IdNumberError::Province("99".into()))
        );
        assert_eq!(
            IdNumber::parse("110105194902300021", today()),
            Err(IdNumberError::BirthDate("19490230".into()))
        );
        assert_eq!(
            IdNumber::parse("110105203001010021", today()),
            Err(IdNumberError::BirthDateRange("20300101".into()))
        );
        let e = IdNumber::parse("110105194912310021", today()).unwrap_err();
        assert_eq!(e, IdNumberError::CheckCharacter('X'));
        assert_eq!(e.to_string(), "校验位应为 X");
    }

    #[test]
    fn fifteen_digit_numbers_are_upgraded() {
        let id = IdNumber::parse("511702800101123", today()).unwrap();
        assert_eq!(&id.as_str()[..17], "51170219800101123");
        assert_eq!(id.as_str().len(), 18);
        assert_eq!(id.sex_code(), "1");
    }

    #[test]
    fn phones() {
        assert_eq!(
            PhoneNumber::parse("138 1234 5678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            PhoneNumber::parse("+8613812345678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            PhoneNumber::parse("8613812345678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            PhoneNumber::parse("0818-2123456").unwrap().as_str(),
            "0818-2123456"
        );
        assert_eq!(
            PhoneNumber::parse("08182123456").unwrap().as_str(),
            "0818-2123456"
        );
        assert_eq!(
            PhoneNumber::parse("010-61234567").unwrap().as_str(),
            "010-61234567"
        );
        assert_eq!(
            PhoneNumber::parse("0818-2123456-801").unwrap().as_str(),
            "0818-2123456-801"
        );
        for bad in [
            "12812345678",
            "1381234567",
            "abc",
            "0818-12",
            "",
            "0818-2123456-1234567",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err(PhoneError::Format), "{bad}");
        }
        assert_eq!(
            PhoneNumber::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
        assert_eq!(
            PhoneNumber::parse("0818-2123456").unwrap().masked(),
            "0818-***3456"
        );
    }

    #[test]
    fn names() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_id_number("511702198001011234"), "511702********1234");
    }

    proptest! {
        #[test]
        fn any_valid_number_parses_and_any_other_check_character_is_named(
            p in 0usize..35, rest in 0u32..10_000, days in 0i64..40_000, seq in 0u32..1000
        ) {
            let date = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
            let first17 = format!("{:02}{rest:04}{}{seq:03}", PROVINCES[p], date.format("%Y%m%d"));
            let check = check_character(&first17).unwrap();
            let id = IdNumber::parse(&format!("{first17}{check}"), today()).unwrap();
            prop_assert_eq!(id.birth_date(), Some(date));
            prop_assert_eq!(id.sex_code(), if seq % 2 == 1 { "1" } else { "2" });
            for wrong in CHECK.iter().filter(|c| **c != check) {
                prop_assert_eq!(
                    IdNumber::parse(&format!("{first17}{wrong}"), today()),
                    Err(IdNumberError::CheckCharacter(check))
                );
            }
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,24}") {
            let _ = IdNumber::parse(&s, today());
            let _ = PhoneNumber::parse(&s);
        }
    }
}
