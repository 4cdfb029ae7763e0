//! 线索办理 — the clue office's list and case page, the actions through the engine, and the one
//! place an informant's identity is read: [`reveal_informant`](crate::services::Cases::reveal_informant).

use super::{
    ClueActionRequest, ClueDetailView, ClueListQuery, CluePage, ClueView, INFORMANT_CONTACT_FIELD,
    INFORMANT_ID_FIELD, INFORMANT_NAME_FIELD, INFORMANT_PHONE_FIELD, InformantPlain,
};
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use crate::cases::{ActionRequest, OwnRows, case_number, parse_case_ref, parse_org, parties};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::case::Party;
use pingan_domain::case::clue::{CLUE, ClueGrade, ClueMark, ClueResult, check_result_figures};
use pingan_domain::text::filter_text;
use pingan_store::{ClueFilter, ClueReader, ClueRecord, ClueUpdate};
use serde_json::json;

impl crate::services::Cases<'_> {
    /// How `user` reads clues: as the clue office within their scope (线索管理), or as the
    /// department a clue was given to. Anyone else reads none.
    pub(crate) fn clue_reader(self, user: &CurrentUser) -> Result<ClueReader> {
        let office = user.can(Capability::ManageClues);
        let verifier = user.department_id.is_some() && user.can(Capability::DepartmentWork);
        if !(office || verifier) {
            return Err(AppError::Forbidden("您没有查看涉黑涉恶线索的权限".into()));
        }
        Ok(ClueReader {
            scope: user.scope(),
            office,
        })
    }

    fn clue_user(self, actor: &Actor) -> Result<&CurrentUser> {
        actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))
    }

    /// A clue the user may see; every read is on the audit record with the reader.
    async fn readable_clue<'a>(
        self,
        actor: &'a Actor,
        id: i64,
        why: &str,
    ) -> Result<(&'a CurrentUser, ClueRecord)> {
        let user = self.clue_user(actor)?;
        let found = self.store.clue(id, &self.clue_reader(user)?).await?;
        let outcome = if found.is_some() { "ok" } else { "denied" };
        self.audit(
            actor,
            "clue.read",
            &format!("case:{id}"),
            outcome,
            json!({"for": why}),
        )
        .await?;
        found
            .map(|r| (user, r))
            .ok_or_else(|| AppError::NotFound(format!("线索 {id} 不存在或您无权查看")))
    }

    /// The user's relations to a clue: the clue office (线索管理 within the clue's place) is its
    /// hub; the department it lies with verifies it; a leader above supervises. Hub work alone
    /// (a commander) is nothing here.
    fn clue_relations(self, user: &CurrentUser, r: &ClueRecord) -> Result<Vec<Party>> {
        let mut relations: Vec<Party> = parties(user, &r.case)?
            .into_iter()
            .filter(|p| matches!(p, Party::Department | Party::Superior))
            .collect();
        let office = user.can(Capability::ManageClues)
            && user.department_id.is_none()
            && parse_org(&r.case.org_code)?.is_within(&user.org_code);
        if office {
            relations.push(Party::Hub);
            if r.case.core.owner_org.is_within(&user.org_code)
                && user.can(Capability::SuperviseCases)
            {
                relations.push(Party::Superior);
            }
        }
        relations.dedup();
        Ok(relations)
    }

    /// Clues the user may see, newest first. The list is on the audit record.
    pub async fn clues(self, actor: &Actor, q: &ClueListQuery) -> Result<CluePage> {
        let user = self.clue_user(actor)?;
        let reader = self.clue_reader(user)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let number = text
            .as_deref()
            .filter(|t| t.starts_with(CLUE.number_prefix))
            .and_then(parse_case_ref);
        let filter = ClueFilter {
            state: q.state.clone().filter(|s| !s.is_empty()),
            open: q.open,
            alert: q.alert.clone().filter(|s| !s.is_empty()),
            grade: ClueGrade::parse_param(q.grade.as_deref(), "grade")
                .map_err(AppError::Invalid)?
                .map(|g| g.code().to_owned()),
            area: filter_text(q.area.as_deref(), "area").map_err(AppError::Invalid)?,
            text: text.clone().filter(|_| number.is_none()),
            id: number,
            before_id: q.before,
        };
        let rows = self.store.clues(&reader, &filter, limit).await?;
        self.audit(
            actor,
            "clue.list",
            "clues",
            "ok",
            json!({"rows": rows.len()}),
        )
        .await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        Ok(CluePage {
            items: rows
                .into_iter()
                .filter(|r| {
                    number.is_none()
                        || text.as_deref()
                            == Some(case_number(&CLUE, r.case.id, r.case.created_at).as_str())
                })
                .map(ClueView::new)
                .collect(),
            next_before,
        })
    }

    /// The case page of a clue (never its informant).
    pub async fn clue_detail(self, actor: &Actor, id: i64) -> Result<ClueDetailView> {
        let (user, r) = self.readable_clue(actor, id, "detail").await?;
        let relations = self.clue_relations(user, &r)?;
        let departments = self.store.case_departments(id).await?;
        let timeline = self.store.timeline(id).await?;
        Ok(ClueDetailView {
            departments: departments
                .into_iter()
                .map(|d| CaseDepartmentView {
                    id: d.department_id,
                    name: d.name,
                    lead: d.lead,
                })
                .collect(),
            timeline: timeline
                .into_iter()
                .map(|t| TimelineView::new(t, &CLUE))
                .collect(),
            actions: CLUE
                .available(&r.case.core.facts(Utc::now()), &relations)
                .into_iter()
                .map(ActionView::from)
                .collect(),
            can_reveal: user.can(Capability::ManageClues) && !r.detail.anonymous,
            clue: ClueView::new(r),
        })
    }

    /// The informant of a named report in plain text, to the clue office, for a stated reason;
    /// refusals and reveals are both on the audit record.
    pub async fn reveal_informant(
        self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<InformantPlain> {
        let reason = crate::registry::persons::reveal_reason(reason)?;
        let object = format!("case:{id}:informant");
        let detail = json!({"reason": reason});
        let user = self.clue_user(actor)?;
        let readable = if user.can(Capability::ManageClues) {
            self.store.clue(id, &self.clue_reader(user)?).await?
        } else {
            None
        };
        if readable.is_none() {
            return Err(self
                .registry()
                .reveal_refused(
                    actor,
                    &object,
                    &detail,
                    "只有线索管理人员可以查看举报人身份".into(),
                )
                .await);
        }
        let Some(sealed) = self.store.clue_informant(id).await? else {
            return Err(self
                .registry()
                .reveal_refused(
                    actor,
                    &object,
                    &detail,
                    "这是匿名举报，没有举报人身份".into(),
                )
                .await);
        };
        let open = |field, v: &Option<Vec<u8>>| -> Result<Option<String>> {
            v.as_deref()
                .map(|s| self.cipher.open(field, s))
                .transpose()
                .map_err(Into::into)
        };
        let plain = InformantPlain {
            name: open(INFORMANT_NAME_FIELD, &sealed.name_sealed)?,
            phone: open(INFORMANT_PHONE_FIELD, &sealed.phone_sealed)?,
            id_number: open(INFORMANT_ID_FIELD, &sealed.id_sealed)?,
            contact: open(INFORMANT_CONTACT_FIELD, &sealed.contact_sealed)?,
        };
        self.audit(actor, "clue.informant.reveal", &object, "ok", detail)
            .await?;
        Ok(plain)
    }

    /// Takes one action on a clue the user can see.
    pub async fn act_on_clue(
        self,
        actor: &Actor,
        id: i64,
        req: &ClueActionRequest,
    ) -> Result<ClueView> {
        let (user, record) = self.readable_clue(actor, id, "act").await?;
        let now = pingan_domain::audit::to_micros(Utc::now());
        let mut update = ClueUpdate::default();
        match req.action.as_str() {
            "screen" => {
                let grade = ClueGrade::parse_param(req.grade.as_deref(), "grade")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| {
                        AppError::Invalid("请选择线索等级 grade：重要线索或一般线索".into())
                    })?;
                update.grade = Some(grade.code().into());
            }
            "report_result" => {
                let result = ClueResult::parse_param(req.result.as_deref(), "result")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| {
                        AppError::Invalid("请选择核查结果 result：查实、查否或存疑".into())
                    })?;
                let (cases, people, fen) = check_result_figures(
                    result,
                    req.cases_opened,
                    req.people_involved,
                    req.assets_yuan,
                )
                .map_err(AppError::Invalid)?;
                update.result = Some((result.code().into(), cases, people, fen));
            }
            "mark" => {
                let mark = ClueMark::parse_param(req.mark.as_deref(), "mark")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| AppError::Invalid("请选择标记 mark：保护伞或失职渎职".into()))?;
                update.mark = Some(mark.code().into());
            }
            "conclude" => {
                let feedback = req
                    .feedback
                    .as_deref()
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .unwrap_or("您举报的线索已核查办结，感谢您的支持。");
                if feedback.chars().count() > 500 {
                    return Err(AppError::Invalid("反馈内容不能超过 500 字".into()));
                }
                update.feedback = Some((feedback.to_owned(), now));
            }
            _ => {}
        }
        let base = parties(user, &record.case)?;
        let relations = self.clue_relations(user, &record)?;
        // Only the relations a clue grants count: a commander's hub work is nothing here.
        if base.contains(&Party::Hub) && !relations.contains(&Party::Hub) {
            return Err(AppError::Forbidden("只有线索管理人员可以办理线索".into()));
        }
        let extra: Vec<Party> = relations
            .into_iter()
            .filter(|p| !base.contains(p))
            .collect();
        let engine_req = ActionRequest {
            action: req.action.clone(),
            version: req.version,
            reason: req.reason.clone(),
            department_id: req.department_id.filter(|_| req.action == "assign"),
            extension_days: req.extension_days,
            ..ActionRequest::default()
        };
        let acted = self
            .take_action(
                actor,
                user,
                record.case,
                &engine_req,
                OwnRows::Clue(&update, extra),
            )
            .await?;
        let fresh = self
            .store
            .clue(id, &self.clue_reader(user)?)
            .await?
            .unwrap_or(ClueRecord {
                case: acted.case,
                detail: record.detail,
            });
        Ok(ClueView::new(fresh))
    }
}
