//! 特殊人群 and 重点青少年 — enrolling persons of one's scope in a group (with a risk level and
//! sealed facts), ending a membership, and the visiting work that follows from it: who is due or
//! overdue for a visit (走访任务) and each grid's coverage. Each group is seen only by holders of
//! its permission; 重点青少年 has its own.

use crate::list::page_at;
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use pingan_domain::page::KeyKind::{Int, Text};
use pingan_domain::special_group::{
    DEFAULT_VISIT_POLICIES, DUE_SOON_DAYS, MAX_RISK_LEVEL, SpecialGroup, VisitPolicy, VisitState,
    next_visit_due, visit_interval, visit_state,
};
use pingan_domain::time::{beijing_date, format_minute};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{MemberFilter, MemberRecord, NO_VISIT_DUE, NewMember};
use serde_json::json;
use std::collections::BTreeMap;

pub(crate) const FACTS_FIELD: &str = "special_groups.facts";

/// The last real due date: memberships no rule covers are due on [`NO_VISIT_DUE`], the day after.
const NO_VISIT_DUE_EVE: &str = "9999-12-30";

/// Today and the last day of 即将到期 in Asia/Shanghai, `YYYY-MM-DD`.
fn due_soon_window() -> (String, String) {
    let today = beijing_date(Utc::now());
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    (day(today), day(today + Duration::days(DUE_SOON_DAYS)))
}

/// 特殊人群成员 — a membership as lists and the API show it: the person masked, the visit due.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub person_id: i64,
    /// `张**`.
    pub name: String,
    pub id_number: String,
    pub address: String,
    pub grid_code: String,
    /// A group code (`mental_disorder` …) and its Chinese name.
    pub group: String,
    pub group_label: String,
    /// 危险性评估等级 / 关注等级, 0–5.
    pub risk_level: Option<i32>,
    /// `YYYY-MM-DD`.
    pub enrolled_on: String,
    /// Days between visits under the current rules (none: not visited on a schedule).
    pub every_days: Option<u32>,
    /// Last visit, Beijing time.
    pub last_visit: Option<String>,
    /// Next visit due, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// `overdue` / `due_soon` / `on_time`, and its Chinese name.
    pub state: Option<String>,
    pub state_label: Option<String>,
    /// The sealed facts (原罪名, 监护人 …), only on one person's page.
    pub facts: Option<String>,
    pub ended: bool,
    pub end_reason: Option<String>,
}

/// Filters of the member list.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
pub struct MemberQuery {
    /// A group code or Chinese name.
    pub group: Option<String>,
    /// `overdue`, `due_soon` or `on_time`.
    pub state: Option<String>,
    /// A grid, village or township code in your scope.
    pub grid: Option<String>,
    /// The next page: the `after` cursor of the page before it.
    pub after: Option<String>,
    /// The previous page: the `before` cursor of the page after it.
    pub before: Option<String>,
}

/// Members a page of the list.
pub const MEMBER_PAGE_ROWS: usize = 100;

/// A page of the member list, soonest due first, with the counts of the whole list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MemberPage {
    pub items: Vec<MemberView>,
    /// Members of the whole list (100 a page).
    pub total: i64,
    pub overdue: i64,
    pub due_soon: i64,
    /// The cursor of the page before this one (the `before` parameter), if any.
    pub before: Option<String>,
    /// The cursor of the page after this one (the `after` parameter), if any.
    pub after: Option<String>,
}

/// Enrolling a person in a group, or changing a membership.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct MemberInput {
    /// A group code or Chinese name (ignored when changing a membership).
    #[serde(default)]
    pub group: String,
    /// 0–5.
    pub risk_level: Option<i32>,
    /// `YYYY-MM-DD`, today when absent.
    pub enrolled_on: Option<String>,
    /// 原罪名、释放日期、监护人 … as free text, sealed at rest (at most 2,000 characters).
    pub facts: Option<String>,
}

/// 走访覆盖 — one township's or grid's visiting against the rules.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct UnitCoverage {
    /// A township code (for a district) or a grid code.
    pub code: String,
    pub name: String,
    /// Members visited on a schedule.
    pub members: usize,
    pub on_time: usize,
    pub due_soon: usize,
    pub overdue: usize,
    /// Share not overdue, in percent with one decimal (100 when nobody is to be visited).
    pub rate: f64,
}

/// 走访频次 — one visiting rule as shown and set.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VisitPolicyView {
    /// A group code or Chinese name.
    pub group: String,
    #[serde(default)]
    pub group_label: String,
    /// From this risk level up (0–5).
    pub min_risk: i32,
    /// Days between visits (1–366).
    pub every_days: u32,
}

impl crate::services::Registry<'_> {
    /// The groups `user` may see.
    pub fn visible_groups(user: &CurrentUser) -> Vec<SpecialGroup> {
        SpecialGroup::ALL
            .iter()
            .copied()
            .filter(|g| user.can(g.capability()))
            .collect()
    }

    /// The visiting rules in force.
    pub async fn visit_policies(self) -> Result<Vec<VisitPolicy>> {
        let stored = self.store.visit_policies().await?;
        if stored.is_empty() {
            return Ok(DEFAULT_VISIT_POLICIES.to_vec());
        }
        Ok(stored
            .into_iter()
            .filter_map(|(group, min_risk, every_days)| {
                Some(VisitPolicy {
                    group: SpecialGroup::parse(&group)?,
                    min_risk: i16::try_from(min_risk).ok()?,
                    every_days: u32::try_from(every_days).ok()?,
                })
            })
            .collect())
    }

    /// The visiting rules, as shown.
    pub async fn visit_policy_views(self, user: &CurrentUser) -> Result<Vec<VisitPolicyView>> {
        self.authorize_user(user, Capability::ViewSpecialGroups)?;
        Ok(self
            .visit_policies()
            .await?
            .into_iter()
            .map(|p| VisitPolicyView {
                group: p.group.code().to_owned(),
                group_label: p.group.label().to_owned(),
                min_risk: i32::from(p.min_risk),
                every_days: p.every_days,
            })
            .collect())
    }

    /// Replaces the visiting rules (a district commander's): every group needs a rule from level 0.
    pub async fn set_visit_policies(
        self,
        actor: &Actor,
        rules: &[VisitPolicyView],
    ) -> Result<Vec<VisitPolicyView>> {
        self.authorize(actor, Capability::ManageCaseRules, None)?;
        let user = actor.user.as_ref();
        if user.is_some_and(|u| u.org_code.level() != OrgLevel::District) {
            return Err(AppError::Forbidden(
                "走访频次全区统一，由区综治中心指挥长设置".into(),
            ));
        }
        let mut rows = Vec::new();
        for r in rules {
            let group = group_named(&r.group)?;
            if !(0..=i32::from(MAX_RISK_LEVEL)).contains(&r.min_risk) {
                return Err(AppError::Invalid(format!(
                    "{}：风险等级应为 0 到 {MAX_RISK_LEVEL}",
                    group.label()
                )));
            }
            if !(1..=366).contains(&r.every_days) {
                return Err(AppError::Invalid(format!(
                    "{}：走访间隔应为 1 到 366 天",
                    group.label()
                )));
            }
            rows.push((group.code().to_owned(), r.min_risk, r.every_days as i32));
        }
        for g in SpecialGroup::ALL {
            if !rows
                .iter()
                .any(|(code, min, _)| code == g.code() && *min == 0)
            {
                return Err(AppError::Invalid(format!(
                    "{}缺少从 0 级起的走访频次",
                    g.label()
                )));
            }
        }
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        self.store.replace_visit_policies(&rows).await?;
        self.refresh_visit_dues(None, false).await?;
        self.audit(
            actor,
            "visit_policies.set",
            "visit_policies",
            "ok",
            json!({"rules": rows.len()}),
        )
        .await?;
        let Some(user) = user else {
            return Ok(Vec::new());
        };
        self.visit_policy_views(user).await
    }

    /// Enrols a person of the user's scope in a group they may see.
    pub async fn enrol_member(
        self,
        actor: &Actor,
        user: &CurrentUser,
        person_id: i64,
        input: &MemberInput,
    ) -> Result<MemberView> {
        let group = group_named(&input.group)?;
        self.authorize_user(user, group.capability())?;
        self.person(user, person_id).await?;
        let today = beijing_date(Utc::now());
        let enrolled_on = match input.enrolled_on.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today && d.year() >= 1950)
                .ok_or_else(|| {
                    AppError::Invalid("列管日期应为不晚于今天的日期，如 2026-11-01".into())
                })?,
        };
        let (risk_level, facts_sealed) = self.member_fields(input)?;
        let id = self
            .store
            .enrol_member(&NewMember {
                person_id,
                group_code: group.code().to_owned(),
                risk_level,
                facts_sealed,
                enrolled_on,
                created_by: user.id,
                at: Utc::now(),
            })
            .await?
            .ok_or_else(|| AppError::Conflict(format!("此人已列入{}", group.label())))?;
        self.refresh_visit_dues(Some(person_id), false).await?;
        self.audit(
            actor,
            "special_groups.enrol",
            &format!("person:{person_id}"),
            "ok",
            json!({"group": group.code(), "member": id}),
        )
        .await?;
        self.member_in_scope(user, id).await
    }

    /// Changes an active membership's risk level and facts.
    pub async fn update_member(
        self,
        actor: &Actor,
        user: &CurrentUser,
        id: i64,
        input: &MemberInput,
    ) -> Result<MemberView> {
        let person_id = self.member_in_scope(user, id).await?.person_id;
        let (risk_level, facts_sealed) = self.member_fields(input)?;
        if !self
            .store
            .update_member(id, risk_level, facts_sealed.as_deref(), Utc::now())
            .await?
        {
            return Err(AppError::Conflict("该人员已解除列管，不能修改".into()));
        }
        self.refresh_visit_dues(Some(person_id), false).await?;
        self.audit(
            actor,
            "special_groups.update",
            &format!("member:{id}"),
            "ok",
            json!({"risk_level": risk_level}),
        )
        .await?;
        self.member_in_scope(user, id).await
    }

    /// Ends a membership (解除列管), for a reason; the row is kept.
    pub async fn end_member(
        self,
        actor: &Actor,
        user: &CurrentUser,
        id: i64,
        reason: &str,
    ) -> Result<MemberView> {
        self.member_in_scope(user, id).await?;
        let reason = reason.trim();
        if !(2..=200).contains(&reason.chars().count()) {
            return Err(AppError::Invalid(
                "请写明解除原因（2 到 200 个字），如“矫正期满”".into(),
            ));
        }
        if !self.store.end_member(id, reason, Utc::now()).await? {
            return Err(AppError::Conflict("该人员已解除列管".into()));
        }
        self.audit(
            actor,
            "special_groups.end",
            &format!("member:{id}"),
            "ok",
            json!({"reason": reason}),
        )
        .await?;
        self.member_in_scope(user, id).await
    }

    /// The memberships of one person the user may see, ended ones too, with their facts opened
    /// (an access to sensitive data, so it is audited when there are any).
    pub async fn memberships_of(
        self,
        user: &CurrentUser,
        person_id: i64,
    ) -> Result<Vec<MemberView>> {
        let person = self.person(user, person_id).await?;
        let groups = Self::visible_groups(user);
        let rows = self
            .store
            .members(&MemberFilter {
                prefix: person.grid_code,
                groups: groups.iter().map(|g| g.code().to_owned()).collect(),
                person_id: Some(person_id),
                ended: true,
                ..MemberFilter::default()
            })
            .await?;
        if !rows.is_empty() {
            self.audit(
                &Actor::user(user.clone(), None),
                "special_groups.view",
                &format!("person:{person_id}"),
                "ok",
                json!({"memberships": rows.len()}),
            )
            .await?;
        }
        let policies = self.visit_policies().await?;
        rows.into_iter()
            .map(|r| self.member_view(r, &policies, true))
            .collect()
    }

    /// The active members of the user's scope in the groups they may see, filtered, by due date
    /// (those never due last).
    pub async fn members(self, user: &CurrentUser, q: &MemberQuery) -> Result<Vec<MemberView>> {
        self.member_views(&self.member_filter(user, q)?).await
    }

    /// Every membership of a filter as lists show it, soonest due first.
    async fn member_views(self, filter: &MemberFilter) -> Result<Vec<MemberView>> {
        let policies = self.visit_policies().await?;
        let mut rows = self.store.members(filter).await?;
        rows.sort_by(|a, b| (&a.due_on, a.id).cmp(&(&b.due_on, b.id)));
        rows.into_iter()
            .map(|r| self.member_view(r, &policies, false))
            .collect()
    }

    /// One page of [`App::members`], with the counts of the whole list (counted in the database
    /// from the kept due dates).
    pub async fn member_page(self, user: &CurrentUser, q: &MemberQuery) -> Result<MemberPage> {
        let at = page_at(q.after.as_deref(), q.before.as_deref(), &[Text, Int])?;
        let filter = self.member_filter(user, q)?;
        let policies = self.visit_policies().await?;
        let page = self
            .store
            .member_page(&filter, &at, MEMBER_PAGE_ROWS as i64)
            .await?;
        let (today, soon) = due_soon_window();
        let counts = self.store.member_counts(&filter, &today, &soon).await?;
        Ok(MemberPage {
            total: counts.members,
            overdue: counts.overdue,
            due_soon: counts.due_soon,
            before: page.before.map(|c| c.encode()),
            after: page.after.map(|c| c.encode()),
            items: page
                .rows
                .into_iter()
                .map(|r| self.member_view(r, &policies, false))
                .collect::<Result<_>>()?,
        })
    }

    /// The store's filter of a member search: the groups the user may see (or the one asked
    /// for), the scope (or the grid asked for), and a 走访状态 as a range of due dates.
    fn member_filter(self, user: &CurrentUser, q: &MemberQuery) -> Result<MemberFilter> {
        let groups = self.groups_asked(user, q.group.as_deref())?;
        let prefix = self.prefix_asked(user, q.grid.as_deref(), Capability::ViewSpecialGroups)?;
        let state =
            VisitState::parse_param(q.state.as_deref(), "state").map_err(AppError::Invalid)?;
        let today = beijing_date(Utc::now());
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let soon = today + Duration::days(DUE_SOON_DAYS);
        let (due_from, due_to) = match state {
            None => (None, None),
            Some(VisitState::Overdue) => (None, Some(day(today - Duration::days(1)))),
            Some(VisitState::DueSoon) => (Some(day(today)), Some(day(soon))),
            // Due later than the window, and covered by a rule.
            Some(VisitState::OnTime) => (
                Some(day(soon + Duration::days(1))),
                Some(NO_VISIT_DUE_EVE.to_owned()),
            ),
        };
        Ok(MemberFilter {
            prefix,
            groups: groups.iter().map(|g| g.code().to_owned()).collect(),
            person_id: None,
            ended: false,
            due_from,
            due_to,
        })
    }

    /// Computes and keeps the due dates of active memberships: one person's (after an
    /// enrolment, a change of risk level or a visit), every one (after the visiting rules
    /// changed), or those not computed yet (at start, after the demo's bulk write).
    pub(crate) async fn refresh_visit_dues(
        self,
        person_id: Option<i64>,
        missing_only: bool,
    ) -> Result<usize> {
        let inputs = self.store.due_inputs(person_id, missing_only).await?;
        if inputs.is_empty() {
            return Ok(0);
        }
        let policies = self.visit_policies().await?;
        let dues: Vec<(i64, String)> = inputs
            .into_iter()
            .map(|i| {
                let every = SpecialGroup::parse(&i.group_code).and_then(|g| {
                    visit_interval(
                        &policies,
                        g,
                        i.risk_level.and_then(|l| i16::try_from(l).ok()),
                    )
                });
                let due = every.map_or_else(
                    || NO_VISIT_DUE.to_owned(),
                    |e| {
                        next_visit_due(i.enrolled_on, i.last_visit.map(beijing_date), e)
                            .format("%Y-%m-%d")
                            .to_string()
                    },
                );
                (i.id, due)
            })
            .collect();
        self.store.set_due_dates(&dues).await?;
        Ok(dues.len())
    }

    /// The members a search finds, as an .xlsx: names and ID numbers masked, or — with a reason
    /// and 查看个人信息明文 — plain; the file names the exporter. Audited.
    pub async fn export_members(
        self,
        actor: &Actor,
        user: &CurrentUser,
        q: &MemberQuery,
        reason: Option<&str>,
    ) -> Result<Vec<u8>> {
        let reason = self
            .plain_export_reason(actor, "special_groups", reason)
            .await?;
        let members = self.members(user, q).await?;
        let mut plain: std::collections::HashMap<i64, (String, String)> = Default::default();
        if reason.is_some() {
            let ids: Vec<i64> = members.iter().map(|m| m.person_id).collect();
            for s in self.store.persons_sealed(&ids).await? {
                let name = self
                    .cipher
                    .open(crate::registry::persons::NAME_FIELD, &s.name_sealed)?;
                let id = self
                    .cipher
                    .open(crate::registry::persons::ID_FIELD, &s.id_sealed)?;
                plain.insert(s.id, (name, id));
            }
        }
        let columns: Vec<crate::sheet::Column> = [
            ("序号", 8.0),
            ("姓名", 10.0),
            ("公民身份号码", 22.0),
            ("类别", 16.0),
            ("风险等级", 8.0),
            ("现住址", 32.0),
            ("网格编码", 18.0),
            ("列管日期", 12.0),
            ("上次走访", 18.0),
            ("下次应访", 12.0),
            ("走访状态", 10.0),
        ]
        .into_iter()
        .map(|(h, w)| crate::sheet::Column::new(h, w).text())
        .collect();
        let count = members.len();
        let cells: Vec<Vec<String>> = members
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let (name, id_number) = plain
                    .get(&m.person_id)
                    .cloned()
                    .unwrap_or((m.name, m.id_number));
                vec![
                    (i + 1).to_string(),
                    name,
                    id_number,
                    m.group_label,
                    m.risk_level.map(|r| r.to_string()).unwrap_or_default(),
                    m.address,
                    m.grid_code,
                    m.enrolled_on,
                    m.last_visit.unwrap_or_default(),
                    m.due.unwrap_or_default(),
                    m.state_label.unwrap_or_default(),
                ]
            })
            .collect();
        let note = crate::registry::export::export_note(user, &format!("共 {count} 人"), reason);
        let bytes = crate::sheet::write_sheet("特殊人群", &columns, &cells, Some(&note))?;
        self.audit(
            actor,
            "special_groups.export",
            "special_groups",
            "ok",
            json!({"rows": count, "plain": reason.is_some(), "reason": reason, "group": q.group,
                "grid": q.grid}),
        )
        .await?;
        Ok(bytes)
    }

    /// 走访任务 — who in the user's scope is overdue or due within a week, soonest first.
    pub async fn visit_tasks(self, user: &CurrentUser) -> Result<Vec<MemberView>> {
        self.member_views(&MemberFilter {
            due_to: Some(due_soon_window().1),
            ..self.member_filter(user, &MemberQuery::default())?
        })
        .await
    }

    /// 走访覆盖 — how many members are visited in time under `org` (default: the user's scope):
    /// per township for a district, per grid below; units without members are listed too.
    pub async fn visit_coverage(
        self,
        user: &CurrentUser,
        org: Option<&str>,
    ) -> Result<Vec<UnitCoverage>> {
        let prefix = self.prefix_asked(user, org, Capability::ViewSpecialGroups)?;
        let units: Vec<(String, String)> = if prefix.len() <= 6 {
            let children = self.store.org_children(Some(&prefix)).await?;
            children.into_iter().map(|u| (u.code, u.name)).collect()
        } else {
            let grids = self.store.grids_under(&prefix).await?;
            grids.into_iter().map(|g| (g.code, g.name)).collect()
        };
        let mut rows: BTreeMap<String, UnitCoverage> = units
            .into_iter()
            .map(|(code, name)| {
                let c = UnitCoverage {
                    code: code.clone(),
                    name,
                    members: 0,
                    on_time: 0,
                    due_soon: 0,
                    overdue: 0,
                    rate: 100.0,
                };
                (code, c)
            })
            .collect();
        let Some(width) = rows.keys().next().map(String::len) else {
            return Ok(Vec::new());
        };
        let filter = MemberFilter {
            // Members no rule covers are not visited on a schedule.
            due_to: Some(NO_VISIT_DUE_EVE.to_owned()),
            ..self.member_filter(
                user,
                &MemberQuery {
                    grid: Some(prefix),
                    ..MemberQuery::default()
                },
            )?
        };
        let (today, soon) = due_soon_window();
        for unit in self
            .store
            .member_counts_by_unit(&filter, width, &today, &soon)
            .await?
        {
            if let Some(c) = rows.get_mut(&unit.unit) {
                let count = |n: i64| usize::try_from(n).unwrap_or(0);
                c.members = count(unit.members);
                c.overdue = count(unit.overdue);
                c.due_soon = count(unit.due_soon);
                c.on_time = c.members - c.overdue - c.due_soon;
            }
        }
        Ok(rows
            .into_values()
            .map(|mut c| {
                if c.members > 0 {
                    let kept = (c.members - c.overdue) as f64 / c.members as f64;
                    c.rate = (kept * 1000.0).round() / 10.0;
                }
                c
            })
            .collect())
    }

    /// The groups asked for, each checked against the user's permissions.
    fn groups_asked(self, user: &CurrentUser, group: Option<&str>) -> Result<Vec<SpecialGroup>> {
        let visible = Self::visible_groups(user);
        if visible.is_empty() {
            return Err(AppError::Forbidden(format!(
                "{}无权查看特殊人群",
                user.role_label
            )));
        }
        match group.map(str::trim).filter(|g| !g.is_empty()) {
            None => Ok(visible),
            Some(g) => {
                let group = group_named(g)?;
                self.authorize_user(user, group.capability())?;
                Ok(vec![group])
            }
        }
    }

    /// The org-code prefix asked for (a code in the user's scope), or the user's scope.
    pub(crate) fn prefix_asked(
        self,
        user: &CurrentUser,
        code: Option<&str>,
        capability: Capability,
    ) -> Result<String> {
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => {
                let code =
                    OrgCode::parse(code).map_err(|e| AppError::Invalid(format!("grid：{e}")))?;
                self.authorize(&Actor::user(user.clone(), None), capability, Some(&code))?;
                Ok(code.as_str().to_owned())
            }
            None => {
                self.authorize_user(user, capability)?;
                Ok(user.scope().prefix().to_owned())
            }
        }
    }

    /// A membership in the user's scope, of a group they may see.
    async fn member_in_scope(self, user: &CurrentUser, id: i64) -> Result<MemberView> {
        let missing = || AppError::NotFound(format!("没有列管记录 {id}，或不在您的管辖范围内"));
        let r = self
            .store
            .member(id, &user.scope())
            .await?
            .ok_or_else(missing)?;
        let group = SpecialGroup::parse(&r.group_code).ok_or_else(missing)?;
        if !user.can(group.capability()) {
            return Err(missing());
        }
        let policies = self.visit_policies().await?;
        self.member_view(r, &policies, false)
    }

    /// The risk level and sealed facts of a member input, checked.
    fn member_fields(self, input: &MemberInput) -> Result<(Option<i32>, Option<Vec<u8>>)> {
        if let Some(r) = input.risk_level
            && !(0..=i32::from(MAX_RISK_LEVEL)).contains(&r)
        {
            return Err(AppError::Invalid(format!(
                "风险等级应为 0 到 {MAX_RISK_LEVEL}"
            )));
        }
        let facts = input
            .facts
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        if facts.is_some_and(|f| f.chars().count() > 2000) {
            return Err(AppError::Invalid("列管情况最多 2000 个字".into()));
        }
        let sealed = facts
            .map(|f| self.cipher.seal(FACTS_FIELD, f))
            .transpose()?;
        Ok((input.risk_level, sealed))
    }

    fn member_view(
        self,
        r: MemberRecord,
        policies: &[VisitPolicy],
        open_facts: bool,
    ) -> Result<MemberView> {
        let group = SpecialGroup::parse(&r.group_code);
        let today = beijing_date(Utc::now());
        let every = match (group, r.ended_at) {
            (Some(g), None) => visit_interval(
                policies,
                g,
                r.risk_level.and_then(|l| i16::try_from(l).ok()),
            ),
            _ => None,
        };
        // The kept due date; computed here only for a row written before it was kept.
        let kept = match r.due_on.as_deref() {
            Some(NO_VISIT_DUE) => Some(None),
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().map(Some),
            None => None,
        };
        let due = every.and_then(|e| {
            kept.unwrap_or_else(|| {
                Some(next_visit_due(
                    r.enrolled_on,
                    r.last_visit.map(beijing_date),
                    e,
                ))
            })
        });
        let state = due.map(|d| visit_state(d, today));
        let facts = match (&r.facts_sealed, open_facts) {
            (Some(s), true) => Some(self.cipher.open(FACTS_FIELD, s)?),
            _ => None,
        };
        Ok(MemberView {
            id: r.id,
            person_id: r.person_id,
            name: r.name_masked,
            id_number: r.id_masked,
            address: r.address,
            grid_code: r.grid_code,
            group_label: group.map_or_else(|| r.group_code.clone(), |g| g.label().to_owned()),
            group: r.group_code,
            risk_level: r.risk_level,
            enrolled_on: r.enrolled_on.format("%Y-%m-%d").to_string(),
            every_days: every,
            last_visit: r.last_visit.map(format_minute),
            due: due.map(|d| d.format("%Y-%m-%d").to_string()),
            state: state.map(|s| s.code().to_owned()),
            state_label: state.map(|s| s.label().to_owned()),
            facts,
            ended: r.ended_at.is_some(),
            end_reason: r.end_reason,
        })
    }
}

/// The group a code or Chinese name names, or the refusal that lists them.
fn group_named(s: &str) -> Result<SpecialGroup> {
    SpecialGroup::parse(s)
        .ok_or_else(|| AppError::Invalid(format!("人群类别应为 {} 之一", SpecialGroup::labels())))
}
