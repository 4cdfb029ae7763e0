//! 办件办理 — the counter's queue and a resident's own list, the page of one application, the
//! actions through the engine, the materials (photos of the documents) and the 办结告知书.

use super::{
    ApplicationActionRequest, ApplicationDetailView, ApplicationListQuery, ApplicationPage,
    ApplicationView, ServiceItemView,
};
use crate::cases::disputes::DisputePartyView;
use crate::cases::view::{ActionView, TimelineView};
use crate::cases::{
    ActionRequest, OwnRows, PARTY_NAME_FIELD, PARTY_PHONE_FIELD, PhotoUpload, PhotoView,
    case_number, parse_case_ref, parties,
};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::case::Party;
use pingan_domain::case::application::{APPLICATION, ApplicationChannel};
use pingan_domain::identity::PhoneNumber;
use pingan_domain::text::filter_text;
use pingan_domain::time::in_shanghai;
use pingan_office::pdf::{Block, write_pdf};
use pingan_store::{ApplicationFilter, ApplicationReader, ApplicationRecord, ApplicationUpdate};
use serde_json::json;

/// Where an application's API lives (its photos' URLs).
const COLLECTION: &str = "applications";
/// The stage of a photo of an applicant's documents.
pub(crate) const MATERIAL_STAGE: &str = "material";
/// The longest 一次性告知 or result.
const MAX_REASON_CHARS: usize = 1000;

impl crate::services::Cases<'_> {
    /// How `user` reads applications: those of their scope (who may see cases), or only their
    /// own (a resident).
    pub(crate) fn application_reader(self, user: &CurrentUser) -> Result<ApplicationReader> {
        if user.can(Capability::ViewCases) {
            Ok(ApplicationReader {
                scope: user.scope(),
                own: None,
            })
        } else if user.can(Capability::ApplyForServices) {
            Ok(ApplicationReader {
                scope: user.scope(),
                own: Some(user.id),
            })
        } else {
            Err(AppError::Forbidden("您没有查看政务服务办件的权限".into()))
        }
    }

    fn application_user(self, actor: &Actor) -> Result<&CurrentUser> {
        actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))
    }

    /// An application the user may see.
    async fn readable_application(
        self,
        actor: &Actor,
        id: i64,
    ) -> Result<(&CurrentUser, ApplicationRecord)> {
        let user = self.application_user(actor)?;
        self.store
            .application(id, &self.application_reader(user)?)
            .await?
            .map(|r| (user, r))
            .ok_or_else(|| AppError::NotFound(format!("办件 {id} 不存在或您无权查看")))
    }

    /// Applications the user may see, newest first: the counter's queue, or a resident's own.
    pub async fn applications(
        self,
        actor: &Actor,
        q: &ApplicationListQuery,
    ) -> Result<ApplicationPage> {
        let user = self.application_user(actor)?;
        let reader = self.application_reader(user)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let number = text
            .as_deref()
            .filter(|t| t.starts_with(APPLICATION.number_prefix))
            .and_then(parse_case_ref);
        let state = q.state.clone().filter(|s| !s.is_empty());
        if let Some(s) = &state
            && APPLICATION.state(s).is_none()
        {
            return Err(AppError::Invalid(format!(
                "办件状态 state 应为 {} 之一",
                APPLICATION
                    .states
                    .iter()
                    .map(|s| s.key)
                    .collect::<Vec<_>>()
                    .join("、")
            )));
        }
        let filter = ApplicationFilter {
            state,
            open: q.open,
            alert: q.alert.clone().filter(|s| !s.is_empty()),
            service: filter_text(q.service.as_deref(), "service").map_err(AppError::Invalid)?,
            text: text.clone().filter(|_| number.is_none()),
            id: number,
            before_id: q.before,
        };
        let rows = self.store.applications(&reader, &filter, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        Ok(ApplicationPage {
            items: rows
                .into_iter()
                .filter(|r| {
                    number.is_none()
                        || text.as_deref()
                            == Some(
                                case_number(&APPLICATION, r.case.id, r.case.created_at).as_str(),
                            )
                })
                .map(ApplicationView::new)
                .collect(),
            next_before,
        })
    }

    /// The page of one application: the applicant masked, the service, the materials, the
    /// timeline and what the user may do. Every read is on the audit record.
    pub async fn application_detail(self, actor: &Actor, id: i64) -> Result<ApplicationDetailView> {
        let (user, r) = self.readable_application(actor, id).await?;
        let relations = parties(user, &r.case)?;
        let service = self
            .store
            .service_items()
            .await?
            .iter()
            .find(|s| s.code == r.detail.service_code)
            .map(ServiceItemView::from)
            .ok_or_else(|| AppError::Internal("办件的服务事项不在目录中".into()))?;
        let applicant = self
            .store
            .case_parties(id)
            .await?
            .into_iter()
            .next()
            .map(DisputePartyView::from);
        let materials = self.photos_of(id, COLLECTION).await?;
        let timeline = self.store.timeline(id).await?;
        self.audit(
            actor,
            "application.read",
            &format!("case:{id}"),
            "ok",
            json!({}),
        )
        .await?;
        Ok(ApplicationDetailView {
            applicant,
            service,
            materials,
            timeline: timeline
                .into_iter()
                .map(|t| TimelineView::new(t, &APPLICATION))
                .collect(),
            actions: APPLICATION
                .available(&r.case.core.facts(Utc::now()), &relations)
                .into_iter()
                .map(ActionView::from)
                .collect(),
            result_url: r
                .detail
                .result
                .as_ref()
                .map(|_| format!("/api/v1/{COLLECTION}/{id}/result.pdf")),
            application: ApplicationView::new(r),
        })
    }

    /// Takes one action on an application the user can see.
    pub async fn act_on_application(
        self,
        actor: &Actor,
        id: i64,
        req: &ApplicationActionRequest,
    ) -> Result<ApplicationView> {
        let (user, record) = self.readable_application(actor, id).await?;
        let now = pingan_domain::audit::to_micros(Utc::now());
        let mut reason = req
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let mut update = ApplicationUpdate::default();
        match req.action.as_str() {
            "notify" => {
                let materials: Vec<&str> = req
                    .missing_materials
                    .iter()
                    .map(|m| m.trim())
                    .filter(|m| !m.is_empty())
                    .collect();
                if materials.iter().any(|m| m.chars().count() > 50) || materials.len() > 20 {
                    return Err(AppError::Invalid(
                        "缺少的材料 missing_materials 至多 20 项，每项不超过 50 个字".into(),
                    ));
                }
                if !materials.is_empty() {
                    let listed = format!("请补齐以下材料：{}。", materials.join("；"));
                    reason = Some(match reason {
                        Some(r) => format!("{listed}{r}"),
                        None => listed,
                    });
                }
                update.missing = reason.clone();
            }
            "accept" => update.clear_missing = true,
            "complete" => update.result = reason.clone().map(|r| (r, now)),
            _ => {}
        }
        if reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
        {
            return Err(AppError::Invalid(format!(
                "意见、告知或办理结果不能超过 {MAX_REASON_CHARS} 个字"
            )));
        }
        let engine_req = ActionRequest {
            action: req.action.clone(),
            version: req.version,
            reason,
            rating: req.rating.clone(),
            ..ActionRequest::default()
        };
        let acted = self
            .take_action(
                actor,
                user,
                record.case,
                &engine_req,
                OwnRows::Application(&update),
            )
            .await?;
        self.publish_case(&acted.case, &acted.department_ids, acted.action.key);
        let fresh = self
            .store
            .application(id, &self.application_reader(user)?)
            .await?
            .unwrap_or(ApplicationRecord {
                case: acted.case,
                detail: record.detail,
            });
        let view = ApplicationView::new(fresh);
        let told = match (acted.action.key, &view.missing, &view.result) {
            ("notify", Some(missing), _) if view.channel == ApplicationChannel::Online.code() => {
                Some(format!("需补正：{missing}请登录“我的办件”补正后重新提交。"))
            }
            ("notify", Some(missing), _) => {
                Some(format!("需补正：{missing}请带齐材料到便民服务站补正。"))
            }
            ("complete", _, Some(result)) => Some(format!("已办结：{result}")),
            _ => None,
        };
        if let Some(what) = told {
            self.tell_applicant(id, &view, &what).await;
        }
        Ok(view)
    }

    /// Texts the applicant what the counter said (一次性告知, 办结). A text that cannot be sent
    /// is logged: the application has changed, and its page says the same.
    async fn tell_applicant(self, id: i64, view: &ApplicationView, what: &str) {
        let sent = async {
            let Some(sealed) = self
                .store
                .case_parties(id)
                .await?
                .into_iter()
                .next()
                .and_then(|p| p.party.phone_sealed)
            else {
                return Ok(());
            };
            let phone = PhoneNumber::parse(&self.cipher.open(PARTY_PHONE_FIELD, &sealed)?)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let text: String = format!(
                "【平安通川】您申请的“{}”（{}）{what}",
                view.service_name, view.number
            )
            .chars()
            .take(300)
            .collect();
            self.config.sms.send(&phone, &text).await
        };
        if let Err(e) = sent.await {
            tracing::warn!(case = id, error = %e, "办件短信未能发送");
        }
    }

    /// Adds photos of the applicant's documents (申请材料): the applicant while the counter has
    /// not accepted it, or the counter itself.
    pub async fn add_application_materials(
        self,
        actor: &Actor,
        id: i64,
        uploads: Vec<PhotoUpload>,
    ) -> Result<Vec<PhotoView>> {
        let (user, r) = self.readable_application(actor, id).await?;
        let relations = parties(user, &r.case)?;
        let applicant_may = relations.contains(&Party::Reporter)
            && matches!(r.case.core.state.key, "submitted" | "supplement");
        let counter_may = relations.contains(&Party::Hub) && r.case.core.open();
        if !(applicant_may || counter_may) {
            return Err(AppError::Forbidden(
                "只有申请人（受理前）或受理窗口（办结前）可以上传申请材料".into(),
            ));
        }
        self.attach_photos(user, &r.case, MATERIAL_STAGE, uploads, COLLECTION)
            .await
    }

    /// One material of an application the user can see: its content type and bytes.
    pub async fn application_material(
        self,
        actor: &Actor,
        id: i64,
        photo_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        self.readable_application(actor, id).await?;
        self.case_photo(id, photo_id).await
    }

    /// The 办结告知书 of a finished application, as a PDF (file name, bytes): to the applicant
    /// and the counter. It names the applicant in full, so every print is on the audit record.
    pub async fn application_result_pdf(self, actor: &Actor, id: i64) -> Result<(String, Vec<u8>)> {
        let (_, r) = self.readable_application(actor, id).await?;
        let (Some(result), Some(done_at)) = (r.detail.result.clone(), r.detail.concluded_at) else {
            return Err(AppError::Conflict(
                "办件办结后才有办结告知书，请等待窗口办结".into(),
            ));
        };
        let number = case_number(&APPLICATION, id, r.case.created_at);
        let applicant = match self.store.case_parties(id).await?.into_iter().next() {
            Some(p) => self.cipher.open(PARTY_NAME_FIELD, &p.party.name_sealed)?,
            None => "申请人".into(),
        };
        let station = self
            .store
            .org_unit(&r.case.org_code)
            .await?
            .map_or_else(|| r.case.org_code.clone(), |o| o.name);
        let day = |t| in_shanghai(t).format("%Y年%-m月%-d日").to_string();
        let blocks = vec![
            Block::Title("政务服务事项办结告知书".into()),
            Block::Right(format!("编号：{number}")),
            Block::Paragraph(format!("{applicant}：")),
            Block::Paragraph(format!(
                "您于{}申请办理的“{}”事项，已于{}办结。",
                day(r.case.created_at),
                r.detail.service_name,
                day(done_at)
            )),
            Block::Heading("办理结果".into()),
            Block::Paragraph(result),
            Block::Gap(1.0),
            Block::Paragraph(
                "如对办理结果有异议，可向受理窗口咨询，或拨打 12345 政务服务便民热线。".into(),
            ),
            Block::Gap(2.0),
            Block::Right(format!("{station}便民服务站")),
            Block::Right(day(done_at)),
        ];
        let pdf = write_pdf("政务服务事项办结告知书", &blocks)?;
        self.audit(
            actor,
            "application.result_pdf",
            &format!("case:{id}"),
            "ok",
            json!({}),
        )
        .await?;
        Ok((format!("办结告知书-{number}.pdf"), pdf))
    }
}
