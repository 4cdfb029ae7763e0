//! 事件 — the event kind: a problem reported from any channel and carried through
//! 上报 → 受理 → 立案 → 派遣 → 签收 → 处置 → 反馈 → 核查 → 结案 → 评价, with the exceptions the
//! hubs use (不予立案, 回退, 争议, 延期, 督办, 催办, 提级, 挂账, 合并, 强制结案).

use super::{
    ActionSpec, Effect, Guard, KindSpec, Need, Party, SUPERVISE, StateSpec, StepLimit, Target,
    TimeLimit, URGE, action, state,
};
use crate::calendar::TimeUnit;
use serde::{Deserialize, Serialize};

pub mod category;

const ONE_WORK_HOUR: StepLimit = StepLimit::Fixed(TimeLimit::new(1, TimeUnit::WorkHours));

/// The states of an event.
pub const STATES: &[StateSpec] = &[
    state("reported", "待受理", true, ONE_WORK_HOUR),
    state("accepted", "待立案", true, ONE_WORK_HOUR),
    state("registered", "待派遣", true, ONE_WORK_HOUR),
    state("disputed", "争议待裁定", true, ONE_WORK_HOUR),
    state("dispatched", "待签收", true, ONE_WORK_HOUR),
    state("handling", "处置中", true, StepLimit::Handling),
    state("shelved", "已挂账", true, StepLimit::None),
    state(
        "fed_back",
        "待核查",
        true,
        StepLimit::Fixed(TimeLimit::new(1, TimeUnit::WorkDays)),
    ),
    state("closed", "已结案", false, StepLimit::None),
    state("evaluated", "已评价", false, StepLimit::None),
    state("rejected", "不予立案", false, StepLimit::None),
    state("merged", "已合并", false, StepLimit::None),
    state("converted", "已转矛盾纠纷", false, StepLimit::None),
];

const HUB: &[Party] = &[Party::Hub];
const DEPARTMENT: &[Party] = &[Party::Department];
const REASON: &[Need] = &[Need::Reason];
const PRE_DISPATCH: &[&str] = &["reported", "accepted", "registered", "disputed"];

/// The actions on an event: the main line first (pages offer them in this order), then the
/// exceptions.
pub const ACTIONS: &[ActionSpec] = &[
    action(
        "accept",
        "受理",
        &["reported"],
        Target::State("accepted"),
        HUB,
        &[],
    ),
    action(
        "register",
        "立案",
        &["accepted"],
        Target::State("registered"),
        HUB,
        &[],
    ),
    ActionSpec {
        effect: Effect::AssignDepartments,
        ..action(
            "dispatch",
            "派遣",
            &["registered", "disputed"],
            Target::State("dispatched"),
            HUB,
            &[Need::Department],
        )
    },
    action(
        "sign",
        "签收",
        &["dispatched"],
        Target::State("handling"),
        DEPARTMENT,
        &[],
    ),
    action(
        "feedback",
        "反馈处置结果",
        &["handling"],
        Target::State("fed_back"),
        DEPARTMENT,
        REASON,
    ),
    action(
        "verify",
        "核查通过并结案",
        &["fed_back"],
        Target::State("closed"),
        &[Party::Hub, Party::GridWorker],
        &[],
    ),
    ActionSpec {
        effect: Effect::Rate,
        ..action(
            "evaluate",
            "评价",
            &["closed"],
            Target::State("evaluated"),
            &[Party::Hub, Party::Reporter],
            &[Need::Rating],
        )
    },
    action(
        "resume",
        "恢复办理",
        &["shelved"],
        Target::State("handling"),
        HUB,
        &[],
    ),
    ActionSpec {
        guard: Guard::ExtensionPending,
        effect: Effect::ApproveExtension,
        ..action(
            "approve_extension",
            "批准延期",
            &["handling"],
            Target::Stay,
            HUB,
            &[],
        )
    },
    action(
        "reject",
        "不予立案",
        &["reported", "accepted"],
        Target::State("rejected"),
        HUB,
        REASON,
    ),
    ActionSpec {
        effect: Effect::ClearDepartments,
        ..action(
            "return",
            "回退",
            &["dispatched", "handling"],
            Target::State("registered"),
            DEPARTMENT,
            REASON,
        )
    },
    action(
        "dispute",
        "提出派遣争议",
        &["dispatched"],
        Target::State("disputed"),
        DEPARTMENT,
        REASON,
    ),
    ActionSpec {
        guard: Guard::NoExtensionPending,
        effect: Effect::RequestExtension,
        ..action(
            "request_extension",
            "申请延期",
            &["handling"],
            Target::Stay,
            DEPARTMENT,
            &[Need::Reason, Need::ExtensionDays],
        )
    },
    ActionSpec {
        guard: Guard::ExtensionPending,
        effect: Effect::DenyExtension,
        ..action(
            "deny_extension",
            "驳回延期",
            &["handling"],
            Target::Stay,
            HUB,
            REASON,
        )
    },
    action(
        "shelve",
        "挂账",
        &["handling"],
        Target::State("shelved"),
        &[Party::Department, Party::Hub],
        REASON,
    ),
    ActionSpec {
        effect: Effect::ClearDepartments,
        ..action(
            "reopen",
            "核查不通过",
            &["fed_back"],
            Target::State("registered"),
            &[Party::Hub, Party::GridWorker],
            REASON,
        )
    },
    ActionSpec {
        effect: Effect::MergeInto,
        ..action(
            "merge",
            "合并到其他案件",
            &["reported", "accepted", "registered"],
            Target::State("merged"),
            HUB,
            &[Need::MergeTarget],
        )
    },
    action(
        "to_dispute",
        "转为矛盾纠纷",
        PRE_DISPATCH,
        Target::State("converted"),
        HUB,
        &[],
    ),
    ActionSpec {
        guard: Guard::BelowDistrict,
        effect: Effect::Escalate,
        ..action(
            "escalate",
            "提级上报",
            PRE_DISPATCH,
            Target::Stay,
            HUB,
            REASON,
        )
    },
    SUPERVISE,
    URGE,
    ActionSpec {
        audited: true,
        ..action(
            "force_close",
            "强制结案",
            &[],
            Target::State("closed"),
            &[Party::Commander],
            REASON,
        )
    },
];

/// The event kind.
pub static EVENT: KindSpec = KindSpec {
    key: "event",
    label: "事件",
    number_prefix: "SJ",
    states: STATES,
    actions: ACTIONS,
    yellow_percent: 80,
    confidential: false,
};

/// The state of a new event: waiting for the hub, or — fixed on the spot by the grid worker who
/// reports it (自行处置) — waiting for verification.
pub const fn initial_state(self_resolved: bool) -> &'static str {
    if self_resolved {
        "fed_back"
    } else {
        "reported"
    }
}

/// 来源渠道 — how an event reached the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 网格员上报
    GridWorker,
    /// 群众上报
    Citizen,
    /// 12345 转办
    Hotline12345,
    /// 视频/设备告警
    Video,
    /// 一键报警
    Alarm,
    /// 部门移送
    Department,
    /// 110 联动
    Police110,
    /// Open311 接口 — a citizen app or platform through the Open311 GeoReport v2 interface.
    Open311,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::GridWorker,
        Channel::Citizen,
        Channel::Hotline12345,
        Channel::Video,
        Channel::Alarm,
        Channel::Department,
        Channel::Police110,
        Channel::Open311,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::GridWorker => "grid_worker",
            Channel::Citizen => "citizen",
            Channel::Hotline12345 => "hotline_12345",
            Channel::Video => "video",
            Channel::Alarm => "alarm",
            Channel::Department => "department",
            Channel::Police110 => "police_110",
            Channel::Open311 => "open311",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Channel::GridWorker => "网格员上报",
            Channel::Citizen => "群众上报",
            Channel::Hotline12345 => "12345 转办",
            Channel::Video => "视频/设备告警",
            Channel::Alarm => "一键报警",
            Channel::Department => "部门移送",
            Channel::Police110 => "110 联动",
            Channel::Open311 => "Open311 接口",
        }
    }

    /// Parses the stable name or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.label() == s)
    }

    /// The stable names, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Channel::as_str).join("、")
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ActionInput, CaseFacts, Refusal, decide};
    use super::*;

    fn facts(state: &str) -> CaseFacts {
        CaseFacts {
            state: state.into(),
            extension_pending: false,
            owned_by_district: false,
            deadline_passed: false,
        }
    }

    fn reason(r: &str) -> ActionInput {
        ActionInput {
            reason: Some(r.into()),
            ..Default::default()
        }
    }

    #[test]
    fn every_action_names_known_states_and_parties() {
        for a in ACTIONS {
            for s in a.from {
                assert!(EVENT.state(s).is_some(), "{} from {s}", a.key);
            }
            if let Target::State(s) = a.to {
                assert!(EVENT.state(s).is_some(), "{} to {s}", a.key);
            }
            assert!(!a.by.is_empty(), "{}", a.key);
        }
        let mut keys: Vec<_> = ACTIONS.iter().map(|a| a.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ACTIONS.len());
    }

    #[test]
    fn the_main_line_runs_from_report_to_evaluation() {
        let steps = [
            ("reported", "accept", Party::Hub, "accepted"),
            ("accepted", "register", Party::Hub, "registered"),
            ("registered", "dispatch", Party::Hub, "dispatched"),
            ("dispatched", "sign", Party::Department, "handling"),
            ("handling", "feedback", Party::Department, "fed_back"),
            ("fed_back", "verify", Party::GridWorker, "closed"),
            ("closed", "evaluate", Party::Reporter, "evaluated"),
        ];
        let input = ActionInput {
            reason: Some("已处理完毕".into()),
            department: Some(1),
            rating: Some(super::super::Rating::Satisfied),
            ..Default::default()
        };
        for (from, act, party, to) in steps {
            let spec = decide(&EVENT, &facts(from), act, &[party], &input).unwrap();
            assert_eq!(spec.to, Target::State(to), "{act}");
        }
    }

    #[test]
    fn refusals_name_the_state_the_party_and_what_is_missing() {
        assert_eq!(
            decide(
                &EVENT,
                &facts("reported"),
                "sign",
                &[Party::Department],
                &reason("x")
            )
            .unwrap_err()
            .to_string(),
            "案件当前为“待受理”，不能签收"
        );
        assert_eq!(
            decide(
                &EVENT,
                &facts("dispatched"),
                "sign",
                &[Party::Hub],
                &reason("x")
            )
            .unwrap_err()
            .to_string(),
            "只有承办部门可以签收"
        );
        assert_eq!(
            decide(
                &EVENT,
                &facts("dispatched"),
                "return",
                &[Party::Department],
                &ActionInput::default()
            ),
            Err(Refusal::Missing(Need::Reason))
        );
        assert_eq!(
            decide(
                &EVENT,
                &facts("handling"),
                "return",
                &[Party::Department],
                &reason("   ")
            ),
            Err(Refusal::Missing(Need::Reason))
        );
        assert!(matches!(
            decide(
                &EVENT,
                &facts("handling"),
                "fly",
                &[Party::Hub],
                &reason("x")
            ),
            Err(Refusal::UnknownAction(_))
        ));
        assert!(matches!(
            decide(
                &EVENT,
                &facts("closed"),
                "urge",
                &[Party::Superior],
                &reason("快")
            ),
            Err(Refusal::WrongState { .. })
        ));
    }

    #[test]
    fn extensions_wait_for_one_answer_and_escalation_stops_at_the_district() {
        let pending = CaseFacts {
            extension_pending: true,
            ..facts("handling")
        };
        let ask = ActionInput {
            reason: Some("需协调供电公司".into()),
            extension_days: Some(3),
            ..Default::default()
        };
        assert!(
            decide(
                &EVENT,
                &facts("handling"),
                "request_extension",
                &[Party::Department],
                &ask
            )
            .is_ok()
        );
        assert_eq!(
            decide(
                &EVENT,
                &pending,
                "request_extension",
                &[Party::Department],
                &ask
            ),
            Err(Refusal::Guard("已有延期申请在等待审批"))
        );
        assert!(decide(&EVENT, &pending, "approve_extension", &[Party::Hub], &ask).is_ok());
        assert!(
            decide(
                &EVENT,
                &facts("handling"),
                "approve_extension",
                &[Party::Hub],
                &ask
            )
            .is_err()
        );
        let too_long = ActionInput {
            extension_days: Some(31),
            ..ask.clone()
        };
        assert_eq!(
            decide(
                &EVENT,
                &facts("handling"),
                "request_extension",
                &[Party::Department],
                &too_long
            ),
            Err(Refusal::Missing(Need::ExtensionDays))
        );
        let district = CaseFacts {
            owned_by_district: true,
            ..facts("registered")
        };
        assert!(
            decide(
                &EVENT,
                &facts("registered"),
                "escalate",
                &[Party::Hub],
                &ask
            )
            .is_ok()
        );
        assert!(decide(&EVENT, &district, "escalate", &[Party::Hub], &ask).is_err());
    }

    #[test]
    fn what_each_party_may_do_on_a_dispatched_case() {
        let keys = |p: Party| -> Vec<&str> {
            EVENT
                .available(&facts("dispatched"), &[p])
                .iter()
                .map(|a| a.key)
                .collect()
        };
        assert_eq!(keys(Party::Department), ["sign", "return", "dispute"]);
        assert_eq!(keys(Party::Superior), ["supervise", "urge"]);
        assert_eq!(keys(Party::Commander), ["force_close"]);
        assert!(keys(Party::GridWorker).is_empty());
    }

    #[test]
    fn channels_parse_by_name_or_label() {
        assert_eq!(Channel::parse("hotline_12345"), Some(Channel::Hotline12345));
        assert_eq!(Channel::parse("110 联动"), Some(Channel::Police110));
        assert_eq!(Channel::parse("wechat"), None);
        assert_eq!(initial_state(true), "fed_back");
    }
}
