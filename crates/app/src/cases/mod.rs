//! 案件 — the case engine's use cases: taking an action on a case of any kind, the timeline, the
//! deadline sweeper and the real-time bus. The event kind (intake, lists, duplicates, routing)
//! lives in [`events`]; later kinds add their own module and reuse [`App::act_on_event`].

mod applications;
pub(crate) mod bus;
pub(crate) mod clues;
pub(crate) mod disputes;
mod events;
pub(crate) mod intake_queue;
mod petitions;
mod photos;
pub(crate) mod risks;
pub(crate) mod routing;
mod view;

pub use applications::{
    ApplicationActionRequest, ApplicationDetailView, ApplicationIntake, ApplicationIntakeOutcome,
    ApplicationListQuery, ApplicationPage, ApplicationView, ServiceItemEdit, ServiceItemView,
};
pub use bus::{AlarmNotice, CaseChange};
pub use clues::{
    ClueActionRequest, ClueDetailView, ClueIntake, ClueIntakeOutcome, ClueListQuery, ClueLookup,
    CluePage, ClueView, InformantEntry, InformantPlain,
};
pub use disputes::{
    Comparison, DisputeActionRequest, DisputeConversion, DisputeDetailView, DisputeIntake,
    DisputeIntakeOutcome, DisputeListQuery, DisputePage, DisputePartyView, DisputeSessionView,
    DisputeStatsQuery, DisputeStatsView, DisputeView, MediationOrganisationEntry,
    MediationOrganisationView, MediatorView, PartyEntry, ScreeningEntry, ScreeningUnitView,
    ScreeningView, StatsRow,
};
pub(crate) use disputes::{
    MEDIATION_DEPARTMENT_KIND, PARTY_ID_FIELD, PARTY_NAME_FIELD, PARTY_PHONE_FIELD,
};
pub use events::{
    DuplicateHint, EventDetailView, EventIntake, EventListQuery, EventPage, EventView,
    IntakeOutcome, new_client_id,
};
pub(crate) use events::{
    Received, Receiver, Taken, check_client_id, intake_point, receiving_station,
};
pub use petitions::{
    LawyerEntry, LawyerView, LeaderLoadView, NoticeKind, PetitionActionRequest, PetitionDetailView,
    PetitionIntake, PetitionIntakeOutcome, PetitionListQuery, PetitionPage, PetitionStatsQuery,
    PetitionStatsRow, PetitionStatsView, PetitionView, PetitionerEntry, PetitionerPlain,
    PetitionerView,
};
pub use photos::{MAX_PHOTO_BYTES, PhotoUpload, PhotoView};
pub(crate) use photos::{check_photo, sniff};
pub use risks::{
    PanelView, RiskActionRequest, RiskDetailView, RiskDocumentView, RiskExpertView, RiskIntake,
    RiskListQuery, RiskMeasureView, RiskPage, RiskRegisterView, RiskScoreView, RiskView,
};
pub use routing::RoutingRuleView;
pub use view::{ActionView, CaseDepartmentView, CategoryView, TimelineView};

use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Utc};
use pingan_domain::case::{
    ActingUser, ActionInput, ActionSpec, CaseCore, CaseHolders, Change, Effect, KindSpec, Party,
    Rating, Refusal, apply, decide, event::EVENT, parties_of,
};
use pingan_domain::{Capability, OrgCode, time::in_shanghai};
use pingan_store::{
    ApplicationUpdate, CaseRecord, ClueUpdate, DisputeUpdate, NewTimelineEntry, PetitionUpdate,
    RiskUpdate, StoreError,
};
use serde::Deserialize;
use serde_json::json;

/// 办理操作 — an action on a case as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionRequest {
    /// The action key, e.g. `accept`, `dispatch`, `sign`, `return`, `feedback`, `verify`.
    pub action: String,
    /// The case version the client last saw; a newer one is refused as a conflict.
    pub version: Option<i64>,
    /// The reason or opinion (required by 回退, 不予立案, 挂账, 督办 …).
    pub reason: Option<String>,
    /// The lead department (派遣).
    pub department_id: Option<i64>,
    /// Assisting departments (协办).
    #[serde(default)]
    pub assist_department_ids: Vec<i64>,
    /// The case to merge into, by id.
    pub merge_into: Option<i64>,
    /// Working days asked for (申请延期).
    pub extension_days: Option<u32>,
    /// `satisfied`, `fairly_satisfied` or `dissatisfied` (or 满意/基本满意/不满意).
    pub rating: Option<String>,
}

/// 案件编号 — `SJ` + the Beijing date of receipt + the id, e.g. `SJ20261128000042`.
pub(crate) fn case_number(kind: &KindSpec, id: i64, created_at: DateTime<Utc>) -> String {
    format!(
        "{}{}{id:06}",
        kind.number_prefix,
        in_shanghai(created_at).format("%Y%m%d")
    )
}

/// The id inside a case number or a bare id.
pub fn parse_case_ref(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if digits.len() > 8 && s.len() != digits.len() {
        digits.get(8..)?.parse().ok()
    } else {
        digits.parse().ok()
    }
}

pub(crate) fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::NotParty { .. } => AppError::Forbidden(r.to_string()),
        Refusal::WrongState { .. } | Refusal::Guard(_) => AppError::Conflict(r.to_string()),
        Refusal::UnknownAction(_) | Refusal::Missing(_) => AppError::Invalid(r.to_string()),
    }
}

pub(crate) fn parse_org(code: &str) -> Result<OrgCode> {
    OrgCode::parse(code).map_err(|e| AppError::Internal(format!("stored org code {code}: {e}")))
}

pub(crate) fn holders(c: &CaseRecord) -> Result<CaseHolders> {
    Ok(CaseHolders {
        org_code: parse_org(&c.org_code)?,
        owner_org: c.core.owner_org.clone(),
        department: c.core.department,
        reporter: c.reporter_id,
    })
}

pub(crate) fn parties(user: &CurrentUser, c: &CaseRecord) -> Result<Vec<Party>> {
    Ok(parties_of(
        &ActingUser {
            id: user.id,
            permissions: user.permissions,
            org_code: &user.org_code,
            department: user.department_id,
        },
        &holders(c)?,
    ))
}

/// What an action writes of the kind's own rows with the case, in the same transaction; a
/// petition brings the relations only it knows of too (包案领导, 承办律师, 关联案件).
pub(crate) enum OwnRows<'a> {
    None,
    Dispute(&'a DisputeUpdate),
    Petition(&'a PetitionUpdate, Vec<Party>),
    Clue(&'a ClueUpdate, Vec<Party>),
    Risk(&'a RiskUpdate),
    Application(&'a ApplicationUpdate),
}

impl OwnRows<'_> {
    fn relations(&self) -> &[Party] {
        match self {
            OwnRows::Petition(_, relations) | OwnRows::Clue(_, relations) => relations,
            _ => &[],
        }
    }
}

/// What an action did: the case as written, the departments now on it, and the action.
pub(crate) struct Acted {
    pub case: CaseRecord,
    pub department_ids: Vec<i64>,
    pub action: &'static ActionSpec,
}

impl crate::services::Cases<'_> {
    /// Takes one action on a case that `user` may see (the kind's module has read it under its
    /// own visibility rule): the engine decides and applies it, and the case is written with its
    /// timeline entry — and what the action changed of the kind's own rows (`own`), in the same
    /// transaction — if it is still at the version read (and at the version the user saw, when
    /// given); otherwise someone else acted first and the answer says so.
    pub(crate) async fn take_action(
        self,
        actor: &Actor,
        user: &CurrentUser,
        old: CaseRecord,
        req: &ActionRequest,
        own: OwnRows<'_>,
    ) -> Result<Acted> {
        let kind = old.core.kind;
        if req.version.is_some_and(|v| v != old.version) {
            return Err(stale(&old));
        }
        let input = ActionInput {
            reason: req.reason.clone(),
            department: req.department_id,
            assist_departments: req.assist_department_ids.clone(),
            merge_into: req.merge_into,
            extension_days: req.extension_days,
            rating: match req.rating.as_deref() {
                Some(r) => Some(Rating::parse(r).ok_or_else(|| {
                    AppError::Invalid("评价应为 满意、基本满意 或 不满意".into())
                })?),
                None => None,
            },
        };
        let now = pingan_domain::audit::to_micros(Utc::now());
        let spec = decide(
            kind,
            &old.core.facts(now),
            &req.action,
            &[parties(user, &old)?.as_slice(), own.relations()].concat(),
            &input,
        )
        .map_err(refusal)?;
        if let Some(target) = input
            .merge_into
            .filter(|_| spec.effect == Effect::MergeInto)
        {
            self.check_merge_target(user, &old, target).await?;
        }

        let mut case = old.clone();
        case.updated_at = now;
        let calendar = self.org().work_calendar().await?;
        let change = apply(spec, &mut case.core, &input, now, &calendar).map_err(refusal)?;
        let detail = self.change_detail(&old.core, &change).await?;
        let entry = NewTimelineEntry {
            at: now,
            action: spec.key.into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: Some(old.core.state.key.into()),
            to_state: case.core.state.key.into(),
            comment: req.reason.as_deref().map(str::trim).map(str::to_owned),
            detail: detail.to_string(),
        };
        let departments = change.departments();
        let written = match own {
            OwnRows::Dispute(update) => {
                self.store
                    .update_dispute(&case, old.version, &entry, departments, update)
                    .await
            }
            OwnRows::Petition(update, _) => {
                self.store
                    .update_petition(&case, old.version, &entry, departments, update)
                    .await
            }
            OwnRows::Clue(update, _) => {
                self.store
                    .update_clue(&case, old.version, &entry, departments, update)
                    .await
            }
            OwnRows::Risk(update) => {
                self.store
                    .update_risk(&case, old.version, &entry, departments, update)
                    .await
            }
            OwnRows::Application(update) => {
                self.store
                    .update_application(&case, old.version, &entry, departments, update)
                    .await
            }
            OwnRows::None => {
                self.store
                    .update_case(&case, old.version, &entry, departments)
                    .await
            }
        };
        match written {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(match self.store.case(old.id, &user.scope()).await? {
                    Some(now_case) => stale(&now_case),
                    None => {
                        AppError::Conflict(format!("{}已被他人处理，请刷新后再操作", kind.label))
                    }
                });
            }
            Err(e) => return Err(e.into()),
        }
        if spec.audited {
            self.audit(
                actor,
                &format!("case.{}", spec.key),
                &format!("case:{}", old.id),
                "ok",
                json!({"reason": entry.comment, "from": old.core.state.key}),
            )
            .await?;
        }
        let department_ids = match change.departments() {
            Some(list) => list.iter().map(|(d, _)| *d).collect(),
            None => self
                .store
                .case_departments(old.id)
                .await?
                .into_iter()
                .map(|d| d.department_id)
                .collect(),
        };
        case.version = old.version + 1;
        Ok(Acted {
            case,
            department_ids,
            action: spec,
        })
    }

    /// What the timeline tells of a change, as JSON: the departments by name (which also checks
    /// that the owning hub may dispatch to them), the levels of an escalation, days, rating.
    async fn change_detail(self, before: &CaseCore, change: &Change) -> Result<serde_json::Value> {
        Ok(match change {
            Change::Departments(list) => json!({
                "departments": self.department_names(before.owner_org.as_str(), list).await?
            }),
            Change::Escalated { from, to } => json!({"from": from.as_str(), "to": to.as_str()}),
            Change::ExtensionRequested(days) => json!({ "days": days }),
            Change::ExtensionApproved { days, deadline } => {
                json!({"days": days, "deadline": deadline})
            }
            Change::Merged(into) => json!({ "into": into }),
            Change::Rated(r) => json!({"rating": r.as_str()}),
            Change::None | Change::DepartmentsCleared => json!({}),
        })
    }

    /// The signed-in user behind a case request, who must be allowed to see cases.
    pub(crate) fn case_user(self, actor: &Actor) -> Result<&CurrentUser> {
        self.authorize(actor, Capability::ViewCases, None)?;
        actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))
    }

    /// The signed-in user reading cases, and whether they may read only those they reported
    /// themselves (群众 follow their own reports and nothing else).
    pub(crate) fn case_reader(self, actor: &Actor) -> Result<(&CurrentUser, bool)> {
        match self.case_user(actor) {
            Ok(user) => Ok((user, false)),
            Err(e) => {
                self.authorize(actor, Capability::FollowOwnReports, None)
                    .map_err(|_| e)?;
                let user = actor
                    .user
                    .as_ref()
                    .ok_or(AppError::Unauthenticated("请先登录"))?;
                Ok((user, true))
            }
        }
    }

    /// An event the reader may see: in their scope and, for those who follow only their own
    /// reports, reported by them.
    pub(crate) async fn readable_event(
        self,
        actor: &Actor,
        id: i64,
    ) -> Result<(&CurrentUser, pingan_store::EventRecord)> {
        let (user, own_only) = self.case_reader(actor)?;
        self.store
            .event(id, &user.scope())
            .await?
            .filter(|r| !own_only || r.case.reporter_id == Some(user.id))
            .map(|r| (user, r))
            .ok_or_else(|| AppError::NotFound(format!("事件 {id} 不存在或不在您的管辖范围内")))
    }

    async fn check_merge_target(
        self,
        user: &CurrentUser,
        case: &CaseRecord,
        target: i64,
    ) -> Result<()> {
        let kind = case.core.kind.label;
        if target == case.id {
            return Err(AppError::Invalid(format!("不能合并到{kind}本身")));
        }
        let t = self
            .store
            .case(target, &user.scope())
            .await?
            .filter(|t| t.core.kind == case.core.kind)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "要合并到的{kind} {target} 不存在或不在您的管辖范围内"
                ))
            })?;
        if !t.core.open() || t.core.merged_into.is_some() {
            return Err(AppError::Invalid(format!("只能合并到仍在办理的{kind}")));
        }
        Ok(())
    }

    /// Raises the yellow and red cards that are due and tells the stream. Safe to run on every
    /// instance at once: on PostgreSQL one instance sweeps per round, and a raised card is never
    /// raised twice.
    pub async fn sweep_deadlines(self) -> Result<usize> {
        let now = pingan_domain::audit::to_micros(Utc::now());
        let raised = self.store.sweep_alerts(now).await?;
        for r in &raised {
            let kind = pingan_domain::case::kind(&r.kind).unwrap_or(&EVENT);
            if kind.confidential {
                continue;
            }
            let change = CaseChange {
                alarm: None,
                case_id: r.id,
                number: case_number(kind, r.id, r.created_at),
                kind: kind.key.into(),
                action: format!("alert_{}", r.alert.as_str()),
                state: r.state.clone(),
                state_label: kind.state_label(&r.state).into(),
                alert: r.alert.as_str().into(),
                org_code: r.org_code.clone(),
                departments: r.department_id.into_iter().collect(),
                version: r.version,
                at: now,
                origin: self.bus.origin.clone(),
            };
            self.bus.publish(change);
        }
        Ok(raised.len())
    }

    /// Starts the case engine's background work on the running runtime: the deadline sweeper
    /// (every `sweep_every`) and, on PostgreSQL, the bridge that brings other instances' changes
    /// to this instance's stream clients.
    pub fn spawn_case_workers(self, sweep_every: std::time::Duration) {
        let bridge = crate::App::clone(&self);
        tokio::spawn(async move { bridge.cases().bridge_case_changes().await });
        let sweeper = crate::App::clone(&self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(sweep_every);
            loop {
                tick.tick().await;
                match sweeper.cases().sweep_deadlines().await {
                    Ok(_) => sweeper.last_sweep.mark(),
                    Err(e) => tracing::warn!("时限检查失败（下一轮再试）: {e}"),
                }
            }
        });
    }

    /// Subscribes to the case changes `user` may see.
    pub fn subscribe_cases(
        self,
        user: &CurrentUser,
    ) -> Result<tokio::sync::broadcast::Receiver<CaseChange>> {
        self.authorize_user(user, Capability::ViewCases)?;
        Ok(self.bus.subscribe())
    }

    /// The departments on each case of a page of a list, the lead first, by case id.
    pub(crate) async fn departments_of_page(
        self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<i64>>> {
        let mut out: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
        let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else {
            return Ok(out);
        };
        for (case, department, _) in self.store.departments_of_cases((*low, *high)).await? {
            out.entry(case).or_default().push(department);
        }
        Ok(out)
    }

    /// Tells the stream of a change to a case of any kind (events tell theirs from their view,
    /// [`Self::publish`]).
    pub(crate) fn publish_case(self, c: &CaseRecord, departments: &[i64], action: &str) {
        let kind = c.core.kind;
        if kind.confidential {
            return;
        }
        self.bus.publish(CaseChange {
            alarm: None,
            case_id: c.id,
            number: case_number(kind, c.id, c.created_at),
            kind: kind.key.into(),
            action: action.into(),
            state: c.core.state.key.into(),
            state_label: c.core.state.label.into(),
            alert: c.core.alert.as_str().into(),
            org_code: c.org_code.clone(),
            departments: departments.to_vec(),
            version: c.version,
            at: c.updated_at,
            origin: self.bus.origin.clone(),
        });
    }

    pub(crate) fn publish(self, e: &EventView, action: &str) {
        self.publish_alarm(e, action, None);
    }

    /// [`Self::publish`] with the alarm that made the event, if a device's.
    pub(crate) fn publish_alarm(self, e: &EventView, action: &str, alarm: Option<AlarmNotice>) {
        let change = CaseChange {
            alarm,
            case_id: e.id,
            number: e.number.clone(),
            kind: EVENT.key.into(),
            action: action.into(),
            state: e.state.clone(),
            state_label: e.state_label.clone(),
            alert: e.alert.clone(),
            org_code: e.org_code.clone(),
            departments: e.department_ids.clone(),
            version: e.version,
            at: e.updated_at,
            origin: self.bus.origin.clone(),
        };
        self.bus.publish(change);
    }

    /// Carries other instances' case changes to this instance's stream clients (PostgreSQL);
    /// returns at once on SQLite. Runs until the process ends, reconnecting after errors.
    pub async fn bridge_case_changes(self) {
        loop {
            match self.store.listen(bus::CHANNEL).await {
                Ok(None) => return,
                Ok(Some(mut listener)) => loop {
                    match listener.recv().await {
                        Ok(payload) => match serde_json::from_str::<CaseChange>(&payload) {
                            Ok(c) if c.origin != self.bus.origin => self.bus.send(c),
                            Ok(_) => {}
                            Err(e) => tracing::warn!("无法解析其他实例的推送: {e}"),
                        },
                        Err(e) => {
                            tracing::warn!("实例间推送中断，稍后重连: {e}");
                            break;
                        }
                    }
                },
                Err(e) => tracing::warn!("无法监听实例间推送，稍后重试: {e}"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    }
}

/// The conflict answer when someone else acted first.
fn stale(now: &CaseRecord) -> AppError {
    AppError::Conflict(format!(
        "{}已被他人处理，当前为“{}”，请刷新后再操作",
        now.core.kind.label, now.core.state.label
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_carry_the_beijing_day_and_the_id() {
        let late = chrono::DateTime::parse_from_rfc3339("2026-11-27T17:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            case_number(&EVENT, 42, late),
            "SJ20261128000042",
            "01:30 next day in Beijing"
        );
        assert_eq!(parse_case_ref("SJ20261128000042"), Some(42));
        assert_eq!(parse_case_ref(" 42 "), Some(42));
        assert_eq!(parse_case_ref("井盖"), None);
    }
}
