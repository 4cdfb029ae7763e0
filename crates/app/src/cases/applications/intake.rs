//! 办件申请 — taking an application in: the service checked against the catalogue, the station
//! it is made at (the applicant's village or community, or one they pick), the applicant sealed
//! as a party, the clock started on the counter (待受理: two working days) with the service's
//! promised limit kept for when it is accepted.

use super::{ApplicationIntake, ApplicationIntakeOutcome, ApplicationView};
use crate::cases::check_client_id;
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::application::{APPLICATION, ApplicationChannel};
use pingan_domain::case::dispute::{PartyInput, PartyRole};
use pingan_domain::case::{CaseCore, TimeLimit};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{
    ApplicationDetail, ApplicationInsert, ApplicationRecord, CaseRecord, Inserted, NewTimelineEntry,
};
use serde_json::json;

/// The longest 申请说明.
const MAX_NOTE_CHARS: usize = 500;

impl crate::services::Cases<'_> {
    /// Applies for a service (申请政务服务). Idempotent on `client_id`.
    pub async fn apply_for_service(
        self,
        actor: &Actor,
        intake: &ApplicationIntake,
    ) -> Result<ApplicationIntakeOutcome> {
        self.authorize(actor, Capability::ApplyForServices, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        check_client_id(&intake.client_id)?;
        let service = self.service_item(&intake.service).await?;
        let station = self.station(user, intake.org.as_deref()).await?;
        let note = intake.note.trim();
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::Invalid(format!(
                "申请说明不能超过 {MAX_NOTE_CHARS} 个字"
            )));
        }
        let now = pingan_domain::audit::to_micros(Utc::now());
        let today = pingan_domain::time::beijing_date(now);
        let applicant = PartyInput {
            role: PartyRole::Applicant.code().into(),
            name: intake.name.clone(),
            id_number: intake.id_number.clone(),
            phone: intake.phone.clone(),
            credit_code: None,
        }
        .validate_as(PartyRole::Applicant, "申请人", 1, today)
        .map_err(|e| AppError::Invalid(e.replacen("第 1 位", "", 1)))?;
        // The counter entering it for a resident who came in, or the resident online.
        let channel = if user.can(Capability::HubWork) {
            ApplicationChannel::Counter
        } else {
            ApplicationChannel::Online
        };
        // The counter enters applications at its own stations; a resident may apply at any
        // station of the district (全区通办) and still sees only their own.
        if channel == ApplicationChannel::Counter {
            self.authorize(actor, Capability::ApplyForServices, Some(&station))?;
        }
        // Online, the phone is how the resident hears back; at the counter it may be left out
        // (an old person without one is told in person).
        if applicant.phone.is_none() && channel == ApplicationChannel::Online {
            return Err(AppError::Invalid(
                "请填写申请人的联系电话 phone，办理结果和补正告知会发到这个号码".into(),
            ));
        }
        let calendar = self.org().work_calendar().await?;
        let limit = u32::try_from(service.limit_days).unwrap_or(1);
        let core = CaseCore::received(
            &APPLICATION,
            "submitted",
            station.clone(),
            TimeLimit::new(limit, TimeUnit::WorkDays),
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("办件的初始状态未定义".into()))?;
        let mut case = CaseRecord {
            id: 0,
            title: format!("{}（{}）", service.name, applicant.name_masked),
            org_code: station.as_str().into(),
            category: service.code.clone(),
            // A resident follows their own online; one entered at the counter is the counter's
            // (the resident has no account to follow it with).
            reporter_id: (channel == ApplicationChannel::Online).then_some(user.id),
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        let detail = ApplicationDetail {
            client_id: intake.client_id.clone(),
            service_code: service.code.clone(),
            service_name: service.name.clone(),
            channel: channel.code().into(),
            note: note.into(),
            missing: None,
            result: None,
            concluded_at: None,
        };
        let sealed = self.seal_parties(std::slice::from_ref(&applicant), PartyRole::code)?;
        let applicant_row = sealed
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("申请人未能加密保存".into()))?;
        let entry = NewTimelineEntry {
            at: now,
            action: "intake".into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: None,
            to_state: "submitted".into(),
            comment: None,
            detail: json!({"service": service.code, "channel": channel.code()}).to_string(),
        };
        let insert = ApplicationInsert {
            case: case.clone(),
            detail: detail.clone(),
            applicant: applicant_row,
            entries: vec![entry],
        };
        let id = match self.store.insert_application(&insert).await? {
            Inserted::New(id) => id,
            Inserted::Existing(id) => {
                let r = self
                    .store
                    .application(id, &self.application_reader(user)?)
                    .await?
                    .filter(|r| {
                        r.case.reporter_id == Some(user.id)
                            || (r.case.reporter_id.is_none()
                                && r.detail.channel == ApplicationChannel::Counter.code())
                    })
                    .ok_or_else(|| {
                        AppError::Conflict(
                            "此 client_id 已被另一件申请使用，请为每次申请生成新的 client_id"
                                .into(),
                        )
                    })?;
                return Ok(ApplicationIntakeOutcome {
                    application: ApplicationView::new(r),
                    created: false,
                });
            }
        };
        case.id = id;
        self.publish_case(&case, &[], "intake");
        self.audit(
            actor,
            "application.create",
            &format!("case:{id}"),
            "ok",
            json!({"service": service.code, "channel": channel.code()}),
        )
        .await?;
        Ok(ApplicationIntakeOutcome {
            application: ApplicationView::new(ApplicationRecord { case, detail }),
            created: true,
        })
    }

    /// The station an application is made at: the one asked for, or the applicant's own org; a
    /// grid's village; never the district itself.
    async fn station(self, user: &CurrentUser, asked: Option<&str>) -> Result<OrgCode> {
        let asked = asked.map(str::trim).filter(|o| !o.is_empty());
        let station = self
            .org()
            .station_of(asked.unwrap_or(user.org_code.as_str()))
            .await?;
        if station.level() == OrgLevel::District {
            return Err(AppError::Invalid(
                "请选择办理的村（社区）或乡镇（街道）org，申请交由那里的便民服务站受理".into(),
            ));
        }
        Ok(station)
    }
}
