//! 线索受理 — taking a report in: checked, placed, owned by the clue office that took it, the
//! informant (if named) sealed apart, and a lookup code made for the informant; and the lookup
//! itself, open to anyone with a code and rate-limited per source address.

use super::{
    CODE_FIELD, ClueIntake, ClueIntakeOutcome, ClueLookup, ClueView, INFORMANT_CONTACT_FIELD,
    INFORMANT_ID_FIELD, INFORMANT_NAME_FIELD, INFORMANT_PHONE_FIELD,
};
use crate::cases::{check_client_id, intake_point};
use crate::{Actor, AppError, Result};
use chrono::Utc;
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::clue::{CLUE, ClueResult, ClueSource, stage_for_informant};
use pingan_domain::case::{CaseCore, TimeLimit};
use pingan_domain::identity::{IdNumber, PhoneNumber};
use pingan_domain::{Capability, OrgLevel};
use pingan_store::{
    CaseRecord, ClueDetail, ClueInsert, ClueRecord, Inserted, NewTimelineEntry, SealedInformant,
};
use serde_json::json;

impl crate::services::Cases<'_> {
    /// Registers a report (线索登记, 线索管理 only). Idempotent on `client_id`; the lookup code is
    /// in the answer once.
    pub async fn register_clue(
        self,
        actor: &Actor,
        intake: &ClueIntake,
    ) -> Result<ClueIntakeOutcome> {
        self.authorize(actor, Capability::ManageClues, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        check_client_id(&intake.client_id)?;
        let source = ClueSource::parse(&intake.source).ok_or_else(|| {
            AppError::Invalid(format!(
                "线索来源 source 应为 {} 之一",
                ClueSource::labels()
            ))
        })?;
        let text = |s: &str, min: usize, max: usize, what: &str| -> Result<String> {
            let s = s.trim();
            if (min..=max).contains(&s.chars().count()) {
                Ok(s.to_owned())
            } else {
                Err(AppError::Invalid(format!("{what}应为 {min} 到 {max} 个字")))
            }
        };
        let title = text(&intake.title, 2, 60, "线索标题 title ")?;
        let content = text(&intake.content, 4, 5000, "举报内容 content ")?;
        let named = text(&intake.named, 0, 1000, "被举报人或组织 named ")?;
        let external_ref = intake
            .external_ref
            .as_deref()
            .map(|r| text(r, 0, 64, "工单号或案件编号 "))
            .transpose()?
            .filter(|r| !r.is_empty());
        let now = pingan_domain::audit::to_micros(Utc::now());
        let informant = self.seal_informant(intake.informant.as_ref(), now)?;
        let address = intake
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let point = intake_point(intake.lat, intake.lon, intake.coord.as_deref())?;
        // A report may name no place: it lies with the office that took it.
        let place = if point.is_none() && intake.grid_code.is_none() {
            user.org_code.clone()
        } else {
            self.intake_place(point, intake.grid_code.as_deref(), address)
                .await?
        };
        self.authorize(actor, Capability::ManageClues, Some(&place))?;
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
        let calendar = self.org().work_calendar().await?;
        let core = CaseCore::received(
            &CLUE,
            "registered",
            owner,
            TimeLimit::new(30, TimeUnit::StatutoryDays),
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("线索的初始状态未定义".into()))?;
        let mut case = CaseRecord {
            id: 0,
            title,
            org_code: place.as_str().into(),
            category: source.code().into(),
            reporter_id: Some(user.id),
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        let code = pingan_crypto::random_code::<16>()?;
        let detail = ClueDetail {
            client_id: intake.client_id.clone(),
            source: source.code().into(),
            external_ref,
            content,
            named,
            anonymous: informant.is_none(),
            grade: None,
            result: None,
            cases_opened: 0,
            people_involved: 0,
            assets_fen: 0,
            marks: String::new(),
            feedback: None,
            feedback_at: None,
        };
        let entry = NewTimelineEntry {
            at: now,
            action: "intake".into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: None,
            to_state: "registered".into(),
            comment: None,
            detail: json!({"source": source.code()}).to_string(),
        };
        let insert = ClueInsert {
            case: case.clone(),
            detail: detail.clone(),
            code_index: self.cipher.blind_index(CODE_FIELD, &code),
            informant,
            entries: vec![entry],
        };
        let (id, code, created) = match self.store.insert_clue(&insert).await? {
            Inserted::New(id) => (id, code, true),
            Inserted::Existing(id) => {
                let r = self
                    .store
                    .clue(id, &self.clue_reader(user)?)
                    .await?
                    .filter(|r| r.case.reporter_id == Some(user.id))
                    .ok_or_else(|| {
                        AppError::Conflict(
                            "此 client_id 已被另一条线索使用，请为每次登记生成新的 client_id"
                                .into(),
                        )
                    })?;
                return Ok(ClueIntakeOutcome {
                    clue: ClueView::new(r),
                    code: String::new(),
                    created: false,
                });
            }
        };
        case.id = id;
        // Not on the live stream: the kind is confidential.
        self.audit(
            actor,
            "clue.register",
            &format!("case:{id}"),
            "ok",
            json!({"source": source.code(), "anonymous": detail.anonymous}),
        )
        .await?;
        Ok(ClueIntakeOutcome {
            clue: ClueView::new(ClueRecord { case, detail }),
            code,
            created,
        })
    }

    /// The informant as stored: each given field checked and sealed; none when nothing is given
    /// (an anonymous report).
    fn seal_informant(
        self,
        entry: Option<&super::InformantEntry>,
        now: chrono::DateTime<Utc>,
    ) -> Result<Option<SealedInformant>> {
        let given = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let Some(e) = entry else {
            return Ok(None);
        };
        let (name, phone, id, contact) = (
            given(&e.name),
            given(&e.phone),
            given(&e.id_number),
            given(&e.contact),
        );
        if name.is_none() && phone.is_none() && id.is_none() && contact.is_none() {
            return Ok(None);
        }
        if name.as_ref().is_some_and(|n| n.chars().count() > 60)
            || contact.as_ref().is_some_and(|c| c.chars().count() > 200)
        {
            return Err(AppError::Invalid(
                "举报人姓名不超过 60 个字，联系方式不超过 200 个字".into(),
            ));
        }
        let today = pingan_domain::time::beijing_date(now);
        let phone = phone
            .map(|p| {
                PhoneNumber::parse(&p)
                    .map(|p| p.as_str().to_owned())
                    .map_err(|e| AppError::Invalid(format!("举报人电话有误：{e}")))
            })
            .transpose()?;
        let id = id
            .map(|i| {
                IdNumber::parse(&i, today)
                    .map(|i| i.as_str().to_owned())
                    .map_err(|e| AppError::Invalid(format!("举报人公民身份号码有误：{e}")))
            })
            .transpose()?;
        let seal = |field: &str, v: Option<String>| -> Result<Option<Vec<u8>>> {
            v.map(|v| self.cipher.seal(field, &v).map_err(Into::into))
                .transpose()
        };
        Ok(Some(SealedInformant {
            name_sealed: seal(INFORMANT_NAME_FIELD, name)?,
            phone_sealed: seal(INFORMANT_PHONE_FIELD, phone)?,
            id_sealed: seal(INFORMANT_ID_FIELD, id)?,
            contact_sealed: seal(INFORMANT_CONTACT_FIELD, contact)?,
        }))
    }

    /// What an informant's code answers, to anyone: the stage and, once verified, the result.
    /// A wrong code counts against the source address, which is locked out after the lockout
    /// policy's threshold like a login.
    pub async fn lookup_clue(self, code: &str, source: Option<&str>) -> Result<ClueLookup> {
        let now = Utc::now();
        let key = format!("clue-lookup:{}", source.unwrap_or("unknown"));
        if let Some(until) = self.store.login_locked_until(&key, now).await? {
            return Err(AppError::TooManyAttempts(format!(
                "查询过于频繁，请于 {} 后再试",
                pingan_domain::time::format_minute(until)
            )));
        }
        let code = code.trim().to_uppercase();
        let found = if code.len() == 16 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.store
                .clue_by_code(&self.cipher.blind_index(CODE_FIELD, &code))
                .await?
        } else {
            None
        };
        let Some((state, result)) = found else {
            self.access().record_failure(&key, now).await?;
            return Err(AppError::NotFound("查询码不正确".into()));
        };
        self.store.clear_login_failures(&key).await?;
        Ok(ClueLookup {
            stage: stage_for_informant(&state).into(),
            result: result
                .filter(|_| matches!(state.as_str(), "verified" | "closed"))
                .and_then(|r| ClueResult::parse(&r))
                .map(|r| r.label().into()),
        })
    }
}
