//! 政务服务办件 — the application kind: a resident applies for a service of the catalogue
//! ([`crate::service_item`]) online or at the counter of their village or community station,
//! and it is carried through 待受理 → 受理 (or 一次性告知 what is missing, 补正 by the resident, and
//! 受理 again; or 不予受理 with the ground) → 办理中 within the service's promised limit → 办结
//! with the result (a 办结告知书 the resident downloads) → 评价 (好差评) by the resident. The
//! resident may withdraw before it is accepted.

use super::{
    ActionSpec, Effect, KindSpec, Need, Party, SUPERVISE, StateSpec, StepLimit, Target, TimeLimit,
    URGE, action, state,
};
use crate::calendar::TimeUnit;
use crate::labelled::labelled;

const fn work_days(n: u32) -> StepLimit {
    StepLimit::Fixed(TimeLimit::new(n, TimeUnit::WorkDays))
}

/// The states of an application.
pub const STATES: &[StateSpec] = &[
    // The counter answers an application within two working days: accepts it or says, once,
    // everything that is missing.
    state("submitted", "待受理", true, work_days(2)),
    // Waiting on the resident: no clock runs for the counter.
    state("supplement", "待补正", true, StepLimit::None),
    // The service's promised limit (承诺时限), set at intake from the catalogue.
    state("processing", "办理中", true, StepLimit::Handling),
    state("done", "已办结", false, StepLimit::None),
    state("evaluated", "已评价", false, StepLimit::None),
    state("rejected", "不予受理", false, StepLimit::None),
    state("withdrawn", "已撤回", false, StepLimit::None),
];

/// The counter: the hub that owns the application (the village or community station it was
/// made at, or the township above).
const COUNTER: &[Party] = &[Party::Hub];
const APPLICANT: &[Party] = &[Party::Reporter];
/// The applicant online, or the counter for a resident who came back in person.
const APPLICANT_OR_COUNTER: &[Party] = &[Party::Reporter, Party::Hub];
const REASON: &[Need] = &[Need::Reason];

/// The actions on an application.
pub const ACTIONS: &[ActionSpec] = &[
    action(
        "accept",
        "受理",
        &["submitted"],
        Target::State("processing"),
        COUNTER,
        &[],
    ),
    action(
        "notify",
        "一次性告知补正",
        &["submitted"],
        Target::State("supplement"),
        COUNTER,
        REASON,
    ),
    action(
        "resubmit",
        "补正后重新提交",
        &["supplement"],
        Target::State("submitted"),
        APPLICANT_OR_COUNTER,
        &[],
    ),
    action(
        "refuse",
        "不予受理",
        &["submitted", "supplement"],
        Target::State("rejected"),
        COUNTER,
        REASON,
    ),
    action(
        "complete",
        "办结",
        &["processing"],
        Target::State("done"),
        COUNTER,
        REASON,
    ),
    action(
        "withdraw",
        "撤回申请",
        &["submitted", "supplement"],
        Target::State("withdrawn"),
        APPLICANT_OR_COUNTER,
        &[],
    ),
    ActionSpec {
        effect: Effect::Rate,
        ..action(
            "evaluate",
            "评价",
            &["done"],
            Target::State("evaluated"),
            APPLICANT,
            &[Need::Rating],
        )
    },
    SUPERVISE,
    URGE,
];

/// The application kind.
pub static APPLICATION: KindSpec = KindSpec {
    key: "application",
    label: "政务服务办件",
    number_prefix: "BJ",
    states: STATES,
    actions: ACTIONS,
    yellow_percent: 80,
    confidential: false,
};

labelled! {
    /// 申请渠道.
    ApplicationChannel {
        /// 网上申请 — the resident on their phone.
        Online = "online", "网上申请";
        /// 窗口代录 — the counter entering it for a resident who came in.
        Counter = "counter", "窗口受理";
    }
}

/// The resident's name for the stage an application is at, on their own page.
pub fn stage_for_applicant(state: &str) -> &'static str {
    match state {
        "submitted" => "已提交，等待窗口受理",
        "supplement" => "材料需要补正，请按告知内容补齐后重新提交",
        "processing" => "已受理，正在办理",
        "done" => "已办结，可下载办结告知书并评价",
        "evaluated" => "已办结，感谢您的评价",
        "rejected" => "不予受理",
        _ => "已撤回",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgCode;
    use crate::calendar::{WorkCalendar, official_2026};
    use crate::case::{ActionInput, CaseCore, Rating, Refusal, apply, decide};
    use chrono::{DateTime, TimeZone, Utc};

    fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        crate::time::shanghai()
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .to_utc()
    }

    /// The Beijing (month, day) of a time.
    fn day(t: DateTime<Utc>) -> (u32, u32) {
        use chrono::Datelike;
        let d = crate::time::beijing_date(t);
        (d.month(), d.day())
    }

    #[test]
    fn an_application_is_told_once_what_is_missing_accepted_done_and_rated() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = CaseCore::received(
            &APPLICATION,
            "submitted",
            OrgCode::parse("511702001001").unwrap(),
            TimeLimit::new(5, TimeUnit::WorkDays),
            at(3, 2, 9),
            &cal,
        )
        .unwrap();
        // 待受理: two working days for the counter.
        assert_eq!(day(case.clock.unwrap().deadline), (3, 4));
        fn act(
            case: &mut CaseCore,
            cal: &WorkCalendar,
            key: &str,
            who: &[Party],
            input: &ActionInput,
        ) -> Result<(), Refusal> {
            let now = at(3, 3, 9);
            let spec = decide(&APPLICATION, &case.facts(now), key, who, input)?;
            apply(spec, case, input, now, cal).map(|_| ())
        }
        let missing = ActionInput {
            reason: Some("缺户口簿复印件".into()),
            ..ActionInput::default()
        };
        assert!(matches!(
            act(&mut case, &cal, "notify", &[Party::Reporter], &missing),
            Err(Refusal::NotParty { .. })
        ));
        act(&mut case, &cal, "notify", &[Party::Hub], &missing).unwrap();
        assert!(matches!(
            act(
                &mut case,
                &cal,
                "accept",
                &[Party::Hub],
                &ActionInput::default()
            ),
            Err(Refusal::WrongState { .. })
        ));
        act(
            &mut case,
            &cal,
            "resubmit",
            &[Party::Reporter],
            &ActionInput::default(),
        )
        .unwrap();
        act(
            &mut case,
            &cal,
            "accept",
            &[Party::Hub],
            &ActionInput::default(),
        )
        .unwrap();
        // 办理中: the service's five working days from acceptance (Tuesday 3 March → 10 March).
        assert_eq!(day(case.clock.unwrap().deadline), (3, 10));
        assert!(matches!(
            act(
                &mut case,
                &cal,
                "withdraw",
                &[Party::Reporter],
                &ActionInput::default()
            ),
            Err(Refusal::WrongState { .. })
        ));
        let result = ActionInput {
            reason: Some("已办结，证件请到社区领取".into()),
            ..ActionInput::default()
        };
        act(&mut case, &cal, "complete", &[Party::Hub], &result).unwrap();
        let rating = ActionInput {
            rating: Some(Rating::Satisfied),
            ..ActionInput::default()
        };
        assert!(matches!(
            act(&mut case, &cal, "evaluate", &[Party::Hub], &rating),
            Err(Refusal::NotParty { .. })
        ));
        act(&mut case, &cal, "evaluate", &[Party::Reporter], &rating).unwrap();
        assert_eq!(case.state.key, "evaluated");
        assert_eq!(
            stage_for_applicant("supplement"),
            "材料需要补正，请按告知内容补齐后重新提交"
        );
    }
}
