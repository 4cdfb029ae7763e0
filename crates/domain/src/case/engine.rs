//! 办理引擎 — the part of every case the engine keeps, whatever its kind, and [`apply`], which
//! carries out an action that [`decide`](super::decide) allowed. A kind's app module reads the
//! case, asks `decide`, calls `apply` and writes back what it returns: no kind changes these
//! fields itself.

use super::{
    ActionInput, ActionSpec, Alert, CaseFacts, Effect, KindSpec, Rating, Refusal, StateSpec,
    StepClock, StepLimit, Target, TimeLimit,
};
use crate::calendar::{TimeUnit, WorkCalendar};
use crate::time::in_shanghai;
use crate::{OrgCode, OrgLevel};
use chrono::{DateTime, Utc};

/// 办理进度 — where a case stands in its kind's workflow: its state, who holds it, its clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCore {
    pub kind: &'static KindSpec,
    pub state: &'static StateSpec,
    /// The hub (综治中心 or 综治服务站) that owns the case.
    pub owner_org: OrgCode,
    /// The lead department (主办单位), once dispatched.
    pub department: Option<i64>,
    /// 挂牌督办.
    pub supervised: bool,
    /// Working days asked for by an extension request waiting for an answer.
    pub extension_days: Option<u32>,
    pub step_started_at: DateTime<Utc>,
    /// The current step's yellow threshold and deadline; none for steps without a limit.
    pub clock: Option<StepClock>,
    pub alert: Alert,
    /// The case this one was merged into.
    pub merged_into: Option<i64>,
    pub rating: Option<Rating>,
    /// 办理时限 — the limit of the handling step, set per category when the case is received.
    pub handling: TimeLimit,
}

impl CaseCore {
    /// A case of `kind` just received in `state`, owned by `owner_org`, its clock started.
    pub fn received(
        kind: &'static KindSpec,
        state: &str,
        owner_org: OrgCode,
        handling: TimeLimit,
        now: DateTime<Utc>,
        calendar: &WorkCalendar,
    ) -> Option<Self> {
        let mut core = Self {
            kind,
            state: kind.state(state)?,
            owner_org,
            department: None,
            supervised: false,
            extension_days: None,
            step_started_at: now,
            clock: None,
            alert: Alert::Normal,
            merged_into: None,
            rating: None,
            handling,
        };
        core.start_step(now, calendar);
        Some(core)
    }

    /// Whether the case is still being worked on.
    pub fn open(&self) -> bool {
        self.state.open
    }

    /// What [`decide`](super::decide) needs of this case at `now`.
    pub fn facts(&self, now: DateTime<Utc>) -> CaseFacts {
        CaseFacts {
            state: self.state.key.to_owned(),
            extension_pending: self.extension_days.is_some(),
            owned_by_district: self.owner_org.level() == OrgLevel::District,
            deadline_passed: self.clock.is_some_and(|c| now >= c.deadline),
        }
    }

    /// The unit the current step's limit is counted in, if a clock runs.
    fn step_unit(&self) -> Option<TimeUnit> {
        match self.state.limit {
            StepLimit::Fixed(l) => Some(l.unit),
            StepLimit::Handling => Some(self.handling.unit),
            StepLimit::None => None,
        }
    }

    /// Moves the running clock's deadline `days` later in the step's unit.
    fn extend_clock(&mut self, days: u32, now: DateTime<Utc>, calendar: &WorkCalendar) {
        if let (Some(clock), Some(unit)) = (self.clock, self.step_unit()) {
            let clock = clock.extend(calendar, days, unit);
            self.alert = Alert::at(now, clock.yellow_at, clock.deadline);
            self.clock = Some(clock);
        }
    }

    /// Recounts the running step's clock from its start with `days` more than its limit.
    fn lengthen_step(&mut self, days: u32, now: DateTime<Utc>, calendar: &WorkCalendar) {
        let limit = match self.state.limit {
            StepLimit::Fixed(l) => l,
            StepLimit::Handling => self.handling,
            StepLimit::None => return,
        };
        let longer = TimeLimit::new(limit.amount + days, limit.unit);
        let clock = StepClock::start(
            calendar,
            in_shanghai(self.step_started_at),
            longer,
            self.kind.yellow_percent,
        );
        self.alert = Alert::at(now, clock.yellow_at, clock.deadline);
        self.clock = Some(clock);
    }

    /// Starts the clock of the current state at `now` (or stops it, for states without a limit).
    fn start_step(&mut self, now: DateTime<Utc>, calendar: &WorkCalendar) {
        let limit = match self.state.limit {
            StepLimit::Fixed(l) => Some(l),
            StepLimit::Handling => Some(self.handling),
            StepLimit::None => None,
        };
        self.step_started_at = now;
        self.alert = Alert::Normal;
        self.extension_days = None;
        self.clock = limit
            .map(|l| StepClock::start(calendar, in_shanghai(now), l, self.kind.yellow_percent));
    }
}

/// What an action changed besides the case's progress: written beside the case (departments)
/// and told on its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    None,
    /// The departments now in charge, the lead (主办) first, then those assisting (协办).
    Departments(Vec<(i64, bool)>),
    /// The case went back to its hub: no department any more.
    DepartmentsCleared,
    Escalated {
        from: OrgCode,
        to: OrgCode,
    },
    ExtensionRequested(u32),
    ExtensionApproved {
        days: u32,
        deadline: Option<DateTime<Utc>>,
    },
    Merged(i64),
    Rated(Rating),
}

impl Change {
    /// The new list of departments, when the action changed it.
    pub fn departments(&self) -> Option<&[(i64, bool)]> {
        match self {
            Change::Departments(list) => Some(list),
            Change::DepartmentsCleared => Some(&[]),
            _ => None,
        }
    }
}

/// Carries out `spec` on `case` at `now`: its effect, then the move to its target state with
/// that state's clock. `spec` must be what `decide` returned for this case and `input`.
pub fn apply(
    spec: &ActionSpec,
    case: &mut CaseCore,
    input: &ActionInput,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
) -> Result<Change, Refusal> {
    let change = match spec.effect {
        Effect::None => Change::None,
        Effect::AssignDepartments => {
            let lead = input
                .department
                .ok_or(Refusal::Missing(super::Need::Department))?;
            let mut list = vec![(lead, true)];
            for d in &input.assist_departments {
                if !list.iter().any(|(x, _)| x == d) {
                    list.push((*d, false));
                }
            }
            case.department = Some(lead);
            Change::Departments(list)
        }
        Effect::ClearDepartments => {
            case.department = None;
            Change::DepartmentsCleared
        }
        Effect::Escalate => {
            // One level up: village station → township hub → district hub.
            let up = case
                .owner_org
                .parent()
                .ok_or(Refusal::Guard("无法提级：找不到上级综治中心"))?;
            let from = std::mem::replace(&mut case.owner_org, up.clone());
            Change::Escalated { from, to: up }
        }
        Effect::Supervise => {
            case.supervised = true;
            Change::None
        }
        Effect::RequestExtension => {
            let days = input
                .extension_days
                .ok_or(Refusal::Missing(super::Need::ExtensionDays))?;
            case.extension_days = Some(days);
            Change::ExtensionRequested(days)
        }
        Effect::ApproveExtension => {
            let days = case.extension_days.take().unwrap_or(0);
            case.extend_clock(days, now, calendar);
            Change::ExtensionApproved {
                days,
                deadline: case.clock.map(|c| c.deadline),
            }
        }
        Effect::Extend => {
            let days = input
                .extension_days
                .ok_or(Refusal::Missing(super::Need::ExtensionDays))?;
            case.extend_clock(days, now, calendar);
            Change::ExtensionApproved {
                days,
                deadline: case.clock.map(|c| c.deadline),
            }
        }
        Effect::Lengthen => {
            let days = input
                .extension_days
                .ok_or(Refusal::Missing(super::Need::ExtensionDays))?;
            case.lengthen_step(days, now, calendar);
            Change::ExtensionApproved {
                days,
                deadline: case.clock.map(|c| c.deadline),
            }
        }
        Effect::DenyExtension => {
            case.extension_days = None;
            Change::None
        }
        Effect::MergeInto => {
            let into = input
                .merge_into
                .ok_or(Refusal::Missing(super::Need::MergeTarget))?;
            case.merged_into = Some(into);
            Change::Merged(into)
        }
        Effect::Rate => {
            let rating = input.rating.ok_or(Refusal::Missing(super::Need::Rating))?;
            case.rating = Some(rating);
            Change::Rated(rating)
        }
    };
    if let Target::State(to) = spec.to {
        case.state = case
            .kind
            .state(to)
            .ok_or(Refusal::UnknownAction(spec.key.to_owned()))?;
        case.start_step(now, calendar);
    }
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{TimeUnit, official_2026};
    use crate::case::{Party, decide, event::EVENT};
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        crate::time::shanghai()
            .with_ymd_and_hms(2026, 11, d, h, 0, 0)
            .unwrap()
            .to_utc()
    }

    fn village_case(calendar: &WorkCalendar) -> CaseCore {
        CaseCore::received(
            &EVENT,
            "reported",
            OrgCode::parse("511702001001").unwrap(),
            TimeLimit::new(2, TimeUnit::WorkDays),
            at(25, 10),
            calendar,
        )
        .unwrap()
    }

    fn act(case: &mut CaseCore, action: &str, input: &ActionInput, now: DateTime<Utc>) -> Change {
        let cal = WorkCalendar::new(official_2026());
        let parties = [Party::Hub, Party::Department, Party::Commander];
        let spec = decide(case.kind, &case.facts(now), action, &parties, input).unwrap();
        apply(spec, case, input, now, &cal).unwrap()
    }

    #[test]
    fn a_received_case_runs_its_first_steps_clock() {
        let cal = WorkCalendar::new(official_2026());
        let case = village_case(&cal);
        assert_eq!(case.state.key, "reported");
        assert!(case.open());
        let clock = case.clock.expect("待受理 has a one-hour limit");
        assert_eq!(clock.deadline, at(25, 11));
        assert!(
            CaseCore::received(
                &EVENT,
                "nonsense",
                case.owner_org,
                case.handling,
                at(25, 10),
                &cal
            )
            .is_none()
        );
    }

    #[test]
    fn dispatch_sets_the_lead_first_and_starts_the_signing_clock() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = village_case(&cal);
        act(&mut case, "accept", &ActionInput::default(), at(25, 10));
        act(&mut case, "register", &ActionInput::default(), at(25, 10));
        let input = ActionInput {
            department: Some(7),
            assist_departments: vec![8, 7, 8, 9],
            ..ActionInput::default()
        };
        let change = act(&mut case, "dispatch", &input, at(25, 14));
        assert_eq!(
            change.departments(),
            Some(&[(7, true), (8, false), (9, false)][..])
        );
        assert_eq!((case.state.key, case.department), ("dispatched", Some(7)));
        assert_eq!(case.clock.unwrap().deadline, at(25, 15));
        act(&mut case, "sign", &ActionInput::default(), at(25, 14));
        assert_eq!(case.state.key, "handling");
        assert_eq!(
            case.clock.unwrap().deadline,
            crate::time::shanghai()
                .with_ymd_and_hms(2026, 11, 27, 17, 30, 0)
                .unwrap()
                .to_utc(),
            "the category's two working days, to the end of the office day"
        );
    }

    #[test]
    fn escalation_climbs_one_level_and_stops_at_the_district() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = village_case(&cal);
        let reason = ActionInput {
            reason: Some("涉及多个村".into()),
            ..ActionInput::default()
        };
        let change = act(&mut case, "escalate", &reason, at(25, 10));
        assert_eq!(
            change,
            Change::Escalated {
                from: OrgCode::parse("511702001001").unwrap(),
                to: OrgCode::parse("511702001").unwrap()
            }
        );
        act(&mut case, "escalate", &reason, at(25, 10));
        assert_eq!(case.owner_org.as_str(), "511702");
        let refused = decide(
            case.kind,
            &case.facts(at(25, 10)),
            "escalate",
            &[Party::Hub],
            &reason,
        );
        assert!(matches!(refused, Err(Refusal::Guard(_))));
    }

    #[test]
    fn an_approved_extension_moves_the_deadline_and_clears_the_request() {
        let cal = WorkCalendar::new(official_2026());
        let mut case = village_case(&cal);
        act(&mut case, "accept", &ActionInput::default(), at(25, 10));
        act(&mut case, "register", &ActionInput::default(), at(25, 10));
        let lead = ActionInput {
            department: Some(7),
            ..ActionInput::default()
        };
        act(&mut case, "dispatch", &lead, at(25, 10));
        act(&mut case, "sign", &ActionInput::default(), at(25, 10));
        let before = case.clock.unwrap().deadline;
        let ask = ActionInput {
            reason: Some("需协调供电部门".into()),
            extension_days: Some(2),
            ..ActionInput::default()
        };
        assert_eq!(
            act(&mut case, "request_extension", &ask, at(25, 10)),
            Change::ExtensionRequested(2)
        );
        assert!(case.facts(at(25, 10)).extension_pending);
        let change = act(
            &mut case,
            "approve_extension",
            &ActionInput::default(),
            at(25, 10),
        );
        let after = case.clock.unwrap().deadline;
        assert_eq!(
            change,
            Change::ExtensionApproved {
                days: 2,
                deadline: Some(after)
            }
        );
        assert!(after > before);
        assert_eq!(case.extension_days, None);
    }
}
