//! 案件引擎 — the one engine behind events, disputes, petitions, risk assessments and clues.
//!
//! A kind of case declares its states, its actions (who may take each, from which states, what
//! each requires) and the time limit of each step. [`decide`] checks one action against a case's
//! facts and the actor's relation to the case, and says what follows; [`apply`] carries it out on
//! the case's [`CaseCore`]; the app layer writes the result with its timeline entry. Nothing here
//! does I/O. A kind is registered by one line in [`KINDS`].

pub mod application;
pub mod clue;
pub mod dispute;
mod engine;
pub mod event;
pub mod petition;
pub mod risk;

pub use engine::{CaseCore, Change, apply};

use crate::calendar::{TimeUnit, WorkCalendar};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// 时限 — an amount of a time unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit {
    pub amount: u32,
    pub unit: TimeUnit,
}

impl TimeLimit {
    pub const fn new(amount: u32, unit: TimeUnit) -> Self {
        Self { amount, unit }
    }

    /// "2 工作日", "4 紧急工作时".
    pub fn label(&self) -> String {
        format!("{} {}", self.amount, self.unit.label())
    }
}

/// Where a state's time limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepLimit {
    /// No clock runs (finished states, or states waiting on nobody in particular).
    None,
    /// The kind's own limit for this step.
    Fixed(TimeLimit),
    /// The case's handling limit (set per category, 立结案标准).
    Handling,
}

/// 状态 — one state of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSpec {
    pub key: &'static str,
    pub label: &'static str,
    /// Whether the case is still being worked on.
    pub open: bool,
    pub limit: StepLimit,
}

/// 办理方 — a relation an actor stands in to a case; actions name who may take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The hub (综治中心) that owns the case: its operators and commanders, or those above.
    Hub,
    /// The department the case is dispatched to (主办单位).
    Department,
    /// The grid worker of the grid the case lies in.
    GridWorker,
    /// A commander or leader above the owning hub (督办).
    Superior,
    /// A commander of the owning hub or above, for the actions that override the workflow.
    Commander,
    /// Whoever reported the case.
    Reporter,
    /// 包案领导 — the leader who took the case on; the kind's app module knows who that is.
    Leader,
    /// 承办律师 — the lawyer assigned to the case; the kind's app module knows who that is.
    Lawyer,
    /// 关联案件 — the outcome of a linked case acting on this one (访调对接: the dispute's
    /// mediation closes the petition it came from); never a person.
    Linked,
}

impl Party {
    pub const fn label(self) -> &'static str {
        match self {
            Party::Hub => "综治中心",
            Party::Department => "承办部门",
            Party::GridWorker => "所在网格网格员",
            Party::Superior => "上级领导",
            Party::Commander => "指挥长",
            Party::Reporter => "上报人",
            Party::Leader => "包案领导",
            Party::Lawyer => "承办律师",
            Party::Linked => "关联案件",
        }
    }
}

/// What an action needs besides permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A written reason or opinion (回退, 挂账, 不予立案, 督办 …).
    Reason,
    /// The department to dispatch to (主办), optionally with assisting departments (协办).
    Department,
    /// The case to merge into.
    MergeTarget,
    /// The number of working days asked for.
    ExtensionDays,
    /// A satisfaction rating.
    Rating,
}

impl Need {
    pub const fn message(self) -> &'static str {
        match self {
            Need::Reason => "请填写意见或理由",
            Need::Department => "请选择承办部门",
            Need::MergeTarget => "请填写要合并到的案件编号",
            Need::ExtensionDays => "请填写申请延期的工作日数（1 到 30）",
            Need::Rating => "请选择评价：满意、基本满意或不满意",
        }
    }
}

/// A condition on the case's facts beyond its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    Always,
    /// Only while an extension request waits for an answer.
    ExtensionPending,
    /// Only while no extension request waits.
    NoExtensionPending,
    /// Only while the owning hub has a level above it.
    BelowDistrict,
    /// Only before the current step's deadline (司法确认 is applied for within 30 days of the
    /// agreement).
    BeforeDeadline,
}

/// What an action changes besides the state; the app layer carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Sets the lead (and assisting) departments.
    AssignDepartments,
    /// Clears the departments (回退 to the hub).
    ClearDepartments,
    /// Moves ownership one level up (越级上报/提级).
    Escalate,
    /// Marks the case as supervised (挂牌督办).
    Supervise,
    RequestExtension,
    /// Pushes the deadline back by the requested working days.
    ApproveExtension,
    /// Pushes the deadline back at once by the days given, counted in the step's own unit (调解
    /// 期限 extended with both parties' consent).
    Extend,
    DenyExtension,
    /// Recounts the step's limit from the step's start with the given days added in total (a
    /// statutory period extended, or 听证 days not counted): the end is counted once, so a day
    /// off moves it only once.
    Lengthen,
    /// Ends this case as part of another.
    MergeInto,
    /// Records the rating.
    Rate,
}

/// The state an action leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    State(&'static str),
    /// The state stays; the step clock keeps running.
    Stay,
}

/// 操作 — one action of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub key: &'static str,
    pub label: &'static str,
    /// The states it may be taken from; empty means every open state.
    pub from: &'static [&'static str],
    pub to: Target,
    pub by: &'static [Party],
    pub needs: &'static [Need],
    pub guard: Guard,
    pub effect: Effect,
    /// Recorded in the audit trail as well as on the timeline (强制结案).
    pub audited: bool,
}

/// 挂牌督办 — any open case, by a leader or commander above its hub, with the reason; shared by
/// every kind that may be supervised.
pub const SUPERVISE: ActionSpec = ActionSpec {
    effect: Effect::Supervise,
    ..action(
        "supervise",
        "挂牌督办",
        &[],
        Target::Stay,
        &[Party::Superior],
        &[Need::Reason],
    )
};

/// 催办 — any open case, by a leader or commander above its hub, with the reason.
pub const URGE: ActionSpec = action(
    "urge",
    "催办",
    &[],
    Target::Stay,
    &[Party::Superior],
    &[Need::Reason],
);

/// A step limit of `n` statutory days (法定期间), for a kind's table of states.
pub(crate) const fn statutory_days(n: u32) -> StepLimit {
    StepLimit::Fixed(TimeLimit::new(n, TimeUnit::StatutoryDays))
}

/// A state, for a kind's table of states.
pub(crate) const fn state(
    key: &'static str,
    label: &'static str,
    open: bool,
    limit: StepLimit,
) -> StateSpec {
    StateSpec {
        key,
        label,
        open,
        limit,
    }
}

/// An action with no guard, no effect and no audit, for a kind's table of actions (set those
/// with `..action(…)`).
pub(crate) const fn action(
    key: &'static str,
    label: &'static str,
    from: &'static [&'static str],
    to: Target,
    by: &'static [Party],
    needs: &'static [Need],
) -> ActionSpec {
    ActionSpec {
        key,
        label,
        from,
        to,
        by,
        needs,
        guard: Guard::Always,
        effect: Effect::None,
        audited: false,
    }
}

/// 案件类型 — a kind of case: its states, actions and clock.
#[derive(Debug, PartialEq, Eq)]
pub struct KindSpec {
    pub key: &'static str,
    pub label: &'static str,
    /// The prefix of its case numbers (事件 `SJ`).
    pub number_prefix: &'static str,
    pub states: &'static [StateSpec],
    pub actions: &'static [ActionSpec],
    /// 黄牌 when this share (in percent) of a step's time has passed; 红牌 at the deadline.
    pub yellow_percent: u32,
    /// Its changes never reach the live stream (涉黑涉恶线索: even a clue's number and place are
    /// for the clue office and the unit verifying it).
    pub confidential: bool,
}

/// Every kind of case this version knows: a new kind is one more line here.
pub static KINDS: &[&KindSpec] = &[
    &event::EVENT,
    &dispute::DISPUTE,
    &petition::PETITION,
    &clue::CLUE,
    &risk::RISK,
    &application::APPLICATION,
];

/// The kind with this key.
pub fn kind(key: &str) -> Option<&'static KindSpec> {
    KINDS.iter().copied().find(|k| k.key == key)
}

impl KindSpec {
    pub fn state(&self, key: &str) -> Option<&'static StateSpec> {
        self.states.iter().find(|s| s.key == key)
    }

    pub fn action(&self, key: &str) -> Option<&'static ActionSpec> {
        self.actions.iter().find(|a| a.key == key)
    }

    /// The label of a state, or the key itself for a state this version does not know.
    pub fn state_label<'a>(&self, key: &'a str) -> &'a str {
        self.state(key).map_or(key, |s| s.label)
    }

    /// The actions open to an actor in these relations, on a case with these facts.
    pub fn available(&self, facts: &CaseFacts, parties: &[Party]) -> Vec<&'static ActionSpec> {
        self.actions
            .iter()
            .filter(|a| check(self, a, facts, parties).is_ok())
            .collect()
    }
}

/// What the engine needs to know of a case to decide on an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: String,
    pub extension_pending: bool,
    pub owned_by_district: bool,
    /// The current step's deadline has passed.
    pub deadline_passed: bool,
}

/// What the actor supplied with an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionInput {
    pub reason: Option<String>,
    pub department: Option<i64>,
    /// Assisting departments (协办), besides the lead.
    pub assist_departments: Vec<i64>,
    pub merge_into: Option<i64>,
    pub extension_days: Option<u32>,
    pub rating: Option<Rating>,
}

/// 满意度 — the reporter's or the hub's rating of how a case was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Satisfied,
    FairlySatisfied,
    Dissatisfied,
}

impl Rating {
    pub const fn label(self) -> &'static str {
        match self {
            Rating::Satisfied => "满意",
            Rating::FairlySatisfied => "基本满意",
            Rating::Dissatisfied => "不满意",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::FairlySatisfied => "fairly_satisfied",
            Rating::Dissatisfied => "dissatisfied",
        }
    }

    /// Parses the stable name or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Satisfied, Self::FairlySatisfied, Self::Dissatisfied]
            .into_iter()
            .find(|r| r.label() == s || r.as_str() == s)
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("没有“{0}”这一操作")]
    UnknownAction(String),
    #[error("案件当前为“{state}”，不能{action}")]
    WrongState { state: String, action: &'static str },
    #[error("只有{allowed}可以{action}")]
    NotParty {
        action: &'static str,
        allowed: String,
    },
    #[error("{0}")]
    Guard(&'static str),
    #[error("{}", .0.message())]
    Missing(Need),
}

/// The longest reason accepted.
pub const MAX_REASON_CHARS: usize = 1000;

/// Checks `action` against the case and the actor; the spec of the action if it may be taken.
pub fn decide(
    kind: &KindSpec,
    facts: &CaseFacts,
    action: &str,
    parties: &[Party],
    input: &ActionInput,
) -> Result<&'static ActionSpec, Refusal> {
    let spec = kind
        .action(action)
        .ok_or_else(|| Refusal::UnknownAction(action.to_owned()))?;
    check(kind, spec, facts, parties)?;
    for need in spec.needs {
        let present = match need {
            Need::Reason => input
                .reason
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty() && r.chars().count() <= MAX_REASON_CHARS),
            Need::Department => input.department.is_some(),
            Need::MergeTarget => input.merge_into.is_some(),
            Need::ExtensionDays => input.extension_days.is_some_and(|d| (1..=30).contains(&d)),
            Need::Rating => input.rating.is_some(),
        };
        if !present {
            return Err(Refusal::Missing(*need));
        }
    }
    Ok(spec)
}

fn check(
    kind: &KindSpec,
    spec: &ActionSpec,
    facts: &CaseFacts,
    parties: &[Party],
) -> Result<(), Refusal> {
    let state = kind.state(&facts.state);
    let from_ok = if spec.from.is_empty() {
        state.is_some_and(|s| s.open)
    } else {
        spec.from.contains(&facts.state.as_str())
    };
    if !from_ok {
        return Err(Refusal::WrongState {
            state: kind.state_label(&facts.state).to_owned(),
            action: spec.label,
        });
    }
    if !spec.by.iter().any(|p| parties.contains(p)) {
        return Err(Refusal::NotParty {
            action: spec.label,
            allowed: spec
                .by
                .iter()
                .map(|p| p.label())
                .collect::<Vec<_>>()
                .join("或"),
        });
    }
    match spec.guard {
        Guard::ExtensionPending if !facts.extension_pending => {
            Err(Refusal::Guard("没有待审批的延期申请"))
        }
        Guard::NoExtensionPending if facts.extension_pending => {
            Err(Refusal::Guard("已有延期申请在等待审批"))
        }
        Guard::BelowDistrict if facts.owned_by_district => {
            Err(Refusal::Guard("案件已由区综治中心办理，无法再向上提级"))
        }
        Guard::BeforeDeadline if facts.deadline_passed => {
            Err(Refusal::Guard("已超过本环节的期限，不能再办理此操作"))
        }
        _ => Ok(()),
    }
}

/// 预警 — how close a step is to its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    Normal,
    /// 黄牌 — most of the time is gone.
    Yellow,
    /// 红牌 — overdue.
    Red,
}

impl Alert {
    pub const fn as_str(self) -> &'static str {
        match self {
            Alert::Normal => "normal",
            Alert::Yellow => "yellow",
            Alert::Red => "red",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Alert::Normal => "正常",
            Alert::Yellow => "黄牌预警",
            Alert::Red => "红牌超期",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Normal, Self::Yellow, Self::Red]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// The alert at `now` of a step with these thresholds.
    pub fn at(now: DateTime<Utc>, yellow_at: DateTime<Utc>, deadline: DateTime<Utc>) -> Self {
        if now >= deadline {
            Alert::Red
        } else if now >= yellow_at {
            Alert::Yellow
        } else {
            Alert::Normal
        }
    }
}

impl TryFrom<String> for Alert {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).ok_or_else(|| format!("未知的预警“{s}”"))
    }
}

/// 步骤时钟 — the yellow threshold and the deadline of a step, computed once when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepClock {
    pub yellow_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

impl StepClock {
    /// The clock of a step of `limit` starting at `start` (Beijing time). The yellow threshold
    /// lies `yellow_percent` of the way from start to deadline, counted in the limit's own unit:
    /// in office time for 工作时 and 工作日 (a one-hour limit received on Saturday turns yellow on
    /// Monday morning, not on Sunday night), in wall time for the continuous units.
    pub fn start(
        calendar: &WorkCalendar,
        start: DateTime<FixedOffset>,
        limit: TimeLimit,
        yellow_percent: u32,
    ) -> Self {
        let pct = i64::from(yellow_percent.min(100));
        let deadline = calendar.deadline(start, limit.amount, limit.unit);
        let yellow = match limit.unit {
            TimeUnit::WorkHours => {
                calendar.shift_work_minutes(start, i64::from(limit.amount) * 60 * pct / 100)
            }
            TimeUnit::WorkDays => {
                let total = i64::from(limit.amount) * calendar.office_minutes_per_day();
                calendar.shift_work_minutes(deadline, -total * (100 - pct) / 100)
            }
            TimeUnit::UrgentHours | TimeUnit::NaturalDays | TimeUnit::StatutoryDays => {
                start + (deadline - start) * i32::try_from(pct).unwrap_or(80) / 100
            }
        };
        Self {
            yellow_at: yellow.to_utc(),
            deadline: deadline.to_utc(),
        }
    }

    /// The clock after an extension of `days` days in `unit`: the deadline moves to the same time
    /// of day `days` working days later (for the office-time units), `days` calendar days later
    /// (for the continuous ones; a statutory period still ends on a working day), and the yellow
    /// card keeps its lead before the deadline.
    pub fn extend(&self, calendar: &WorkCalendar, days: u32, unit: TimeUnit) -> StepClock {
        let old = crate::time::in_shanghai(self.deadline);
        let n = i32::try_from(days).unwrap_or(30);
        let day = match unit {
            TimeUnit::WorkDays | TimeUnit::WorkHours => calendar.add_workdays(old.date_naive(), n),
            TimeUnit::NaturalDays | TimeUnit::UrgentHours => {
                old.date_naive() + chrono::Duration::days(i64::from(n))
            }
            TimeUnit::StatutoryDays => {
                let d = old.date_naive() + chrono::Duration::days(i64::from(n));
                if calendar.is_workday(d) {
                    d
                } else {
                    calendar.next_workday(d)
                }
            }
        };
        let deadline = day
            .and_time(old.time())
            .and_local_timezone(*old.offset())
            .single()
            .unwrap_or(old)
            .to_utc();
        StepClock {
            yellow_at: deadline - (self.deadline - self.yellow_at),
            deadline,
        }
    }
}

/// Who stands where on one case: the facts [`parties_of`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseHolders {
    /// Where the case lies (a grid, or the village/township when no grid is known).
    pub org_code: crate::OrgCode,
    /// The hub that owns it (township or district).
    pub owner_org: crate::OrgCode,
    /// The lead department it is dispatched to.
    pub department: Option<i64>,
    pub reporter: Option<i64>,
}

/// The account acting on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingUser<'a> {
    pub id: i64,
    /// The permissions of the account's role: the relations follow from them, not from its name.
    pub permissions: crate::Permissions,
    pub org_code: &'a crate::OrgCode,
    pub department: Option<i64>,
}

/// The relations `user` stands in to a case.
pub fn parties_of(user: &ActingUser<'_>, case: &CaseHolders) -> Vec<Party> {
    use crate::Capability::{CommandCases, DepartmentWork, GridWork, HubWork, SuperviseCases};
    let can = |c| user.permissions.contains(c);
    let above_owner = case.owner_org.is_within(user.org_code) && user.department.is_none();
    let mut out = Vec::new();
    if above_owner && can(HubWork) {
        out.push(Party::Hub);
    }
    if can(DepartmentWork) && user.department.is_some() && user.department == case.department {
        out.push(Party::Department);
    }
    if can(GridWork) && case.org_code.is_within(user.org_code) {
        out.push(Party::GridWorker);
    }
    if above_owner && can(SuperviseCases) {
        out.push(Party::Superior);
    }
    if above_owner && can(CommandCases) {
        out.push(Party::Commander);
    }
    if case.reporter == Some(user.id) {
        out.push(Party::Reporter);
    }
    out
}

#[cfg(test)]
mod party_tests {
    use super::*;
    use crate::{OrgCode, Role};

    fn code(s: &str) -> OrgCode {
        OrgCode::parse(s).unwrap()
    }

    #[test]
    fn relations_follow_role_place_and_department() {
        let case = CaseHolders {
            org_code: code("511702001001001"),
            owner_org: code("511702001"),
            department: Some(7),
            reporter: Some(40),
        };
        let district = code("511702");
        let township = code("511702001");
        let other = code("511702002");
        let grid = code("511702001001001");
        let who = |id, role: Role, org: &OrgCode, department| {
            parties_of(
                &ActingUser {
                    id,
                    permissions: role.default_permissions(),
                    org_code: org,
                    department,
                },
                &case,
            )
        };
        assert_eq!(who(1, Role::Operator, &township, None), [Party::Hub]);
        assert_eq!(
            who(2, Role::Commander, &district, None),
            [Party::Hub, Party::Superior, Party::Commander]
        );
        assert!(who(3, Role::Operator, &other, None).is_empty());
        assert_eq!(
            who(4, Role::Handler, &district, Some(7)),
            [Party::Department]
        );
        assert!(who(5, Role::Handler, &district, Some(8)).is_empty());
        assert_eq!(
            who(40, Role::GridWorker, &grid, None),
            [Party::GridWorker, Party::Reporter]
        );
        assert_eq!(who(6, Role::Leader, &district, None), [Party::Superior]);
    }
}

#[cfg(test)]
mod clock_tests {
    use super::*;
    use chrono::TimeZone;

    fn bj(d: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
        crate::time::shanghai()
            .with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
    }

    #[test]
    fn yellow_cards_count_in_the_limits_own_unit() {
        let cal = WorkCalendar::new(crate::calendar::official_2026());
        // One work hour from Saturday: due Monday 09:30, yellow at 09:18 the same morning.
        let c = StepClock::start(
            &cal,
            bj(28, 8, 44),
            TimeLimit::new(1, TimeUnit::WorkHours),
            80,
        );
        assert_eq!(
            (c.deadline, c.yellow_at),
            (bj(30, 9, 30).to_utc(), bj(30, 9, 18).to_utc())
        );
        // Two working days from Wednesday: due Friday 17:30; the last 20 % (168 office minutes)
        // begins Friday 14:42.
        let c = StepClock::start(
            &cal,
            bj(25, 10, 0),
            TimeLimit::new(2, TimeUnit::WorkDays),
            80,
        );
        assert_eq!(
            (c.deadline, c.yellow_at),
            (bj(27, 17, 30).to_utc(), bj(27, 14, 42).to_utc())
        );
        // Urgent hours run around the clock.
        let c = StepClock::start(
            &cal,
            bj(28, 22, 0),
            TimeLimit::new(2, TimeUnit::UrgentHours),
            80,
        );
        assert_eq!(
            (c.deadline, c.yellow_at),
            (bj(29, 0, 0).to_utc(), bj(28, 23, 36).to_utc())
        );
        // An extension of 2 working days moves Friday 17:30 to Tuesday 17:30, same lead.
        let e = StepClock {
            yellow_at: bj(27, 14, 42).to_utc(),
            deadline: bj(27, 17, 30).to_utc(),
        }
        .extend(&cal, 2, TimeUnit::WorkDays);
        let tuesday = crate::time::shanghai()
            .with_ymd_and_hms(2026, 12, 1, 17, 30, 0)
            .unwrap();
        assert_eq!(e.deadline, tuesday.to_utc());
        assert_eq!(e.deadline - e.yellow_at, chrono::Duration::minutes(168));
    }
}
