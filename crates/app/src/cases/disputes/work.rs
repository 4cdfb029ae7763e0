//! 纠纷办理 — the dispute lists, the case page and its actions: each action goes through the
//! engine, with what it writes of the dispute's own rows (session, agreement, outcome) in the
//! same transaction.

use super::view::{DisputeDetailView, DisputeView};
use super::{DisputeActionRequest, DisputeListQuery, DisputePage};
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use crate::cases::{ActionRequest, OwnRows, case_number, parse_case_ref, parties};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::case::Target;
use pingan_domain::case::dispute::{
    DISPUTE, DisputeSource, DisputeType, SessionInput, check_agreement,
};
use pingan_domain::case::event::EVENT;
use pingan_domain::text::filter_text;
use pingan_store::{DisputeFilter, DisputeRecord, DisputeUpdate, NewDisputeSession};

/// The department kind of the justice bureau and its 司法所 (the demo's `SF`/`SFS` departments).
const JUSTICE_KIND: &str = "司法";

impl crate::services::Cases<'_> {
    /// Disputes the user may see, newest first.
    pub async fn disputes(self, actor: &Actor, q: &DisputeListQuery) -> Result<DisputePage> {
        let user = self.case_user(actor)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let text = text.as_deref();
        let number = text
            .filter(|t| t.starts_with(DISPUTE.number_prefix))
            .and_then(parse_case_ref);
        let dispute_type = match q.dispute_type.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(
                DisputeType::parse(t)
                    .map(|t| t.code().to_owned())
                    .ok_or_else(|| {
                        AppError::Invalid(format!("type 应为 {} 之一", DisputeType::labels()))
                    })?,
            ),
        };
        let source = DisputeSource::parse_param(q.source.as_deref(), "source")
            .map_err(AppError::Invalid)?
            .map(|s| s.code().to_owned());
        let filter = DisputeFilter {
            state: q.state.clone().filter(|s| !s.is_empty()),
            open: q.open,
            alert: q.alert.clone().filter(|s| !s.is_empty()),
            dispute_type,
            source,
            area: filter_text(q.area.as_deref(), "area").map_err(AppError::Invalid)?,
            text: text.filter(|_| number.is_none()).map(str::to_owned),
            organisation_id: q.organisation_id,
            referrer_department_id: if q.referred.unwrap_or(false) {
                Some(user.department_id.ok_or_else(|| {
                    AppError::Invalid("只有部门账号可以查看本部门移送的纠纷".into())
                })?)
            } else {
                None
            },
            id: number,
            before_id: q.before,
        };
        let scope = self.dispute_scope(user).await?;
        let rows = self.store.disputes(&scope, &filter, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        let ids: Vec<i64> = rows.iter().map(|r| r.case.id).collect();
        let mut links = self.departments_of_page(&ids).await?;
        let items = rows
            .into_iter()
            .filter(|r| {
                number.is_none()
                    || text == Some(case_number(&DISPUTE, r.case.id, r.case.created_at).as_str())
            })
            .map(|r| {
                let deps = links.remove(&r.case.id).unwrap_or_default();
                DisputeView::new(r, deps)
            })
            .collect();
        Ok(DisputePage { items, next_before })
    }

    /// The grids of the user's unit (code, name), for the registration forms that place a case
    /// by hand (纠纷, 信访, 线索).
    pub async fn form_grids(self, actor: &Actor) -> Result<Vec<(String, String)>> {
        self.authorize(actor, pingan_domain::Capability::ViewOrg, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        self.org()
            .units_at(&user.org_code, pingan_domain::OrgLevel::Grid)
            .await
    }

    /// The dispute an event became, if the user may open it: (id, number).
    pub(crate) async fn dispute_of_event(
        self,
        user: &CurrentUser,
        event_id: i64,
    ) -> Result<Option<(i64, String)>> {
        let Some(id) = self.store.dispute_of_event(event_id).await? else {
            return Ok(None);
        };
        let scope = self.dispute_scope(user).await?;
        Ok(self
            .store
            .dispute(id, &scope)
            .await?
            .map(|r| (id, case_number(&DISPUTE, id, r.case.created_at))))
    }

    /// The scope in which a user sees disputes: their own, except that the justice bureau and
    /// its 司法所 (departments of kind 司法), who guide the mediation committees, see every dispute of
    /// their unit (the 司法局 the district's, a 司法所 its township's).
    pub(crate) async fn dispute_scope(self, user: &CurrentUser) -> Result<pingan_domain::Scope> {
        if let Some(d) = user.department_id {
            let justice = self
                .all_departments()
                .await?
                .iter()
                .any(|x| x.id == d && x.kind == JUSTICE_KIND);
            if justice {
                return Ok(pingan_domain::Scope::org(user.org_code.clone()));
            }
        }
        Ok(user.scope())
    }

    /// A dispute the user may see, by the rule of every case plus its referrer.
    pub(crate) async fn readable_dispute(
        self,
        actor: &Actor,
        id: i64,
    ) -> Result<(&CurrentUser, DisputeRecord)> {
        let user = self.case_user(actor)?;
        let scope = self.dispute_scope(user).await?;
        self.store
            .dispute(id, &scope)
            .await?
            .map(|r| (user, r))
            .ok_or_else(|| AppError::NotFound(format!("纠纷 {id} 不存在或不在您的管辖范围内")))
    }

    /// The case page of one dispute. Reading its (masked) parties is on the audit record.
    pub async fn dispute_detail(self, actor: &Actor, id: i64) -> Result<DisputeDetailView> {
        let (user, r) = self.readable_dispute(actor, id).await?;
        let organisations = self.store.case_departments(id).await?;
        let timeline = self.store.timeline(id).await?;
        let parties_here = self.store.case_parties(id).await?;
        let sessions = self.store.dispute_sessions(id).await?;
        let waiting_for = DISPUTE
            .actions
            .iter()
            .find(|a| a.from.contains(&r.case.core.state.key) && matches!(a.to, Target::State(_)))
            .map(|a| {
                let who: Vec<&str> =
                    a.by.iter()
                        .map(|p| match p {
                            pingan_domain::case::Party::Department => "调解组织",
                            other => other.label(),
                        })
                        .collect();
                format!("等待{}{}", who.join("或"), a.label)
            })
            .filter(|_| r.case.core.open());
        let relations = parties(user, &r.case)?;
        let can_attach_agreement = super::agreement::may_print(&relations)
            && r.detail.agreement_kind.as_deref() == Some("written");
        let actions = DISPUTE
            .available(&r.case.core.facts(Utc::now()), &relations)
            .into_iter()
            .map(ActionView::from)
            .collect();
        let referrer = crate::cases::routing::department_name(
            &self.all_departments().await?,
            r.detail.referrer_department_id,
        );
        // The event it came from, named only to those who may open that event.
        let event_number = match r.detail.event_id {
            Some(e) => self
                .store
                .event(e, &user.scope())
                .await?
                .map(|ev| case_number(&EVENT, ev.case.id, ev.case.created_at)),
            None => None,
        };
        self.audit(
            actor,
            "dispute.read",
            &format!("case:{id}"),
            "ok",
            serde_json::json!({"parties": parties_here.len()}),
        )
        .await?;
        Ok(DisputeDetailView {
            dispute: DisputeView::new(r, organisations.iter().map(|d| d.department_id).collect()),
            parties: parties_here.into_iter().map(Into::into).collect(),
            sessions: sessions.into_iter().map(Into::into).collect(),
            organisations: organisations
                .into_iter()
                .map(|d| CaseDepartmentView {
                    id: d.department_id,
                    name: d.name,
                    lead: d.lead,
                })
                .collect(),
            referrer,
            event_number,
            timeline: timeline
                .into_iter()
                .map(|t| TimelineView::new(t, &DISPUTE))
                .collect(),
            actions,
            waiting_for,
            scans: self.photos_of(id, "disputes").await?,
            can_attach_agreement,
        })
    }

    /// Takes one action on a dispute the user can see. `record_confirmation` names the court's
    /// ruling (`outcome`: confirmed or rejected) and is taken as `confirm` or
    /// `reject_confirmation`; `assign` takes a mediation organisation; `record_session`,
    /// `succeed` and `fail` write the session, the agreement and the outcome with the case.
    pub async fn act_on_dispute(
        self,
        actor: &Actor,
        id: i64,
        req: &DisputeActionRequest,
    ) -> Result<DisputeView> {
        let (user, record) = self.readable_dispute(actor, id).await?;
        let key = match (req.action.as_str(), req.outcome.as_deref()) {
            ("record_confirmation", Some("confirmed" | "有效" | "确认有效")) => "confirm",
            ("record_confirmation", Some("rejected" | "驳回")) => "reject_confirmation",
            ("record_confirmation", _) => {
                return Err(AppError::Invalid(
                    "请填写司法确认结果 outcome：confirmed（确认有效）或 rejected（驳回）".into(),
                ));
            }
            (key, _) => key,
        };
        let now = pingan_domain::audit::to_micros(Utc::now());
        // The mediator acting for the organisation leading the case becomes its 主调解员.
        let mediating =
            user.department_id.is_some() && user.department_id == record.case.core.department;
        let mediator_id = mediating.then_some(user.id);
        let mut update = DisputeUpdate::default();
        match key {
            "assign" => {
                let org = req
                    .organisation_id
                    .ok_or_else(|| AppError::Invalid("请选择调解组织 organisation_id".into()))?;
                if self.store.mediation_organisation(org).await?.is_none() {
                    return Err(AppError::Invalid(format!(
                        "{org} 不是调解组织：请从调解组织列表中选择"
                    )));
                }
            }
            "record_session" => {
                let session = SessionInput {
                    held_at: req.held_at,
                    place: req.place.clone(),
                    video_link: req.video_link.clone(),
                    attendees: req.attendees.clone(),
                }
                .validate(now)
                .map_err(AppError::Invalid)?;
                update.mediator_id = mediator_id;
                update.session = Some(NewDisputeSession {
                    held_at: session.held_at,
                    place: session.place,
                    video_link: session.video_link,
                    attendees: session.attendees,
                    record: req.reason.as_deref().unwrap_or_default().trim().to_owned(),
                    mediator_id: Some(user.id),
                    mediator_name: user.display_name.clone(),
                });
            }
            "succeed" => {
                let (kind, content) =
                    check_agreement(req.agreement.as_deref(), req.content.as_deref())
                        .map_err(AppError::Invalid)?;
                update.mediator_id = mediator_id;
                update.agreement = Some((kind.code().into(), content));
                update.concluded = Some((now, true));
                update.prevented = Some((
                    req.prevented_crime.unwrap_or(false),
                    req.prevented_petition.unwrap_or(false),
                ));
            }
            "fail" => {
                update.mediator_id = mediator_id;
                update.concluded = Some((now, false));
            }
            "refer" => {
                let to = req
                    .referred_to
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                if to.is_some_and(|t| t.chars().count() > 60) {
                    return Err(AppError::Invalid("转往单位不能超过 60 个字".into()));
                }
                update.referred_to = to.map(str::to_owned);
                update.litigated = req.to_court.unwrap_or(false);
            }
            _ => {}
        }
        let engine_req = ActionRequest {
            action: key.into(),
            version: req.version,
            reason: req.reason.clone(),
            department_id: req.organisation_id.filter(|_| key == "assign"),
            assist_department_ids: if key == "assign" {
                req.assist_organisation_ids.clone()
            } else {
                Vec::new()
            },
            extension_days: req.extension_days,
            ..ActionRequest::default()
        };
        let acted = self
            .take_action(
                actor,
                user,
                record.case,
                &engine_req,
                OwnRows::Dispute(&update),
            )
            .await?;
        self.publish_case(&acted.case, &acted.department_ids, acted.action.key);
        // 访调对接: the petition this dispute came from ends with its mediation.
        if let Some(succeeded) = match key {
            "succeed" => Some(true),
            "refer" => Some(false),
            _ => None,
        } {
            let number = case_number(&DISPUTE, id, acted.case.created_at);
            self.dispute_concluded(actor, user, id, succeeded, &number)
                .await?;
        }
        // Read back: the dispute's own rows changed with the case.
        let (_, fresh) = self.readable_dispute(actor, id).await.or_else(|_| {
            // An organisation that passed the case on no longer sees it: answer what was written.
            Ok::<_, AppError>((
                user,
                DisputeRecord {
                    case: acted.case.clone(),
                    detail: record.detail.clone(),
                },
            ))
        })?;
        Ok(DisputeView::new(fresh, acted.department_ids))
    }
}
