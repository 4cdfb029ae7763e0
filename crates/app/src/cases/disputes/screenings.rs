//! 矛盾纠纷排查 — a hub asks every grid or village of its unit for its disputes, or a 零报告, by
//! a day (集中排查, or 专项排查 on one topic such as 涉疫 or 婚姻家庭); each unit answers by
//! registering the disputes it found in the campaign or by reporting none; the hub sees who has
//! not answered.

use crate::{Actor, AppError, Result};
use chrono::{NaiveDate, Utc};
use pingan_domain::case::dispute::{ScreeningKind, ScreeningLevel, check_screening};
use pingan_domain::time::beijing_date;
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{NewScreening, ScreeningRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A campaign as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScreeningEntry {
    /// 排查名称, e.g. 2026年岁末年初矛盾纠纷集中排查.
    pub name: String,
    /// `centralised` (集中排查) or `special` (专项排查).
    pub kind: String,
    /// The topic of a 专项排查 (涉疫, 婚姻家庭 …).
    pub topic: Option<String>,
    /// `village` or `grid`: who reports.
    pub level: String,
    /// The last day to report, `YYYY-MM-DD`.
    pub due_on: String,
    /// The unit that runs it (default: your own).
    pub org_code: Option<String>,
}

/// A campaign with its progress.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScreeningView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub topic: Option<String>,
    pub org_code: String,
    pub level: String,
    pub level_label: String,
    pub due_on: String,
    /// Past its day.
    pub overdue: bool,
    /// Units asked, units that answered (disputes or 零报告), disputes registered in it.
    pub units: usize,
    pub answered: usize,
    pub disputes: i64,
}

/// One unit's answer.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScreeningUnitView {
    pub code: String,
    pub name: String,
    /// `disputes` (报告了纠纷), `zero` (零报告) or `missing` (未报告).
    pub status: String,
    pub status_label: String,
    pub disputes: i64,
    pub reporter: Option<String>,
}

impl crate::services::Cases<'_> {
    /// Starts a campaign in the user's unit (or a unit within it).
    pub async fn create_screening(
        self,
        actor: &Actor,
        e: &ScreeningEntry,
    ) -> Result<ScreeningView> {
        let user = self.case_user(actor)?;
        let org = match e
            .org_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(o) => OrgCode::parse(o)
                .map_err(|err| AppError::Invalid(format!("org_code 无效：{err}")))?,
            None => user.org_code.clone(),
        };
        self.authorize(actor, Capability::HubWork, Some(&org))?;
        let kind = ScreeningKind::parse(&e.kind).ok_or_else(|| {
            AppError::Invalid(format!(
                "排查类型 kind 应为 {} 之一",
                ScreeningKind::labels()
            ))
        })?;
        let level = ScreeningLevel::parse(&e.level).ok_or_else(|| {
            AppError::Invalid(format!(
                "报告单位 level 应为 {} 之一",
                ScreeningLevel::labels()
            ))
        })?;
        let may_run = match org.level() {
            OrgLevel::District | OrgLevel::Township => true,
            OrgLevel::Village => level == ScreeningLevel::Grid,
            OrgLevel::Grid => false,
        };
        if !may_run {
            return Err(AppError::Invalid(
                "排查由区、乡镇（街道）发起；村（社区）可发起网格排查".into(),
            ));
        }
        let due = NaiveDate::parse_from_str(e.due_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::Invalid("截止日期 due_on 应为 YYYY-MM-DD".into()))?;
        let today = beijing_date(Utc::now());
        let (name, topic) = check_screening(&e.name, kind, e.topic.as_deref(), due, today)
            .map_err(AppError::Invalid)?;
        let id = self
            .store
            .insert_screening(&NewScreening {
                name,
                kind: kind.code().into(),
                topic,
                org_code: org.as_str().into(),
                level: level.code().into(),
                due_on: due.to_string(),
                created_by: Some(user.id),
                created_at: pingan_domain::audit::to_micros(Utc::now()),
            })
            .await?;
        let record = self
            .store
            .screening(id)
            .await?
            .ok_or_else(|| AppError::Internal("刚发起的排查读不到".into()))?;
        Ok(self.screening_view(record, today).await?.0)
    }

    /// The campaigns of the user's unit: those it runs, those above it and those below it.
    pub async fn screenings(self, actor: &Actor) -> Result<Vec<ScreeningView>> {
        let user = self.case_user(actor)?;
        let today = beijing_date(Utc::now());
        let mut out = Vec::new();
        for r in self.store.screenings(user.org_code.as_str(), 50).await? {
            out.push(self.screening_view(r, today).await?.0);
        }
        Ok(out)
    }

    /// One campaign with every unit's answer; the units outside the user's unit are left out.
    pub async fn screening(
        self,
        actor: &Actor,
        id: i64,
    ) -> Result<(ScreeningView, Vec<ScreeningUnitView>)> {
        let user = self.case_user(actor)?;
        let record = self
            .store
            .screening(id)
            .await?
            .filter(|r| reaches_unit(user.org_code.as_str(), &r.org_code))
            .ok_or_else(|| AppError::NotFound(format!("排查 {id} 不存在或不在您的管辖范围内")))?;
        let (view, units) = self
            .screening_view(record, beijing_date(Utc::now()))
            .await?;
        let mine = user.org_code.as_str();
        Ok((
            view,
            units
                .into_iter()
                .filter(|u| u.code.starts_with(mine) || mine.starts_with(&u.code))
                .collect(),
        ))
    }

    /// A unit's 零报告: the user's own unit, or — for a hub above it — the unit named.
    pub async fn zero_report(
        self,
        actor: &Actor,
        id: i64,
        unit: Option<&str>,
        note: Option<&str>,
    ) -> Result<ScreeningUnitView> {
        self.authorize(actor, Capability::RegisterDisputes, None)?;
        let user = self.case_user(actor)?;
        let (view, units) = self.screening(actor, id).await?;
        let code = unit
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(user.org_code.as_str());
        let found = units.into_iter().find(|u| u.code == code).ok_or_else(|| {
            AppError::Invalid(format!(
                "{code} 不是本次排查的报告单位（{}），请以本{}的账号报告",
                view.level_label, view.level_label
            ))
        })?;
        if !code.starts_with(user.org_code.as_str()) {
            return Err(AppError::Forbidden("只能为本单位或下级单位报告".into()));
        }
        if found.status == "disputes" {
            return Err(AppError::Conflict(format!(
                "{} 已在本次排查中登记 {} 件纠纷，无需零报告",
                found.name, found.disputes
            )));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::Invalid("说明不能超过 200 字".into()));
        }
        if !self
            .store
            .insert_screening_report(id, code, (user.id, &user.display_name), note)
            .await?
        {
            return Err(AppError::Conflict(format!("{} 已经零报告过", found.name)));
        }
        let (_, units) = self.screening(actor, id).await?;
        units
            .into_iter()
            .find(|u| u.code == code)
            .ok_or_else(|| AppError::Internal("零报告后读不到该单位".into()))
    }

    /// The campaign a new dispute at `place` names: it must exist and cover the place.
    pub(crate) async fn screening_of(self, id: i64, place: &OrgCode) -> Result<i64> {
        match self.store.screening(id).await? {
            Some(s) if place.as_str().starts_with(&s.org_code) => Ok(s.id),
            _ => Err(AppError::Invalid(format!(
                "排查 {id} 不存在，或纠纷所在地不在该排查的范围内"
            ))),
        }
    }

    async fn screening_view(
        self,
        r: ScreeningRecord,
        today: NaiveDate,
    ) -> Result<(ScreeningView, Vec<ScreeningUnitView>)> {
        let level = ScreeningLevel::parse(&r.level).unwrap_or(ScreeningLevel::Village);
        let org_level = match level {
            ScreeningLevel::Village => OrgLevel::Village,
            ScreeningLevel::Grid => OrgLevel::Grid,
        };
        let unit_len = match level {
            ScreeningLevel::Village => 12,
            ScreeningLevel::Grid => 15,
        };
        let counts: HashMap<String, i64> = self
            .store
            .screening_dispute_counts(r.id, unit_len)
            .await?
            .into_iter()
            .collect();
        let zero: HashMap<String, String> = self
            .store
            .screening_reports(r.id)
            .await?
            .into_iter()
            .map(|z| (z.unit_code, z.reporter_name))
            .collect();
        let units: Vec<ScreeningUnitView> = self
            .store
            .org_units_under(&r.org_code)
            .await?
            .into_iter()
            .filter(|u| u.level == org_level.as_str() && u.retired_at.is_none())
            .map(|u| {
                let n = counts.get(&u.code).copied().unwrap_or(0);
                let reporter = zero.get(&u.code).cloned();
                let (status, label) = if n > 0 {
                    ("disputes", format!("已报告 {n} 件"))
                } else if reporter.is_some() {
                    ("zero", "零报告".to_owned())
                } else {
                    ("missing", "未报告".to_owned())
                };
                ScreeningUnitView {
                    code: u.code,
                    name: u.name,
                    status: status.into(),
                    status_label: label,
                    disputes: n,
                    reporter,
                }
            })
            .collect();
        let due = NaiveDate::parse_from_str(&r.due_on, "%Y-%m-%d").unwrap_or(today);
        let kind = ScreeningKind::parse(&r.kind);
        let view = ScreeningView {
            id: r.id,
            kind_label: kind.map_or_else(|| r.kind.clone(), |k| k.label().into()),
            kind: r.kind,
            name: r.name,
            topic: r.topic,
            org_code: r.org_code,
            level_label: level.label().into(),
            level: r.level,
            overdue: today > due,
            due_on: r.due_on,
            answered: units.iter().filter(|u| u.status != "missing").count(),
            units: units.len(),
            disputes: counts.values().sum(),
        };
        Ok((view, units))
    }
}

/// Whether a user at `user_org` takes part in a campaign of `org`: within it or above it.
fn reaches_unit(user_org: &str, org: &str) -> bool {
    user_org.starts_with(org) || org.starts_with(user_org)
}
