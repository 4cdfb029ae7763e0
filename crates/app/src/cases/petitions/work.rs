//! 信访办理 — the petition lists, the case page and its actions: each action goes through the
//! engine, with what it writes of the petition's own row in the same transaction; 访调对接 makes
//! a dispute whose mediation then closes the petition.

use super::view::{PetitionDetailView, PetitionView, PetitionerPlain};
use super::{PetitionActionRequest, PetitionListQuery, PetitionPage};
use crate::cases::disputes::{PARTY_ID_FIELD, PARTY_NAME_FIELD, PARTY_PHONE_FIELD};
use crate::cases::view::{ActionView, CaseDepartmentView, TimelineView};
use crate::cases::{
    ActionRequest, DisputeIntake, OwnRows, PartyEntry, case_number, parse_case_ref, parties,
};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::case::petition::{
    LawyerRole, PETITION, PetitionChannel, PetitionClass, RefusalGround, ReplyOutcome,
    ReviewOutcome, RouteMode, check_extension, hearing_days,
};
use pingan_domain::case::{Party, Target, dispute::DISPUTE};
use pingan_domain::text::filter_text;
use pingan_store::{HearingChange, PetitionFilter, PetitionReader, PetitionRecord, PetitionUpdate};

impl crate::services::Cases<'_> {
    /// How `user` reads petitions: by their scope when they may see cases, and always the ones
    /// they lead (包案) or advise on as a lawyer.
    pub(crate) fn petition_reader(self, user: &CurrentUser) -> Result<PetitionReader> {
        let org_wide = user.can(Capability::ViewCases);
        if !org_wide && !user.can(Capability::AdvisePetitions) {
            return Err(AppError::Forbidden("您没有查看信访事项的权限".into()));
        }
        Ok(PetitionReader {
            scope: user.scope(),
            org_wide,
            user_id: user.id,
        })
    }

    /// The signed-in user behind a petition request.
    fn petition_user(self, actor: &Actor) -> Result<&CurrentUser> {
        actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))
    }

    /// A petition the user may see.
    pub(crate) async fn readable_petition(
        self,
        actor: &Actor,
        id: i64,
    ) -> Result<(&CurrentUser, PetitionRecord)> {
        let user = self.petition_user(actor)?;
        let reader = self.petition_reader(user)?;
        self.store
            .petition(id, &reader)
            .await?
            .map(|r| (user, r))
            .ok_or_else(|| AppError::NotFound(format!("信访事项 {id} 不存在或不在您的管辖范围内")))
    }

    /// The user's relations to a petition: those of every case (the office acting only with
    /// 登记办理信访事项), and besides its 包案 leader and its lawyer.
    async fn petition_relations(
        self,
        user: &CurrentUser,
        r: &PetitionRecord,
    ) -> Result<Vec<Party>> {
        let mut relations = parties(user, &r.case)?;
        if !user.can(Capability::RegisterPetitions) {
            relations.retain(|p| *p != Party::Hub);
        }
        if r.detail.leader_id == Some(user.id) {
            relations.push(Party::Leader);
        }
        if r.detail.lawyer_id.is_some()
            && user.can(Capability::AdvisePetitions)
            && self.store.lawyer_of_user(user.id).await? == r.detail.lawyer_id
        {
            relations.push(Party::Lawyer);
        }
        Ok(relations)
    }

    /// Petitions the user may see, newest first.
    pub async fn petitions(self, actor: &Actor, q: &PetitionListQuery) -> Result<PetitionPage> {
        let user = self.petition_user(actor)?;
        let reader = self.petition_reader(user)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let text = text.as_deref();
        let number = text
            .filter(|t| t.starts_with(PETITION.number_prefix))
            .and_then(parse_case_ref);
        let (leader_id, lawyer_id) = match q.mine.as_deref() {
            None | Some("") => (None, None),
            Some("leader") => (Some(user.id), None),
            Some("lawyer") => (
                None,
                Some(
                    self.store
                        .lawyer_of_user(user.id)
                        .await?
                        .ok_or_else(|| AppError::Invalid("您的账号不在律师名录中".into()))?,
                ),
            ),
            Some(_) => {
                return Err(AppError::Invalid(
                    "mine 应为 leader（我包案的）或 lawyer（指派给我的）".into(),
                ));
            }
        };
        let filter = PetitionFilter {
            state: q.state.clone().filter(|s| !s.is_empty()),
            open: q.open,
            alert: q.alert.clone().filter(|s| !s.is_empty()),
            class: PetitionClass::parse_param(q.class.as_deref(), "class")
                .map_err(AppError::Invalid)?
                .map(|c| c.code().to_owned()),
            channel: PetitionChannel::parse_param(q.channel.as_deref(), "channel")
                .map_err(AppError::Invalid)?
                .map(|c| c.code().to_owned()),
            area: filter_text(q.area.as_deref(), "area").map_err(AppError::Invalid)?,
            text: text.filter(|_| number.is_none()).map(str::to_owned),
            leader_id,
            lawyer_id,
            collective: q.collective,
            repeated: q.repeated,
            skipped_level: q.skipped_level,
            id: number,
            before_id: q.before,
        };
        let rows = self.store.petitions(&reader, &filter, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        let items = rows
            .into_iter()
            .filter(|r| {
                number.is_none()
                    || text == Some(case_number(&PETITION, r.case.id, r.case.created_at).as_str())
            })
            .map(PetitionView::new)
            .collect();
        Ok(PetitionPage { items, next_before })
    }

    /// The case page of one petition. Reading its (masked) petitioners is on the audit record.
    pub async fn petition_detail(self, actor: &Actor, id: i64) -> Result<PetitionDetailView> {
        let (user, r) = self.readable_petition(actor, id).await?;
        let departments = self.store.case_departments(id).await?;
        let timeline = self.store.timeline(id).await?;
        let petitioners = self.store.case_parties(id).await?;
        let relations = self.petition_relations(user, &r).await?;
        let waiting_for = PETITION
            .actions
            .iter()
            .find(|a| a.from.contains(&r.case.core.state.key) && matches!(a.to, Target::State(_)))
            .map(|a| {
                let who: Vec<&str> = a.by.iter().map(|p| office_label(*p)).collect();
                format!("等待{}{}", who.join("或"), a.label)
            })
            .filter(|_| r.case.core.open());
        // 转送, 交办 and 告知 are one choice on the page: 分办 with its mode.
        let actions = PETITION
            .available(&r.case.core.facts(Utc::now()), &relations)
            .into_iter()
            .filter_map(|a| match a.key {
                "transfer" => Some(ActionView {
                    action: "route".into(),
                    label: "分办（转送、交办、告知）".into(),
                    needs_department: false,
                    needs_reason: false,
                    ..ActionView::from(a)
                }),
                "assign" | "inform" => None,
                _ => Some(ActionView::from(a)),
            })
            .collect();
        let repeat_of_number = match r.detail.repeat_of {
            Some(e) => self.visible_number(user, e).await?,
            None => None,
        };
        let dispute_number = match r.detail.dispute_id {
            Some(d) => self
                .store
                .dispute(d, &self.dispute_scope(user).await?)
                .await?
                .map(|x| case_number(&DISPUTE, d, x.case.created_at)),
            None => None,
        };
        let leader_name = match r.detail.leader_id {
            Some(l) => self.store.user_by_id(l).await?.map(|u| u.display_name),
            None => None,
        };
        let lawyer = match r.detail.lawyer_id {
            Some(l) => {
                let l = self.store.lawyer(l).await?;
                Some(format!("{}（{}）", l.name, l.firm))
            }
            None => None,
        };
        self.audit(
            actor,
            "petition.read",
            &format!("case:{id}"),
            "ok",
            serde_json::json!({"petitioners": petitioners.len()}),
        )
        .await?;
        let notices = super::notices::available(&r)
            .into_iter()
            .map(|k| (k.key().to_owned(), k.title().to_owned()))
            .collect();
        Ok(PetitionDetailView {
            petitioners: petitioners.into_iter().map(Into::into).collect(),
            departments: departments
                .into_iter()
                .map(|d| CaseDepartmentView {
                    id: d.department_id,
                    name: d.name,
                    lead: d.lead,
                })
                .collect(),
            repeat_of_number,
            leader_name,
            lawyer,
            dispute_number,
            timeline: timeline
                .into_iter()
                .map(|t| TimelineView::new(t, &PETITION))
                .collect(),
            actions,
            waiting_for,
            notices,
            attachments: self.photos_of(id, "petitions").await?,
            petition: PetitionView::new(r),
        })
    }

    /// A petitioner's name, ID number and phone in plain text, for a stated reason; refusals and
    /// reveals are both on the audit record.
    pub async fn reveal_petitioner(
        self,
        actor: &Actor,
        id: i64,
        party_id: i64,
        reason: &str,
    ) -> Result<PetitionerPlain> {
        let reason = crate::registry::persons::reveal_reason(reason)?;
        let object = format!("case:{id}:party:{party_id}");
        let detail =
            serde_json::json!({"fields": ["name", "id_number", "phone"], "reason": reason});
        let (user, _) = self.readable_petition(actor, id).await?;
        if !user.can(Capability::RevealPersonalData) {
            return Err(self
                .registry()
                .reveal_refused(
                    actor,
                    &object,
                    &detail,
                    "您没有查看个人信息明文的权限".into(),
                )
                .await);
        }
        let Some(p) = self
            .store
            .case_parties(id)
            .await?
            .into_iter()
            .find(|p| p.id == party_id)
        else {
            return Err(self
                .registry()
                .reveal_refused(actor, &object, &detail, format!("没有信访人 {party_id}"))
                .await);
        };
        let open = |field, sealed: &Option<Vec<u8>>| -> Result<Option<String>> {
            sealed
                .as_deref()
                .map(|s| self.cipher.open(field, s))
                .transpose()
                .map_err(Into::into)
        };
        let plain = PetitionerPlain {
            id: p.id,
            name: self.cipher.open(PARTY_NAME_FIELD, &p.party.name_sealed)?,
            id_number: open(PARTY_ID_FIELD, &p.party.id_sealed)?,
            phone: open(PARTY_PHONE_FIELD, &p.party.phone_sealed)?,
        };
        self.audit(actor, "personal.reveal", &object, "ok", detail)
            .await?;
        Ok(plain)
    }

    /// Takes one action on a petition the user can see. `route` is taken by its `mode` (转送,
    /// 交办, 告知, 不予受理); the others by their key, with what each writes of the petition.
    pub async fn act_on_petition(
        self,
        actor: &Actor,
        id: i64,
        req: &PetitionActionRequest,
    ) -> Result<PetitionView> {
        let (user, record) = self.readable_petition(actor, id).await?;
        let base = parties(user, &record.case)?;
        if base.contains(&Party::Hub) && !user.can(Capability::RegisterPetitions) {
            return Err(AppError::Forbidden(
                "办理信访事项须有“登记办理信访事项”权限".into(),
            ));
        }
        let key = match req.action.as_str() {
            "route" => RouteMode::parse_param(req.mode.as_deref(), "mode")
                .map_err(AppError::Invalid)?
                .ok_or_else(|| {
                    AppError::Invalid(format!("请选择分办方式 mode：{}", RouteMode::labels()))
                })?
                .action(),
            other => other,
        };
        let now = pingan_domain::audit::to_micros(Utc::now());
        let on_time = record.case.core.clock.is_none_or(|c| now <= c.deadline);
        let d = &record.detail;
        let mut update = PetitionUpdate::default();
        let mut reason = req.reason.clone();
        let mut extension_days = None;
        match key {
            "refuse" => {
                let ground = RefusalGround::parse_param(req.ground.as_deref(), "ground")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| {
                        AppError::Invalid(format!(
                            "请选择不予受理的理由 ground：{}",
                            RefusalGround::labels()
                        ))
                    })?;
                update.refusal_ground = Some(ground.code().into());
                update.accepted = Some((now, on_time));
                reason = Some(with_note(ground.label(), req.reason.as_deref()));
            }
            "accept" => update.accepted = Some((now, on_time)),
            "extend" => {
                let asked = req.extension_days.unwrap_or(0);
                let already = u32::try_from(d.extended_days).unwrap_or(0);
                let total = check_extension(already, asked).map_err(AppError::Invalid)?;
                update.extended_days = Some(i64::from(total));
                extension_days = Some(total);
            }
            "reply" => {
                let outcome = ReplyOutcome::parse_param(req.outcome.as_deref(), "outcome")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| {
                        AppError::Invalid(format!(
                            "请选择处理意见 outcome：{}",
                            ReplyOutcome::labels()
                        ))
                    })?;
                update.replied = Some((now, outcome.code().into(), on_time));
            }
            "serve" => update.served_at = Some(now),
            "review_reply" | "recheck_reply" => {
                if key == "recheck_reply" && d.hearing_since.is_some() {
                    return Err(AppError::Conflict("听证尚未结束，请先记录听证结束".into()));
                }
                let outcome = ReviewOutcome::parse_param(req.outcome.as_deref(), "outcome")
                    .map_err(AppError::Invalid)?
                    .ok_or_else(|| {
                        AppError::Invalid(format!(
                            "请选择对原处理意见的结论 outcome：{}",
                            ReviewOutcome::labels()
                        ))
                    })?;
                if key == "review_reply" {
                    update.review_outcome = Some(outcome.code().into());
                } else {
                    update.recheck_outcome = Some(outcome.code().into());
                }
                reason = Some(with_note(outcome.label(), req.reason.as_deref()));
            }
            "hearing_start" => {
                if d.hearing_since.is_some() {
                    return Err(AppError::Conflict("听证正在进行中".into()));
                }
                update.hearing = Some(HearingChange::Started(now));
            }
            "hearing_end" => {
                let since = d
                    .hearing_since
                    .ok_or_else(|| AppError::Conflict("没有正在进行的听证".into()))?;
                let total = d.hearing_days + i64::from(hearing_days(since, now));
                update.hearing = Some(HearingChange::Ended(total));
                extension_days = u32::try_from(total).ok();
            }
            "assign_leader" => {
                let leader = req
                    .leader_id
                    .ok_or_else(|| AppError::Invalid("请选择包案领导 leader_id".into()))?;
                self.check_leader(leader).await?;
                let plan = req.reason.as_deref().map(str::trim).unwrap_or_default();
                update.leader = Some((leader, plan.to_owned()));
            }
            "assign_lawyer" => {
                let lawyer = req
                    .lawyer_id
                    .ok_or_else(|| AppError::Invalid("请从律师名录中选择律师 lawyer_id".into()))?;
                let found = self
                    .store
                    .lawyer(lawyer)
                    .await
                    .map_err(|_| AppError::Invalid(format!("律师名录中没有 {lawyer}")))?;
                let role = LawyerRole::parse_or(
                    req.lawyer_role.as_deref().unwrap_or_default(),
                    LawyerRole::Advise,
                    "律师参与方式 lawyer_role ",
                )
                .map_err(AppError::Invalid)?;
                update.lawyer = Some((lawyer, role.code().into()));
                reason = Some(with_note(
                    &format!("{}（{}）{}", found.name, found.firm, role.label()),
                    req.reason.as_deref(),
                ));
            }
            "rate" => {
                let rating = req
                    .rating
                    .as_deref()
                    .and_then(pingan_domain::case::Rating::parse)
                    .ok_or_else(|| {
                        AppError::Invalid("评价 rating 应为 满意、基本满意 或 不满意".into())
                    })?;
                update.rating = Some(rating.as_str().into());
            }
            "to_mediation" => {
                let dispute = self.mediate_petition(actor, user, &record, req).await?;
                update.dispute_id = Some(dispute.0);
                reason = Some(with_note(
                    &format!("转人民调解，纠纷编号 {}", dispute.1),
                    req.reason.as_deref(),
                ));
            }
            _ => {}
        }
        let extra: Vec<Party> = self
            .petition_relations(user, &record)
            .await?
            .into_iter()
            .filter(|p| !base.contains(p))
            .collect();
        let engine_req = ActionRequest {
            action: key.into(),
            version: req.version,
            reason,
            department_id: req
                .department_id
                .filter(|_| matches!(key, "transfer" | "assign")),
            extension_days,
            rating: req.rating.clone().filter(|_| key == "rate"),
            ..ActionRequest::default()
        };
        let acted = self
            .take_action(
                actor,
                user,
                record.case,
                &engine_req,
                OwnRows::Petition(&update, extra),
            )
            .await?;
        self.publish_case(&acted.case, &acted.department_ids, acted.action.key);
        let fresh = self
            .readable_petition(actor, id)
            .await
            .map(|(_, r)| r)
            .unwrap_or(PetitionRecord {
                case: acted.case,
                detail: d.clone(),
            });
        Ok(PetitionView::new(fresh))
    }

    /// The accounts that may take a petition on as its 包案 leader, for the case page: active
    /// accounts of the district that may supervise cases, (id, name).
    pub async fn petition_leaders(self, actor: &Actor) -> Result<Vec<(i64, String)>> {
        self.authorize(actor, Capability::RegisterPetitions, None)?;
        let user = self.petition_user(actor)?;
        let district = user
            .org_code
            .ancestor_at(pingan_domain::OrgLevel::District)
            .unwrap_or_else(|| user.org_code.clone());
        Ok(self
            .store
            .users_in_scope(&pingan_domain::Scope::org(district), 5000)
            .await?
            .into_iter()
            .filter(|u| {
                !u.disabled
                    && pingan_domain::Permissions::from_stored(&u.role_permissions)
                        .contains(Capability::SuperviseCases)
            })
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    /// Checks that an account may take a petition on as its 包案 leader: an active account that
    /// may supervise cases.
    async fn check_leader(self, id: i64) -> Result<()> {
        let found = self.store.user_by_id(id).await?.filter(|u| {
            !u.disabled
                && pingan_domain::Permissions::from_stored(&u.role_permissions)
                    .contains(Capability::SuperviseCases)
        });
        match found {
            Some(_) => Ok(()),
            None => Err(AppError::Invalid(format!(
                "账号 {id} 不能包案：请选择有督办权限的领导账号"
            ))),
        }
    }

    /// 访调对接: registers the petition's civil matter as a dispute (信访转入, its number as the
    /// external reference; the petitioners as applicants): (dispute id, number).
    async fn mediate_petition(
        self,
        actor: &Actor,
        user: &CurrentUser,
        record: &PetitionRecord,
        req: &PetitionActionRequest,
    ) -> Result<(i64, String)> {
        // Refused here, before a dispute is made, for the reasons the engine would give.
        pingan_domain::case::decide(
            &PETITION,
            &record.case.core.facts(Utc::now()),
            "to_mediation",
            &self.petition_relations(user, record).await?,
            &pingan_domain::case::ActionInput::default(),
        )
        .map_err(crate::cases::refusal)?;
        let respondent = req
            .respondent
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AppError::Invalid("请填写纠纷的另一方（被申请人）respondent".into()))?;
        let mut parties = Vec::new();
        for p in self.store.case_parties(record.case.id).await? {
            parties.push(PartyEntry {
                role: "applicant".into(),
                name: self.cipher.open(PARTY_NAME_FIELD, &p.party.name_sealed)?,
                id_number: p
                    .party
                    .id_sealed
                    .as_deref()
                    .map(|s| self.cipher.open(PARTY_ID_FIELD, s))
                    .transpose()?,
                phone: p
                    .party
                    .phone_sealed
                    .as_deref()
                    .map(|s| self.cipher.open(PARTY_PHONE_FIELD, s))
                    .transpose()?,
                credit_code: None,
            });
        }
        parties.push(PartyEntry {
            role: "respondent".into(),
            name: respondent.into(),
            ..PartyEntry::default()
        });
        let number = case_number(&PETITION, record.case.id, record.case.created_at);
        let intake = DisputeIntake {
            client_id: format!("from-petition-{}", record.case.id),
            dispute_type: req
                .dispute_type
                .clone()
                .ok_or_else(|| AppError::Invalid("请选择纠纷类型 dispute_type".into()))?,
            source: "petition".into(),
            title: record.case.title.clone(),
            facts: record.detail.content.chars().take(2000).collect(),
            parties,
            lat: record.detail.lat,
            lon: record.detail.lon,
            address: record.detail.address.clone(),
            grid_code: Some(record.case.org_code.clone()),
            people_count: u32::try_from(record.detail.people_count.max(2)).ok(),
            external_ref: Some(number),
            ..DisputeIntake::default()
        };
        let made = self.register_dispute(actor, &intake).await?;
        Ok((made.dispute.id, made.dispute.number))
    }

    /// 访调对接: a dispute's mediation ended; the petition it came from, if any and still in
    /// mediation, is closed (succeeded) or goes back to 办理, as its linked case.
    pub(crate) async fn dispute_concluded(
        self,
        actor: &Actor,
        user: &CurrentUser,
        dispute_id: i64,
        succeeded: bool,
        dispute_number: &str,
    ) -> Result<()> {
        let Some(case) = self.store.petition_of_dispute(dispute_id).await? else {
            return Ok(());
        };
        if case.core.state.key != "mediating" {
            return Ok(());
        }
        let req = ActionRequest {
            action: if succeeded {
                "mediation_succeeded"
            } else {
                "mediation_failed"
            }
            .into(),
            reason: Some(format!(
                "纠纷 {dispute_number} {}",
                if succeeded {
                    "调解成功"
                } else {
                    "调解未成"
                }
            )),
            ..ActionRequest::default()
        };
        let acted = self
            .take_action(
                actor,
                user,
                case,
                &req,
                OwnRows::Petition(&PetitionUpdate::default(), vec![Party::Linked]),
            )
            .await?;
        self.publish_case(&acted.case, &acted.department_ids, acted.action.key);
        Ok(())
    }
}

/// A label followed by the user's note, if any.
fn with_note(label: &str, note: Option<&str>) -> String {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{label}：{n}"),
        None => label.to_owned(),
    }
}

/// Who a petition waits for, in the words of a petition office.
fn office_label(p: Party) -> &'static str {
    match p {
        Party::Hub => "信访工作机构",
        Party::Department => "承办部门",
        other => other.label(),
    }
}
