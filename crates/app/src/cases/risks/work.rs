//! 稳评办理 — registering a matter, the list and case page, the actions (each step's record
//! checked before the step is completed, the decision's rule), the expert pool and the register.

use super::{
    PanelView, RiskActionRequest, RiskDetailView, RiskDocumentView, RiskExpertView, RiskIntake,
    RiskListQuery, RiskMeasureView, RiskPage, RiskRegisterView, RiskScoreView, RiskView,
};
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use crate::cases::{
    ActionRequest, OwnRows, case_number, check_client_id, intake_point, parse_case_ref,
};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::risk::{
    Decision, DocumentKind, MatterType, OpinionMethod, RISK, RiskLevel, Scores, Track,
    advance_action, decision_allowed, panel_result, step_ready,
};
use pingan_domain::case::{CaseCore, TimeLimit};
use pingan_domain::text::filter_text;
use pingan_domain::{Capability, OrgLevel};
use pingan_store::{
    CaseRecord, Inserted, NewRiskDocument, NewRiskMeasure, NewRiskScore, NewTimelineEntry,
    RiskDetail, RiskFilter, RiskInsert, RiskRecord, RiskUpdate,
};
use serde_json::json;

impl crate::services::Cases<'_> {
    fn risk_view(self, r: RiskRecord) -> RiskView {
        let letters = &self.config().risk_grade_letters;
        let (c, d) = (r.case, r.detail);
        let k = c.core;
        let level = d.level.as_deref().and_then(RiskLevel::parse);
        RiskView {
            number: case_number(k.kind, c.id, c.created_at),
            id: c.id,
            state: k.state.key.into(),
            state_label: k.state.label.into(),
            title: c.title,
            description: d.description,
            matter_type_label: MatterType::parse(&d.matter_type)
                .map_or_else(|| d.matter_type.clone(), |m| m.label().into()),
            matter_type: d.matter_type,
            track_label: Track::parse(&d.track)
                .map_or_else(|| d.track.clone(), |t| t.label().into()),
            track: d.track,
            people_affected: d.people_affected,
            level_label: level.map(|l| letters.label(l)),
            level: d.level,
            decision_label: d
                .decision
                .as_deref()
                .and_then(Decision::parse)
                .map(|x| x.label().into()),
            decision: d.decision,
            decided_at: d.decided_at,
            filed_at: d.filed_at,
            reassessments: d.reassessments,
            org_code: c.org_code,
            department_id: k.department,
            created_at: c.created_at,
            deadline: k.clock.map(|t| t.deadline),
            alert: k.alert.as_str().into(),
            open: k.open(),
            supervised: k.supervised,
            version: c.version,
        }
    }

    /// Registers a matter for assessment. Idempotent on `client_id`.
    pub async fn register_risk(self, actor: &Actor, intake: &RiskIntake) -> Result<RiskView> {
        self.authorize(actor, Capability::ManageRiskAssessments, None)?;
        let user = self.case_user(actor)?;
        check_client_id(&intake.client_id)?;
        let matter_type = MatterType::parse(&intake.matter_type).ok_or_else(|| {
            AppError::Invalid(format!(
                "事项类型 matter_type 应为 {} 之一",
                MatterType::labels()
            ))
        })?;
        let track = Track::parse_or(
            intake.track.as_deref().unwrap_or_default(),
            Track::Full,
            "评估方式 track ",
        )
        .map_err(AppError::Invalid)?;
        let title = intake.title.trim();
        if !(2..=100).contains(&title.chars().count()) {
            return Err(AppError::Invalid(
                "事项名称 title 应为 2 到 100 个字".into(),
            ));
        }
        let description = intake.description.trim();
        if !(4..=5000).contains(&description.chars().count()) {
            return Err(AppError::Invalid(
                "请填写事项概况 description（4 到 5000 字）".into(),
            ));
        }
        let people = intake.people_affected.unwrap_or(0);
        if people > 10_000_000 {
            return Err(AppError::Invalid("涉及群众人数超出范围，请核对".into()));
        }
        // The 评估主体: the department named, or the registering department itself.
        let subject = intake.department_id.or(user.department_id).ok_or_else(|| {
            AppError::Invalid("请选择评估主体（提出或承办事项的部门）department_id".into())
        })?;
        if !self
            .all_departments()
            .await?
            .iter()
            .any(|d| d.id == subject)
        {
            return Err(AppError::Invalid(format!("部门 {subject} 不存在")));
        }
        let address = intake
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let point = intake_point(intake.lat, intake.lon, intake.coord.as_deref())?;
        let place = if point.is_none() && intake.grid_code.is_none() {
            user.org_code.clone()
        } else {
            self.intake_place(point, intake.grid_code.as_deref(), address)
                .await?
        };
        self.authorize(actor, Capability::ManageRiskAssessments, Some(&place))?;
        // The hub that oversees it: the registering user's district or township.
        let owner = if matches!(
            user.org_code.level(),
            OrgLevel::District | OrgLevel::Township
        ) {
            user.org_code.clone()
        } else {
            place
                .ancestor_at(OrgLevel::Township)
                .unwrap_or_else(|| place.clone())
        };
        let now = pingan_domain::audit::to_micros(Utc::now());
        let calendar = self.org().work_calendar().await?;
        let mut core = CaseCore::received(
            &RISK,
            "defining",
            owner,
            TimeLimit::new(10, TimeUnit::WorkDays),
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("稳评的初始状态未定义".into()))?;
        core.department = Some(subject);
        let case = CaseRecord {
            id: 0,
            title: title.into(),
            org_code: place.as_str().into(),
            category: matter_type.code().into(),
            reporter_id: Some(user.id),
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        let detail = RiskDetail {
            client_id: intake.client_id.clone(),
            matter_type: matter_type.code().into(),
            track: track.code().into(),
            description: description.into(),
            people_affected: i64::from(people),
            level: None,
            decision: None,
            decided_at: None,
            filed_at: None,
            reassessments: 0,
        };
        let entry = NewTimelineEntry {
            at: now,
            action: "intake".into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: None,
            to_state: "defining".into(),
            comment: None,
            detail: json!({"matter_type": matter_type.code(), "track": track.code()}).to_string(),
        };
        let insert = RiskInsert {
            case: case.clone(),
            detail: detail.clone(),
            documents: Vec::new(),
            entries: vec![entry],
        };
        let id = match self.store.insert_risk(&insert).await? {
            Inserted::New(id) => id,
            Inserted::Existing(id) => {
                let r = self
                    .store
                    .risk(id, &user.scope())
                    .await?
                    .filter(|r| r.case.reporter_id == Some(user.id))
                    .ok_or_else(|| {
                        AppError::Conflict("此 client_id 已被另一个评估事项使用".into())
                    })?;
                return Ok(self.risk_view(r));
            }
        };
        let mut case = case;
        case.id = id;
        self.publish_case(&case, &[subject], "intake");
        self.audit(
            actor,
            "risk.register",
            &format!("case:{id}"),
            "ok",
            json!({"matter_type": matter_type.code()}),
        )
        .await?;
        Ok(self.risk_view(RiskRecord { case, detail }))
    }

    async fn readable_risk(self, actor: &Actor, id: i64) -> Result<(&CurrentUser, RiskRecord)> {
        let user = self.case_user(actor)?;
        self.store
            .risk(id, &user.scope())
            .await?
            .map(|r| (user, r))
            .ok_or_else(|| AppError::NotFound(format!("评估事项 {id} 不存在或不在您的管辖范围内")))
    }

    /// Assessments the user may see, newest first.
    pub async fn risks(self, actor: &Actor, q: &RiskListQuery) -> Result<RiskPage> {
        let user = self.case_user(actor)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let number = text
            .as_deref()
            .filter(|t| t.starts_with(RISK.number_prefix))
            .and_then(parse_case_ref);
        let filter = RiskFilter {
            state: q.state.clone().filter(|s| !s.is_empty()),
            open: q.open,
            level: RiskLevel::parse_param(q.level.as_deref(), "level")
                .map_err(AppError::Invalid)?
                .map(|l| l.code().to_owned()),
            decision: Decision::parse_param(q.decision.as_deref(), "decision")
                .map_err(AppError::Invalid)?
                .map(|d| d.code().to_owned()),
            matter_type: MatterType::parse_param(q.matter_type.as_deref(), "matter_type")
                .map_err(AppError::Invalid)?
                .map(|m| m.code().to_owned()),
            area: filter_text(q.area.as_deref(), "area").map_err(AppError::Invalid)?,
            text: text.clone().filter(|_| number.is_none()),
            id: number,
            before_id: q.before,
        };
        let rows = self.store.risks(&user.scope(), &filter, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        Ok(RiskPage {
            items: rows.into_iter().map(|r| self.risk_view(r)).collect(),
            next_before,
        })
    }

    /// What the assessment's current step still needs before it can be completed.
    async fn step_needs(self, r: &RiskRecord) -> Result<Option<String>> {
        let docs = self.store.risk_documents(r.case.id).await?;
        let kinds: Vec<DocumentKind> = docs
            .iter()
            .filter_map(|d| DocumentKind::parse(&d.document.kind))
            .collect();
        let opinions = docs.iter().filter(|d| d.document.kind == "opinion").count();
        let panel = self.store.risk_scores(r.case.id).await?.len();
        let level = r.detail.level.as_deref().and_then(RiskLevel::parse);
        let simple = r.detail.track == Track::Simple.code();
        Ok(step_ready(
            r.case.core.state.key,
            &kinds,
            opinions,
            panel,
            level,
            simple,
        )
        .err())
    }

    /// The case page of an assessment.
    pub async fn risk_detail(self, actor: &Actor, id: i64) -> Result<RiskDetailView> {
        let (user, r) = self.readable_risk(actor, id).await?;
        let letters = self.config().risk_grade_letters.clone();
        let relations = crate::cases::parties(user, &r.case)?;
        let documents = self.store.risk_documents(id).await?;
        let scores = self.store.risk_scores(id).await?;
        let measures = self.store.risk_measures(id).await?;
        let today = pingan_domain::time::beijing_date(Utc::now());
        let step_needs = self.step_needs(&r).await?;
        let panel = panel_result(
            &scores
                .iter()
                .map(|s| Scores {
                    legality: u32::try_from(s.score.legality).unwrap_or(0),
                    rationality: u32::try_from(s.score.rationality).unwrap_or(0),
                    feasibility: u32::try_from(s.score.feasibility).unwrap_or(0),
                    controllability: u32::try_from(s.score.controllability).unwrap_or(0),
                    safety: s.score.safety.and_then(|x| u32::try_from(x).ok()),
                })
                .collect::<Vec<_>>(),
        )
        .map(|p| PanelView {
            experts: p.experts,
            legality: p.legality,
            rationality: p.rationality,
            feasibility: p.feasibility,
            controllability: p.controllability,
            safety: p.safety,
            overall: p.overall,
            suggested_level: p.suggested.code().into(),
            suggested_label: letters.label(p.suggested),
        });
        // `advance` and `decide` stand for the step actions of the current state.
        let simple = r.detail.track == Track::Simple.code();
        let step = advance_action(r.case.core.state.key, simple);
        let actions = RISK
            .available(&r.case.core.facts(Utc::now()), &relations)
            .into_iter()
            .filter_map(|a| match a.key {
                k if Some(k) == step => Some(ActionView {
                    action: "advance".into(),
                    label: format!("完成本步：{}", r.case.core.state.label),
                    ..ActionView::from(a)
                }),
                "decide_implement" => Some(ActionView {
                    action: "decide".into(),
                    label: "记录决策（实施、暂缓实施或不实施）".into(),
                    to_state: None,
                    ..ActionView::from(a)
                }),
                k if k.starts_with("to_") || k.starts_with("decide_") => None,
                _ => Some(ActionView::from(a)),
            })
            .collect();
        let view = |d: pingan_store::RiskDocumentRecord| RiskDocumentView {
            id: d.id,
            kind_label: if d.document.kind == "opinion" {
                "意见征集".into()
            } else {
                DocumentKind::parse(&d.document.kind)
                    .map_or_else(|| d.document.kind.clone(), |k| k.label().into())
            },
            method_label: d
                .document
                .method
                .as_deref()
                .and_then(OpinionMethod::parse)
                .map(|m| m.label().into()),
            kind: d.document.kind,
            participants: d.document.participants,
            title: d.document.title,
            content: d.document.content,
            added_by: d.document.added_by,
            added_at: d.document.added_at,
        };
        let (opinions, documents): (Vec<_>, Vec<_>) = documents
            .into_iter()
            .partition(|d| d.document.kind == "opinion");
        Ok(RiskDetailView {
            departments: self
                .store
                .case_departments(id)
                .await?
                .into_iter()
                .map(|d| CaseDepartmentView {
                    id: d.department_id,
                    name: d.name,
                    lead: d.lead,
                })
                .collect(),
            documents: documents.into_iter().map(view).collect(),
            opinions: opinions.into_iter().map(view).collect(),
            scores: scores
                .into_iter()
                .map(|s| RiskScoreView {
                    expert_id: s.score.expert_id,
                    expert_name: s.expert_name,
                    legality: s.score.legality,
                    rationality: s.score.rationality,
                    feasibility: s.score.feasibility,
                    controllability: s.score.controllability,
                    safety: s.score.safety,
                    opinion: s.score.opinion,
                })
                .collect(),
            panel,
            measures: measures
                .into_iter()
                .map(|m| RiskMeasureView {
                    overdue: m.done_at.is_none() && m.measure.due_on < today,
                    id: m.id,
                    content: m.measure.content,
                    owner: m.measure.owner,
                    due_on: m.measure.due_on,
                    done_at: m.done_at,
                })
                .collect(),
            step_needs,
            timeline: self
                .store
                .timeline(id)
                .await?
                .into_iter()
                .map(|t| TimelineView::new(t, &RISK))
                .collect(),
            actions,
            risk: self.risk_view(r),
        })
    }

    /// Takes one action on an assessment the user can see: `advance` completes the current step
    /// once its record is there; `decide` records the meeting's decision under the level rule.
    pub async fn act_on_risk(
        self,
        actor: &Actor,
        id: i64,
        req: &RiskActionRequest,
    ) -> Result<RiskView> {
        let (user, record) = self.readable_risk(actor, id).await?;
        let now = pingan_domain::audit::to_micros(Utc::now());
        let text = |s: &Option<String>, min: usize, max: usize, what: &str| -> Result<String> {
            let s = s.as_deref().map(str::trim).unwrap_or_default();
            if (min..=max).contains(&s.chars().count()) {
                Ok(s.to_owned())
            } else {
                Err(AppError::Invalid(format!(
                    "请填写{what}（{min} 到 {max} 字）"
                )))
            }
        };
        let mut update = RiskUpdate::default();
        let simple = record.detail.track == Track::Simple.code();
        let key: String = match req.action.as_str() {
            "advance" => {
                if let Some(needs) = self.step_needs(&record).await? {
                    return Err(AppError::Conflict(needs));
                }
                advance_action(record.case.core.state.key, simple)
                    .ok_or_else(|| {
                        AppError::Conflict(format!(
                            "“{}”没有下一步可完成",
                            record.case.core.state.label
                        ))
                    })?
                    .into()
            }
            "decide" => {
                let decision = Decision::parse_param(req.decision.as_deref(), "decision")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| {
                        AppError::Invalid("请选择决策 decision：实施、暂缓实施或不实施".into())
                    })?;
                let kinds: Vec<DocumentKind> = self
                    .store
                    .risk_documents(id)
                    .await?
                    .iter()
                    .filter_map(|d| DocumentKind::parse(&d.document.kind))
                    .collect();
                let level = record.detail.level.as_deref().and_then(RiskLevel::parse);
                decision_allowed(decision, level, &kinds).map_err(AppError::Conflict)?;
                update.decision = Some((decision.code().into(), now));
                decision.action().into()
            }
            other => {
                match other {
                    "add_document" => {
                        let kind = DocumentKind::parse_param(req.kind.as_deref(), "kind")
                            .map_err(AppError::Invalid)?
                            .ok_or_else(|| {
                                AppError::Invalid(format!(
                                    "请选择材料类型 kind：{}",
                                    DocumentKind::labels()
                                ))
                            })?;
                        update.document = Some(NewRiskDocument {
                            kind: kind.code().into(),
                            method: None,
                            participants: None,
                            title: text(&req.title, 2, 100, "材料名称")?,
                            content: text(&req.content, 4, 20_000, "材料内容")?,
                            added_by: user.display_name.clone(),
                            added_at: now,
                        });
                    }
                    "add_opinion" => {
                        let method = OpinionMethod::parse_param(req.method.as_deref(), "method")
                            .map_err(AppError::Invalid)?
                            .ok_or_else(|| {
                                AppError::Invalid(format!(
                                    "请选择意见征集方式 method：{}",
                                    OpinionMethod::labels()
                                ))
                            })?;
                        update.document = Some(NewRiskDocument {
                            kind: "opinion".into(),
                            method: Some(method.code().into()),
                            participants: req.participants.map(i64::from),
                            title: text(&req.title, 2, 100, "意见征集事由")?,
                            content: text(&req.content, 4, 20_000, "意见及采纳情况")?,
                            added_by: user.display_name.clone(),
                            added_at: now,
                        });
                    }
                    "expert_score" => {
                        let expert = req
                            .expert_id
                            .ok_or_else(|| AppError::Invalid("请选择专家 expert_id".into()))?;
                        if !self
                            .store
                            .risk_experts()
                            .await?
                            .iter()
                            .any(|e| e.id == expert)
                        {
                            return Err(AppError::Invalid(format!("专家库中没有 {expert}")));
                        }
                        let need = |v: Option<u32>, what: &str| {
                            v.ok_or_else(|| {
                                AppError::Invalid(format!("请填写{what}评分（0 到 100）"))
                            })
                        };
                        let scores = Scores {
                            legality: need(req.legality, "合法性")?,
                            rationality: need(req.rationality, "合理性")?,
                            feasibility: need(req.feasibility, "可行性")?,
                            controllability: need(req.controllability, "可控性")?,
                            safety: req.safety,
                        };
                        scores.check().map_err(AppError::Invalid)?;
                        update.score = Some(NewRiskScore {
                            expert_id: expert,
                            legality: i64::from(scores.legality),
                            rationality: i64::from(scores.rationality),
                            feasibility: i64::from(scores.feasibility),
                            controllability: i64::from(scores.controllability),
                            safety: scores.safety.map(i64::from),
                            opinion: text(&req.reason, 0, 2000, "专家意见")?,
                            scored_at: now,
                        });
                    }
                    "set_level" => {
                        let level = RiskLevel::parse_param(req.level.as_deref(), "level")
                            .map_err(AppError::Invalid)?
                            .ok_or_else(|| {
                                AppError::Invalid(
                                    "请选择风险等级 level：高风险、中风险或低风险".into(),
                                )
                            })?;
                        update.level = Some(level.code().into());
                    }
                    "file_record" => update.filed_at = Some(now),
                    "add_measure" => {
                        update.measure = Some(NewRiskMeasure {
                            content: text(&req.content, 2, 500, "措施内容")?,
                            owner: text(&req.owner, 1, 60, "责任单位或责任人")?,
                            due_on: req
                                .due_on
                                .ok_or_else(|| AppError::Invalid("请填写完成时限 due_on".into()))?,
                        });
                    }
                    "complete_measure" => {
                        let measure = req
                            .measure_id
                            .ok_or_else(|| AppError::Invalid("请选择措施 measure_id".into()))?;
                        if !self
                            .store
                            .risk_measures(id)
                            .await?
                            .iter()
                            .any(|m| m.id == measure && m.done_at.is_none())
                        {
                            return Err(AppError::Conflict("没有这项未落实的措施".into()));
                        }
                        update.measure_done = Some((measure, now));
                    }
                    "reassess" => update.reassessed = true,
                    _ => {}
                }
                other.into()
            }
        };
        let engine_req = ActionRequest {
            action: key,
            version: req.version,
            reason: req.reason.clone(),
            ..ActionRequest::default()
        };
        let acted = self
            .take_action(
                actor,
                user,
                record.case,
                &engine_req,
                OwnRows::Risk(&update),
            )
            .await?;
        self.publish_case(&acted.case, &acted.department_ids, acted.action.key);
        let fresh = self
            .store
            .risk(id, &user.scope())
            .await?
            .unwrap_or(RiskRecord {
                case: acted.case,
                detail: record.detail,
            });
        Ok(self.risk_view(fresh))
    }

    /// The expert pool.
    pub async fn risk_experts(self, actor: &Actor) -> Result<Vec<RiskExpertView>> {
        self.authorize(actor, Capability::ManageRiskAssessments, None)?;
        Ok(self
            .store
            .risk_experts()
            .await?
            .into_iter()
            .map(|e| RiskExpertView {
                id: e.id,
                name: e.name,
                field: e.field,
                unit: e.unit,
            })
            .collect())
    }

    /// Adds an expert to the pool.
    pub async fn add_risk_expert(
        self,
        actor: &Actor,
        e: &RiskExpertView,
    ) -> Result<RiskExpertView> {
        self.authorize(actor, Capability::ManageRiskAssessments, None)?;
        let check = |s: &str, max: usize, what: &str| -> Result<String> {
            let s = s.trim();
            if (2..=max).contains(&s.chars().count()) {
                Ok(s.to_owned())
            } else {
                Err(AppError::Invalid(format!("{what}应为 2 到 {max} 个字")))
            }
        };
        let (name, field, unit) = (
            check(&e.name, 30, "专家姓名")?,
            check(&e.field, 30, "专业领域")?,
            check(&e.unit, 60, "工作单位")?,
        );
        let id = self.store.insert_risk_expert(&name, &field, &unit).await?;
        self.audit(
            actor,
            "risk.expert.add",
            &format!("risk_expert:{id}"),
            "ok",
            json!({"field": field}),
        )
        .await?;
        Ok(RiskExpertView {
            id,
            name,
            field,
            unit,
        })
    }

    /// 稳评台账: the matters within the user's unit by level and decision.
    pub async fn risk_register(self, actor: &Actor) -> Result<RiskRegisterView> {
        let user = self.case_user(actor)?;
        if user.department_id.is_some() {
            return Err(AppError::Forbidden("稳评台账由综治中心查看".into()));
        }
        let letters = self.config().risk_grade_letters.clone();
        let mut rows = self.store.risk_register(user.org_code.as_str()).await?;
        // 高, 中, 低, then those not yet leveled.
        let rank = |l: &Option<String>| match l.as_deref().and_then(RiskLevel::parse) {
            Some(RiskLevel::High) => 0,
            Some(RiskLevel::Medium) => 1,
            Some(RiskLevel::Low) => 2,
            None => 3,
        };
        rows.sort_by_key(|r| (rank(&r.level), r.decision.clone()));
        Ok(RiskRegisterView {
            total: rows.iter().map(|r| r.matters).sum(),
            lines: rows
                .into_iter()
                .map(|r| {
                    (
                        r.level
                            .as_deref()
                            .and_then(RiskLevel::parse)
                            .map_or_else(|| "未定级".into(), |l| letters.label(l)),
                        r.decision
                            .as_deref()
                            .and_then(Decision::parse)
                            .map_or_else(|| "未决策".into(), |d| d.label().into()),
                        r.matters,
                    )
                })
                .collect(),
        })
    }
}
