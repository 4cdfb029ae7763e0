//! 纠纷登记 — taking a dispute in (idempotent on the client's id): checked, placed on a grid,
//! owned by the hub of its village or township, its parties sealed; from an event too.

use super::view::DisputeView;
use super::{DisputeConversion, DisputeIntake, DisputeIntakeOutcome, PartyEntry};
use crate::cases::{ActionRequest, check_client_id, intake_point, parse_org, receiving_station};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::dispute::{
    DISPUTE, DisputeSource, DisputeType, PartyInput, PartyRole, ValidParty, check_scale,
    validate_parties,
};
use pingan_domain::case::{CaseCore, TimeLimit};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{
    CaseRecord, DisputeDetail, DisputeInsert, DisputeRecord, Inserted, NewCaseParty,
    NewTimelineEntry,
};
use serde_json::json;

pub(crate) const PARTY_NAME_FIELD: &str = "dispute_parties.name";
pub(crate) const PARTY_ID_FIELD: &str = "dispute_parties.id_number";
pub(crate) const PARTY_PHONE_FIELD: &str = "dispute_parties.phone";

/// The longest external number accepted (案号 are about 20 characters).
const MAX_REF_CHARS: usize = 64;

impl crate::services::Cases<'_> {
    /// Registers one dispute. Idempotent on `client_id`.
    pub async fn register_dispute(
        self,
        actor: &Actor,
        intake: &DisputeIntake,
    ) -> Result<DisputeIntakeOutcome> {
        self.register(actor, intake, None).await
    }

    /// Converts an event the user works as its hub into a dispute (事件转矛盾纠纷): the dispute
    /// takes the event's title, description and place, points at the event, and the event ends
    /// as 已转矛盾纠纷 pointing at it. Sending it again answers the same dispute.
    pub async fn event_to_dispute(
        self,
        actor: &Actor,
        event_id: i64,
        req: &ActionRequest,
        conversion: &DisputeConversion,
    ) -> Result<DisputeIntakeOutcome> {
        self.authorize(actor, Capability::RegisterDisputes, None)?;
        let (user, event) = self.readable_event(actor, event_id).await?;
        let facts = event.case.core.facts(Utc::now());
        let parties = crate::cases::parties(user, &event.case)?;
        // Refused here, before a dispute is made, for the same reasons the engine would.
        pingan_domain::case::decide(
            &pingan_domain::case::event::EVENT,
            &facts,
            "to_dispute",
            &parties,
            &pingan_domain::case::ActionInput::default(),
        )
        .map_err(crate::cases::refusal)?;
        let intake = DisputeIntake {
            client_id: format!("from-event-{event_id}"),
            dispute_type: conversion.dispute_type.clone(),
            sub_type: conversion.sub_type.clone(),
            source: DisputeSource::Event.code().into(),
            title: event.case.title.clone(),
            facts: event.detail.description.clone(),
            parties: conversion.parties.clone(),
            lat: event.detail.lat,
            lon: event.detail.lon,
            coord: None,
            address: event.detail.address.clone(),
            people_count: conversion.people_count,
            amount_yuan: conversion.amount_yuan,
            ..DisputeIntake::default()
        };
        let place = parse_org(&event.case.org_code)?;
        let outcome = self
            .register(actor, &intake, Some((event_id, place)))
            .await?;
        if event.case.core.state.key != "converted" {
            let act = ActionRequest {
                action: "to_dispute".into(),
                version: req.version,
                reason: Some(format!("已转为矛盾纠纷 {}", outcome.dispute.number)),
                ..ActionRequest::default()
            };
            self.apply_event_action(actor, event_id, &act).await?;
        }
        Ok(outcome)
    }

    async fn register(
        self,
        actor: &Actor,
        intake: &DisputeIntake,
        event: Option<(i64, OrgCode)>,
    ) -> Result<DisputeIntakeOutcome> {
        self.authorize(actor, Capability::RegisterDisputes, None)?;
        let event_id = event.as_ref().map(|e| e.0);
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        check_client_id(&intake.client_id)?;
        let dispute_type = DisputeType::parse(&intake.dispute_type).ok_or_else(|| {
            AppError::Invalid(format!("纠纷类型 type 应为 {} 之一", DisputeType::labels()))
        })?;
        let sub_type = match intake.sub_type.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) if dispute_type.sub_types().contains(&s) => Some(s.to_owned()),
            Some(s) => {
                return Err(AppError::Invalid(format!(
                    "“{}”不是{}的子类：可选 {}",
                    s.chars().take(20).collect::<String>(),
                    dispute_type.label(),
                    dispute_type.sub_types().join("、")
                )));
            }
        };
        let source = DisputeSource::parse(&intake.source).ok_or_else(|| {
            AppError::Invalid(format!("来源 source 应为 {} 之一", DisputeSource::labels()))
        })?;
        if source == DisputeSource::Event && event_id.is_none() {
            return Err(AppError::Invalid(
                "“事件转入”的纠纷请在事件页面使用“转为矛盾纠纷”".into(),
            ));
        }
        let external_ref = external_ref(source, intake.external_ref.as_deref())?;
        let title = intake.title.trim();
        if !(2..=100).contains(&title.chars().count()) {
            return Err(AppError::Invalid(
                "纠纷名称 title 应为 2 到 100 个字".into(),
            ));
        }
        let facts = intake.facts.trim();
        if facts.chars().count() > 2000 {
            return Err(AppError::Invalid("纠纷简要情况不能超过 2000 字".into()));
        }
        let today = pingan_domain::time::beijing_date(Utc::now());
        let parties =
            validate_parties(&party_inputs(&intake.parties), today).map_err(AppError::Invalid)?;
        let (scale, people, amount_fen) =
            check_scale(intake.people_count, intake.amount_yuan).map_err(AppError::Invalid)?;
        let traffic = traffic_facts(dispute_type, intake)?;
        let address = intake
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if address.is_some_and(|a| a.chars().count() > 200) {
            return Err(AppError::Invalid("地址不能超过 200 字".into()));
        }
        let point = intake_point(intake.lat, intake.lon, intake.coord.as_deref())?;
        let place = match event {
            Some((_, place)) => place,
            None => {
                self.intake_place(point, intake.grid_code.as_deref(), address)
                    .await?
            }
        };
        self.authorize(actor, Capability::RegisterDisputes, Some(&place))?;
        let screening_id = match intake.screening_id {
            Some(s) => Some(self.screening_of(s, &place).await?),
            None => None,
        };

        // A mediator registers at their own organisation; another department that registers a
        // referral (court, procuratorate, police, petition office) follows it as its referrer.
        let own_organisation = match user.department_id {
            Some(d) => self
                .store
                .mediation_organisation(d)
                .await?
                .map(|o| o.department_id),
            None => None,
        };
        let referrer = user
            .department_id
            .filter(|_| own_organisation.is_none() && source.referred());
        let owner = owner_hub(user, &place);
        let now = pingan_domain::audit::to_micros(Utc::now());
        let calendar = self.org().work_calendar().await?;
        let core = CaseCore::received(
            &DISPUTE,
            "registered",
            owner,
            TimeLimit::new(30, TimeUnit::StatutoryDays),
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("矛盾纠纷的初始状态未定义".into()))?;
        let mut case = CaseRecord {
            id: 0,
            title: title.into(),
            org_code: place.as_str().into(),
            category: dispute_type.code().into(),
            reporter_id: Some(user.id),
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        case.core.department = own_organisation;
        let detail = DisputeDetail {
            client_id: intake.client_id.clone(),
            dispute_type: dispute_type.code().into(),
            sub_type,
            source: source.code().into(),
            external_ref,
            scale: scale.code().into(),
            people_count: i64::from(people),
            amount_fen,
            facts: facts.into(),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            address: address.map(str::to_owned),
            referrer_department_id: referrer,
            event_id,
            mediator_id: None,
            agreement_kind: None,
            agreement: None,
            concluded_at: None,
            succeeded: None,
            referred_to: None,
            accident_number: traffic.0,
            insurer: traffic.1,
            liability_percent: traffic.2,
            litigated: false,
            prevented_crime: false,
            prevented_petition: false,
            screening_id,
        };
        let entry = NewTimelineEntry {
            at: now,
            action: "intake".into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: None,
            to_state: case.core.state.key.into(),
            comment: None,
            detail: json!({"source": source.code(), "event_id": event_id}).to_string(),
        };
        let insert = DisputeInsert {
            case: case.clone(),
            detail: detail.clone(),
            parties: self.seal_parties(&parties, PartyRole::code)?,
            entries: vec![entry],
            sessions: Vec::new(),
        };
        let id = match self.store.insert_dispute(&insert).await? {
            Inserted::New(id) => id,
            Inserted::Existing(id) => return self.existing_dispute(user, id, event_id).await,
        };
        case.id = id;
        let departments: Vec<i64> = own_organisation.into_iter().collect();
        self.publish_case(&case, &departments, "intake");
        self.audit(
            actor,
            "dispute.register",
            &format!("case:{id}"),
            "ok",
            json!({"parties": parties.len(), "source": source.code()}),
        )
        .await?;
        Ok(DisputeIntakeOutcome {
            dispute: DisputeView::new(DisputeRecord { case, detail }, departments),
            created: true,
        })
    }

    /// The dispute an earlier registration with the same client id made — only to its author
    /// (or, for a conversion, to whoever may see the event's dispute): another's reuse is a 409
    /// that reveals nothing.
    async fn existing_dispute(
        self,
        user: &CurrentUser,
        id: i64,
        event_id: Option<i64>,
    ) -> Result<DisputeIntakeOutcome> {
        let found = self
            .store
            .dispute(id, &self.dispute_scope(user).await?)
            .await?
            .filter(|r| event_id.is_some() || r.case.reporter_id == Some(user.id));
        let Some(r) = found else {
            return Err(AppError::Conflict(
                "此 client_id 已被另一件纠纷使用，请为每次登记生成新的 client_id".into(),
            ));
        };
        let departments = self.store.case_departments(id).await?;
        Ok(DisputeIntakeOutcome {
            dispute: DisputeView::new(r, departments.iter().map(|d| d.department_id).collect()),
            created: false,
        })
    }

    /// The parties as stored: names, ID numbers and phones sealed, masks and a blind index of
    /// the ID number beside them.
    pub(crate) fn seal_parties<R: Copy>(
        self,
        parties: &[ValidParty<R>],
        code: fn(R) -> &'static str,
    ) -> Result<Vec<NewCaseParty>> {
        parties
            .iter()
            .map(|p| {
                Ok(NewCaseParty {
                    role: code(p.role).into(),
                    name_sealed: self.cipher.seal(PARTY_NAME_FIELD, &p.name)?,
                    name_masked: p.name_masked.clone(),
                    id_sealed: p
                        .id_number
                        .as_ref()
                        .map(|i| self.cipher.seal(PARTY_ID_FIELD, i.as_str()))
                        .transpose()?,
                    id_index: p
                        .id_number
                        .as_ref()
                        .map(|i| self.cipher.blind_index(PARTY_ID_FIELD, i.as_str())),
                    id_masked: p.id_number.as_ref().map(|i| i.masked()),
                    phone_sealed: p
                        .phone
                        .as_ref()
                        .map(|ph| self.cipher.seal(PARTY_PHONE_FIELD, ph.as_str()))
                        .transpose()?,
                    phone_masked: p.phone.as_ref().map(|ph| ph.masked()),
                    credit_code: p.credit_code.clone(),
                })
            })
            .collect()
    }
}

pub(crate) fn party_inputs(entries: &[PartyEntry]) -> Vec<PartyInput> {
    entries
        .iter()
        .map(|p| PartyInput {
            role: p.role.clone(),
            name: p.name.clone(),
            id_number: p.id_number.clone(),
            phone: p.phone.clone(),
            credit_code: p.credit_code.clone(),
        })
        .collect()
}

/// The referring body's number: required for the sources that have one, refused for the others.
fn external_ref(source: DisputeSource, raw: Option<&str>) -> Result<Option<String>> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty());
    match (source.external_ref_label(), raw) {
        (Some(label), None) => Err(AppError::Invalid(format!(
            "来源为“{}”的纠纷须填写{label}（external_ref）",
            source.label()
        ))),
        (Some(label), Some(r)) if r.chars().count() > MAX_REF_CHARS => Err(AppError::Invalid(
            format!("{label}不能超过 {MAX_REF_CHARS} 个字符"),
        )),
        (_, r) => Ok(r.map(str::to_owned)),
    }
}

/// 道交一体化 facts: only for road-accident disputes.
fn traffic_facts(
    t: DisputeType,
    intake: &DisputeIntake,
) -> Result<(Option<String>, Option<String>, Option<i64>)> {
    let text = |s: &Option<String>, what: &str| -> Result<Option<String>> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(v) if v.chars().count() > 64 => {
                Err(AppError::Invalid(format!("{what}不能超过 64 个字")))
            }
            v => Ok(v.map(str::to_owned)),
        }
    };
    let accident = text(&intake.accident_number, "事故认定书编号")?;
    let insurer = text(&intake.insurer, "保险公司")?;
    let share = intake.liability_percent;
    if t != DisputeType::Traffic && (accident.is_some() || insurer.is_some() || share.is_some()) {
        return Err(AppError::Invalid(
            "事故编号、保险公司和责任比例只用于道路交通事故纠纷".into(),
        ));
    }
    if share.is_some_and(|s| s > 100) {
        return Err(AppError::Invalid(
            "责任比例 liability_percent 应在 0 到 100 之间".into(),
        ));
    }
    Ok((accident, insurer, share.map(i64::from)))
}

/// The hub that owns a new dispute (or petition): the village station registering within its village (三级
/// 调解 starts at the village), else the township of the place; a mediation organisation of any
/// level mediates it under that hub.
pub(crate) fn owner_hub(user: &CurrentUser, place: &OrgCode) -> OrgCode {
    receiving_station(user, place).cloned().unwrap_or_else(|| {
        place
            .ancestor_at(OrgLevel::Township)
            .unwrap_or_else(|| place.clone())
    })
}
