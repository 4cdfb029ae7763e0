//! 送法下乡 / 法治赶场日 / 政法服务进小区 — the outreach teams ("通川有礼"法治服务小分队 and their
//! officers), their activities recorded once per client id with photos, and the counts per team and
//! township over a period.

use crate::cases::disputes::stats::stats_period;
use crate::{Actor, AppError, PhotoUpload, Result};
use chrono::{NaiveDate, Utc};
use pingan_crypto::sm3_hex;
use pingan_domain::Capability;
use pingan_domain::legal::{OutreachInput, OutreachKind};
use pingan_domain::time::beijing_date;
use pingan_store::{NewOutreachActivity, OutreachActivityRecord, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// The folder of the files store the photos are kept in.
const PHOTO_FOLDER: &str = "outreach";
/// The most photos one activity keeps.
const MAX_PHOTOS: usize = 9;
/// Activities shown under the counts.
const RECENT: i64 = 50;

/// A team as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OutreachTeamRequest {
    /// e.g. "通川有礼"法治服务第一小分队; unique.
    pub name: String,
    /// The lead unit (区委政法委, 区法院, 公安分局 …).
    pub lead_unit: String,
    /// 干警人数.
    pub officers: u32,
}

/// 法治服务小分队.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutreachTeamView {
    pub id: i64,
    pub name: String,
    pub lead_unit: String,
    pub officers: i64,
}

/// An activity as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OutreachRequest {
    /// Makes a resend harmless.
    pub client_id: Option<String>,
    /// `rural` 送法下乡, `market_day` 法治赶场日, `community` 政法服务进小区 or `publicity` 普法宣传.
    pub kind: String,
    pub team_id: Option<i64>,
    /// Where it was held: a village, community or township within your area (default yours).
    pub org: Option<String>,
    /// 活动地点, e.g. 北山镇赶场点, 金龙小区.
    pub place: String,
    /// Default today.
    pub held_on: Option<NaiveDate>,
    pub officers: u32,
    #[serde(default)]
    pub people_reached: u32,
    #[serde(default)]
    pub materials: u32,
    #[serde(default)]
    pub questions: u32,
    #[serde(default)]
    pub summary: String,
}

/// 法治宣传活动 — an activity as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutreachView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub team_name: Option<String>,
    pub org_code: String,
    pub org_name: String,
    pub place: String,
    pub held_on: NaiveDate,
    pub officers: i64,
    pub people_reached: i64,
    pub materials: i64,
    pub questions: i64,
    pub summary: String,
    /// Where to fetch each photo (same sign-in).
    pub photos: Vec<String>,
}

/// The counts of one team, township or kind.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutreachTally {
    pub key: String,
    pub label: String,
    pub activities: i64,
    pub officers: i64,
    pub people_reached: i64,
}

/// The activities of an area and period: the latest, the totals and the counts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutreachOverview {
    pub org_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<OutreachView>,
    pub activities: i64,
    /// 参与干警 (person-times).
    pub officers: i64,
    pub people_reached: i64,
    pub materials: i64,
    pub questions: i64,
    pub teams: Vec<OutreachTeamView>,
    pub by_team: Vec<OutreachTally>,
    pub by_township: Vec<OutreachTally>,
    pub by_kind: Vec<OutreachTally>,
}

impl crate::services::Legal<'_> {
    /// The teams serving the user's area, and adds one (at the user's own unit).
    pub async fn outreach_teams(self, actor: &Actor) -> Result<Vec<OutreachTeamView>> {
        let (user, _) = self.area(actor, Capability::ViewLegalServices, None)?;
        Ok(self
            .store
            .outreach_teams(user.org_code.as_str())
            .await?
            .into_iter()
            .map(|t| OutreachTeamView {
                id: t.id,
                name: t.name,
                lead_unit: t.lead_unit,
                officers: t.officers,
            })
            .collect())
    }

    /// Adds a team at the user's unit.
    pub async fn add_outreach_team(
        self,
        actor: &Actor,
        r: &OutreachTeamRequest,
    ) -> Result<OutreachTeamView> {
        let (user, _) = self.area(actor, Capability::ManageLegalServices, None)?;
        let name = r.name.trim();
        let lead = r.lead_unit.trim();
        if !(2..=40).contains(&name.chars().count()) || !(2..=40).contains(&lead.chars().count()) {
            return Err(AppError::Invalid(
                "小分队名称和牵头单位应为 2 到 40 个字".into(),
            ));
        }
        if !(1..=1000).contains(&r.officers) {
            return Err(AppError::Invalid("干警人数应为 1 到 1000 人".into()));
        }
        let id = self
            .store
            .insert_outreach_team(
                name,
                lead,
                i64::from(r.officers),
                user.org_code.as_str(),
                Utc::now(),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict(format!("已有名为“{name}”的小分队")),
                e => e.into(),
            })?;
        self.audit(
            actor,
            "legal.outreach.team",
            &format!("outreach_team:{id}"),
            "ok",
            json!({"name": name, "officers": r.officers}),
        )
        .await?;
        Ok(OutreachTeamView {
            id,
            name: name.into(),
            lead_unit: lead.into(),
            officers: i64::from(r.officers),
        })
    }

    /// Records an activity held in the user's area; `false` when its client id was recorded
    /// before.
    pub async fn record_outreach(
        self,
        actor: &Actor,
        r: &OutreachRequest,
    ) -> Result<(OutreachView, bool)> {
        let (user, org) = self.area(actor, Capability::ManageLegalServices, r.org.as_deref())?;
        let kind = OutreachKind::parse(&r.kind).ok_or_else(|| {
            AppError::Invalid(format!("kind 应为 {} 之一", OutreachKind::labels()))
        })?;
        if let Some(team) = r.team_id
            && !self
                .store
                .outreach_teams(user.org_code.as_str())
                .await?
                .iter()
                .any(|t| t.id == team)
        {
            return Err(AppError::Invalid(format!(
                "没有编号为 {team} 的小分队，或它不在您的辖区服务"
            )));
        }
        let today = beijing_date(Utc::now());
        let input = OutreachInput {
            place: r.place.trim().into(),
            held_on: r.held_on.unwrap_or(today),
            officers: r.officers,
            people_reached: r.people_reached,
            materials: r.materials,
            questions: r.questions,
            summary: r.summary.trim().into(),
        };
        input.validate(today).map_err(|errors| {
            AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(f, why)| format!("{f}：{why}"))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })?;
        let client_id = match r.client_id.as_deref().map(str::trim) {
            None | Some("") => crate::new_client_id()?,
            Some(k) => {
                crate::cases::check_client_id(k)?;
                k.to_owned()
            }
        };
        let (id, created) = self
            .store
            .insert_outreach_activity(&NewOutreachActivity {
                client_id,
                kind: kind.code().into(),
                team_id: r.team_id,
                org_code: org.as_str().into(),
                place: input.place.clone(),
                held_on: input.held_on,
                officers: i64::from(input.officers),
                people_reached: i64::from(input.people_reached),
                materials: i64::from(input.materials),
                questions: i64::from(input.questions),
                summary: input.summary.clone(),
                recorded_by: user.id,
                at: Utc::now(),
            })
            .await?;
        if created {
            self.audit(
                actor,
                "legal.outreach",
                &format!("outreach_activity:{id}"),
                "ok",
                json!({"kind": kind.code(), "org": org.as_str(), "people_reached": input.people_reached}),
            )
            .await?;
        }
        let record = self
            .store
            .outreach_activity(id, user.org_code.as_str())
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "这个 client_id 已用于另一次活动：每次活动须用新的 client_id".into(),
                )
            })?;
        Ok((self.outreach_view(record, &HashMap::new()).await?, created))
    }

    /// Adds photos to an activity of the user's area (at most nine in all).
    pub async fn add_outreach_photos(
        self,
        actor: &Actor,
        id: i64,
        uploads: &[PhotoUpload],
    ) -> Result<OutreachView> {
        let (user, _) = self.area(actor, Capability::ManageLegalServices, None)?;
        let record = self
            .store
            .outreach_activity(id, user.org_code.as_str())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("活动 {id} 不存在，或不在您的辖区")))?;
        if uploads.is_empty() {
            return Err(AppError::Invalid("请选择要上传的照片".into()));
        }
        let had = usize::try_from(record.photos).unwrap_or(MAX_PHOTOS);
        if had + uploads.len() > MAX_PHOTOS {
            return Err(AppError::Invalid(format!(
                "每次活动最多 {MAX_PHOTOS} 张照片，已有 {had} 张"
            )));
        }
        let files = self.files()?;
        let mut kept = Vec::with_capacity(uploads.len());
        for u in uploads {
            let (_, content_type, ext) = crate::cases::check_photo(u)?;
            let digest = sm3_hex(&u.bytes);
            files
                .put_once(&format!("{PHOTO_FOLDER}/{digest}.{ext}"), &u.bytes)
                .await?;
            kept.push((
                content_type.to_owned(),
                i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
                digest,
            ));
        }
        self.store
            .add_outreach_photos(id, &kept, Utc::now())
            .await?;
        self.audit(
            actor,
            "legal.outreach.photos",
            &format!("outreach_activity:{id}"),
            "ok",
            json!({"photos": kept.len()}),
        )
        .await?;
        let record = self
            .store
            .outreach_activity(id, user.org_code.as_str())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("活动 {id} 不存在")))?;
        self.outreach_view(record, &HashMap::new()).await
    }

    /// One photo of an activity of the user's area: its content type and bytes.
    pub async fn outreach_photo(
        self,
        actor: &Actor,
        id: i64,
        photo_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        let (user, _) = self.area(actor, Capability::ViewLegalServices, None)?;
        self.store
            .outreach_activity(id, user.org_code.as_str())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("活动 {id} 不存在，或不在您的辖区")))?;
        let photo = self
            .store
            .outreach_photos(id)
            .await?
            .into_iter()
            .find(|p| p.id == photo_id)
            .ok_or_else(|| AppError::NotFound(format!("照片 {photo_id} 不存在")))?;
        let bytes = self
            .cases()
            .read_photo(PHOTO_FOLDER, &photo.digest, &photo.content_type)
            .await?;
        Ok((photo.content_type, bytes))
    }

    /// The activities of an area and period: the latest, the totals and the counts per team,
    /// township and kind.
    pub async fn outreach(self, actor: &Actor, q: &super::LegalQuery) -> Result<OutreachOverview> {
        let (user, area) = self.area(actor, Capability::ViewLegalServices, q.org.as_deref())?;
        let (from, to) = stats_period(q.from.as_deref(), q.to.as_deref())?;
        let (recent, counts, teams, units) = tokio::try_join!(
            self.store
                .outreach_activities(area.as_str(), from, to, RECENT),
            self.store.outreach_counts(area.as_str(), from, to),
            self.store.outreach_teams(user.org_code.as_str()),
            self.store.org_units_under(area.as_str()),
        )?;
        let names: HashMap<String, String> = units.into_iter().map(|u| (u.code, u.name)).collect();
        let team_names: HashMap<String, String> = teams
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect();
        let mut by_team: BTreeMap<String, [i64; 3]> = BTreeMap::new();
        let mut by_township: BTreeMap<String, [i64; 3]> = BTreeMap::new();
        let mut by_kind: BTreeMap<String, [i64; 3]> = BTreeMap::new();
        let mut totals = [0i64; 5];
        for c in &counts {
            let team = c.team_id.map_or_else(String::new, |t| t.to_string());
            for (map, key) in [
                (&mut by_team, team),
                (&mut by_township, c.township.clone()),
                (&mut by_kind, c.kind.clone()),
            ] {
                let e = map.entry(key).or_default();
                e[0] += c.activities;
                e[1] += c.officers;
                e[2] += c.people_reached;
            }
            for (t, v) in totals.iter_mut().zip([
                c.activities,
                c.officers,
                c.people_reached,
                c.materials,
                c.questions,
            ]) {
                *t += v;
            }
        }
        let tallies = |m: BTreeMap<String, [i64; 3]>, label: &dyn Fn(&str) -> String| {
            m.into_iter()
                .map(
                    |(k, [activities, officers, people_reached])| OutreachTally {
                        label: label(&k),
                        key: k,
                        activities,
                        officers,
                        people_reached,
                    },
                )
                .collect::<Vec<_>>()
        };
        let mut items = Vec::with_capacity(recent.len());
        for r in recent {
            items.push(self.outreach_view(r, &names).await?);
        }
        let [activities, officers, people_reached, materials, questions] = totals;
        Ok(OutreachOverview {
            org_code: area.as_str().into(),
            from,
            to,
            items,
            activities,
            officers,
            people_reached,
            materials,
            questions,
            by_team: tallies(by_team, &|k| {
                team_names
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| "（未编入小分队）".into())
            }),
            by_township: tallies(by_township, &|k| {
                names.get(k).cloned().unwrap_or_else(|| k.to_owned())
            }),
            by_kind: tallies(by_kind, &|k| {
                OutreachKind::parse(k).map_or_else(|| k.to_owned(), |x| x.label().into())
            }),
            teams: teams
                .into_iter()
                .map(|t| OutreachTeamView {
                    id: t.id,
                    name: t.name,
                    lead_unit: t.lead_unit,
                    officers: t.officers,
                })
                .collect(),
        })
    }

    async fn outreach_view(
        &self,
        r: OutreachActivityRecord,
        names: &HashMap<String, String>,
    ) -> Result<OutreachView> {
        let org_name = match names.get(&r.org_code) {
            Some(n) => n.clone(),
            None => self
                .store
                .org_unit(&r.org_code)
                .await?
                .map_or_else(|| r.org_code.clone(), |u| u.name),
        };
        let photos = if r.photos > 0 {
            self.store
                .outreach_photos(r.id)
                .await?
                .iter()
                .map(|p| format!("/api/v1/outreach-activities/{}/photos/{}", r.id, p.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(OutreachView {
            id: r.id,
            kind_label: OutreachKind::parse(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| k.label().into()),
            kind: r.kind,
            team_name: r.team_name,
            org_name,
            org_code: r.org_code,
            place: r.place,
            held_on: r.held_on,
            officers: r.officers,
            people_reached: r.people_reached,
            materials: r.materials,
            questions: r.questions,
            summary: r.summary,
            photos,
        })
    }
}
