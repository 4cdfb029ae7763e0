//! 信访登记 — taking a petition in (idempotent on the client's id): checked, placed on a grid,
//! owned by the office that received it, its petitioners sealed; the earlier petitions by the
//! same person or on the same matter looked up, so that a 重复信访 points at the one before, a
//! petition brought to the district first is marked 越级, and a matter concluded by 复核 is
//! registered as 不再受理 naming that case.

use super::view::PetitionView;
use super::{PetitionIntake, PetitionIntakeOutcome, PetitionerEntry};
use crate::cases::disputes::PARTY_ID_FIELD;
use crate::cases::{case_number, check_client_id, intake_point};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Duration, Utc};
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::dispute::PartyInput;
use pingan_domain::case::petition::{
    PETITION, PetitionChannel, PetitionClass, PetitionerRole, REPEAT_WINDOW_DAYS, RefusalGround,
    SAME_MATTER_SIMILARITY, skips_level, validate_petitioners,
};
use pingan_domain::case::{CaseCore, TimeLimit};
use pingan_domain::text::Bigrams;
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{
    CaseRecord, Inserted, NewTimelineEntry, PetitionDetail, PetitionInsert, PetitionRecord,
    RepeatCandidate,
};
use serde_json::json;

/// The longest 12345 or higher-office number accepted.
const MAX_REF_CHARS: usize = 64;

/// What the earlier petitions say about a new one.
#[derive(Debug, Default)]
struct Earlier {
    /// The most recent petition by the same person or on the same matter.
    repeat_of: Option<RepeatCandidate>,
    /// The same matter concluded by 复核.
    concluded: Option<RepeatCandidate>,
    /// One of them was had below the district.
    below_district: bool,
}

impl crate::services::Cases<'_> {
    /// Registers one petition. Idempotent on `client_id`.
    pub async fn register_petition(
        self,
        actor: &Actor,
        intake: &PetitionIntake,
    ) -> Result<PetitionIntakeOutcome> {
        self.authorize(actor, Capability::RegisterPetitions, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        check_client_id(&intake.client_id)?;
        let channel = PetitionChannel::parse(&intake.channel).ok_or_else(|| {
            AppError::Invalid(format!(
                "信访形式 channel 应为 {} 之一",
                PetitionChannel::labels()
            ))
        })?;
        let class = PetitionClass::parse(&intake.class).ok_or_else(|| {
            AppError::Invalid(format!(
                "信访类别 class 应为 {} 之一",
                PetitionClass::labels()
            ))
        })?;
        let title = intake.title.trim();
        if !(2..=100).contains(&title.chars().count()) {
            return Err(AppError::Invalid(
                "信访事项 title 应为 2 到 100 个字".into(),
            ));
        }
        let content = intake.content.trim();
        if !(4..=5000).contains(&content.chars().count()) {
            return Err(AppError::Invalid(
                "请填写信访主要内容 content（4 到 5000 字）".into(),
            ));
        }
        let requests = intake.requests.trim();
        if requests.chars().count() > 2000 {
            return Err(AppError::Invalid("诉求不能超过 2000 字".into()));
        }
        let external_ref = intake
            .external_ref
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if external_ref.is_some_and(|r| r.chars().count() > MAX_REF_CHARS) {
            return Err(AppError::Invalid(format!(
                "工单号 external_ref 不能超过 {MAX_REF_CHARS} 个字符"
            )));
        }
        if channel == PetitionChannel::Hotline && external_ref.is_none() {
            return Err(AppError::Invalid(
                "12345 转办的信访须填写 12345 工单号（external_ref）".into(),
            ));
        }
        let now = pingan_domain::audit::to_micros(Utc::now());
        let today = pingan_domain::time::beijing_date(now);
        let (petitioners, people, collective) =
            validate_petitioners(&inputs(&intake.petitioners), intake.people_count, today)
                .map_err(AppError::Invalid)?;
        let address = intake
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if address.is_some_and(|a| a.chars().count() > 200) {
            return Err(AppError::Invalid("地址不能超过 200 字".into()));
        }
        let point = intake_point(intake.lat, intake.lon, intake.coord.as_deref())?;
        let place = self
            .intake_place(point, intake.grid_code.as_deref(), address)
            .await?;
        self.authorize(actor, Capability::RegisterPetitions, Some(&place))?;

        let indexes: Vec<String> = petitioners
            .iter()
            .filter_map(|p| p.id_number.as_ref())
            .map(|i| self.cipher.blind_index(PARTY_ID_FIELD, i.as_str()))
            .collect();
        let earlier = self
            .earlier_petitions(&place, &indexes, &format!("{title}{content}"), now)
            .await?;
        let owner = receiving_office(user, &place);
        let skipped = skips_level(
            owner.level() == OrgLevel::District && place.level() != OrgLevel::District,
            earlier.below_district,
        );
        let calendar = self.org().work_calendar().await?;
        let first = if earlier.concluded.is_some() {
            "refused"
        } else {
            "registered"
        };
        let core = CaseCore::received(
            &PETITION,
            first,
            owner,
            TimeLimit::new(60, TimeUnit::StatutoryDays),
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("信访事项的初始状态未定义".into()))?;
        let mut case = CaseRecord {
            id: 0,
            title: title.into(),
            org_code: place.as_str().into(),
            category: class.code().into(),
            reporter_id: Some(user.id),
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        let repeat_of = earlier
            .concluded
            .as_ref()
            .or(earlier.repeat_of.as_ref())
            .map(|c| c.case_id);
        let detail = PetitionDetail {
            client_id: intake.client_id.clone(),
            channel: channel.code().into(),
            class: class.code().into(),
            content: content.into(),
            requests: requests.into(),
            people_count: i64::from(people),
            collective,
            external_ref: external_ref.map(str::to_owned),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            address: address.map(str::to_owned),
            repeat_of,
            skipped_level: skipped,
            refusal_ground: earlier
                .concluded
                .as_ref()
                .map(|_| RefusalGround::Concluded.code().into()),
            accepted_at: None,
            accepted_on_time: earlier.concluded.as_ref().map(|_| true),
            extended_days: 0,
            outcome: None,
            replied_at: None,
            replied_on_time: None,
            served_at: None,
            review_outcome: None,
            recheck_outcome: None,
            hearing_since: None,
            hearing_days: 0,
            leader_id: None,
            leader_plan: None,
            lawyer_id: None,
            lawyer_role: None,
            dispute_id: None,
        };
        let mut findings = Vec::new();
        if let Some(c) = &earlier.concluded {
            let named = self.visible_number(user, c.case_id).await?;
            findings.push(format!(
                "该事项已于{}复核终结{}，依照信访工作条例不再受理",
                pingan_domain::time::in_shanghai(c.created_at).format("%Y年%-m月%-d日"),
                named.map(|n| format!("（{n}）")).unwrap_or_default()
            ));
        } else if let Some(c) = &earlier.repeat_of {
            let named = self.visible_number(user, c.case_id).await?;
            findings.push(format!(
                "重复信访：一年内同一信访人或同一事项已有信访{}",
                named.map(|n| format!(" {n}")).unwrap_or_default()
            ));
        }
        if skipped {
            findings.push("越级：此前未向乡镇（街道）反映".into());
        }
        if collective {
            findings.push(format!("集体访：{people} 人"));
        }
        let entry = NewTimelineEntry {
            at: now,
            action: "intake".into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: None,
            to_state: case.core.state.key.into(),
            comment: (!findings.is_empty()).then(|| findings.join("；")),
            detail:
                json!({"channel": channel.code(), "repeat_of": repeat_of, "skipped_level": skipped})
                    .to_string(),
        };
        let insert = PetitionInsert {
            case: case.clone(),
            detail: detail.clone(),
            parties: self.seal_parties(&petitioners, PetitionerRole::code)?,
            entries: vec![entry],
        };
        let id = match self.store.insert_petition(&insert).await? {
            Inserted::New(id) => id,
            Inserted::Existing(id) => return self.existing_petition(user, id).await,
        };
        case.id = id;
        self.publish_case(&case, &[], "intake");
        self.audit(
            actor,
            "petition.register",
            &format!("case:{id}"),
            "ok",
            json!({"petitioners": petitioners.len(), "channel": channel.code(),
                   "repeat_of": repeat_of, "skipped_level": skipped}),
        )
        .await?;
        Ok(PetitionIntakeOutcome {
            petition: PetitionView::new(PetitionRecord { case, detail }),
            created: true,
            findings,
        })
    }

    /// The earlier petitions of the last year about this place or by these people (blind
    /// indexes): the latest that is the same matter or by the same person, the same matter
    /// concluded by 复核, and whether any was had below the district.
    async fn earlier_petitions(
        self,
        place: &OrgCode,
        people: &[String],
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Earlier> {
        let since = now - Duration::days(REPEAT_WINDOW_DAYS);
        let mut found: Vec<(RepeatCandidate, bool)> = self
            .store
            .repeat_candidates(place.as_str(), None, since)
            .await?
            .into_iter()
            .map(|c| (c, false))
            .collect();
        for index in people {
            for c in self
                .store
                .repeat_candidates(place.as_str(), Some(index), since)
                .await?
            {
                found.retain(|(f, _)| f.case_id != c.case_id);
                found.push((c, true));
            }
        }
        let words = Bigrams::new(text);
        let mut earlier = Earlier::default();
        let mut matches: Vec<RepeatCandidate> = found
            .into_iter()
            .filter_map(|(c, same_person)| {
                let same_matter = c.org_code == place.as_str()
                    && words.similarity(&Bigrams::new(&format!("{}{}", c.title, c.content)))
                        >= SAME_MATTER_SIMILARITY;
                if same_matter && c.state == "rechecked" && earlier.concluded.is_none() {
                    earlier.concluded = Some(c.clone());
                }
                (same_matter || same_person).then_some(c)
            })
            .collect();
        matches.sort_by_key(|c| std::cmp::Reverse(c.case_id));
        earlier.below_district = matches
            .iter()
            .any(|c| OrgCode::parse(&c.owner_org).is_ok_and(|o| o.level() != OrgLevel::District));
        earlier.repeat_of = matches.into_iter().next();
        Ok(earlier)
    }

    /// The number of a petition if `user` may open it.
    pub(crate) async fn visible_number(
        self,
        user: &CurrentUser,
        id: i64,
    ) -> Result<Option<String>> {
        let reader = self.petition_reader(user)?;
        Ok(self
            .store
            .petition(id, &reader)
            .await?
            .map(|r| case_number(&PETITION, id, r.case.created_at)))
    }

    /// The petition an earlier registration with the same client id made — only to its author:
    /// another's reuse is a 409 that reveals nothing.
    async fn existing_petition(self, user: &CurrentUser, id: i64) -> Result<PetitionIntakeOutcome> {
        let reader = self.petition_reader(user)?;
        let found = self
            .store
            .petition(id, &reader)
            .await?
            .filter(|r| r.case.reporter_id == Some(user.id));
        let Some(r) = found else {
            return Err(AppError::Conflict(
                "此 client_id 已被另一件信访使用，请为每次登记生成新的 client_id".into(),
            ));
        };
        Ok(PetitionIntakeOutcome {
            petition: PetitionView::new(r),
            created: false,
            findings: Vec::new(),
        })
    }
}

fn inputs(entries: &[PetitionerEntry]) -> Vec<PartyInput> {
    entries
        .iter()
        .map(|p| PartyInput {
            role: p.role.clone(),
            name: p.name.clone(),
            id_number: p.id_number.clone(),
            phone: p.phone.clone(),
            credit_code: None,
        })
        .collect()
}

/// The office that owns a new petition: the hub of the registering user when it is a township's
/// or the district's (the office the petitioner came to), else the township of the place.
fn receiving_office(user: &CurrentUser, place: &OrgCode) -> OrgCode {
    let office = matches!(
        user.org_code.level(),
        OrgLevel::District | OrgLevel::Township
    ) && place.is_within(&user.org_code);
    if office {
        user.org_code.clone()
    } else {
        place
            .ancestor_at(OrgLevel::Township)
            .unwrap_or_else(|| place.clone())
    }
}
