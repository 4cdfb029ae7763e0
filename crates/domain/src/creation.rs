//! 平安创建 — the yearly creation of 平安乡镇, 平安村(社区), 平安校园, 平安医院, 平安家庭 and
//! 平安示范点: a unit declares (申报), assesses itself (自评), the township assesses it (乡镇考核),
//! the district reviews it (区复核) and names it (命名); a named unit is managed dynamically and may
//! lose its title (摘牌). Each assessment scores the district's checklist for the kind (a points
//! table with a pass mark and 一票否决 items), and for a unit that is an area (a township, a village
//! or community, a demonstration site) the "六无" of that area for the year, computed from the hub's
//! own records ([`SixNone`]), each item a veto of its own.

use crate::OrgLevel;
use crate::labelled::labelled;
use serde::{Deserialize, Serialize};

labelled! {
    /// 创建类别 — what is being created.
    CreationKind {
        Township = "township", "平安乡镇（街道）";
        Village = "village", "平安村（社区）";
        Campus = "campus", "平安校园";
        Hospital = "hospital", "平安医院";
        Family = "family", "平安家庭";
        /// 平安示范点 — a site (a community, a street, a market) held up as the model.
        Demonstration = "demonstration", "平安示范点";
    }
}

impl CreationKind {
    /// Whether the unit is an area whose "六无" is assessed (a township, village or community, or a
    /// demonstration site, which stands for the area it lies in).
    pub const fn has_six_none(self) -> bool {
        matches!(self, Self::Township | Self::Village | Self::Demonstration)
    }

    /// The level of the org unit a unit of this kind stands for: a township for 平安乡镇, a village
    /// or community for 平安村(社区); the others lie in a grid or above it.
    pub const fn org_level(self) -> Option<OrgLevel> {
        match self {
            Self::Township => Some(OrgLevel::Township),
            Self::Village => Some(OrgLevel::Village),
            _ => None,
        }
    }

    /// Whether the township assesses it before the district reviews it (a 平安乡镇 goes straight
    /// from its self-assessment to the district).
    pub const fn township_assesses(self) -> bool {
        !matches!(self, Self::Township)
    }
}

labelled! {
    /// 创建状态 — where a unit stands.
    CreationStatus {
        Declared = "declared", "已申报";
        SelfAssessed = "self_assessed", "已自评";
        TownshipPassed = "township_passed", "乡镇考核通过";
        Named = "named", "已命名";
        Failed = "failed", "未通过";
        /// 摘牌 — a named unit that lost its title (动态管理).
        Revoked = "revoked", "已摘牌";
    }
}

labelled! {
    /// 创建环节 — a step an assessor takes on a unit.
    CreationStep {
        SelfAssess = "self_assess", "自评";
        TownshipAssess = "township_assess", "乡镇考核";
        DistrictReview = "district_review", "区复核";
        /// 摘牌, with the ground (e.g. a 命案 broke its "六无").
        Revoke = "revoke", "摘牌";
    }
}

impl CreationStep {
    /// Whether the step scores the checklist (摘牌 only states its ground).
    pub const fn scores(self) -> bool {
        !matches!(self, Self::Revoke)
    }

    /// The level an assessor must stand at (or above): the unit's own hub assesses itself, a
    /// township or the district assesses, the district reviews and revokes.
    pub const fn assessor_level(self) -> OrgLevel {
        match self {
            Self::SelfAssess => OrgLevel::Grid,
            Self::TownshipAssess => OrgLevel::Township,
            Self::DistrictReview | Self::Revoke => OrgLevel::District,
        }
    }

    /// The status the step leads to from `status` for a unit of `kind`, passed or not; or why it
    /// may not be taken now.
    pub fn next(
        self,
        kind: CreationKind,
        status: CreationStatus,
        passed: bool,
    ) -> Result<CreationStatus, String> {
        use CreationStatus::*;
        let before_review = if kind.township_assesses() {
            TownshipPassed
        } else {
            SelfAssessed
        };
        let (from, to) = match self {
            Self::SelfAssess => (Declared, SelfAssessed),
            Self::TownshipAssess if !kind.township_assesses() => {
                return Err(format!("{}由区直接复核，没有乡镇考核环节", kind.label()));
            }
            Self::TownshipAssess => (SelfAssessed, if passed { TownshipPassed } else { Failed }),
            Self::DistrictReview => (before_review, if passed { Named } else { Failed }),
            Self::Revoke => (Named, Revoked),
        };
        if status == from {
            Ok(to)
        } else {
            Err(format!(
                "当前为“{}”，不能{}：{}应在“{}”之后",
                status.label(),
                self.label(),
                self.label(),
                from.label()
            ))
        }
    }
}

/// 考核细则 — one line of a kind's points table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// e.g. 矛盾纠纷排查化解：调解成功率达到 95% 以上.
    pub label: String,
    /// 分值.
    pub points: u32,
    /// 一票否决: the unit fails unless this line gets its full points.
    #[serde(default)]
    pub veto: bool,
}

/// 考核标准 — a kind's checklist: the lines and the pass mark, as the district keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    /// 合格分: a unit passes at this total or above (and with no veto missed).
    pub pass_mark: u32,
    pub items: Vec<Criterion>,
}

/// The most lines a checklist may have, and the most points in all.
pub const MAX_CRITERIA: usize = 40;
pub const MAX_POINTS: u32 = 1000;

impl Checklist {
    /// Checks a checklist as the district entered it: 1–40 lines of 2–100 characters, each worth
    /// 1–100 points, at most 1,000 in all, and a pass mark no higher than the total.
    pub fn check(self) -> Result<Self, String> {
        if self.items.is_empty() || self.items.len() > MAX_CRITERIA {
            return Err(format!("考核细则应有 1 到 {MAX_CRITERIA} 条"));
        }
        let mut items = Vec::with_capacity(self.items.len());
        for (i, c) in self.items.into_iter().enumerate() {
            let label = c.label.trim().to_owned();
            if !(2..=100).contains(&label.chars().count()) {
                return Err(format!("第 {} 条细则的内容应为 2 到 100 个字", i + 1));
            }
            if !(1..=100).contains(&c.points) {
                return Err(format!("第 {} 条细则的分值应为 1 到 100 分", i + 1));
            }
            if items.iter().any(|x: &Criterion| x.label == label) {
                return Err(format!("细则“{label}”重复"));
            }
            items.push(Criterion { label, ..c });
        }
        let total: u32 = items.iter().map(|c| c.points).sum();
        if total > MAX_POINTS {
            return Err(format!("各条分值合计 {total} 分，超过 {MAX_POINTS} 分"));
        }
        if self.pass_mark == 0 || self.pass_mark > total {
            return Err(format!("合格分应在 1 到 {total}（总分）之间"));
        }
        Ok(Self {
            pass_mark: self.pass_mark,
            items,
        })
    }

    /// 总分.
    pub fn total(&self) -> u32 {
        self.items.iter().map(|c| c.points).sum()
    }

    /// Scores one assessment: the points given per line, in the checklist's order.
    pub fn score(&self, given: &[u32]) -> Result<Scored, String> {
        if given.len() != self.items.len() {
            return Err(format!(
                "请逐条打分：考核细则共 {} 条，收到 {} 个分数",
                self.items.len(),
                given.len()
            ));
        }
        let mut vetoed = Vec::new();
        for (c, &g) in self.items.iter().zip(given) {
            if g > c.points {
                return Err(format!("“{}”最多 {} 分，打了 {g} 分", c.label, c.points));
            }
            if c.veto && g < c.points {
                vetoed.push(c.label.clone());
            }
        }
        let total = given.iter().sum();
        Ok(Scored {
            total,
            passed: total >= self.pass_mark && vetoed.is_empty(),
            vetoed,
        })
    }

    /// The checklist a kind starts with, before the district edits it.
    pub fn shipped(kind: CreationKind) -> Self {
        let lines: &[(&str, u32, bool)] = match kind {
            CreationKind::Township | CreationKind::Village | CreationKind::Demonstration => &[
                (
                    "综治中心（综治服务站）规范运行，值班、台账、流程齐全",
                    15,
                    false,
                ),
                (
                    "网格化服务管理：网格员配齐，走访、采集、上报及时",
                    15,
                    false,
                ),
                (
                    "矛盾纠纷排查化解：每月排查，调解成功率达到 95% 以上",
                    15,
                    false,
                ),
                (
                    "治安防控：群防群治队伍常态巡防，重点部位技防覆盖",
                    15,
                    false,
                ),
                ("特殊人群和重点青少年服务管理到位，无脱管失控", 10, false),
                ("法治宣传和平安宣传进村入户，群众知晓率高", 10, false),
                ("公共安全：消防、交通、安全生产隐患及时整治", 10, false),
                ("群众安全感和满意度达到 90% 以上", 10, false),
            ],
            CreationKind::Campus => &[
                ("安全管理制度和应急预案健全，定期演练", 20, false),
                ("“护学岗”落实，上学放学时段有人值守", 20, false),
                ("校园技防：一键报警、视频监控接入并在线", 15, false),
                ("校园周边环境整治，无违规经营和安全隐患", 15, false),
                ("学生法治和安全教育每学期开展", 10, false),
                ("食堂食品安全管理规范", 10, false),
                ("未发生校园欺凌和涉校重大案事件", 10, true),
            ],
            CreationKind::Hospital => &[
                ("安保力量配备达标，重点科室有人值守", 20, false),
                ("警医联动机制和一键报警落实", 20, false),
                ("医疗纠纷调解组织健全，纠纷依法处理", 20, false),
                ("消防和危险化学品管理规范", 15, false),
                ("院内及周边治安秩序良好", 15, false),
                ("未发生暴力伤医等重大案事件", 10, true),
            ],
            CreationKind::Family => &[
                ("家庭成员遵纪守法，无违法犯罪", 30, true),
                ("家庭和睦，邻里团结，无矛盾纠纷激化", 25, false),
                ("参与平安志愿和群防群治活动", 20, false),
                ("家中用火用电用气安全，无安全隐患", 25, false),
            ],
        };
        Self {
            pass_mark: match kind {
                CreationKind::Family => 80,
                _ => 85,
            },
            items: lines
                .iter()
                .map(|&(label, points, veto)| Criterion {
                    label: label.into(),
                    points,
                    veto,
                })
                .collect(),
        }
    }
}

/// The outcome of scoring a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scored {
    pub total: u32,
    /// The veto lines that were not met (一票否决).
    pub vetoed: Vec<String>,
    pub passed: bool,
}

labelled! {
    /// "六无" — the six things a 平安村(社区) has none of in the year.
    SixNone {
        /// 无黑恶: no 涉黑涉恶 clue found true (查实) there.
        NoGangs = "no_gangs", "无黑恶";
        /// 无毒害: no new drug user enrolled in the registry, no drug case.
        NoDrugs = "no_drugs", "无毒害";
        NoCults = "no_cults", "无邪教";
        NoHomicide = "no_homicide", "无命案";
        NoMajorAccident = "no_major_accident", "无重大安全事故";
        /// 无群体性事件: no collective incident and no collective petition (集体访).
        NoMassIncident = "no_mass_incident", "无群体性事件";
    }
}

/// The event categories (事件类别) whose events break a "六无" item.
pub const DRUG_CATEGORY: &str = "ZZ0203";
pub const CULT_CATEGORY: &str = "ZZ0204";
pub const MASS_INCIDENT_CATEGORY: &str = "ZZ0701";
pub const MAJOR_ACCIDENT_CATEGORY: &str = "ZZ0702";
pub const HOMICIDE_CATEGORY: &str = "ZZ0703";

/// The event states that are no event: not yet taken in, refused, merged into another.
pub const EVENT_STATES_NOT_COUNTED: [&str; 3] = ["reported", "rejected", "merged"];

impl SixNone {
    /// What is looked at, in the words the assessment page shows.
    pub const fn evidence(self) -> &'static str {
        match self {
            Self::NoGangs => "涉黑涉恶线索中核查属实（查实）的",
            Self::NoDrugs => "特殊人群新列管的吸毒人员；“涉毒违法犯罪”类事件",
            Self::NoCults => "“邪教活动”类事件",
            Self::NoHomicide => "“命案”类事件",
            Self::NoMajorAccident => "“重大安全事故”类事件",
            Self::NoMassIncident => "“群体性事件”类事件；集体访信访事项",
        }
    }

    /// The event category that breaks the item, if events do.
    pub const fn event_category(self) -> Option<&'static str> {
        match self {
            Self::NoGangs => None,
            Self::NoDrugs => Some(DRUG_CATEGORY),
            Self::NoCults => Some(CULT_CATEGORY),
            Self::NoHomicide => Some(HOMICIDE_CATEGORY),
            Self::NoMajorAccident => Some(MAJOR_ACCIDENT_CATEGORY),
            Self::NoMassIncident => Some(MASS_INCIDENT_CATEGORY),
        }
    }

    /// The item an event of `category` breaks, if any.
    pub fn broken_by_category(category: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|i| i.event_category() == Some(category))
    }
}

/// Where a record that breaks a "六无" item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachSource {
    Event,
    Clue,
    Petition,
    /// A 吸毒人员 enrolment in the special groups.
    DrugUser,
}

impl BreachSource {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Clue => "clue",
            Self::Petition => "petition",
            Self::DrugUser => "drug_user",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Event => "事件",
            Self::Clue => "涉黑涉恶线索",
            Self::Petition => "信访事项",
            Self::DrugUser => "吸毒人员列管",
        }
    }

    /// The item a record of this source breaks: events say by their category.
    pub fn item(self, category: &str) -> Option<SixNone> {
        match self {
            Self::Event => SixNone::broken_by_category(category),
            Self::Clue => Some(SixNone::NoGangs),
            Self::Petition => Some(SixNone::NoMassIncident),
            Self::DrugUser => Some(SixNone::NoDrugs),
        }
    }
}

/// Each item's records: `records[i]` are those of `SixNone::ALL[i]`; an item with none holds.
pub fn sort_breaches<T>(found: impl IntoIterator<Item = (SixNone, T)>) -> Vec<(SixNone, Vec<T>)> {
    let mut out: Vec<(SixNone, Vec<T>)> = SixNone::ALL.iter().map(|&i| (i, Vec::new())).collect();
    for (item, record) in found {
        if let Some((_, v)) = out.iter_mut().find(|(i, _)| *i == item) {
            v.push(record);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use CreationStatus::*;
    use CreationStep::*;

    #[test]
    fn a_village_goes_through_the_township_and_a_township_straight_to_the_district() {
        let v = CreationKind::Village;
        assert_eq!(SelfAssess.next(v, Declared, true), Ok(SelfAssessed));
        assert_eq!(SelfAssess.next(v, Declared, false), Ok(SelfAssessed));
        assert_eq!(
            TownshipAssess.next(v, SelfAssessed, true),
            Ok(TownshipPassed)
        );
        assert_eq!(TownshipAssess.next(v, SelfAssessed, false), Ok(Failed));
        assert_eq!(DistrictReview.next(v, TownshipPassed, true), Ok(Named));
        assert_eq!(DistrictReview.next(v, TownshipPassed, false), Ok(Failed));
        assert_eq!(Revoke.next(v, Named, true), Ok(Revoked));
        let early = DistrictReview.next(v, SelfAssessed, true).unwrap_err();
        assert!(early.contains("乡镇考核通过"), "{early}");
        assert!(Revoke.next(v, Failed, true).is_err());
        assert!(SelfAssess.next(v, Named, true).is_err());

        let t = CreationKind::Township;
        assert_eq!(DistrictReview.next(t, SelfAssessed, true), Ok(Named));
        assert!(TownshipAssess.next(t, SelfAssessed, true).is_err());
    }

    #[test]
    fn a_checklist_scores_with_its_pass_mark_and_its_vetoes() {
        let c = Checklist::shipped(CreationKind::Campus).check().unwrap();
        assert_eq!(c.total(), 100);
        let full: Vec<u32> = c.items.iter().map(|i| i.points).collect();
        let s = c.score(&full).unwrap();
        assert!(s.passed && s.vetoed.is_empty());
        let mut vetoed = full.clone();
        *vetoed.last_mut().unwrap() = 0;
        let s = c.score(&vetoed).unwrap();
        assert!(!s.passed);
        assert_eq!(s.total, 90);
        assert_eq!(s.vetoed, ["未发生校园欺凌和涉校重大案事件"]);
        let mut low = full.clone();
        low[0] = 0;
        low[1] = 0;
        assert!(!c.score(&low).unwrap().passed, "60 < 85");
        assert!(c.score(&full[1..]).unwrap_err().contains("共 7 条"));
        let mut over = full;
        over[0] = 21;
        assert!(c.score(&over).unwrap_err().contains("最多 20 分"));
    }

    #[test]
    fn a_checklist_is_refused_with_what_is_wrong() {
        let ok = Checklist::shipped(CreationKind::Village);
        for kind in CreationKind::ALL {
            assert!(Checklist::shipped(*kind).check().is_ok(), "{kind:?}");
        }
        let mut empty = ok.clone();
        empty.items.clear();
        assert!(empty.check().unwrap_err().contains("1 到 40"));
        let mut high = ok.clone();
        high.pass_mark = 101;
        assert!(high.check().unwrap_err().contains("1 到 100（总分）"));
        let mut twice = ok.clone();
        twice.items.push(twice.items[0].clone());
        assert!(twice.check().unwrap_err().contains("重复"));
        let mut zero = ok;
        zero.items[2].points = 0;
        assert!(zero.check().unwrap_err().contains("第 3 条"));
    }

    #[test]
    fn each_source_breaks_its_own_item() {
        assert_eq!(
            BreachSource::Event.item(HOMICIDE_CATEGORY),
            Some(SixNone::NoHomicide)
        );
        assert_eq!(BreachSource::Event.item("ZZ0102"), None);
        assert_eq!(BreachSource::Clue.item(""), Some(SixNone::NoGangs));
        let sorted = sort_breaches([
            (SixNone::NoDrugs, 1),
            (SixNone::NoHomicide, 2),
            (SixNone::NoDrugs, 3),
        ]);
        assert_eq!(sorted.len(), 6);
        assert_eq!(sorted[1], (SixNone::NoDrugs, vec![1, 3]));
        assert!(sorted[0].1.is_empty());
    }
}
