//! 矛盾纠纷 — the dispute kind: a dispute taken in by 排查, a party's application or a referral
//! (诉调/检调/公调/访调对接) and carried through 登记 → 受理 → 分流 to a mediation organisation →
//! 调解中 → 调解成功 (书面/口头协议) → 履行 with 回访 → 司法确认 → 归档, or 调解不成 → 上级调解 /
//! 转出 (裁/审) / 告知诉讼. Periods follow 人民调解工作若干规定 Art 36 (调解 within 30 days,
//! extendable with both parties' consent) and 人民调解法 Art 33 (司法确认 applied for within 30
//! days of the agreement), counted as statutory periods on the work calendar.

use super::{
    ActionSpec, Effect, Guard, KindSpec, Need, Party, SUPERVISE, StateSpec, StepLimit, Target,
    TimeLimit, URGE, action, state,
};
use crate::calendar::TimeUnit;
use crate::identity::{IdNumber, PhoneNumber, mask_name};
use crate::labelled::labelled;
use crate::place::uscc_valid;
use chrono::{DateTime, NaiveDate, Utc};

use super::statutory_days as days;

const fn work_days(n: u32) -> StepLimit {
    StepLimit::Fixed(TimeLimit::new(n, TimeUnit::WorkDays))
}

/// The states of a dispute.
pub const STATES: &[StateSpec] = &[
    state("registered", "待受理", true, work_days(3)),
    state("accepted", "待分流", true, work_days(2)),
    state("mediating", "调解中", true, days(30)),
    state("failed", "调解不成", true, work_days(3)),
    state("performing", "履行中", true, days(30)),
    state("confirming", "司法确认中", true, days(15)),
    state("confirmed", "已司法确认", true, work_days(5)),
    state("confirmation_rejected", "司法确认驳回", true, work_days(5)),
    state("referred", "已转出", false, StepLimit::None),
    state("refused", "不予受理", false, StepLimit::None),
    state("archived", "已归档", false, StepLimit::None),
];

/// The hub that owns the dispute, or the mediation organisation it lies with (a department on
/// the case: its mediators hold 部门承办).
const HUB_OR_MEDIATOR: &[Party] = &[Party::Hub, Party::Department];
const MEDIATOR: &[Party] = &[Party::Department];
const REASON: &[Need] = &[Need::Reason];

/// The actions on a dispute: the main line first, then the exceptions.
pub const ACTIONS: &[ActionSpec] = &[
    action(
        "accept",
        "受理",
        &["registered"],
        Target::State("accepted"),
        HUB_OR_MEDIATOR,
        &[],
    ),
    ActionSpec {
        effect: Effect::AssignDepartments,
        ..action(
            "assign",
            "分流调解",
            &["accepted", "confirmation_rejected"],
            Target::State("mediating"),
            HUB_OR_MEDIATOR,
            &[Need::Department],
        )
    },
    action(
        "record_session",
        "记录调解",
        &["mediating"],
        Target::Stay,
        MEDIATOR,
        REASON,
    ),
    action(
        "succeed",
        "调解成功",
        &["mediating"],
        Target::State("performing"),
        MEDIATOR,
        &[],
    ),
    action(
        "follow_up",
        "回访",
        &["performing", "confirmed"],
        Target::Stay,
        &[Party::Hub, Party::Department, Party::GridWorker],
        REASON,
    ),
    ActionSpec {
        guard: Guard::BeforeDeadline,
        ..action(
            "apply_confirmation",
            "申请司法确认",
            &["performing"],
            Target::State("confirming"),
            HUB_OR_MEDIATOR,
            &[],
        )
    },
    action(
        "confirm",
        "司法确认有效",
        &["confirming"],
        Target::State("confirmed"),
        HUB_OR_MEDIATOR,
        &[],
    ),
    action(
        "reject_confirmation",
        "司法确认驳回",
        &["confirming"],
        Target::State("confirmation_rejected"),
        HUB_OR_MEDIATOR,
        REASON,
    ),
    action(
        "archive",
        "归档",
        &["performing", "confirmed", "confirmation_rejected", "failed"],
        Target::State("archived"),
        HUB_OR_MEDIATOR,
        &[],
    ),
    action(
        "refuse",
        "不予受理",
        &["registered", "accepted"],
        Target::State("refused"),
        HUB_OR_MEDIATOR,
        REASON,
    ),
    ActionSpec {
        effect: Effect::Extend,
        ..action(
            "extend",
            "延长调解期限",
            &["mediating"],
            Target::Stay,
            MEDIATOR,
            &[Need::Reason, Need::ExtensionDays],
        )
    },
    action(
        "fail",
        "调解不成",
        &["mediating"],
        Target::State("failed"),
        MEDIATOR,
        REASON,
    ),
    ActionSpec {
        guard: Guard::BelowDistrict,
        effect: Effect::Escalate,
        ..action(
            "escalate",
            "提交上级调解",
            &["failed"],
            Target::State("accepted"),
            HUB_OR_MEDIATOR,
            REASON,
        )
    },
    action(
        "refer",
        "转出（仲裁、诉讼或转办）",
        &["accepted", "failed"],
        Target::State("referred"),
        HUB_OR_MEDIATOR,
        REASON,
    ),
    SUPERVISE,
    URGE,
];

/// The dispute kind.
pub static DISPUTE: KindSpec = KindSpec {
    key: "dispute",
    label: "矛盾纠纷",
    number_prefix: "JF",
    states: STATES,
    actions: ACTIONS,
    yellow_percent: 80,
    confidential: false,
};

/// The states in which a dispute counts as mediated successfully (调解成功数).
pub const SUCCEEDED_STATES: &[&str] = &["performing", "confirming", "confirmed"];

labelled! {
    /// 纠纷类型 — the 15 types of the 人民调解 statistics, in their canonical order.
    DisputeType {
        Family = "01", "婚姻家庭纠纷";
        Neighbour = "02", "邻里纠纷";
        Housing = "03", "房屋宅基地纠纷";
        Contract = "04", "合同纠纷";
        Business = "05", "生产经营纠纷";
        Damages = "06", "损害赔偿纠纷";
        Land = "07", "山林土地纠纷";
        Demolition = "08", "征地拆迁纠纷";
        Pollution = "09", "环境污染纠纷";
        Labour = "10", "劳动争议纠纷";
        Consumer = "11", "消费纠纷";
        Medical = "12", "医疗纠纷";
        Traffic = "13", "道路交通事故纠纷";
        Property = "14", "物业纠纷";
        Other = "15", "其他纠纷";
    }
}

impl DisputeType {
    /// The sub-types (二级分类) of this type.
    pub const fn sub_types(self) -> &'static [&'static str] {
        match self {
            DisputeType::Family => &["离婚", "赡养", "抚养", "继承", "家庭暴力", "分家析产"],
            DisputeType::Neighbour => &["相邻通行", "采光通风", "排水", "噪音", "饲养动物"],
            DisputeType::Housing => &["宅基地界址", "房屋买卖", "房屋租赁", "建房施工"],
            DisputeType::Contract => &["民间借贷", "买卖合同", "承揽合同", "租赁合同"],
            DisputeType::Business => &["合伙经营", "农资农技", "养殖种植"],
            DisputeType::Damages => &["人身损害", "财产损害", "动物致害"],
            DisputeType::Land => &["土地承包经营权", "林权", "土地流转"],
            DisputeType::Demolition => &["补偿安置", "征收范围"],
            DisputeType::Pollution => &["噪声污染", "水污染", "大气污染", "固体废物"],
            DisputeType::Labour => &["拖欠农民工工资", "工伤", "劳动合同", "社会保险"],
            DisputeType::Consumer => &["商品质量", "服务合同", "预付卡"],
            DisputeType::Medical => &["医疗损害", "医疗费用"],
            DisputeType::Traffic => &["人身伤亡", "财产损失", "保险理赔"],
            DisputeType::Property => &["物业服务费", "公共设施", "停车管理"],
            DisputeType::Other => &[],
        }
    }

    /// Whether a 行业性专业性 committee exists for the type (交通, 医疗, 劳动, 物业, 婚姻家庭).
    pub const fn professional(self) -> bool {
        matches!(
            self,
            DisputeType::Traffic
                | DisputeType::Medical
                | DisputeType::Labour
                | DisputeType::Property
                | DisputeType::Family
        )
    }
}

labelled! {
    /// 纠纷来源 — how a dispute reached mediation.
    DisputeSource {
        /// 主动调解 found by 排查.
        Screening = "screening", "排查发现";
        /// 当事人申请调解.
        Application = "application", "当事人申请";
        /// 公调对接: from a 110 call.
        Police = "police_110", "110公调对接";
        /// 诉调对接: 委派 before filing.
        CourtDelegated = "court_delegated", "法院委派";
        /// 诉调对接: 委托 after filing.
        CourtEntrusted = "court_entrusted", "法院委托";
        /// 检调对接.
        Procuratorate = "procuratorate", "检察院移送";
        /// 访调对接.
        Petition = "petition", "信访转入";
        Hotline = "hotline_12345", "12345转办";
        /// 网格员上报.
        Grid = "grid", "网格上报";
        /// Converted from an event (事件转矛盾纠纷).
        Event = "event", "事件转入";
    }
}

impl DisputeSource {
    /// What the referring body's own number is called, for the sources that carry one.
    pub const fn external_ref_label(self) -> Option<&'static str> {
        match self {
            DisputeSource::CourtDelegated | DisputeSource::CourtEntrusted => Some("法院案号"),
            DisputeSource::Procuratorate => Some("检察院案件编号"),
            DisputeSource::Police => Some("警情编号"),
            DisputeSource::Petition => Some("信访件编号"),
            DisputeSource::Hotline => Some("12345工单号"),
            _ => None,
        }
    }

    /// Whether the dispute came from another body (接受委托移送调解), as the statistics count.
    pub const fn referred(self) -> bool {
        self.external_ref_label().is_some()
    }
}

labelled! {
    /// 纠纷规模.
    DisputeScale {
        Individual = "individual", "个体性";
        /// 群体性: five or more people on one side.
        Group = "group", "群体性";
    }
}

labelled! {
    /// 当事人身份.
    PartyRole {
        Applicant = "applicant", "申请人";
        Respondent = "respondent", "被申请人";
    }
}

labelled! {
    /// 调解协议形式 (人民调解法 Art 28).
    AgreementKind {
        Written = "written", "书面协议";
        Oral = "oral", "口头协议";
    }
}

labelled! {
    /// 调解组织类型.
    OrganisationKind {
        Village = "village", "村（居）人民调解委员会";
        Township = "township", "乡镇（街道）人民调解委员会";
        District = "district", "区人民调解委员会";
        /// 行业性专业性调委会 (交通事故, 医疗, 劳动, 物业, 婚姻家庭).
        Professional = "professional", "行业性专业性人民调解委员会";
        /// 公调对接.
        PoliceRoom = "police_room", "派出所人民调解室";
        /// 诉调对接: 诉讼服务中心特邀调解.
        CourtInvited = "court_invited", "法院特邀调解组织";
        /// 访调对接.
        PetitionRoom = "petition_room", "信访接待中心调解室";
    }
}

labelled! {
    /// 排查类型.
    ScreeningKind {
        /// 集中排查: every unit, on a schedule.
        Centralised = "centralised", "集中排查";
        /// 专项排查: one topic (涉疫, 婚姻家庭, 劳资 …).
        Special = "special", "专项排查";
    }
}

labelled! {
    /// Which units a 排查 asks for a report.
    ScreeningLevel {
        Village = "village", "村（社区）";
        Grid = "grid", "网格";
    }
}

/// Checks a 排查 campaign as entered: a name, a topic for a 专项排查, a due day not before today
/// and within a year.
pub fn check_screening(
    name: &str,
    kind: ScreeningKind,
    topic: Option<&str>,
    due: NaiveDate,
    today: NaiveDate,
) -> Result<(String, Option<String>), String> {
    let name = name.trim();
    if !(2..=60).contains(&name.chars().count()) {
        return Err("排查名称应为 2 到 60 个字".into());
    }
    let topic = topic.map(str::trim).filter(|t| !t.is_empty());
    if topic.is_some_and(|t| t.chars().count() > 30) {
        return Err("排查主题不能超过 30 个字".into());
    }
    if kind == ScreeningKind::Special && topic.is_none() {
        return Err("专项排查须填写主题，如 涉疫、婚姻家庭、劳资纠纷".into());
    }
    if due < today || due > today + chrono::Duration::days(366) {
        return Err("报告截止日期应在今天到一年之内".into());
    }
    Ok((name.to_owned(), topic.map(str::to_owned)))
}

/// A group dispute has at least this many people.
pub const GROUP_MIN_PEOPLE: u32 = 5;
/// The most parties one dispute may list.
pub const MAX_PARTIES: usize = 50;
/// The largest amount accepted, in yuan (a typo guard: ten billion).
pub const MAX_AMOUNT_YUAN: f64 = 10_000_000_000.0;

/// 当事人 — one party as entered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartyInput {
    pub role: String,
    pub name: String,
    /// A person's 公民身份号码 (optional).
    pub id_number: Option<String>,
    pub phone: Option<String>,
    /// An organisation's 统一社会信用代码: makes the party an organisation.
    pub credit_code: Option<String>,
}

/// A party after validation, in a role of its kind (a dispute's 申请人 or 被申请人, a petition's
/// 信访人 or 代表人).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidParty<R = PartyRole> {
    pub role: R,
    pub name: String,
    pub name_masked: String,
    pub id_number: Option<IdNumber>,
    pub phone: Option<PhoneNumber>,
    pub credit_code: Option<String>,
}

impl PartyInput {
    /// Checks one party; `n` is its place in the list (1-based) for the message.
    pub fn validate(&self, n: usize, today: NaiveDate) -> Result<ValidParty, String> {
        let role = PartyRole::parse(&self.role).ok_or_else(|| {
            format!("第 {n} 位当事人的身份 role 应为 applicant（申请人）或 respondent（被申请人）")
        })?;
        self.validate_as(role, "当事人", n, today)
    }

    /// Checks the name, identifiers and phone of a party whose role the caller has settled;
    /// `who` names such parties in the messages (当事人, 信访人).
    pub fn validate_as<R>(
        &self,
        role: R,
        who: &str,
        n: usize,
        today: NaiveDate,
    ) -> Result<ValidParty<R>, String> {
        let name = self.name.trim();
        if !(1..=60).contains(&name.chars().count()) {
            return Err(format!("第 {n} 位{who}的姓名或名称必填，不超过 60 个字"));
        }
        let present = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let credit_code = match present(&self.credit_code).map(|c| c.to_uppercase()) {
            Some(c) if uscc_valid(&c) => Some(c),
            Some(_) => {
                return Err(format!(
                    "第 {n} 位{who}的统一社会信用代码应为 18 位（GB 32100），末位校验码不符"
                ));
            }
            None => None,
        };
        let id_number = match present(&self.id_number) {
            Some(_) if credit_code.is_some() => {
                return Err(format!(
                    "第 {n} 位{who}是组织（填了统一社会信用代码），不应再填公民身份号码"
                ));
            }
            Some(raw) => Some(
                IdNumber::parse(&raw, today)
                    .map_err(|e| format!("第 {n} 位{who}的公民身份号码有误：{e}"))?,
            ),
            None => None,
        };
        let phone = match present(&self.phone) {
            Some(raw) => Some(
                PhoneNumber::parse(&raw)
                    .map_err(|e| format!("第 {n} 位{who}的联系电话有误：{e}"))?,
            ),
            None => None,
        };
        Ok(ValidParty {
            role,
            name_masked: if credit_code.is_some() {
                name.to_owned()
            } else {
                mask_name(name)
            },
            name: name.to_owned(),
            id_number,
            phone,
            credit_code,
        })
    }
}

/// Checks a list of parties: at least one on each side, at most [`MAX_PARTIES`].
pub fn validate_parties(
    parties: &[PartyInput],
    today: NaiveDate,
) -> Result<Vec<ValidParty>, String> {
    if parties.len() > MAX_PARTIES {
        return Err(format!(
            "当事人最多 {MAX_PARTIES} 位，群体性纠纷请填写代表人"
        ));
    }
    let valid = parties
        .iter()
        .enumerate()
        .map(|(i, p)| p.validate(i + 1, today))
        .collect::<Result<Vec<_>, _>>()?;
    for (role, word) in [
        (PartyRole::Applicant, "申请人"),
        (PartyRole::Respondent, "被申请人"),
    ] {
        if !valid.iter().any(|p| p.role == role) {
            return Err(format!("请至少填写一位{word}（纠纷须有双方当事人）"));
        }
    }
    Ok(valid)
}

/// The size and money of a dispute, checked: (scale, people, amount in fen).
pub fn check_scale(
    people_count: Option<u32>,
    amount_yuan: Option<f64>,
) -> Result<(DisputeScale, u32, Option<i64>), String> {
    let people = people_count.unwrap_or(2);
    if !(1..=100_000).contains(&people) {
        return Err("涉及人数 people_count 应在 1 到 100000 之间".into());
    }
    let scale = if people >= GROUP_MIN_PEOPLE {
        DisputeScale::Group
    } else {
        DisputeScale::Individual
    };
    let fen = match amount_yuan {
        None => None,
        Some(a) if a.is_finite() && (0.0..=MAX_AMOUNT_YUAN).contains(&a) => {
            // Whole fen: money is never a float once stored.
            Some((a * 100.0).round() as i64)
        }
        Some(_) => return Err("涉及金额 amount_yuan 应为 0 到 100 亿元之间的数".into()),
    };
    Ok((scale, people, fen))
}

/// 调解记录 — one mediation session as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInput {
    pub held_at: Option<DateTime<Utc>>,
    /// 调解地点.
    pub place: Option<String>,
    /// A video-meeting link (视频调解).
    pub video_link: Option<String>,
    /// 参加人员.
    pub attendees: Option<String>,
}

/// A session after validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSession {
    pub held_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub attendees: String,
}

impl SessionInput {
    /// Checks a session recorded at `now`: a time not in the future, a place or a video link.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<ValidSession, String> {
        let held_at = self.held_at.unwrap_or(now);
        if held_at > now + chrono::Duration::minutes(5) {
            return Err("调解时间不能晚于现在：请在调解后记录".into());
        }
        let text = |s: &Option<String>, max: usize, what: &str| -> Result<Option<String>, String> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(t) if t.chars().count() > max => Err(format!("{what}不能超过 {max} 个字")),
                t => Ok(t.map(str::to_owned)),
            }
        };
        let place = text(&self.place, 100, "调解地点")?;
        let video_link = text(&self.video_link, 300, "视频调解链接")?;
        if let Some(link) = &video_link
            && !(link.starts_with("https://") || link.starts_with("http://"))
        {
            return Err("视频调解链接应以 https:// 或 http:// 开头".into());
        }
        if place.is_none() && video_link.is_none() {
            return Err("请填写调解地点，视频调解请填写会议链接".into());
        }
        let attendees = text(&self.attendees, 500, "参加人员")?
            .ok_or("请填写参加人员（当事人、调解员及其他参加人）")?;
        Ok(ValidSession {
            held_at,
            place,
            video_link,
            attendees,
        })
    }
}

/// Checks the content of an agreement (人民调解法 Art 28–29): the agreed matters, as text.
pub fn check_agreement(
    kind: Option<&str>,
    content: Option<&str>,
) -> Result<(AgreementKind, String), String> {
    let kind = kind
        .and_then(AgreementKind::parse)
        .ok_or("请选择协议形式 agreement：written（书面协议）或 oral（口头协议）")?;
    let content = content.map(str::trim).unwrap_or_default();
    if !(4..=5000).contains(&content.chars().count()) {
        return Err("请填写协议内容（达成的协议事项、履行方式和期限），4 到 5000 字".into());
    }
    Ok((kind, content.to_owned()))
}

/// 调解成功率 as the statistics state it: succeeded ÷ concluded (succeeded + failed), one decimal
/// in percent; none when nothing was concluded.
pub fn success_rate(succeeded: i64, failed: i64) -> Option<f64> {
    let concluded = succeeded + failed;
    (concluded > 0).then(|| (succeeded as f64 * 1000.0 / concluded as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgCode;
    use crate::calendar::{WorkCalendar, official_2026};
    use crate::case::{ActionInput, CaseCore, Refusal, apply, decide};
    use chrono::TimeZone;

    fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        crate::time::shanghai()
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .to_utc()
    }

    fn new_case(cal: &WorkCalendar, now: DateTime<Utc>) -> CaseCore {
        CaseCore::received(
            &DISPUTE,
            "registered",
            OrgCode::parse("511702001").unwrap(),
            TimeLimit::new(30, TimeUnit::StatutoryDays),
            now,
            cal,
        )
        .unwrap()
    }

    fn act(
        case: &mut CaseCore,
        key: &str,
        input: &ActionInput,
        now: DateTime<Utc>,
        cal: &WorkCalendar,
    ) -> Result<(), Refusal> {
        let parties = [Party::Hub, Party::Department];
        let spec = decide(case.kind, &case.facts(now), key, &parties, input)?;
        apply(spec, case, input, now, cal).map(|_| ())
    }

    fn reason(r: &str) -> ActionInput {
        ActionInput {
            reason: Some(r.into()),
            ..ActionInput::default()
        }
    }

    #[test]
    fn mediation_runs_thirty_days_on_the_work_calendar_and_may_be_extended() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(9, 1, 10));
        act(
            &mut case,
            "accept",
            &ActionInput::default(),
            at(9, 1, 11),
            &cal,
        )
        .unwrap();
        let org = ActionInput {
            department: Some(9),
            ..ActionInput::default()
        };
        act(&mut case, "assign", &org, at(9, 5, 10), &cal).unwrap();
        assert_eq!(case.state.key, "mediating");
        // 30 days from 5 September end on 5 October, inside 国庆: the period ends on 8 October.
        assert_eq!(
            case.clock.unwrap().deadline,
            at(10, 8, 17) + chrono::Duration::minutes(30)
        );
        let more = ActionInput {
            reason: Some("双方同意延长".into()),
            extension_days: Some(10),
            ..ActionInput::default()
        };
        act(&mut case, "extend", &more, at(10, 1, 10), &cal).unwrap();
        assert_eq!(
            case.clock.unwrap().deadline,
            at(10, 19, 17) + chrono::Duration::minutes(30)
        );
        assert_eq!(case.state.key, "mediating", "extending keeps the state");
    }

    #[test]
    fn confirmation_is_applied_for_within_thirty_days_of_the_agreement() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(11, 2, 9));
        act(
            &mut case,
            "accept",
            &ActionInput::default(),
            at(11, 2, 9),
            &cal,
        )
        .unwrap();
        let org = ActionInput {
            department: Some(9),
            ..ActionInput::default()
        };
        act(&mut case, "assign", &org, at(11, 2, 10), &cal).unwrap();
        act(
            &mut case,
            "succeed",
            &ActionInput::default(),
            at(11, 2, 11),
            &cal,
        )
        .unwrap();
        assert_eq!(case.state.key, "performing");
        let mut late = case.clone();
        let refused = act(
            &mut late,
            "apply_confirmation",
            &ActionInput::default(),
            at(12, 3, 9),
            &cal,
        );
        assert!(matches!(refused, Err(Refusal::Guard(_))), "{refused:?}");
        act(
            &mut case,
            "apply_confirmation",
            &ActionInput::default(),
            at(12, 2, 9),
            &cal,
        )
        .unwrap();
        assert_eq!(case.state.key, "confirming");
        act(
            &mut case,
            "confirm",
            &ActionInput::default(),
            at(12, 4, 9),
            &cal,
        )
        .unwrap();
        act(
            &mut case,
            "archive",
            &ActionInput::default(),
            at(12, 4, 10),
            &cal,
        )
        .unwrap();
        assert!(!case.open());
    }

    #[test]
    fn a_failed_mediation_climbs_a_level_and_stops_at_the_district() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(11, 2, 9));
        case.owner_org = OrgCode::parse("511702001001").unwrap();
        for (key, input) in [
            ("accept", ActionInput::default()),
            (
                "assign",
                ActionInput {
                    department: Some(9),
                    ..ActionInput::default()
                },
            ),
            ("fail", reason("一方拒绝调解")),
            ("escalate", reason("村调解不成，提交镇调委会")),
        ] {
            act(&mut case, key, &input, at(11, 3, 9), &cal).unwrap();
        }
        assert_eq!(
            (case.state.key, case.owner_org.as_str()),
            ("accepted", "511702001")
        );
        case.owner_org = OrgCode::parse("511702").unwrap();
        case.state = DISPUTE.state("failed").unwrap();
        let refused = act(
            &mut case,
            "escalate",
            &reason("再上一级"),
            at(11, 4, 9),
            &cal,
        );
        assert!(matches!(refused, Err(Refusal::Guard(_))));
        act(
            &mut case,
            "refer",
            &reason("告知当事人向人民法院起诉"),
            at(11, 4, 9),
            &cal,
        )
        .unwrap();
        assert_eq!(case.state.key, "referred");
        assert!(!case.open());
    }

    #[test]
    fn only_the_mediating_organisation_records_sessions_and_outcomes() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = new_case(&cal, at(11, 2, 9));
        case.state = DISPUTE.state("mediating").unwrap();
        for key in ["record_session", "succeed", "fail", "extend"] {
            let refused = decide(
                &DISPUTE,
                &case.facts(at(11, 2, 9)),
                key,
                &[Party::Hub],
                &reason("x"),
            );
            assert!(matches!(refused, Err(Refusal::NotParty { .. })), "{key}");
        }
    }

    #[test]
    fn parties_need_both_sides_and_valid_identifiers() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let party = |role: &str, name: &str| PartyInput {
            role: role.into(),
            name: name.into(),
            ..PartyInput::default()
        };
        let only_one = validate_parties(&[party("applicant", "张三")], today);
        assert_eq!(
            only_one.unwrap_err(),
            "请至少填写一位被申请人（纠纷须有双方当事人）"
        );
        let ok = validate_parties(
            &[party("applicant", "张三丰"), party("被申请人", "李四")],
            today,
        )
        .unwrap();
        assert_eq!(ok[0].name_masked, "张**");
        let bad_id = PartyInput {
            id_number: Some("511702199001011234".into()),
            ..party("applicant", "王五")
        };
        assert!(
            bad_id
                .validate(1, today)
                .unwrap_err()
                .starts_with("第 1 位当事人的公民身份号码有误")
        );
        let company = PartyInput {
            credit_code: Some("91511702MA62L7XX1A".into()),
            ..party("respondent", "某物业公司")
        };
        assert!(
            company
                .validate(2, today)
                .unwrap_err()
                .contains("统一社会信用代码")
        );
        let bad_role = party("witness", "赵六").validate(3, today);
        assert!(bad_role.unwrap_err().contains("role"));
    }

    #[test]
    fn scale_money_sessions_and_agreements_are_checked() {
        assert_eq!(
            check_scale(None, Some(1234.565)).unwrap(),
            (DisputeScale::Individual, 2, Some(123_457))
        );
        assert_eq!(check_scale(Some(12), None).unwrap().0, DisputeScale::Group);
        assert!(check_scale(Some(0), None).is_err());
        assert!(check_scale(None, Some(-1.0)).is_err());
        assert!(check_scale(None, Some(f64::NAN)).is_err());
        let now = at(12, 7, 10);
        let s = SessionInput {
            held_at: None,
            place: None,
            video_link: None,
            attendees: Some("双方当事人、调解员".into()),
        };
        assert_eq!(
            s.validate(now).unwrap_err(),
            "请填写调解地点，视频调解请填写会议链接"
        );
        let video = SessionInput {
            video_link: Some("javascript:alert(1)".into()),
            ..s.clone()
        };
        assert!(video.validate(now).unwrap_err().contains("https://"));
        let ok = SessionInput {
            place: Some("村调解室".into()),
            ..s
        };
        assert_eq!(ok.validate(now).unwrap().held_at, now);
        assert!(
            check_agreement(Some("written"), Some("赔偿 2000 元，于 12 月 31 日前付清")).is_ok()
        );
        assert!(check_agreement(Some("sealed"), Some("赔偿 2000 元")).is_err());
        assert!(check_agreement(Some("oral"), Some("  ")).is_err());
        assert_eq!(success_rate(96, 4), Some(96.0));
        assert_eq!(success_rate(2, 1), Some(66.7));
        assert_eq!(success_rate(0, 0), None);
    }

    #[test]
    fn a_screening_needs_a_name_a_topic_when_special_and_a_due_day_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let check = |name, kind, topic, due| check_screening(name, kind, topic, due, today);
        assert_eq!(
            check(
                "年底矛盾纠纷集中排查",
                ScreeningKind::Centralised,
                None,
                due
            )
            .unwrap(),
            ("年底矛盾纠纷集中排查".to_owned(), None)
        );
        assert!(check("涉疫排查", ScreeningKind::Special, Some(" "), due).is_err());
        assert!(check("x", ScreeningKind::Centralised, None, due).is_err());
        let yesterday = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert!(check("年底排查", ScreeningKind::Centralised, None, yesterday).is_err());
    }

    #[test]
    fn types_and_sources_parse_by_code_or_label() {
        assert_eq!(DisputeType::ALL.len(), 15);
        assert_eq!(
            DisputeType::parse("道路交通事故纠纷"),
            Some(DisputeType::Traffic)
        );
        assert_eq!(DisputeType::parse("13"), Some(DisputeType::Traffic));
        assert!(DisputeType::Labour.sub_types().contains(&"拖欠农民工工资"));
        assert_eq!(
            DisputeSource::parse("police_110"),
            Some(DisputeSource::Police)
        );
        assert_eq!(DisputeSource::Police.external_ref_label(), Some("警情编号"));
        assert!(!DisputeSource::Screening.referred());
    }
}
