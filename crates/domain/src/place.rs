//! 场所与组织 — the places and organisations a grid keeps (GB/T 31000-2015 §1.6, §1.8, §1.10):
//! schools, hospitals, markets, public venues, 寄递物流 outlets, 非公有制经济组织, 社会组织 and
//! 出租房屋, each with its address, grid, principal and how closely it is watched; organisations by
//! their 统一社会信用代码 (GB 32100, check character verified).

use crate::identity::PhoneNumber;
use crate::labelled::labelled;

labelled! {
    /// 场所类别.
    PlaceCategory {
        /// 学校 (§1.10).
        School = "school", "学校";
        /// 医院、卫生院.
        Hospital = "hospital", "医疗机构";
        /// 集贸市场、商场.
        Market = "market", "集贸市场";
        /// 娱乐、体育、文化等公共场所.
        Venue = "venue", "公共场所";
        /// 寄递物流网点 (§1.8).
        Logistics = "logistics", "寄递物流网点";
        /// 非公有制经济组织 (§1.6).
        Enterprise = "enterprise", "非公有制经济组织";
        /// 社会组织 (§1.6).
        SocialOrg = "social_org", "社会组织";
        /// 出租房屋 (§1.3).
        RentalHouse = "rental_house", "出租房屋";
        /// 房屋 — any other house of the grid (自住、空置 …) with who lives there.
        House = "house", "房屋";
    }
}

impl PlaceCategory {
    /// What the persons registered as living in it are called: 承租人 in a rental house, 居住人
    /// in any other house; other places have none.
    pub const fn residents_label(self) -> Option<&'static str> {
        match self {
            PlaceCategory::RentalHouse => Some("承租人"),
            PlaceCategory::House => Some("居住人"),
            _ => None,
        }
    }
}

labelled! {
    /// 关注程度.
    Attention {
        Normal = "normal", "一般";
        Watch = "watch", "关注";
        Key = "key", "重点关注";
    }
}

/// The characters of a 统一社会信用代码 (GB 32100-2015): digits and 21 capital letters (no I, O,
/// S, V, Z), each worth its position.
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of the first 17 characters of a 统一社会信用代码, if they are valid.
pub fn uscc_check(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += u32::try_from(USCC_CHARS.find(c)?).ok()? * w;
    }
    let check = (31 - sum % 31) % 31;
    USCC_CHARS.chars().nth(check as usize)
}

/// Whether a whole 18-character code is well formed with the right check character.
pub fn uscc_valid(code: &str) -> bool {
    let first17: String = code.chars().take(17).collect();
    code.chars().count() == 18 && uscc_check(&first17) == code.chars().last()
}

/// The column names of a place, as forms, templates and messages say them.
pub mod field {
    pub const NAME: &str = "名称";
    pub const CATEGORY: &str = "类别";
    pub const ADDRESS: &str = "地址";
    pub const CREDIT_CODE: &str = "统一社会信用代码";
    pub const PRINCIPAL: &str = "负责人";
    pub const PHONE: &str = "负责人电话";
    pub const HEADCOUNT: &str = "人数";
    pub const ATTENTION: &str = "关注程度";
    pub const HAZARD: &str = "隐患情况";
}

/// A place as typed: every field text, empty when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceInput {
    pub name: String,
    pub category: String,
    pub address: String,
    pub credit_code: String,
    pub principal: String,
    pub phone: String,
    /// 在校学生数, 从业人员数, 床位数 or 承租人数, as a whole number.
    pub headcount: String,
    pub attention: String,
    pub hazard: String,
}

/// A place whose fields passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPlace {
    pub name: String,
    pub category: PlaceCategory,
    pub address: String,
    pub credit_code: Option<String>,
    pub principal: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub headcount: Option<u32>,
    pub attention: Attention,
    pub hazard: Option<String>,
}

impl PlaceInput {
    /// Checks every field; the refusals name the field and say what is wrong. Organisations
    /// (非公有制经济组织, 社会组织) need their 统一社会信用代码.
    pub fn validate(&self) -> Result<ValidPlace, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if !(2..=100).contains(&name.chars().count()) {
            errors.push((field::NAME, "名称应为 2 到 100 个字".to_owned()));
        }
        let category = PlaceCategory::parse(&self.category);
        if category.is_none() {
            errors.push((
                field::CATEGORY,
                format!("类别应为 {} 之一", PlaceCategory::labels()),
            ));
        }
        let address = self.address.trim();
        if address.is_empty() || address.chars().count() > 120 {
            errors.push((field::ADDRESS, "地址必填，不超过 120 个字".to_owned()));
        }
        let code = self.credit_code.trim().to_uppercase();
        let credit_code = match code.as_str() {
            "" => {
                if matches!(
                    category,
                    Some(PlaceCategory::Enterprise | PlaceCategory::SocialOrg)
                ) {
                    errors.push((
                        field::CREDIT_CODE,
                        "组织须填写 18 位统一社会信用代码".to_owned(),
                    ));
                }
                None
            }
            c if uscc_valid(c) => Some(code.clone()),
            _ => {
                errors.push((
                    field::CREDIT_CODE,
                    "统一社会信用代码应为 18 位（GB 32100），末位校验码不符或含有 I、O、S、V、Z"
                        .to_owned(),
                ));
                None
            }
        };
        let principal = self.principal.trim();
        if principal.chars().count() > 50 || principal.chars().any(|c| c.is_ascii_digit()) {
            errors.push((
                field::PRINCIPAL,
                "负责人姓名不超过 50 个字，不含数字".to_owned(),
            ));
        }
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
        let headcount = match self.headcount.trim() {
            "" => None,
            h => match h.parse::<u32>() {
                Ok(n) if n <= 1_000_000 => Some(n),
                _ => {
                    errors.push((field::HEADCOUNT, "人数应为 0 到 1000000 的整数".to_owned()));
                    None
                }
            },
        };
        let attention = Attention::parse_or(&self.attention, Attention::Normal, "关注程度")
            .map_err(|e| errors.push((field::ATTENTION, e)))
            .ok();
        let hazard = self.hazard.trim();
        if hazard.chars().count() > 500 {
            errors.push((field::HAZARD, "隐患情况最多 500 个字".to_owned()));
        }
        match (category, attention) {
            (Some(category), Some(attention)) if errors.is_empty() => Ok(ValidPlace {
                name: name.to_owned(),
                category,
                address: address.to_owned(),
                credit_code,
                principal: (!principal.is_empty()).then(|| principal.to_owned()),
                phone,
                headcount,
                attention,
                hazard: (!hazard.is_empty()).then(|| hazard.to_owned()),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A published code (国家市场监督管理总局's example in GB 32100 materials).
    const KNOWN: &str = "91350100M000100Y43";

    #[test]
    fn a_known_code_checks_and_a_changed_one_does_not() {
        assert!(uscc_valid(KNOWN));
        assert!(!uscc_valid("91350100M000100Y44"));
        assert!(!uscc_valid("91350100M000100Y4"));
        assert!(
            !uscc_valid("91350100I000100Y43"),
            "I is not a code character"
        );
    }

    #[test]
    fn organisations_need_their_code_and_every_bad_field_is_named() {
        let shop = PlaceInput {
            name: "通川区某物流有限公司".into(),
            category: "非公有制经济组织".into(),
            address: "通川区西外大街 8 号".into(),
            ..Default::default()
        };
        assert_eq!(shop.validate().unwrap_err()[0].0, field::CREDIT_CODE);
        let ok = PlaceInput {
            credit_code: KNOWN.to_lowercase(),
            ..shop.clone()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.credit_code.as_deref(), Some(KNOWN));
        assert_eq!(ok.attention, Attention::Normal);
        let bad = PlaceInput {
            name: "学".into(),
            category: "网吧".into(),
            address: String::new(),
            credit_code: "123".into(),
            principal: "张3".into(),
            phone: "123".into(),
            headcount: "-1".into(),
            attention: "很重要".into(),
            hazard: "隐".repeat(501),
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                field::NAME,
                field::CATEGORY,
                field::ADDRESS,
                field::CREDIT_CODE,
                field::PRINCIPAL,
                field::PHONE,
                field::HEADCOUNT,
                field::ATTENTION,
                field::HAZARD
            ]
        );
    }

    proptest! {
        #[test]
        fn every_code_with_its_check_character_is_valid_and_one_changed_character_is_not(
            body in proptest::collection::vec(0usize..31, 17), pos in 0usize..17, delta in 1usize..31
        ) {
            let chars: Vec<char> = USCC_CHARS.chars().collect();
            let first17: String = body.iter().map(|&i| chars[i]).collect();
            let check = uscc_check(&first17).unwrap();
            let code = format!("{first17}{check}");
            prop_assert!(uscc_valid(&code));
            let mut changed = body.clone();
            changed[pos] = (changed[pos] + delta) % 31;
            let other: String = changed.iter().map(|&i| chars[i]).collect();
            let changed_code = format!("{other}{check}");
            prop_assert!(!uscc_valid(&changed_code));
        }
    }
}
