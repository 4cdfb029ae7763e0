//! 公共法律服务 — the three-level public legal service of the district: "一村一法律顾问" (each
//! village or community's adviser from the lawyers' directory, the coverage per township with the
//! gaps named) and the consultations (法律咨询) the district centre, a township's 司法所 station or
//! a village's room takes, with their counts (by township, channel, topic; time spent; 公证
//! referrals); and the outreach teams and their activities (`outreach.rs`: 送法下乡, 法治赶场日,
//! 政法服务进小区).

mod health;
mod outreach;

pub use health::{
    CheckupRequest, CheckupView, LegalHealthView, LegalRiskEntry, LegalRiskView, RiskResolution,
};
pub use outreach::{
    OutreachOverview, OutreachRequest, OutreachTally, OutreachTeamRequest, OutreachTeamView,
    OutreachView,
};

use crate::cases::disputes::stats::stats_period;
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pingan_domain::legal::{ConsultChannel, ConsultTopic, ConsultationInput, coverage};
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{ConsultationRecord, NewConsultation, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The sealed column of the asker's name.
const ASKER_FIELD: &str = "legal_consultations.asker";
/// Consultations shown under the counts.
const RECENT: i64 = 50;
pub(super) const HUB_ONLY: &str = "公共法律服务由综治中心和司法所统筹，部门账号不能查看或登记";

/// A village's adviser to assign.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AdviserRequest {
    /// The village or community (12-digit code) within your area.
    pub village: String,
    /// A lawyer of the directory (律师名录) serving the district or the village's township.
    pub lawyer_id: i64,
    /// Default today.
    pub since: Option<NaiveDate>,
}

/// 法律顾问 — a village and its adviser.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdviserView {
    pub village: String,
    pub village_name: String,
    pub township_name: String,
    pub lawyer_id: i64,
    pub lawyer_name: String,
    pub firm: String,
    pub licence_number: String,
    pub since: NaiveDate,
}

/// A village without an adviser.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageGap {
    pub code: String,
    pub name: String,
}

/// "一村一法律顾问" of one township.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TownshipAdvisers {
    pub code: String,
    pub name: String,
    pub villages: usize,
    pub covered: usize,
    /// Percent, one decimal.
    pub rate: f64,
    pub gaps: Vec<CoverageGap>,
}

/// The advisers of an area and their coverage.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdvisersView {
    pub org_code: String,
    pub villages: usize,
    pub covered: usize,
    pub rate: f64,
    pub townships: Vec<TownshipAdvisers>,
    pub advisers: Vec<AdviserView>,
}

/// A consultation as taken (法律咨询登记).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConsultationRequest {
    /// Makes a resend harmless (the phone page sends it again when the signal returns).
    pub client_id: Option<String>,
    /// Where it was taken (default your own unit: the centre, a station or a room).
    pub org: Option<String>,
    /// The lawyer who answered, if one did.
    pub lawyer_id: Option<i64>,
    /// `visit` 来访, `phone` 电话 or `online` 网络.
    pub channel: String,
    /// 婚姻家庭, 劳动争议, 合同债务, 土地房产, 邻里纠纷, 交通事故, 继承赡养 or 其他 (code or name).
    pub topic: String,
    /// 咨询人姓名 (sealed at rest, masked on screen).
    pub asker: String,
    pub question: String,
    pub answer: String,
    /// 用时 in minutes.
    pub minutes: u32,
    /// Referred on for 公证.
    #[serde(default)]
    pub notary: bool,
    /// Default now.
    pub consulted_at: Option<DateTime<Utc>>,
}

/// 法律咨询 — a consultation as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ConsultationView {
    pub id: i64,
    pub org_code: String,
    pub lawyer_name: Option<String>,
    pub channel: String,
    pub topic: String,
    /// Masked: 张**.
    pub asker: String,
    pub question: String,
    pub answer: String,
    pub minutes: i64,
    pub notary: bool,
    pub consulted_at: DateTime<Utc>,
}

/// A count by one key.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ConsultationTally {
    pub key: String,
    pub label: String,
    pub consultations: i64,
    pub minutes: i64,
}

/// The period asked about.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct LegalQuery {
    /// An org code within your area (default: your own).
    pub org: Option<String>,
    /// First day `YYYY-MM-DD` (default 1 January of this year).
    pub from: Option<String>,
    /// Last day, included (default today).
    pub to: Option<String>,
}

/// The consultations of an area and period: the latest, and the counts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ConsultationsView {
    pub org_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The latest, at most 50.
    pub items: Vec<ConsultationView>,
    pub total: i64,
    pub minutes: i64,
    /// 公证 referrals.
    pub notary: i64,
    pub by_township: Vec<ConsultationTally>,
    pub by_channel: Vec<ConsultationTally>,
    pub by_topic: Vec<ConsultationTally>,
}

fn rate(covered: usize, villages: usize) -> f64 {
    if villages == 0 {
        return 0.0;
    }
    (covered as f64 * 1000.0 / villages as f64).round() / 10.0
}

impl crate::services::Legal<'_> {
    /// The area a request is about, within a hub user's own.
    pub(super) fn area(
        &self,
        actor: &Actor,
        cap: Capability,
        org: Option<&str>,
    ) -> Result<(CurrentUser, OrgCode)> {
        self.authorize(actor, cap, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let area = self.hub_area(user, org, HUB_ONLY)?;
        Ok((user.clone(), area))
    }

    /// The villages of an area with their advisers, and the coverage of each township.
    pub async fn advisers(self, actor: &Actor, org: Option<&str>) -> Result<AdvisersView> {
        let (_, area) = self.area(actor, Capability::ViewLegalServices, org)?;
        let units = self.store.org_units_under(area.as_str()).await?;
        let names: HashMap<&str, &str> = units
            .iter()
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        let villages: Vec<String> = units
            .iter()
            .filter(|u| u.code.len() == OrgLevel::Village.code_len())
            .map(|u| u.code.clone())
            .collect();
        let posts = self.store.adviser_posts(area.as_str()).await?;
        let covered: HashSet<String> = posts.iter().map(|p| p.org_code.clone()).collect();
        let name = |code: &str| {
            names
                .get(code)
                .map_or_else(|| code.to_owned(), |n| (*n).to_owned())
        };
        let townships: Vec<TownshipAdvisers> = coverage(&villages, &covered)
            .into_iter()
            .map(|t| TownshipAdvisers {
                name: name(&t.township),
                rate: rate(t.covered, t.villages),
                gaps: t
                    .gaps
                    .iter()
                    .map(|g| CoverageGap {
                        code: g.clone(),
                        name: name(g),
                    })
                    .collect(),
                code: t.township,
                villages: t.villages,
                covered: t.covered,
            })
            .collect();
        let advisers = posts
            .into_iter()
            .map(|p| AdviserView {
                village_name: name(&p.org_code),
                township_name: name(p.org_code.get(..9).unwrap_or_default()),
                village: p.org_code,
                lawyer_id: p.lawyer_id,
                lawyer_name: p.lawyer_name,
                firm: p.firm,
                licence_number: p.licence_number,
                since: p.since,
            })
            .collect();
        let (villages, covered) = (villages.len(), covered.len());
        Ok(AdvisersView {
            org_code: area.as_str().into(),
            villages,
            covered,
            rate: rate(covered, villages),
            townships,
            advisers,
        })
    }

    /// The lawyers of the directory who may advise villages of the user's area (those flagged
    /// 法律顾问 first): (id, "name（firm）").
    pub async fn adviser_choices(self, actor: &Actor) -> Result<Vec<(i64, String)>> {
        let (user, _) = self.area(actor, Capability::ManageLegalServices, None)?;
        Ok(self
            .store
            .lawyers(user.org_code.as_str())
            .await?
            .into_iter()
            .map(|l| (l.id, format!("{}（{}）", l.name, l.firm)))
            .collect())
    }

    /// Makes a lawyer the adviser of a village of the user's area (the one before, if another,
    /// leaves on that day).
    pub async fn assign_adviser(self, actor: &Actor, r: &AdviserRequest) -> Result<AdvisersView> {
        let (user, village) = self.area(
            actor,
            Capability::ManageLegalServices,
            Some(r.village.as_str()),
        )?;
        if village.level() != OrgLevel::Village {
            return Err(AppError::Invalid(
                "法律顾问按村（社区）聘请：village 应为 12 位村（社区）编码".into(),
            ));
        }
        if self.store.org_unit(village.as_str()).await?.is_none() {
            return Err(AppError::Invalid(format!("村（社区）{village} 不存在")));
        }
        let lawyer = self.store.lawyer(r.lawyer_id).await.map_err(|e| match e {
            StoreError::NotFound => {
                AppError::Invalid(format!("律师名录中没有编号为 {} 的律师", r.lawyer_id))
            }
            e => e.into(),
        })?;
        if !village.as_str().starts_with(&lawyer.org_code) {
            return Err(AppError::Invalid(format!(
                "{}律师在 {} 范围内服务，不能担任 {} 的法律顾问",
                lawyer.name, lawyer.org_code, village
            )));
        }
        let today = beijing_date(Utc::now());
        let since = r.since.unwrap_or(today);
        if since > today + Duration::days(31) {
            return Err(AppError::Invalid("聘任日期最多提前一个月".into()));
        }
        let made = self
            .store
            .assign_adviser(village.as_str(), lawyer.id, since, user.id, Utc::now())
            .await?;
        if made {
            self.audit(
                actor,
                "legal.adviser.assign",
                &format!("org:{village}"),
                "ok",
                json!({"lawyer": lawyer.id, "since": since}),
            )
            .await?;
        }
        self.advisers(actor, Some(village.as_str())).await
    }

    /// Ends a village's adviser post (the lawyer left): the village shows as a gap.
    pub async fn end_adviser(self, actor: &Actor, village: &str) -> Result<()> {
        let (_, village) = self.area(actor, Capability::ManageLegalServices, Some(village))?;
        if !self
            .store
            .end_adviser(village.as_str(), beijing_date(Utc::now()))
            .await?
        {
            return Err(AppError::NotFound(format!("{village} 目前没有法律顾问")));
        }
        self.audit(
            actor,
            "legal.adviser.end",
            &format!("org:{village}"),
            "ok",
            json!({}),
        )
        .await
    }

    /// Records a consultation taken by the user's unit (or a unit of their area); `false` when
    /// its client id was recorded before.
    pub async fn record_consultation(
        self,
        actor: &Actor,
        r: &ConsultationRequest,
    ) -> Result<(ConsultationView, bool)> {
        let (user, org) = self.area(actor, Capability::ManageLegalServices, r.org.as_deref())?;
        let channel = ConsultChannel::parse(&r.channel).ok_or_else(|| {
            AppError::Invalid(format!("channel 应为 {} 之一", ConsultChannel::labels()))
        })?;
        let topic = ConsultTopic::parse_or(&r.topic, ConsultTopic::Other, "咨询事项")
            .map_err(AppError::Invalid)?;
        let asker = r.asker.trim();
        if !(1..=30).contains(&asker.chars().count()) {
            return Err(AppError::Invalid(
                "请填写咨询人姓名（不超过 30 个字）".into(),
            ));
        }
        let now = Utc::now();
        let input = ConsultationInput {
            question: r.question.trim().into(),
            answer: r.answer.trim().into(),
            minutes: r.minutes,
            consulted_at: r.consulted_at.unwrap_or(now),
        };
        input.validate(now).map_err(|errors| {
            AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(f, why)| format!("{f}：{why}"))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })?;
        if let Some(id) = r.lawyer_id {
            self.store.lawyer(id).await.map_err(|e| match e {
                StoreError::NotFound => {
                    AppError::Invalid(format!("律师名录中没有编号为 {id} 的律师"))
                }
                e => e.into(),
            })?;
        }
        let client_id = match r.client_id.as_deref().map(str::trim) {
            None | Some("") => crate::new_client_id()?,
            Some(k) => {
                crate::cases::check_client_id(k)?;
                k.to_owned()
            }
        };
        let (id, created) = self
            .store
            .insert_consultation(&NewConsultation {
                client_id,
                org_code: org.as_str().into(),
                lawyer_id: r.lawyer_id,
                channel: channel.code().into(),
                topic: topic.code().into(),
                asker_sealed: self.cipher.seal(ASKER_FIELD, asker)?,
                question: input.question.clone(),
                answer: input.answer.clone(),
                minutes: i64::from(input.minutes),
                notary: r.notary,
                consulted_at: input.consulted_at,
                recorded_by: user.id,
                at: now,
            })
            .await?;
        if created {
            self.audit(
                actor,
                "legal.consultation",
                &format!("legal_consultation:{id}"),
                "ok",
                json!({"org": org.as_str(), "topic": topic.code(), "channel": channel.code()}),
            )
            .await?;
        }
        // A client id sent again answers with what it recorded, if that lies in the user's area.
        let view = self
            .store
            .consultation(id, user.org_code.as_str())
            .await?
            .map(|c| self.consultation_view(c))
            .transpose()?
            .ok_or_else(|| {
                AppError::Conflict(
                    "这个 client_id 已用于另一条咨询记录：每条记录须用新的 client_id".into(),
                )
            })?;
        Ok((view, created))
    }

    /// The consultations of an area and period: the latest and the counts.
    pub async fn consultations(self, actor: &Actor, q: &LegalQuery) -> Result<ConsultationsView> {
        let (_, area) = self.area(actor, Capability::ViewLegalServices, q.org.as_deref())?;
        let (from, to) = stats_period(q.from.as_deref(), q.to.as_deref())?;
        let (a, b) = (
            beijing_midnight(from),
            beijing_midnight(to + Duration::days(1)),
        );
        let (recent, counts, units) = tokio::try_join!(
            self.store.consultations(area.as_str(), a, b, RECENT),
            self.store.consultation_counts(area.as_str(), a, b),
            self.store.org_units_under(area.as_str()),
        )?;
        let names: HashMap<String, String> = units.into_iter().map(|u| (u.code, u.name)).collect();
        let mut by_township: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut by_channel: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut by_topic: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let (mut total, mut minutes, mut notary) = (0, 0, 0);
        for c in &counts {
            for (map, key) in [
                (&mut by_township, &c.township),
                (&mut by_channel, &c.channel),
                (&mut by_topic, &c.topic),
            ] {
                let e = map.entry(key.clone()).or_default();
                e.0 += c.consultations;
                e.1 += c.minutes;
            }
            total += c.consultations;
            minutes += c.minutes;
            notary += c.notary;
        }
        let tallies = |m: BTreeMap<String, (i64, i64)>, label: &dyn Fn(&str) -> String| {
            m.into_iter()
                .map(|(k, (n, mins))| ConsultationTally {
                    label: label(&k),
                    key: k,
                    consultations: n,
                    minutes: mins,
                })
                .collect::<Vec<_>>()
        };
        self.audit(
            actor,
            "legal.consultations",
            &format!("org:{area}"),
            "ok",
            json!({"from": from, "to": to, "rows": recent.len()}),
        )
        .await?;
        Ok(ConsultationsView {
            org_code: area.as_str().into(),
            from,
            to,
            items: recent
                .into_iter()
                .map(|c| self.consultation_view(c))
                .collect::<Result<Vec<_>>>()?,
            total,
            minutes,
            notary,
            by_township: tallies(by_township, &|k| {
                names.get(k).cloned().unwrap_or_else(|| k.to_owned())
            }),
            by_channel: tallies(by_channel, &|k| {
                ConsultChannel::parse(k).map_or_else(|| k.to_owned(), |c| c.label().into())
            }),
            by_topic: tallies(by_topic, &|k| {
                ConsultTopic::parse(k).map_or_else(|| k.to_owned(), |t| t.label().into())
            }),
        })
    }

    fn consultation_view(&self, c: ConsultationRecord) -> Result<ConsultationView> {
        let asker = self.cipher.open(ASKER_FIELD, &c.asker_sealed)?;
        Ok(ConsultationView {
            id: c.id,
            org_code: c.org_code,
            lawyer_name: c.lawyer_name,
            channel: ConsultChannel::parse(&c.channel)
                .map_or_else(|| c.channel.clone(), |x| x.label().into()),
            topic: ConsultTopic::parse(&c.topic)
                .map_or_else(|| c.topic.clone(), |x| x.label().into()),
            asker: pingan_domain::identity::mask_name(&asker),
            question: c.question,
            answer: c.answer,
            minutes: c.minutes,
            notary: c.notary,
            consulted_at: c.consulted_at,
        })
    }
}
