//! 社会稳定风险评估 (稳评) — the risk-assessment kind: a matter (征地拆迁, 重大项目, 企业改制, a
//! policy …) carried by its 评估主体 through the eight steps of the 2012 指导意见 — 确定评估事项,
//! 制定评估方案, 充分听取意见, 全面分析论证 (专家评审), 确定风险等级, 形成评估报告, 集体研究决策
//! (实施 / 暂缓实施 / 不实施), 跟踪落实 — or, for a simple matter, the 简易评估 track that goes from
//! the plan straight to the level. Each step needs its record before the next begins; a matter of
//! 高 or 中 risk cannot be decided 实施 without a 化解风险工作预案.

use super::{
    ActionSpec, KindSpec, Need, Party, SUPERVISE, StateSpec, StepLimit, Target, TimeLimit, URGE,
    action, state,
};
use crate::calendar::TimeUnit;
use crate::labelled::labelled;

const fn work_days(n: u32) -> StepLimit {
    StepLimit::Fixed(TimeLimit::new(n, TimeUnit::WorkDays))
}

/// The states of an assessment: the eight steps, then the outcomes.
pub const STATES: &[StateSpec] = &[
    state("defining", "确定评估事项", true, work_days(5)),
    state("planning", "制定评估方案", true, work_days(5)),
    state("consulting", "充分听取意见", true, work_days(15)),
    state("analysing", "全面分析论证", true, work_days(10)),
    state("leveling", "确定风险等级", true, work_days(3)),
    state("reporting", "形成评估报告", true, work_days(5)),
    state("deciding", "集体研究决策", true, work_days(10)),
    state("tracking", "跟踪落实", true, StepLimit::None),
    state("postponed", "暂缓实施", true, StepLimit::None),
    state("rejected", "不实施", false, StepLimit::None),
    state("closed", "已完成", false, StepLimit::None),
];

/// The 评估主体 (the department on the case) or the hub (政法委 / 维稳办) that oversees it.
const SUBJECT_OR_HUB: &[Party] = &[Party::Hub, Party::Department];
const HUB: &[Party] = &[Party::Hub];
const REASON: &[Need] = &[Need::Reason];
/// The steps in which records are added.
const WORKING: &[&str] = &[
    "defining",
    "planning",
    "consulting",
    "analysing",
    "leveling",
    "reporting",
    "deciding",
    "tracking",
    "postponed",
];

/// The actions on an assessment. `advance` over the API is the step action of the current state.
pub const ACTIONS: &[ActionSpec] = &[
    action(
        "to_planning",
        "完成：确定评估事项",
        &["defining"],
        Target::State("planning"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "to_consulting",
        "完成：制定评估方案",
        &["planning"],
        Target::State("consulting"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "to_leveling_simple",
        "完成：制定评估方案（简易评估）",
        &["planning"],
        Target::State("leveling"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "to_analysing",
        "完成：充分听取意见",
        &["consulting"],
        Target::State("analysing"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "to_leveling",
        "完成：全面分析论证",
        &["analysing"],
        Target::State("leveling"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "to_reporting",
        "完成：确定风险等级",
        &["leveling"],
        Target::State("reporting"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "to_deciding",
        "完成：形成评估报告",
        &["reporting"],
        Target::State("deciding"),
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "decide_implement",
        "决策：实施",
        &["deciding"],
        Target::State("tracking"),
        HUB,
        REASON,
    ),
    action(
        "decide_postpone",
        "决策：暂缓实施",
        &["deciding"],
        Target::State("postponed"),
        HUB,
        REASON,
    ),
    action(
        "decide_reject",
        "决策：不实施",
        &["deciding"],
        Target::State("rejected"),
        HUB,
        REASON,
    ),
    action(
        "reassess",
        "重新评估",
        &["tracking", "postponed"],
        Target::State("consulting"),
        SUBJECT_OR_HUB,
        REASON,
    ),
    action(
        "close",
        "跟踪完成",
        &["tracking"],
        Target::State("closed"),
        HUB,
        &[],
    ),
    action(
        "add_document",
        "上传评估材料",
        WORKING,
        Target::Stay,
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "add_opinion",
        "记录意见征集",
        &["consulting"],
        Target::Stay,
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "expert_score",
        "录入专家评分",
        &["analysing"],
        Target::Stay,
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "set_level",
        "确定风险等级",
        &["leveling"],
        Target::Stay,
        SUBJECT_OR_HUB,
        REASON,
    ),
    action(
        "add_measure",
        "落实化解措施",
        &["deciding", "tracking", "postponed"],
        Target::Stay,
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "complete_measure",
        "措施已落实",
        &["tracking", "postponed"],
        Target::Stay,
        SUBJECT_OR_HUB,
        &[],
    ),
    action(
        "report_incident",
        "信息直报",
        &["tracking", "postponed"],
        Target::Stay,
        SUBJECT_OR_HUB,
        REASON,
    ),
    action(
        "file_record",
        "政法委初审备案",
        &["reporting", "deciding", "tracking", "postponed", "rejected"],
        Target::Stay,
        &[Party::Hub, Party::Superior],
        &[],
    ),
    SUPERVISE,
    URGE,
];

/// The risk-assessment kind.
pub static RISK: KindSpec = KindSpec {
    key: "risk",
    label: "社会稳定风险评估",
    number_prefix: "WP",
    states: STATES,
    actions: ACTIONS,
    yellow_percent: 80,
    confidential: false,
};

/// The step action that completes the current state (`advance` over the API), on the simple track
/// skipping 听取意见 and 分析论证.
pub fn advance_action(state: &str, simple: bool) -> Option<&'static str> {
    Some(match state {
        "defining" => "to_planning",
        "planning" if simple => "to_leveling_simple",
        "planning" => "to_consulting",
        "consulting" => "to_analysing",
        "analysing" => "to_leveling",
        "leveling" => "to_reporting",
        "reporting" => "to_deciding",
        _ => return None,
    })
}

labelled! {
    /// 评估事项类型 (the mandatory scope).
    MatterType {
        LandDemolition = "land", "征地拆迁";
        MajorProject = "project", "重大项目/重点工程";
        Restructuring = "restructuring", "企业改制";
        Policy = "policy", "教育医疗社保价格等政策";
        Environmental = "environment", "环境敏感设施";
        MajorEvent = "event", "重大活动";
        Rebuild = "rebuild", "灾后重建";
        Other = "other", "其他涉及群众切身利益的事项";
    }
}

labelled! {
    /// 评估方式.
    Track {
        Full = "full", "一般评估";
        /// 简易评估: plan, then level, report and decision.
        Simple = "simple", "简易评估";
    }
}

labelled! {
    /// 风险等级 (发改投资〔2012〕2492号).
    RiskLevel {
        High = "high", "高风险";
        Medium = "medium", "中风险";
        Low = "low", "低风险";
    }
}

labelled! {
    /// 评估材料.
    DocumentKind {
        Plan = "plan", "评估方案";
        Analysis = "analysis", "分析论证材料";
        Report = "report", "评估报告";
        Minutes = "minutes", "决策会议纪要";
        /// 化解风险工作预案 — required for 高 and 中 before 实施.
        Contingency = "contingency", "化解风险工作预案";
        Other = "other", "其他材料";
    }
}

labelled! {
    /// 意见征集方式.
    OpinionMethod {
        Notice = "notice", "公示";
        Survey = "survey", "问卷调查";
        Visit = "visit", "走访";
        Forum = "forum", "座谈会";
        Hearing = "hearing", "听证会";
    }
}

labelled! {
    /// 决策.
    Decision {
        Implement = "implement", "实施";
        Postpone = "postpone", "暂缓实施";
        Reject = "reject", "不实施";
    }
}

impl Decision {
    /// The engine action that records it.
    pub const fn action(self) -> &'static str {
        match self {
            Decision::Implement => "decide_implement",
            Decision::Postpone => "decide_postpone",
            Decision::Reject => "decide_reject",
        }
    }
}

/// The local letter of each level (A/B/C in many districts), configurable: the letters for 高,
/// 中 and 低 in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeLetters(pub [String; 3]);

impl Default for GradeLetters {
    fn default() -> Self {
        Self(["A".into(), "B".into(), "C".into()])
    }
}

impl GradeLetters {
    /// "高风险（A级）".
    pub fn label(&self, level: RiskLevel) -> String {
        let letter = match level {
            RiskLevel::High => &self.0[0],
            RiskLevel::Medium => &self.0[1],
            RiskLevel::Low => &self.0[2],
        };
        format!("{}（{letter}级）", level.label())
    }
}

/// The fewest experts whose scores make a review panel's result.
pub const MIN_PANEL: usize = 3;

/// One expert's scores, each 0–100: 合法性, 合理性, 可行性, 可控性, and 安全性 where the district
/// assesses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub legality: u32,
    pub rationality: u32,
    pub feasibility: u32,
    pub controllability: u32,
    pub safety: Option<u32>,
}

impl Scores {
    /// Checks that every score is 0–100.
    pub fn check(&self) -> Result<(), String> {
        let all = [
            Some(self.legality),
            Some(self.rationality),
            Some(self.feasibility),
            Some(self.controllability),
            self.safety,
        ];
        if all.iter().flatten().any(|s| *s > 100) {
            return Err("各项评分应为 0 到 100 分".into());
        }
        Ok(())
    }

    /// The mean of the dimensions scored.
    pub fn mean(&self) -> f64 {
        let all: Vec<u32> = [
            Some(self.legality),
            Some(self.rationality),
            Some(self.feasibility),
            Some(self.controllability),
            self.safety,
        ]
        .into_iter()
        .flatten()
        .collect();
        f64::from(all.iter().sum::<u32>()) / all.len() as f64
    }
}

/// 专家评审结果 — the panel's mean per dimension and in all, and the level it suggests.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelResult {
    pub experts: usize,
    pub legality: f64,
    pub rationality: f64,
    pub feasibility: f64,
    pub controllability: f64,
    pub safety: Option<f64>,
    pub overall: f64,
    /// 80 or more: 低; 60 to 80: 中; under 60 — or any dimension under 50: 高.
    pub suggested: RiskLevel,
}

/// The panel's result, once at least [`MIN_PANEL`] experts scored.
pub fn panel_result(scores: &[Scores]) -> Option<PanelResult> {
    if scores.len() < MIN_PANEL {
        return None;
    }
    let n = scores.len() as f64;
    let mean = |f: fn(&Scores) -> u32| scores.iter().map(|s| f64::from(f(s))).sum::<f64>() / n;
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let safeties: Vec<f64> = scores
        .iter()
        .filter_map(|s| s.safety)
        .map(f64::from)
        .collect();
    let safety =
        (!safeties.is_empty()).then(|| safeties.iter().sum::<f64>() / safeties.len() as f64);
    let overall = scores.iter().map(Scores::mean).sum::<f64>() / n;
    let dims = [
        mean(|s| s.legality),
        mean(|s| s.rationality),
        mean(|s| s.feasibility),
        mean(|s| s.controllability),
    ];
    let weakest = dims
        .iter()
        .copied()
        .chain(safety)
        .fold(f64::INFINITY, f64::min);
    let suggested = if overall < 60.0 || weakest < 50.0 {
        RiskLevel::High
    } else if overall < 80.0 {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    };
    Some(PanelResult {
        experts: scores.len(),
        legality: round(dims[0]),
        rationality: round(dims[1]),
        feasibility: round(dims[2]),
        controllability: round(dims[3]),
        safety: safety.map(round),
        overall: round(overall),
        suggested,
    })
}

/// Why a step cannot be completed yet, if it cannot: the record each step needs.
pub fn step_ready(
    state: &str,
    documents: &[DocumentKind],
    opinions: usize,
    panel: usize,
    level: Option<RiskLevel>,
    simple: bool,
) -> Result<(), String> {
    let has = |k: DocumentKind| documents.contains(&k);
    match state {
        "planning" if !has(DocumentKind::Plan) => Err("请先上传评估方案".into()),
        "consulting" if opinions == 0 => {
            Err("请先记录意见征集情况（公示、问卷、走访、座谈或听证）".into())
        }
        "analysing" if !has(DocumentKind::Analysis) => Err("请先上传分析论证材料".into()),
        "analysing" if !simple && panel < MIN_PANEL => Err(format!(
            "专家评审须至少 {MIN_PANEL} 名专家评分，现有 {panel} 名"
        )),
        "leveling" if level.is_none() => Err("请先确定风险等级".into()),
        "reporting" if !has(DocumentKind::Report) => Err("请先上传评估报告".into()),
        _ => Ok(()),
    }
}

/// Whether a decision may be recorded: every decision needs the meeting's minutes; 实施 of a 高
/// or 中 matter needs a 化解风险工作预案.
pub fn decision_allowed(
    decision: Decision,
    level: Option<RiskLevel>,
    documents: &[DocumentKind],
) -> Result<(), String> {
    if !documents.contains(&DocumentKind::Minutes) {
        return Err("请先上传决策会议纪要".into());
    }
    let risky = matches!(level, Some(RiskLevel::High | RiskLevel::Medium));
    if decision == Decision::Implement && risky && !documents.contains(&DocumentKind::Contingency) {
        return Err("高风险、中风险事项须先制定化解风险工作预案，才能决策实施".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgCode;
    use crate::calendar::{WorkCalendar, official_2026};
    use crate::case::{ActionInput, CaseCore, apply, decide};
    use chrono::{TimeZone, Utc};

    fn scores(l: u32, r: u32, f: u32, c: u32) -> Scores {
        Scores {
            legality: l,
            rationality: r,
            feasibility: f,
            controllability: c,
            safety: None,
        }
    }

    #[test]
    fn the_panel_needs_three_experts_and_suggests_a_level() {
        assert!(panel_result(&[scores(90, 90, 90, 90); 2]).is_none());
        let low = panel_result(&[scores(90, 85, 88, 80); 3]).unwrap();
        assert_eq!(low.suggested, RiskLevel::Low);
        assert_eq!(low.overall, 85.8);
        let medium = panel_result(&[
            scores(80, 70, 70, 60),
            scores(75, 70, 65, 70),
            scores(80, 75, 70, 65),
        ])
        .unwrap();
        assert_eq!(medium.suggested, RiskLevel::Medium);
        // One weak dimension makes it high whatever the mean.
        let weak = panel_result(&[scores(95, 95, 95, 40); 3]).unwrap();
        assert_eq!(weak.suggested, RiskLevel::High);
        let with_safety = panel_result(
            &[Scores {
                safety: Some(70),
                ..scores(90, 90, 90, 90)
            }; 3],
        )
        .unwrap();
        assert_eq!(with_safety.safety, Some(70.0));
        assert_eq!(with_safety.overall, 86.0);
        assert!(scores(101, 0, 0, 0).check().is_err());
    }

    #[test]
    fn each_step_needs_its_record_and_the_simple_track_skips_two() {
        use DocumentKind::*;
        assert!(step_ready("planning", &[], 0, 0, None, false).is_err());
        assert!(step_ready("planning", &[Plan], 0, 0, None, false).is_ok());
        assert!(step_ready("consulting", &[Plan], 0, 0, None, false).is_err());
        assert!(step_ready("consulting", &[Plan], 2, 0, None, false).is_ok());
        assert!(
            step_ready("analysing", &[Analysis], 2, 2, None, false)
                .unwrap_err()
                .contains("3")
        );
        assert!(step_ready("analysing", &[Analysis], 2, 3, None, false).is_ok());
        assert!(step_ready("leveling", &[], 0, 0, None, true).is_err());
        assert!(step_ready("leveling", &[], 0, 0, Some(RiskLevel::Low), true).is_ok());
        assert_eq!(advance_action("planning", true), Some("to_leveling_simple"));
        assert_eq!(advance_action("planning", false), Some("to_consulting"));
        assert_eq!(advance_action("deciding", false), None);
    }

    #[test]
    fn a_high_or_medium_matter_is_not_implemented_without_a_contingency_plan() {
        use DocumentKind::*;
        assert!(
            decision_allowed(Decision::Implement, Some(RiskLevel::Low), &[]).is_err(),
            "minutes first"
        );
        assert!(decision_allowed(Decision::Implement, Some(RiskLevel::Low), &[Minutes]).is_ok());
        for level in [RiskLevel::High, RiskLevel::Medium] {
            assert!(decision_allowed(Decision::Implement, Some(level), &[Minutes]).is_err());
            assert!(
                decision_allowed(Decision::Implement, Some(level), &[Minutes, Contingency]).is_ok()
            );
            assert!(decision_allowed(Decision::Postpone, Some(level), &[Minutes]).is_ok());
        }
        let letters = GradeLetters::default();
        assert_eq!(letters.label(RiskLevel::High), "高风险（A级）");
        let local = GradeLetters(["甲".into(), "乙".into(), "丙".into()]);
        assert_eq!(local.label(RiskLevel::Low), "低风险（丙级）");
    }

    #[test]
    fn a_decided_matter_is_tracked_and_reassessed_from_the_consultation() {
        let cal = WorkCalendar::new(official_2026());
        let at = crate::time::shanghai()
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .unwrap()
            .to_utc();
        let mut case = CaseCore::received(
            &RISK,
            "deciding",
            OrgCode::parse("511702").unwrap(),
            TimeLimit::new(10, TimeUnit::WorkDays),
            at,
            &cal,
        )
        .unwrap();
        let reason = ActionInput {
            reason: Some("会议决定".into()),
            ..ActionInput::default()
        };
        let mut act = |key: &str, who: &[Party]| {
            let spec = decide(&RISK, &case.facts(Utc::now()), key, who, &reason)?;
            apply(spec, &mut case, &reason, at, &cal).map(|_| ())
        };
        assert!(
            act("decide_implement", &[Party::Department]).is_err(),
            "the meeting decides, through the hub"
        );
        act("decide_implement", &[Party::Hub]).unwrap();
        act("reassess", &[Party::Department]).unwrap();
        assert_eq!(case.state.key, "consulting");
    }
}
