//! 行政区划 — the division codes of 通川区 (GB/T 2260 + 统计用区划代码), shipped as reference data.
//!
//! Source: the 2022 statistical division codes (国家统计局, data cut-off 2022-10-31); the district has
//! 5 街道, 12 镇 and 1 乡 after the 2019–20 merger of townships. Codes retired by that merger (101, 106,
//! 201–207) are never reused. Only the community codes confirmed in a public source are listed here;
//! the demo district generates the rest.

/// Version of the division codes shipped (the statistical edition's year).
pub const DIVISION_VERSION: &str = "2022";

/// 通川区 — the model district.
pub const DISTRICT: (&str, &str) = ("511702", "通川区");

/// The 18 township-level units of 通川区 (5 街道, 12 镇, 1 乡).
pub const TOWNSHIPS: [(&str, &str); 18] = [
    ("511702001", "东城街道"),
    ("511702002", "西城街道"),
    ("511702003", "朝阳街道"),
    ("511702004", "凤西街道"),
    ("511702005", "凤北街道"),
    ("511702102", "罗江镇"),
    ("511702103", "蒲家镇"),
    ("511702104", "复兴镇"),
    ("511702105", "双龙镇"),
    ("511702107", "江陵镇"),
    ("511702108", "碑庙镇"),
    ("511702109", "磐石镇"),
    ("511702110", "东岳镇"),
    ("511702111", "梓桐镇"),
    ("511702112", "北山镇"),
    ("511702113", "金石镇"),
    ("511702114", "青宁镇"),
    ("511702208", "安云乡"),
];

/// Communities whose 12-digit codes are confirmed in a public source.
pub const CONFIRMED_COMMUNITIES: [(&str, &str); 5] = [
    ("511702001001", "二马路社区"),
    ("511702001002", "凉水井社区"),
    ("511702002001", "大北街社区"),
    ("511702002002", "小北街社区"),
    ("511702002008", "文凤社区"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{OrgCode, OrgLevel, township_kind};

    #[test]
    fn five_streets_twelve_towns_one_xiang() {
        let kinds: Vec<_> = TOWNSHIPS
            .iter()
            .map(|(c, _)| township_kind(OrgCode::parse(c).unwrap().segment()))
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "街道").count(), 5);
        assert_eq!(kinds.iter().filter(|k| **k == "镇").count(), 12);
        assert_eq!(kinds.iter().filter(|k| **k == "乡").count(), 1);
        for (code, name) in TOWNSHIPS {
            let c = OrgCode::parse(code).unwrap();
            assert_eq!(c.level(), OrgLevel::Township);
            assert_eq!(c.parent().unwrap().as_str(), DISTRICT.0);
            assert!(name.ends_with(township_kind(c.segment())), "{name}");
        }
    }

    #[test]
    fn confirmed_communities_sit_under_listed_townships() {
        for (code, _) in CONFIRMED_COMMUNITIES {
            let parent = OrgCode::parse(code).unwrap().parent().unwrap();
            assert!(TOWNSHIPS.iter().any(|(t, _)| *t == parent.as_str()));
        }
    }
}
