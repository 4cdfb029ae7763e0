//! 信访 — the petition kind, under the 信访工作条例 (2022): 登记 → 分办 (转送 / 交办 / 告知 / 不予
//! 受理) within 15 days → 受理 (告知 within 15 days) → 办理 to a 信访处理意见书 within 60 days (延期 at
//! most 30 days, the reason told) → 送达 → 复查 (requested within 30 days, answered within 30) →
//! 复核 (likewise; 听证 days not counted) → 不再受理 on the same matter. Periods are natural days
//! as the regulation counts them; a period ending on a day off ends on the next working day.
//! Besides: 领导包案, 律师参与, 访调对接 (a civil matter mediated as a dispute) and 重复信访 / 越级
//! detection.

use super::{
    ActionSpec, Effect, Guard, KindSpec, Need, Party, SUPERVISE, StateSpec, StepLimit, Target,
    URGE, action, state,
};
use crate::case::dispute::{PartyInput, ValidParty};
use crate::labelled::labelled;
use crate::time::beijing_date;
use chrono::{DateTime, NaiveDate, Utc};

use super::statutory_days as days;

/// The states of a petition.
pub const STATES: &[StateSpec] = &[
    state("registered", "待分办", true, days(15)),
    state("routed", "待受理", true, days(15)),
    state("handling", "办理中", true, days(60)),
    // 送达 is not limited by the regulation; the office serves within a week in practice.
    state("replied", "待送达", true, days(7)),
    state("served", "已答复", true, days(30)),
    state("reviewing", "复查中", true, days(30)),
    state("review_replied", "已复查", true, days(30)),
    state("rechecking", "复核中", true, days(30)),
    state("mediating", "访调对接中", true, StepLimit::None),
    state("informed", "已告知", false, StepLimit::None),
    state("refused", "不予受理", false, StepLimit::None),
    state("closed", "已办结", false, StepLimit::None),
    state("rechecked", "复核终结", false, StepLimit::None),
    state("mediated", "调解化解", false, StepLimit::None),
];

/// The petition office (the hub that owns the petition) or the organ handling it.
const OFFICE_OR_ORGAN: &[Party] = &[Party::Hub, Party::Department];
const OFFICE: &[Party] = &[Party::Hub];
/// Those who record the higher organ's 复查 / 复核 opinion: the office, the organ, or a hub above.
const REVIEWERS: &[Party] = &[Party::Hub, Party::Department, Party::Superior];
const REASON: &[Need] = &[Need::Reason];

/// The actions on a petition: the main line first, then 复查 and 复核, then the rest.
pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        effect: Effect::AssignDepartments,
        ..action(
            "transfer",
            "转送",
            &["registered"],
            Target::State("routed"),
            OFFICE,
            &[Need::Department],
        )
    },
    ActionSpec {
        effect: Effect::AssignDepartments,
        ..action(
            "assign",
            "交办",
            &["registered"],
            Target::State("routed"),
            OFFICE,
            &[Need::Department],
        )
    },
    action(
        "accept",
        "受理",
        &["registered", "routed"],
        Target::State("handling"),
        OFFICE_OR_ORGAN,
        &[],
    ),
    action(
        "inform",
        "告知（向有权机关或法定途径提出）",
        &["registered"],
        Target::State("informed"),
        OFFICE,
        REASON,
    ),
    action(
        "refuse",
        "不予受理",
        &["registered", "routed"],
        Target::State("refused"),
        OFFICE_OR_ORGAN,
        REASON,
    ),
    ActionSpec {
        effect: Effect::Lengthen,
        ..action(
            "extend",
            "延期办理",
            &["handling"],
            Target::Stay,
            OFFICE_OR_ORGAN,
            &[Need::Reason, Need::ExtensionDays],
        )
    },
    action(
        "reply",
        "出具处理意见书",
        &["handling"],
        Target::State("replied"),
        OFFICE_OR_ORGAN,
        REASON,
    ),
    action(
        "serve",
        "送达",
        &["replied"],
        Target::State("served"),
        OFFICE_OR_ORGAN,
        &[],
    ),
    ActionSpec {
        guard: Guard::BeforeDeadline,
        ..action(
            "request_review",
            "申请复查",
            &["served"],
            Target::State("reviewing"),
            OFFICE,
            &[],
        )
    },
    action(
        "review_reply",
        "复查答复",
        &["reviewing"],
        Target::State("review_replied"),
        REVIEWERS,
        REASON,
    ),
    ActionSpec {
        guard: Guard::BeforeDeadline,
        ..action(
            "request_recheck",
            "申请复核",
            &["review_replied"],
            Target::State("rechecking"),
            OFFICE,
            &[],
        )
    },
    action(
        "hearing_start",
        "举行听证",
        &["rechecking"],
        Target::Stay,
        REVIEWERS,
        &[],
    ),
    ActionSpec {
        effect: Effect::Lengthen,
        ..action(
            "hearing_end",
            "听证结束",
            &["rechecking"],
            Target::Stay,
            REVIEWERS,
            REASON,
        )
    },
    action(
        "recheck_reply",
        "复核答复",
        &["rechecking"],
        Target::State("rechecked"),
        REVIEWERS,
        REASON,
    ),
    action(
        "conclude",
        "办结（息诉罢访）",
        &["served", "review_replied"],
        Target::State("closed"),
        OFFICE,
        &[],
    ),
    action(
        "to_mediation",
        "转人民调解（访调对接）",
        &["registered", "handling"],
        Target::State("mediating"),
        OFFICE_OR_ORGAN,
        &[],
    ),
    action(
        "mediation_succeeded",
        "调解成功，化解办结",
        &["mediating"],
        Target::State("mediated"),
        &[Party::Linked],
        &[],
    ),
    action(
        "mediation_failed",
        "调解不成，继续办理",
        &["mediating"],
        Target::State("handling"),
        &[Party::Linked],
        &[],
    ),
    action(
        "assign_leader",
        "领导包案",
        &[],
        Target::Stay,
        &[Party::Hub, Party::Commander, Party::Superior],
        REASON,
    ),
    action(
        "progress",
        "包案进展",
        &[],
        Target::Stay,
        &[Party::Leader],
        REASON,
    ),
    action(
        "assign_lawyer",
        "指派律师",
        &[],
        Target::Stay,
        &[Party::Hub, Party::Commander],
        &[],
    ),
    action(
        "lawyer_opinion",
        "律师意见",
        &[],
        Target::Stay,
        &[Party::Lawyer],
        REASON,
    ),
    ActionSpec {
        effect: Effect::Rate,
        ..action(
            "rate",
            "满意度评价",
            &[
                "served",
                "review_replied",
                "closed",
                "rechecked",
                "mediated",
            ],
            Target::Stay,
            OFFICE,
            &[Need::Rating],
        )
    },
    SUPERVISE,
    URGE,
];

/// The petition kind.
pub static PETITION: KindSpec = KindSpec {
    key: "petition",
    label: "信访事项",
    number_prefix: "XF",
    states: STATES,
    actions: ACTIONS,
    yellow_percent: 80,
    confidential: false,
};

labelled! {
    /// 信访形式 — how the petition came in.
    PetitionChannel {
        Letter = "letter", "来信";
        Visit = "visit", "来访";
        Online = "online", "网上信访";
        Phone = "phone", "电话";
        Email = "email", "电子邮件";
        Fax = "fax", "传真";
        /// A 12345 work order transferred (its number kept).
        Hotline = "hotline_12345", "12345转办";
        /// 领导信箱.
        Mailbox = "mailbox", "领导信箱";
    }
}

labelled! {
    /// 信访事项类别 (2022 条例 Art 30–31).
    PetitionClass {
        Suggestion = "suggestion", "建议意见类";
        /// 检举控告 — goes to 纪检监察 or the competent organ.
        Accusation = "accusation", "检举控告类";
        /// 申诉求决 — the statutory channel first (诉访分离).
        Claim = "claim", "申诉求决类";
    }
}

labelled! {
    /// 信访人身份.
    PetitionerRole {
        Petitioner = "petitioner", "信访人";
        /// A representative of a collective petition (at most five).
        Representative = "representative", "代表人";
    }
}

labelled! {
    /// 处理意见 on the merits.
    ReplyOutcome {
        /// Facts clear, the request compliant.
        Support = "support", "予以支持";
        /// Reasonable but without a legal basis.
        Explain = "explain", "做好解释工作";
        Reject = "reject", "不予支持";
    }
}

labelled! {
    /// 复查 / 复核意见 on the earlier opinion.
    ReviewOutcome {
        Uphold = "uphold", "维持";
        Change = "change", "变更";
        Revoke = "revoke", "撤销";
    }
}

labelled! {
    /// 不予受理的理由.
    RefusalGround {
        /// 诉访分离: the matter belongs to 诉讼, 仲裁 or 行政复议.
        Litigation = "litigation", "应通过诉讼、仲裁、行政复议等法定途径解决";
        /// A 信访调解书 or 调解协议 has taken effect.
        Settled = "settled", "已达成调解协议并生效";
        /// The 复查 or 复核 request came after its 30 days.
        Lapsed = "lapsed", "超过复查、复核申请期限";
        /// The same matter was concluded by 复核.
        Concluded = "concluded", "已经复核终结，不再受理";
        /// Outside the organ's remit.
        Remit = "remit", "不属于本机关职权范围";
    }
}

labelled! {
    /// 分办方式 — what the office does with a registered petition.
    RouteMode {
        /// 转送 to the organ with authority.
        Transfer = "transfer", "转送";
        /// 交办 to a subordinate organ, with its result reported back.
        Assign = "assign", "交办";
        /// 告知 the petitioner where to take it.
        Inform = "inform", "告知";
        Refuse = "refuse", "不予受理";
    }
}

labelled! {
    /// 律师参与方式.
    LawyerRole {
        /// 参与化解: advises the office and the petitioner.
        Advise = "advise", "参与化解";
        /// 代理 a 涉法涉诉 matter.
        Represent = "represent", "代理涉法涉诉";
    }
}

impl RouteMode {
    /// The action that carries the mode out.
    pub const fn action(self) -> &'static str {
        match self {
            RouteMode::Transfer => "transfer",
            RouteMode::Assign => "assign",
            RouteMode::Inform => "inform",
            RouteMode::Refuse => "refuse",
        }
    }
}

/// A collective petition (集体访) has at least this many people.
pub const COLLECTIVE_MIN_PEOPLE: u32 = 5;
/// A collective petition sends at most this many representatives (条例 Art 19).
pub const MAX_REPRESENTATIVES: usize = 5;
/// The most petitioners one registration names.
pub const MAX_PETITIONERS: usize = 20;
/// An extension of 办理 adds at most this many days in all.
pub const MAX_EXTENSION_DAYS: u32 = 30;
/// A petition by the same person, or on the same matter, within this many days of another is
/// 重复信访.
pub const REPEAT_WINDOW_DAYS: i64 = 365;
/// Two texts about one place at least this alike (bigram Jaccard) are the same matter.
pub const SAME_MATTER_SIMILARITY: f64 = 0.45;

/// The petitioners checked: at least one 信访人; a collective petition (five or more people)
/// names one to five 代表人, and an individual one none. Returns them with whether the petition
/// is collective.
pub fn validate_petitioners(
    petitioners: &[PartyInput],
    people_count: Option<u32>,
    today: NaiveDate,
) -> Result<(Vec<ValidParty<PetitionerRole>>, u32, bool), String> {
    if petitioners.is_empty() {
        return Err("请填写信访人（姓名必填）".into());
    }
    if petitioners.len() > MAX_PETITIONERS {
        return Err(format!(
            "信访人最多填写 {MAX_PETITIONERS} 位；集体访请填写代表人和人数"
        ));
    }
    let valid = petitioners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let role = PetitionerRole::parse_or(
                &p.role,
                PetitionerRole::Petitioner,
                &format!("第 {} 位信访人的身份 role ", i + 1),
            )?;
            p.validate_as(role, "信访人", i + 1, today)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let people = people_count.unwrap_or(valid.len() as u32);
    if !(1..=100_000).contains(&people) || (people as usize) < valid.len() {
        return Err(format!(
            "信访人数 people_count 应在 {} 到 100000 之间（不少于所填信访人）",
            valid.len().max(1)
        ));
    }
    let representatives = valid
        .iter()
        .filter(|p| p.role == PetitionerRole::Representative)
        .count();
    let collective = people >= COLLECTIVE_MIN_PEOPLE;
    if collective && !(1..=MAX_REPRESENTATIVES).contains(&representatives) {
        return Err(format!(
            "{people} 人的集体访应推选 1 到 {MAX_REPRESENTATIVES} 名代表人（role 填 representative）"
        ));
    }
    if !collective && representatives > 0 {
        return Err(format!(
            "不足 {COLLECTIVE_MIN_PEOPLE} 人的信访不设代表人：请把身份填为信访人"
        ));
    }
    Ok((valid, people, collective))
}

/// Checks an extension of 办理: `asked` more days on top of `already` granted, in all at most
/// [`MAX_EXTENSION_DAYS`].
pub fn check_extension(already: u32, asked: u32) -> Result<u32, String> {
    let total = already + asked;
    if asked == 0 || total > MAX_EXTENSION_DAYS {
        return Err(format!(
            "办理期限最多延长 {MAX_EXTENSION_DAYS} 日，已延长 {already} 日，本次最多 {} 日",
            MAX_EXTENSION_DAYS.saturating_sub(already)
        ));
    }
    Ok(total)
}

/// The days a 听证 took, not counted in 复核's 30 days: every calendar day (Asia/Shanghai) it
/// ran on, the first and the last included.
pub fn hearing_days(started: DateTime<Utc>, ended: DateTime<Utc>) -> u32 {
    let days = (beijing_date(ended) - beijing_date(started)).num_days();
    u32::try_from(days.max(0) + 1).unwrap_or(u32::MAX)
}

/// Whether a petition registered at the district about a place in a township skipped a level
/// (越级): nobody at the township or below had the matter before.
pub fn skips_level(received_at_district: bool, earlier_below_district: bool) -> bool {
    received_at_district && !earlier_below_district
}

/// A rate in percent, one decimal (按期受理率, 满意率 …); none when there is nothing to rate.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgCode;
    use crate::calendar::{TimeUnit, WorkCalendar, official_2026};
    use crate::case::{ActionInput, CaseCore, Refusal, TimeLimit, apply, decide};
    use chrono::TimeZone;

    fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        crate::time::shanghai()
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .to_utc()
    }

    fn day_of(t: DateTime<Utc>) -> NaiveDate {
        beijing_date(t)
    }

    fn new_case(cal: &WorkCalendar, now: DateTime<Utc>) -> CaseCore {
        CaseCore::received(
            &PETITION,
            "registered",
            OrgCode::parse("511702001").unwrap(),
            TimeLimit::new(60, TimeUnit::StatutoryDays),
            now,
            cal,
        )
        .unwrap()
    }

    fn act(
        case: &mut CaseCore,
        key: &str,
        parties: &[Party],
        input: &ActionInput,
        now: DateTime<Utc>,
        cal: &WorkCalendar,
    ) -> Result<(), Refusal> {
        let spec = decide(&PETITION, &case.facts(now), key, parties, input)?;
        apply(spec, case, input, now, cal).map(|_| ())
    }

    fn reason(r: &str) -> ActionInput {
        ActionInput {
            reason: Some(r.into()),
            ..ActionInput::default()
        }
    }

    #[test]
    fn each_limit_is_counted_in_natural_days_and_a_day_off_moves_it_to_the_next_working_day() {
        let cal = WorkCalendar::new(official_2026());
        // Registered Thursday 17 September 2026: 15 days end on 2 October, inside the National
        // Day holiday (1–7 October), so the limit ends on Thursday 8 October.
        let mut case = new_case(&cal, at(9, 17, 10));
        let deadline = case.clock.unwrap().deadline;
        assert_eq!(
            day_of(deadline),
            NaiveDate::from_ymd_opt(2026, 10, 8).unwrap()
        );
        // Accepted on 10 November: 60 days end on Saturday 9 January 2027 → counted to the next
        // working day the calendar knows (a day off beyond the 2026 table is a weekend only).
        let office = [Party::Hub];
        act(
            &mut case,
            "accept",
            &office,
            &ActionInput::default(),
            at(11, 10, 9),
            &cal,
        )
        .unwrap();
        let deadline = case.clock.unwrap().deadline;
        assert_eq!(
            day_of(deadline),
            NaiveDate::from_ymd_opt(2027, 1, 11).unwrap()
        );
    }

    #[test]
    fn an_extension_counts_from_the_original_sixty_days_and_is_capped_at_thirty() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(3, 2, 10));
        let office = [Party::Hub];
        act(
            &mut case,
            "accept",
            &office,
            &ActionInput::default(),
            at(3, 2, 11),
            &cal,
        )
        .unwrap();
        // 60 days from Monday 2 March: Friday 1 May, a holiday (1–5 May) → Wednesday 6 May.
        assert_eq!(
            day_of(case.clock.unwrap().deadline),
            NaiveDate::from_ymd_opt(2026, 5, 6).unwrap()
        );
        // 30 more: 90 days from 2 March is Sunday 31 May → Monday 1 June; not 6 May + 30.
        let total = check_extension(0, 30).unwrap();
        let input = ActionInput {
            reason: Some("案情复杂，需调取土地确权档案".into()),
            extension_days: Some(total),
            ..ActionInput::default()
        };
        act(&mut case, "extend", &office, &input, at(4, 20, 9), &cal).unwrap();
        assert_eq!(
            day_of(case.clock.unwrap().deadline),
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        );
        assert!(check_extension(30, 1).is_err());
        assert!(check_extension(10, 21).is_err());
        assert_eq!(check_extension(10, 20), Ok(30));
        assert!(check_extension(0, 0).is_err());
    }

    #[test]
    fn hearing_days_are_not_counted_in_the_recheck() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(6, 1, 9));
        let office = [Party::Hub];
        for (key, input) in [
            ("accept", ActionInput::default()),
            ("reply", reason("不予支持")),
            ("serve", ActionInput::default()),
            ("request_review", ActionInput::default()),
            ("review_reply", reason("维持")),
        ] {
            act(&mut case, key, &office, &input, at(6, 1, 10), &cal).unwrap();
        }
        act(
            &mut case,
            "request_recheck",
            &office,
            &ActionInput::default(),
            at(6, 3, 9),
            &cal,
        )
        .unwrap();
        // 30 days from Wednesday 3 June: Friday 3 July.
        assert_eq!(
            day_of(case.clock.unwrap().deadline),
            NaiveDate::from_ymd_opt(2026, 7, 3).unwrap()
        );
        act(
            &mut case,
            "hearing_start",
            &office,
            &ActionInput::default(),
            at(6, 15, 9),
            &cal,
        )
        .unwrap();
        let days = hearing_days(at(6, 15, 9), at(6, 17, 16));
        assert_eq!(days, 3);
        let input = ActionInput {
            reason: Some("听证会认为原意见正确".into()),
            extension_days: Some(days),
            ..ActionInput::default()
        };
        act(
            &mut case,
            "hearing_end",
            &office,
            &input,
            at(6, 17, 16),
            &cal,
        )
        .unwrap();
        // 33 days from 3 June: Monday 6 July.
        assert_eq!(
            day_of(case.clock.unwrap().deadline),
            NaiveDate::from_ymd_opt(2026, 7, 6).unwrap()
        );
        act(
            &mut case,
            "recheck_reply",
            &office,
            &reason("维持"),
            at(6, 20, 9),
            &cal,
        )
        .unwrap();
        assert_eq!(case.state.key, "rechecked");
        assert!(!case.open());
    }

    #[test]
    fn review_is_requested_only_within_thirty_days_of_service() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(3, 2, 10));
        let office = [Party::Hub];
        for key in ["accept", "reply", "serve"] {
            act(
                &mut case,
                key,
                &office,
                &reason("予以支持"),
                at(3, 2, 11),
                &cal,
            )
            .unwrap();
        }
        let late = at(4, 10, 9);
        assert!(matches!(
            act(
                &mut case,
                "request_review",
                &office,
                &ActionInput::default(),
                late,
                &cal
            ),
            Err(Refusal::Guard(_))
        ));
        act(
            &mut case,
            "conclude",
            &office,
            &ActionInput::default(),
            late,
            &cal,
        )
        .unwrap();
        assert_eq!(case.state.key, "closed");
    }

    #[test]
    fn only_the_linked_dispute_closes_a_petition_in_mediation_and_only_leaders_note_progress() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(3, 2, 10));
        let office = [Party::Hub];
        act(
            &mut case,
            "to_mediation",
            &office,
            &ActionInput::default(),
            at(3, 2, 11),
            &cal,
        )
        .unwrap();
        assert!(case.clock.is_none(), "the dispute's own clock runs instead");
        assert!(matches!(
            act(
                &mut case,
                "mediation_succeeded",
                &office,
                &ActionInput::default(),
                at(3, 3, 9),
                &cal
            ),
            Err(Refusal::NotParty { .. })
        ));
        assert!(matches!(
            act(
                &mut case,
                "progress",
                &office,
                &reason("走访"),
                at(3, 3, 9),
                &cal
            ),
            Err(Refusal::NotParty { .. })
        ));
        act(
            &mut case,
            "progress",
            &[Party::Leader],
            &reason("走访"),
            at(3, 3, 9),
            &cal,
        )
        .unwrap();
        act(
            &mut case,
            "mediation_succeeded",
            &[Party::Linked],
            &ActionInput::default(),
            at(3, 9, 9),
            &cal,
        )
        .unwrap();
        assert_eq!(case.state.key, "mediated");
    }

    #[test]
    fn a_collective_petition_names_one_to_five_representatives() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let person = |role: &str, name: &str| PartyInput {
            role: role.into(),
            name: name.into(),
            ..PartyInput::default()
        };
        let (list, people, collective) =
            validate_petitioners(&[person("", "张三")], None, today).unwrap();
        assert_eq!((list.len(), people, collective), (1, 1, false));
        assert_eq!(list[0].role, PetitionerRole::Petitioner);
        assert_eq!(list[0].name_masked, "张*");
        let err =
            validate_petitioners(&[person("petitioner", "张三")], Some(30), today).unwrap_err();
        assert!(err.contains("代表人"), "{err}");
        let six: Vec<_> = (0..6)
            .map(|i| person("representative", &format!("代表{i}")))
            .collect();
        assert!(validate_petitioners(&six, Some(30), today).is_err());
        let (_, people, collective) = validate_petitioners(&six[..3], Some(30), today).unwrap();
        assert_eq!((people, collective), (30, true));
        assert!(validate_petitioners(&six[..1], Some(2), today).is_err());
        assert!(validate_petitioners(&[], None, today).is_err());
        assert!(validate_petitioners(&[person("x", "张三")], None, today).is_err());
    }

    #[test]
    fn codes_parse_by_key_or_label_and_rates_round_to_one_decimal() {
        assert_eq!(PetitionChannel::parse("来访"), Some(PetitionChannel::Visit));
        assert_eq!(PetitionClass::parse("claim"), Some(PetitionClass::Claim));
        assert_eq!(
            RouteMode::parse("交办").map(RouteMode::action),
            Some("assign")
        );
        assert_eq!(rate(2, 3), Some(66.7));
        assert_eq!(rate(0, 0), None);
        assert!(skips_level(true, false));
        assert!(!skips_level(true, true));
        assert!(!skips_level(false, false));
        assert_eq!(hearing_days(at(5, 1, 23), at(5, 1, 23)), 1);
    }
}
