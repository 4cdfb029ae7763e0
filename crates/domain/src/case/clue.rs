//! 涉黑涉恶线索 — the clue kind: a report (举报, anonymous allowed) taken in by the clue office
//! (扫黑办) and carried through 受理登记 → 甄别分级 (重要 / 一般) → 分流 to 公安, 纪委监委 or an industry
//! department → 核查 with its deadline and 督办 → 核查结果 (查实 / 查否 / 存疑, with the cases opened,
//! the people and the assets involved: 打财断血) → 反馈 to the informant → 办结. Under 反有组织犯罪法
//! the informant's identity is confidential: this module knows nothing of it, and the kind is
//! [`KindSpec::confidential`], so that none of its changes reaches the live stream.

use super::{
    ActionSpec, Effect, KindSpec, Need, Party, SUPERVISE, StateSpec, StepLimit, Target, TimeLimit,
    URGE, action, state, statutory_days,
};
use crate::calendar::TimeUnit;
use crate::labelled::labelled;

const fn work_days(n: u32) -> StepLimit {
    StepLimit::Fixed(TimeLimit::new(n, TimeUnit::WorkDays))
}

/// The states of a clue.
pub const STATES: &[StateSpec] = &[
    state("registered", "待甄别", true, work_days(5)),
    state("screened", "待分流", true, work_days(3)),
    // 核查: 30 days for a 重要 clue as for a 一般 one here; the office extends with reason.
    state("verifying", "核查中", true, statutory_days(30)),
    state("verified", "待反馈", true, work_days(5)),
    state("invalid", "不予立线", false, StepLimit::None),
    state("closed", "已办结", false, StepLimit::None),
];

/// The clue office (线索管理): the app makes a 线索管理 holder in scope the clue's hub.
const OFFICE: &[Party] = &[Party::Hub];
/// The unit a clue is given to for 核查.
const VERIFIER: &[Party] = &[Party::Department];
const REASON: &[Need] = &[Need::Reason];

/// The actions on a clue.
pub const ACTIONS: &[ActionSpec] = &[
    action(
        "screen",
        "甄别分级",
        &["registered"],
        Target::State("screened"),
        OFFICE,
        REASON,
    ),
    action(
        "discard",
        "甄别为无效线索",
        &["registered"],
        Target::State("invalid"),
        OFFICE,
        REASON,
    ),
    ActionSpec {
        effect: Effect::AssignDepartments,
        ..action(
            "assign",
            "分流核查",
            &["screened"],
            Target::State("verifying"),
            OFFICE,
            &[Need::Department],
        )
    },
    ActionSpec {
        effect: Effect::Extend,
        ..action(
            "extend",
            "延长核查期限",
            &["verifying"],
            Target::Stay,
            OFFICE,
            &[Need::Reason, Need::ExtensionDays],
        )
    },
    action(
        "report_result",
        "报送核查结果",
        &["verifying"],
        Target::State("verified"),
        VERIFIER,
        REASON,
    ),
    action(
        "send_back",
        "退回补充核查",
        &["verified"],
        Target::State("verifying"),
        OFFICE,
        REASON,
    ),
    action(
        "conclude",
        "反馈并办结",
        &["verified"],
        Target::State("closed"),
        OFFICE,
        &[],
    ),
    action(
        "mark",
        "一案三查标记",
        &[],
        Target::Stay,
        &[Party::Hub, Party::Department],
        REASON,
    ),
    SUPERVISE,
    URGE,
];

/// The clue kind.
pub static CLUE: KindSpec = KindSpec {
    key: "clue",
    label: "涉黑涉恶线索",
    number_prefix: "XS",
    states: STATES,
    actions: ACTIONS,
    yellow_percent: 80,
    confidential: true,
};

labelled! {
    /// 线索来源.
    ClueSource {
        Letter = "letter", "来信举报";
        Phone = "phone", "电话举报";
        Online = "online", "网络举报";
        Visit = "visit", "来访举报";
        Hotline = "hotline_12345", "12345转办";
        /// Found in the course of a case (办案发现).
        CaseWork = "case_work", "办案发现";
        /// Found in an inspection (督导巡查).
        Inspection = "inspection", "督导巡查";
    }
}

labelled! {
    /// 线索等级.
    ClueGrade {
        Important = "important", "重要线索";
        General = "general", "一般线索";
    }
}

labelled! {
    /// 核查结果.
    ClueResult {
        /// 查实.
        Substantiated = "substantiated", "查实";
        /// 查否.
        Unfounded = "unfounded", "查否";
        /// 存疑.
        Doubtful = "doubtful", "存疑";
    }
}

labelled! {
    /// 一案三查: what the clue is marked for besides the crime.
    ClueMark {
        /// 保护伞.
        Umbrella = "umbrella", "涉嫌充当保护伞";
        /// 失职渎职.
        Dereliction = "dereliction", "涉嫌失职渎职";
    }
}

/// What an informant may learn with their code: the stage, and the result once there is one.
pub fn stage_for_informant(state: &str) -> &'static str {
    match state {
        "registered" | "screened" => "已受理，正在甄别",
        "verifying" => "正在核查",
        "verified" => "核查完毕，待反馈",
        "invalid" => "经甄别，不予立线",
        _ => "已办结",
    }
}

/// The figures a verification reports (打财断血), checked: cases opened, people involved, assets
/// in yuan; all none or zero unless substantiated.
pub fn check_result_figures(
    result: ClueResult,
    cases: Option<u32>,
    people: Option<u32>,
    assets_yuan: Option<f64>,
) -> Result<(i64, i64, i64), String> {
    let cases = i64::from(cases.unwrap_or(0));
    let people = i64::from(people.unwrap_or(0));
    let fen = match assets_yuan {
        None => 0,
        Some(a) if a.is_finite() && (0.0..=1.0e11).contains(&a) => (a * 100.0).round() as i64,
        Some(_) => return Err("涉案财产 assets_yuan 应为 0 到 1000 亿元之间的数".into()),
    };
    if result != ClueResult::Substantiated && (cases > 0 || people > 0 || fen > 0) {
        return Err("只有查实的线索才填写立案数、涉案人数和涉案财产".into());
    }
    if cases > 10_000 || people > 100_000 {
        return Err("立案数或涉案人数超出范围，请核对".into());
    }
    Ok((cases, people, fen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgCode;
    use crate::calendar::{WorkCalendar, official_2026};
    use crate::case::{ActionInput, CaseCore, Refusal, apply, decide};
    use chrono::{DateTime, TimeZone, Utc};

    fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        crate::time::shanghai()
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_clue_is_screened_assigned_verified_and_concluded_by_the_right_hands() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = CaseCore::received(
            &CLUE,
            "registered",
            OrgCode::parse("511702").unwrap(),
            TimeLimit::new(30, TimeUnit::StatutoryDays),
            at(3, 2, 9),
            &cal,
        )
        .unwrap();
        let reason = ActionInput {
            reason: Some("有具体人名和时间".into()),
            ..ActionInput::default()
        };
        let mut act = |key: &str, who: &[Party], input: &ActionInput| {
            let now = at(3, 3, 9);
            let spec = decide(&CLUE, &case.facts(now), key, who, input)?;
            apply(spec, &mut case, input, now, &cal).map(|_| ())
        };
        assert!(matches!(
            act("screen", &[Party::Department], &reason),
            Err(Refusal::NotParty { .. })
        ));
        act("screen", &[Party::Hub], &reason).unwrap();
        let to_police = ActionInput {
            department: Some(7),
            ..ActionInput::default()
        };
        act("assign", &[Party::Hub], &to_police).unwrap();
        assert!(matches!(
            act("report_result", &[Party::Hub], &reason),
            Err(Refusal::NotParty { .. })
        ));
        act("report_result", &[Party::Department], &reason).unwrap();
        act("conclude", &[Party::Hub], &ActionInput::default()).unwrap();
        assert_eq!(case.state.key, "closed");
        assert!(CLUE.confidential);
    }

    #[test]
    fn only_substantiated_clues_carry_cases_people_and_assets() {
        assert_eq!(
            check_result_figures(
                ClueResult::Substantiated,
                Some(2),
                Some(7),
                Some(1_250_000.5)
            ),
            Ok((2, 7, 125_000_050))
        );
        assert!(check_result_figures(ClueResult::Unfounded, Some(1), None, None).is_err());
        assert_eq!(
            check_result_figures(ClueResult::Doubtful, None, None, None),
            Ok((0, 0, 0))
        );
        assert!(check_result_figures(ClueResult::Substantiated, None, None, Some(-1.0)).is_err());
        assert_eq!(stage_for_informant("verifying"), "正在核查");
        assert_eq!(stage_for_informant("closed"), "已办结");
    }
}
