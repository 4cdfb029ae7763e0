//! 创建单位 — declaring a unit, listing them, a unit's page, and the steps an assessor takes.

use super::checklists::{kind_of, view as checklist_view};
use super::six_none::check_year;
use super::{
    CreationAssessmentView, CreationListQuery, CreationStepRequest, CreationUnitPage,
    CreationUnitRequest, CreationUnitView, ScoredLineView, StepOption,
};
use crate::list::{Listed, page_at};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::creation::{CreationKind, CreationStatus, CreationStep, SixNone};
use pingan_domain::page::KeyKind::{Int, Text};
use pingan_domain::page::{COUNT_CAP, PageAt};
use pingan_domain::time::beijing_date;
use pingan_domain::{Capability, OrgCode};
use pingan_store::{
    CreationAssessmentRecord, CreationUnitFilter, CreationUnitRecord, NewCreationAssessment,
    NewCreationUnit, StoreError,
};
use serde_json::json;

/// Why a department's account is refused.
const HUB_ONLY: &str = "平安创建由综治中心组织，部门账号不能申报或考核";

/// Units on one page of the list.
const PAGE_ROWS: i64 = 50;

impl crate::services::Creation<'_> {
    /// Declares a unit for a year's creation (申报), in the declarer's area.
    pub async fn declare(self, actor: &Actor, r: &CreationUnitRequest) -> Result<CreationUnitView> {
        self.authorize(actor, Capability::ManageCreation, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let kind = kind_of(&r.kind)?;
        let year = check_year(r.year)?;
        let typed_name = r.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let (org, name, place_id) = match r.place_id {
            Some(id) if kind.org_level().is_none() => {
                let place = self.registry().place(user, id).await?.place;
                let org = OrgCode::parse(&place.grid_code)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                (org, typed_name.unwrap_or(&place.name).to_owned(), Some(id))
            }
            Some(_) => {
                return Err(AppError::Invalid(format!(
                    "{}按区划申报，请填 org（乡镇或村、社区的编码），不填场所",
                    kind.label()
                )));
            }
            None => {
                let org = r
                    .org
                    .as_deref()
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .ok_or_else(|| {
                        AppError::Invalid(
                            "请填写申报单位所在的区划或网格（org），或选择场所".into(),
                        )
                    })?;
                let org =
                    OrgCode::parse(org).map_err(|e| AppError::Invalid(format!("org：{e}")))?;
                if let Some(level) = kind.org_level()
                    && org.level() != level
                {
                    return Err(AppError::Invalid(format!(
                        "{}应按{}申报：org 应为 {} 位的{}编码",
                        kind.label(),
                        level.label(),
                        level.code_len(),
                        level.label()
                    )));
                }
                let unit = self.store.org_unit(org.as_str()).await?;
                let name = match (typed_name, kind.org_level(), unit) {
                    (Some(n), _, Some(_)) => n.to_owned(),
                    (None, Some(_), Some(u)) => u.name,
                    (_, _, None) => {
                        return Err(AppError::Invalid(format!("组织编码 {org} 不存在")));
                    }
                    (None, None, Some(_)) => {
                        return Err(AppError::Invalid(
                            "请填写申报单位名称，如“通川区第一小学”或“王某某家庭”".into(),
                        ));
                    }
                };
                (org, name, None)
            }
        };
        if !(2..=50).contains(&name.chars().count()) {
            return Err(AppError::Invalid("申报单位名称应为 2 到 50 个字".into()));
        }
        self.authorize(actor, Capability::ManageCreation, Some(&org))?;
        let id = self
            .store
            .insert_creation_unit(&NewCreationUnit {
                kind: kind.code().into(),
                year: i64::from(year),
                name: name.clone(),
                org_code: org.as_str().into(),
                place_id,
                status: CreationStatus::Declared.code().into(),
                declared_by: user.id,
                at: Utc::now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict(format!(
                    "“{name}”已申报 {year} 年度{}，请在列表中打开它",
                    kind.label()
                )),
                e => e.into(),
            })?;
        self.audit(
            actor,
            "creation.declare",
            &format!("creation_unit:{id}"),
            "ok",
            json!({"kind": kind.code(), "year": year, "org": org.as_str(), "name": name}),
        )
        .await?;
        let record = self.unit_record(user, id).await?;
        self.unit_view(record).await
    }

    /// The units of the user's area (or of `org` within it).
    pub async fn units(
        self,
        user: &CurrentUser,
        q: &CreationListQuery,
    ) -> Result<Listed<CreationUnitView>> {
        let area = self.area_asked(user, q.org.as_deref())?;
        let kind = q
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(kind_of)
            .transpose()?;
        let status = CreationStatus::parse_param(q.status.as_deref(), "status")
            .map_err(AppError::Invalid)?;
        let filter = CreationUnitFilter {
            prefix: area.as_str().into(),
            year: q.year.map(check_year).transpose()?.map(i64::from),
            kind: kind.map(|k| k.code().into()),
            status: status.map(|s| s.code().into()),
            at: page_at(q.after.as_deref(), q.before.as_deref(), &[Text, Int])?,
            limit: PAGE_ROWS,
        };
        let page = self.store.creation_units(&filter).await?;
        let total = self
            .store
            .count_creation_units(
                &CreationUnitFilter {
                    at: PageAt::First,
                    ..filter
                },
                COUNT_CAP,
            )
            .await?;
        let mut views = Vec::with_capacity(page.rows.len());
        for r in page.rows.iter().cloned() {
            views.push(self.unit_view(r).await?);
        }
        let mut views = views.into_iter();
        Ok(Listed::new(page, total, |_| {
            views
                .next()
                .unwrap_or_else(|| unreachable!("one view per row"))
        }))
    }

    /// A unit with its assessments, its checklist, its "六无" and the steps the viewer may take.
    pub async fn unit(self, user: &CurrentUser, id: i64) -> Result<CreationUnitPage> {
        self.area_asked(user, None)?;
        let record = self.unit_record(user, id).await?;
        let kind = kind_of(&record.kind)?;
        let status = CreationStatus::parse(&record.status)
            .ok_or_else(|| AppError::Internal(format!("未知的创建状态 {}", record.status)))?;
        let (checklist, updated_at) = self.checklist_of(kind).await?;
        let six_none = if kind.has_six_none() {
            let area =
                OrgCode::parse(&record.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
            let year = i32::try_from(record.year).unwrap_or_default();
            Some(self.area_six_none(user, &area, year).await?)
        } else {
            None
        };
        let steps = if user.can(Capability::ManageCreation) {
            CreationStep::ALL
                .iter()
                .filter(|s| user.org_code.level() <= s.assessor_level())
                .filter(|s| s.next(kind, status, true).is_ok())
                .map(|s| StepOption {
                    step: s.code().into(),
                    label: s.label().into(),
                    scores: s.scores(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let assessments = self
            .store
            .creation_assessments(id)
            .await?
            .into_iter()
            .map(assessment_view)
            .collect();
        Ok(CreationUnitPage {
            unit: self.unit_view(record).await?,
            assessments,
            checklist: checklist_view(kind, &checklist, updated_at),
            six_none,
            steps,
        })
    }

    /// The "六无" of a unit's area for a year (default: the unit's own).
    pub async fn unit_six_none(
        self,
        user: &CurrentUser,
        id: i64,
        year: Option<i32>,
    ) -> Result<super::SixNoneView> {
        self.area_asked(user, None)?;
        let record = self.unit_record(user, id).await?;
        let kind = kind_of(&record.kind)?;
        if !kind.has_six_none() {
            return Err(AppError::Invalid(format!(
                "{}不考核“六无”，“六无”只对乡镇、村（社区）和示范点计算",
                kind.label()
            )));
        }
        let year = check_year(year.unwrap_or(i32::try_from(record.year).unwrap_or_default()))?;
        let area =
            OrgCode::parse(&record.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        self.area_six_none(user, &area, year).await
    }

    /// Takes a step on a unit: scores the checklist, checks the "六无" of an area, and moves the
    /// unit (or refuses with why).
    pub async fn take_step(
        self,
        actor: &Actor,
        id: i64,
        r: &CreationStepRequest,
    ) -> Result<CreationUnitPage> {
        self.authorize(actor, Capability::ManageCreation, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let record = self.unit_record(user, id).await?;
        let kind = kind_of(&record.kind)?;
        let status = CreationStatus::parse(&record.status)
            .ok_or_else(|| AppError::Internal(format!("未知的创建状态 {}", record.status)))?;
        let step = CreationStep::parse(&r.step).ok_or_else(|| {
            AppError::Invalid(format!("step 应为 {} 之一", CreationStep::labels()))
        })?;
        if user.org_code.level() > step.assessor_level() {
            return Err(AppError::Forbidden(format!(
                "{}由{}级综治中心进行",
                step.label(),
                step.assessor_level().label()
            )));
        }
        step.next(kind, status, true).map_err(AppError::Conflict)?;
        let remarks = r.remarks.trim();
        if remarks.chars().count() > 500 {
            return Err(AppError::Invalid("考核意见不能超过 500 字".into()));
        }
        if step == CreationStep::Revoke && remarks.chars().count() < 2 {
            return Err(AppError::Invalid(
                "摘牌请写明理由（如发生命案、群体性事件）".into(),
            ));
        }
        let (scored, lines) = if step.scores() {
            let (checklist, _) = self.checklist_of(kind).await?;
            let scored = checklist.score(&r.scores).map_err(AppError::Invalid)?;
            let lines: Vec<ScoredLineView> = checklist
                .items
                .iter()
                .zip(&r.scores)
                .map(|(c, &given)| ScoredLineView {
                    label: c.label.clone(),
                    points: c.points,
                    veto: c.veto,
                    given,
                })
                .collect();
            (Some(scored), lines)
        } else {
            (None, Vec::new())
        };
        let broken: Vec<String> = if kind.has_six_none() && step.scores() {
            let area =
                OrgCode::parse(&record.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
            let year = i32::try_from(record.year).unwrap_or_default();
            self.area_six_none(user, &area, year)
                .await?
                .items
                .into_iter()
                .filter(|i| !i.clean)
                .map(|i| i.key)
                .collect()
        } else {
            Vec::new()
        };
        let passed = scored.as_ref().is_none_or(|s| s.passed) && broken.is_empty();
        let after = step
            .next(kind, status, passed)
            .map_err(AppError::Conflict)?;
        let naming = after == CreationStatus::Named;
        let document_no = r
            .document_no
            .as_deref()
            .map(str::trim)
            .filter(|d| naming && !d.is_empty());
        if document_no.is_some_and(|d| d.chars().count() > 40) {
            return Err(AppError::Invalid("命名文号不能超过 40 字".into()));
        }
        let done = self
            .store
            .record_creation_assessment(&NewCreationAssessment {
                unit_id: id,
                version: r.version,
                step: step.code().into(),
                passed,
                total: scored.as_ref().map(|s| i64::from(s.total)),
                scores: (!lines.is_empty()).then(|| to_json(&lines)).transpose()?,
                six_none: (!broken.is_empty()).then(|| to_json(&broken)).transpose()?,
                remarks: remarks.into(),
                status_after: after.code().into(),
                named_on: naming.then(|| r.named_on.unwrap_or_else(|| beijing_date(Utc::now()))),
                document_no: document_no.map(str::to_owned),
                by_user: user.id,
                by_name: user.display_name.clone(),
                at: Utc::now(),
            })
            .await?;
        if !done {
            let now = self.unit_record(user, id).await?;
            return Err(AppError::Conflict(format!(
                "已被他人处理，当前为“{}”，请刷新后再考核",
                CreationStatus::parse(&now.status).map_or(now.status.as_str(), |s| s.label())
            )));
        }
        self.audit(
            actor,
            "creation.step",
            &format!("creation_unit:{id}"),
            "ok",
            json!({
                "step": step.code(), "passed": passed, "status": after.code(),
                "total": scored.as_ref().map(|s| s.total), "six_none_broken": broken,
            }),
        )
        .await?;
        self.unit(user, id).await
    }

    /// A unit of the user's scope, or 404.
    async fn unit_record(self, user: &CurrentUser, id: i64) -> Result<CreationUnitRecord> {
        self.store
            .creation_unit(id, &user.scope())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有创建单位 {id}，或不在您的管辖范围内")))
    }

    async fn unit_view(self, r: CreationUnitRecord) -> Result<CreationUnitView> {
        let area = OrgCode::parse(&r.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(CreationUnitView {
            kind_label: CreationKind::parse(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| k.label().into()),
            status_label: CreationStatus::parse(&r.status)
                .map_or_else(|| r.status.clone(), |s| s.label().into()),
            area_name: self.area_name(&area).await?,
            id: r.id,
            kind: r.kind,
            year: i32::try_from(r.year).unwrap_or_default(),
            name: r.name,
            org_code: r.org_code,
            place_id: r.place_id,
            status: r.status,
            score: r.score,
            named_on: r.named_on,
            document_no: r.document_no,
            version: r.version,
            updated_at: r.updated_at,
        })
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

fn assessment_view(r: CreationAssessmentRecord) -> CreationAssessmentView {
    let broken: Vec<String> = r
        .six_none
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    CreationAssessmentView {
        step_label: CreationStep::parse(&r.step)
            .map_or_else(|| r.step.clone(), |s| s.label().into()),
        status_after_label: CreationStatus::parse(&r.status_after)
            .map_or_else(|| r.status_after.clone(), |s| s.label().into()),
        scores: r
            .scores
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default(),
        six_none_broken: broken
            .iter()
            .map(|k| SixNone::parse(k).map_or_else(|| k.clone(), |i| i.label().into()))
            .collect(),
        step: r.step,
        passed: r.passed,
        total: r.total,
        remarks: r.remarks,
        by_name: r.by_name,
        at: r.at,
    }
}
