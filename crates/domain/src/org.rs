//! Org codes: the key of every place in Pingan.
//!
//! An org code is a division code with its trailing zero groups cut (区 `511702`, 街道 `511702001`,
//! 社区 `511702001001`), or a 15-digit grid code (社区 code + 3 digits). Because the code is a prefix
//! path, "everything under X" is a prefix match.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 组织层级 — the level of an org unit in the tree 区 → 乡镇/街道 → 村/社区 → 网格.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgLevel {
    /// 区县 — the district (6 digits).
    District,
    /// 乡镇/街道 — a township-level unit (9 digits).
    Township,
    /// 村/社区 — a village or community (12 digits).
    Village,
    /// 网格 — a grid, the smallest unit a grid worker keeps (15 digits).
    Grid,
}

impl OrgLevel {
    /// Number of digits of a code at this level.
    pub const fn code_len(self) -> usize {
        match self {
            Self::District => 6,
            Self::Township => 9,
            Self::Village => 12,
            Self::Grid => 15,
        }
    }

    /// The stable name used in the database and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Township => "township",
            Self::Village => "village",
            Self::Grid => "grid",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::District, Self::Township, Self::Village, Self::Grid]
            .into_iter()
            .find(|l| l.as_str() == s)
    }

    /// The level directly below, if any.
    pub const fn child(self) -> Option<Self> {
        match self {
            Self::District => Some(Self::Township),
            Self::Township => Some(Self::Village),
            Self::Village => Some(Self::Grid),
            Self::Grid => None,
        }
    }

    /// Chinese name of the level as an operator says it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::District => "区县",
            Self::Township => "乡镇（街道）",
            Self::Village => "村（社区）",
            Self::Grid => "网格",
        }
    }
}

/// What is wrong with a string offered as an org code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgCodeError {
    #[error("组织编码只能由数字组成")]
    NotDigits,
    #[error("组织编码应为 6、9、12 或 15 位数字，现为 {0} 位")]
    BadLength(usize),
    #[error("组织编码末段不能全为 0（应截去末尾的 0 段）")]
    ZeroSegment,
}

/// 组织编码 — the prefix-path code of an org unit (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    /// Validates and wraps a code. A full 12-digit statistical division code with trailing zero
    /// groups (`511702001000`) is accepted and cut to its org code (`511702001`).
    pub fn parse(s: &str) -> Result<Self, OrgCodeError> {
        let s = s.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
            return Err(OrgCodeError::NotDigits);
        }
        let mut code = s;
        while code.len() > 6 && code.len() <= 12 && code.ends_with("000") {
            code = code.get(..code.len() - 3).unwrap_or(code);
        }
        match code.len() {
            6 | 9 | 12 | 15 => {}
            n => return Err(OrgCodeError::BadLength(n)),
        }
        if code.len() > 6 && code.ends_with("000") {
            return Err(OrgCodeError::ZeroSegment);
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> OrgLevel {
        match self.0.len() {
            6 => OrgLevel::District,
            9 => OrgLevel::Township,
            12 => OrgLevel::Village,
            _ => OrgLevel::Grid,
        }
    }

    /// The code of the unit this one belongs to (none for a district).
    pub fn parent(&self) -> Option<Self> {
        let len = self.0.len();
        (len > 6).then(|| Self(self.0.get(..len - 3).unwrap_or_default().to_owned()))
    }

    /// The code of this unit's ancestor at `level`, or itself; none when `level` is below this one.
    pub fn ancestor_at(&self, level: OrgLevel) -> Option<Self> {
        self.0.get(..level.code_len()).map(|s| Self(s.to_owned()))
    }

    /// Whether this unit is `other` or lies under it.
    pub fn is_within(&self, other: &OrgCode) -> bool {
        self.0.starts_with(&other.0)
    }

    /// The child code with the given 3-digit sequence number (1‥=999).
    pub fn child(&self, seq: u16) -> Option<Self> {
        (self.level() != OrgLevel::Grid && (1..=999).contains(&seq))
            .then(|| Self(format!("{}{seq:03}", self.0)))
    }

    /// The last 3-digit segment as a number (0 for a district).
    pub fn segment(&self) -> u16 {
        if self.0.len() <= 6 {
            return 0;
        }
        self.0
            .get(self.0.len() - 3..)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The 12-digit statistical division code of a district, township or village (grids have none).
    pub fn division_code(&self) -> Option<String> {
        (self.0.len() <= 12).then(|| format!("{:0<12}", self.0))
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgCode {
    type Error = OrgCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OrgCode> for String {
    fn from(c: OrgCode) -> Self {
        c.0
    }
}

/// 乡级单位类别 — what kind of township-level unit a 3-digit segment denotes (统计用区划代码).
pub fn township_kind(segment: u16) -> &'static str {
    match segment {
        1..=99 => "街道",
        100..=199 => "镇",
        200..=399 => "乡",
        _ => "其他乡级单位",
    }
}

/// 村级单位类别 — 001–199 are 居委会 (社区), 200–399 村委会 (村).
pub fn village_kind(segment: u16) -> &'static str {
    match segment {
        1..=199 => "社区",
        _ => "村",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_and_parents() {
        let grid = OrgCode::parse("511702001001003").unwrap();
        assert_eq!(grid.level(), OrgLevel::Grid);
        let village = grid.parent().unwrap();
        assert_eq!(village.as_str(), "511702001001");
        assert_eq!(village.parent().unwrap().as_str(), "511702001");
        assert_eq!(
            OrgCode::parse("511702").unwrap().level(),
            OrgLevel::District
        );
        assert!(OrgCode::parse("511702").unwrap().parent().is_none());
        assert_eq!(
            grid.ancestor_at(OrgLevel::Township).unwrap().as_str(),
            "511702001"
        );
        assert_eq!(grid.segment(), 3);
    }

    #[test]
    fn division_codes_are_cut() {
        assert_eq!(
            OrgCode::parse("511702001000").unwrap().as_str(),
            "511702001"
        );
        assert_eq!(OrgCode::parse("511702000000").unwrap().as_str(), "511702");
        assert_eq!(
            OrgCode::parse("511702104002")
                .unwrap()
                .division_code()
                .unwrap(),
            "511702104002"
        );
        assert_eq!(
            OrgCode::parse("511702").unwrap().division_code().unwrap(),
            "511702000000"
        );
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(OrgCode::parse("5117x2"), Err(OrgCodeError::NotDigits));
        assert_eq!(OrgCode::parse(""), Err(OrgCodeError::NotDigits));
        assert_eq!(OrgCode::parse("5117021"), Err(OrgCodeError::BadLength(7)));
        assert_eq!(
            OrgCode::parse("511702001001000"),
            Err(OrgCodeError::ZeroSegment)
        );
        assert!(
            OrgCodeError::BadLength(7)
                .to_string()
                .contains("6、9、12 或 15")
        );
    }

    #[test]
    fn kinds_follow_the_statistical_ranges() {
        assert_eq!(township_kind(1), "街道");
        assert_eq!(township_kind(104), "镇");
        assert_eq!(township_kind(208), "乡");
        assert_eq!(village_kind(2), "社区");
        assert_eq!(village_kind(201), "村");
    }

    proptest! {
        #[test]
        fn child_parent_round_trip(segs in proptest::collection::vec(1u16..=999, 0..=3)) {
            let mut code = OrgCode::parse("511702").unwrap();
            for s in &segs {
                let child = code.child(*s).unwrap();
                prop_assert_eq!(child.parent(), Some(code.clone()));
                prop_assert!(child.is_within(&code));
                prop_assert!(!code.is_within(&child));
                prop_assert_eq!(child.segment(), *s);
                prop_assert_eq!(OrgCode::parse(child.as_str()), Ok(child.clone()));
                code = child;
            }
            prop_assert_eq!(code.as_str().len(), 6 + 3 * segs.len());
        }
    }
}
