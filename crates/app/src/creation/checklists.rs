//! 考核标准 — each kind's points table: the shipped one until the district changes it.

use super::{ChecklistRequest, ChecklistView, CriterionEntry};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Utc};
use pingan_domain::creation::{Checklist, CreationKind, Criterion};
use pingan_domain::{Capability, OrgLevel};
use serde_json::json;

/// A kind from the API or a form.
pub(super) fn kind_of(s: &str) -> Result<CreationKind> {
    CreationKind::parse(s)
        .ok_or_else(|| AppError::Invalid(format!("创建类别应为 {} 之一", CreationKind::labels())))
}

impl crate::services::Creation<'_> {
    /// A kind's checklist as it stands.
    pub async fn checklist(self, user: &CurrentUser, kind: &str) -> Result<ChecklistView> {
        self.authorize_user(user, Capability::ViewCreation)?;
        let kind = kind_of(kind)?;
        let (checklist, updated_at) = self.checklist_of(kind).await?;
        Ok(view(kind, &checklist, updated_at))
    }

    /// Replaces a kind's checklist (the district, 组织平安创建); units assessed before keep the
    /// lines they were scored on.
    pub async fn save_checklist(
        self,
        actor: &Actor,
        kind: &str,
        r: &ChecklistRequest,
    ) -> Result<ChecklistView> {
        self.authorize(actor, Capability::ManageCreation, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        if user.org_code.level() != OrgLevel::District || user.department_id.is_some() {
            return Err(AppError::Forbidden("考核标准由区综治中心制定".into()));
        }
        let kind = kind_of(kind)?;
        let checklist = Checklist {
            pass_mark: r.pass_mark,
            items: r
                .items
                .iter()
                .map(|c| Criterion {
                    label: c.label.clone(),
                    points: c.points,
                    veto: c.veto,
                })
                .collect(),
        }
        .check()
        .map_err(AppError::Invalid)?;
        let (before, _) = self.checklist_of(kind).await?;
        let items = serde_json::to_string(&checklist.items)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let now = Utc::now();
        self.store
            .save_creation_checklist(
                kind.code(),
                i64::from(checklist.pass_mark),
                &items,
                user.id,
                now,
            )
            .await?;
        self.audit(
            actor,
            "creation.checklist",
            &format!("creation_checklist:{}", kind.code()),
            "ok",
            json!({
                "before": {"pass_mark": before.pass_mark, "total": before.total(), "lines": before.items.len()},
                "after": {"pass_mark": checklist.pass_mark, "total": checklist.total(), "lines": checklist.items.len()},
            }),
        )
        .await?;
        Ok(view(kind, &checklist, Some(now)))
    }

    /// A kind's checklist and when the district last saved it (none: the shipped one).
    pub(super) async fn checklist_of(
        self,
        kind: CreationKind,
    ) -> Result<(Checklist, Option<DateTime<Utc>>)> {
        let Some(saved) = self.store.creation_checklist(kind.code()).await? else {
            return Ok((Checklist::shipped(kind), None));
        };
        let items: Vec<Criterion> = serde_json::from_str(&saved.items)
            .map_err(|e| AppError::Internal(format!("考核标准读不出：{e}")))?;
        Ok((
            Checklist {
                pass_mark: u32::try_from(saved.pass_mark).unwrap_or(0),
                items,
            },
            Some(saved.updated_at),
        ))
    }
}

pub(super) fn view(
    kind: CreationKind,
    c: &Checklist,
    updated_at: Option<DateTime<Utc>>,
) -> ChecklistView {
    ChecklistView {
        kind: kind.code().into(),
        kind_label: kind.label().into(),
        pass_mark: c.pass_mark,
        total: c.total(),
        items: c
            .items
            .iter()
            .map(|i| CriterionEntry {
                label: i.label.clone(),
                points: i.points,
                veto: i.veto,
            })
            .collect(),
        six_none_veto: kind.has_six_none(),
        updated_at,
    }
}
