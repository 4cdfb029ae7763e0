//! 法律健康档案 — an enterprise's legal check-ups (法律体检: the risks found, the advice given, its
//! lawsuits and enforcement status, when to look again), its page in 场所组织, the risks put right
//! one by one, and the district's list of open risks (high first, overdue follow-ups marked).

use crate::{Actor, AppError, Result};
use chrono::{NaiveDate, Utc};
use pingan_domain::Capability;
use pingan_domain::legal::{EnforcementStatus, RiskArea, RiskFinding, RiskLevel, check_checkup};
use pingan_domain::place::PlaceCategory;
use pingan_domain::time::beijing_date;
use pingan_store::{CheckupRecord, LegalRiskRecord, NewCheckup, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Open risks listed at most.
const RISK_ROWS: i64 = 200;

/// A risk as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LegalRiskEntry {
    /// 合同管理, 劳动用工, 知识产权, 财税, 安全生产, 环境保护, 公司治理 or 其他 (code or name).
    pub area: String,
    /// `high` 高, `medium` 中 or `low` 低.
    pub level: String,
    /// What was found, 2 to 200 characters.
    pub finding: String,
}

/// A legal check-up (法律体检) as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckupRequest {
    pub client_id: Option<String>,
    /// Default today.
    pub checked_on: Option<NaiveDate>,
    /// The lawyer of the directory who did it.
    pub lawyer_id: Option<i64>,
    #[serde(default)]
    pub risks: Vec<LegalRiskEntry>,
    /// 法律意见.
    pub advice: String,
    /// Lawsuits pending (as plaintiff or defendant).
    #[serde(default)]
    pub lawsuits_pending: u32,
    /// `none` 无, `executing` 被执行中 or `dishonest` 失信被执行人 (default none).
    #[serde(default)]
    pub enforcement: String,
    /// 复查日期.
    pub follow_up_on: Option<NaiveDate>,
}

/// 法律体检 — a check-up as shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CheckupView {
    pub id: i64,
    pub checked_on: NaiveDate,
    pub lawyer_name: Option<String>,
    pub advice: String,
    pub lawsuits_pending: i64,
    pub enforcement: String,
    pub follow_up_on: Option<NaiveDate>,
}

/// 法律风险 — a risk as shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LegalRiskView {
    pub id: i64,
    pub place_id: i64,
    pub place_name: String,
    pub area: String,
    pub level: String,
    pub level_label: String,
    pub finding: String,
    pub checked_on: NaiveDate,
    pub follow_up_on: Option<NaiveDate>,
    /// The follow-up day has passed with the risk still open.
    pub overdue: bool,
    pub resolved_on: Option<NaiveDate>,
    pub resolution: Option<String>,
}

/// 法律健康档案 — an enterprise's file.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LegalHealthView {
    pub place_id: i64,
    pub place_name: String,
    pub checkups: Vec<CheckupView>,
    pub risks: Vec<LegalRiskView>,
    /// Open risks.
    pub open: usize,
    /// The enforcement status of the latest check-up (无 when never checked).
    pub enforcement: String,
    pub lawsuits_pending: i64,
}

/// Putting a risk right.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RiskResolution {
    /// How, 2 to 200 characters (e.g. 已补签劳动合同).
    pub resolution: String,
}

fn risk_view(r: LegalRiskRecord, today: NaiveDate) -> LegalRiskView {
    let level = RiskLevel::parse(&r.level);
    LegalRiskView {
        id: r.id,
        place_id: r.place_id,
        place_name: r.place_name,
        area: RiskArea::parse(&r.area).map_or_else(|| r.area.clone(), |a| a.label().into()),
        level_label: level.map_or_else(|| r.level.clone(), |l| l.label().into()),
        level: r.level,
        finding: r.finding,
        checked_on: r.checked_on,
        overdue: r.resolved_on.is_none() && r.follow_up_on.is_some_and(|d| d < today),
        follow_up_on: r.follow_up_on,
        resolved_on: r.resolved_on,
        resolution: r.resolution,
    }
}

fn checkup_view(c: CheckupRecord) -> CheckupView {
    CheckupView {
        id: c.id,
        checked_on: c.checked_on,
        lawyer_name: c.lawyer_name,
        advice: c.advice,
        lawsuits_pending: c.lawsuits_pending,
        enforcement: EnforcementStatus::parse(&c.enforcement)
            .map_or_else(|| c.enforcement.clone(), |e| e.label().into()),
        follow_up_on: c.follow_up_on,
    }
}

impl crate::services::Legal<'_> {
    /// The enterprise (an organisation of 场所组织) the user may see, by id: (name, grid).
    async fn enterprise(&self, actor: &Actor, place_id: i64) -> Result<(String, String)> {
        let (user, _) = self.area(actor, Capability::ViewLegalServices, None)?;
        self.authorize_user(&user, Capability::ViewPlaces)?;
        let place = self
            .store
            .place(place_id, &user.scope())
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("没有场所 {place_id}，或不在您的管辖范围内"))
            })?;
        if !matches!(
            PlaceCategory::parse(&place.category),
            Some(PlaceCategory::Enterprise | PlaceCategory::SocialOrg)
        ) {
            return Err(AppError::Invalid(format!(
                "{} 不是企业或社会组织：法律健康档案为非公有制经济组织和社会组织建立",
                place.name
            )));
        }
        Ok((place.name, place.grid_code))
    }

    /// An enterprise's file: its check-ups, its risks (open first) and where it stands.
    pub async fn legal_health(self, actor: &Actor, place_id: i64) -> Result<LegalHealthView> {
        let (name, _) = self.enterprise(actor, place_id).await?;
        let today = beijing_date(Utc::now());
        let checkups = self.store.checkups(place_id).await?;
        let risks: Vec<LegalRiskView> = self
            .store
            .place_risks(place_id)
            .await?
            .into_iter()
            .map(|r| risk_view(r, today))
            .collect();
        let latest = checkups.first();
        Ok(LegalHealthView {
            place_id,
            place_name: name,
            enforcement: latest
                .and_then(|c| EnforcementStatus::parse(&c.enforcement))
                .unwrap_or(EnforcementStatus::None)
                .label()
                .into(),
            lawsuits_pending: latest.map_or(0, |c| c.lawsuits_pending),
            open: risks.iter().filter(|r| r.resolved_on.is_none()).count(),
            checkups: checkups.into_iter().map(checkup_view).collect(),
            risks,
        })
    }

    /// Records a check-up of an enterprise with the risks it found; `false` when its client id
    /// was recorded before.
    pub async fn record_checkup(
        self,
        actor: &Actor,
        place_id: i64,
        r: &CheckupRequest,
    ) -> Result<(LegalHealthView, bool)> {
        self.authorize(actor, Capability::ManageLegalServices, None)?;
        let (_, grid) = self.enterprise(actor, place_id).await?;
        let user = self.hub_user(actor, super::HUB_ONLY)?;
        let risks = r
            .risks
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let area = RiskArea::parse(&e.area)
                    .ok_or_else(|| format!("risks[{i}]：领域应为 {} 之一", RiskArea::labels()))?;
                let level = RiskLevel::parse(&e.level)
                    .ok_or_else(|| format!("risks[{i}]：等级应为 {} 之一", RiskLevel::labels()))?;
                Ok(RiskFinding {
                    area,
                    level,
                    finding: e.finding.trim().into(),
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(AppError::Invalid)?;
        check_checkup(&r.advice, &risks).map_err(|e| AppError::Invalid(e.join("；")))?;
        let enforcement =
            EnforcementStatus::parse_or(&r.enforcement, EnforcementStatus::None, "执行状态")
                .map_err(AppError::Invalid)?;
        let today = beijing_date(Utc::now());
        let checked_on = r.checked_on.unwrap_or(today);
        if checked_on > today {
            return Err(AppError::Invalid("体检日期不能晚于今天".into()));
        }
        if r.follow_up_on.is_some_and(|d| d < checked_on) {
            return Err(AppError::Invalid("复查日期不能早于体检日期".into()));
        }
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
            .insert_checkup(&NewCheckup {
                client_id,
                place_id,
                org_code: grid,
                checked_on,
                lawyer_id: r.lawyer_id,
                advice: r.advice.trim().into(),
                lawsuits_pending: i64::from(r.lawsuits_pending),
                enforcement: enforcement.code().into(),
                follow_up_on: r.follow_up_on,
                risks: risks
                    .iter()
                    .map(|f| {
                        (
                            f.area.code().into(),
                            f.level.code().into(),
                            f.finding.clone(),
                        )
                    })
                    .collect(),
                recorded_by: user.id,
                at: Utc::now(),
            })
            .await?;
        if created {
            self.audit(
                actor,
                "legal.checkup",
                &format!("place:{place_id}"),
                "ok",
                json!({"checkup": id, "risks": risks.len()}),
            )
            .await?;
        }
        Ok((self.legal_health(actor, place_id).await?, created))
    }

    /// Puts a risk of the user's area right (整改完成), from a follow-up.
    pub async fn resolve_risk(self, actor: &Actor, id: i64, r: &RiskResolution) -> Result<()> {
        let (user, _) = self.area(actor, Capability::ManageLegalServices, None)?;
        let resolution = r.resolution.trim();
        if !(2..=200).contains(&resolution.chars().count()) {
            return Err(AppError::Invalid(
                "请写明整改情况（2 到 200 个字），如 已补签劳动合同".into(),
            ));
        }
        if !self
            .store
            .resolve_risk(
                id,
                user.org_code.as_str(),
                beijing_date(Utc::now()),
                resolution,
            )
            .await?
        {
            return Err(AppError::NotFound(format!(
                "风险 {id} 不存在、不在您的辖区，或已整改"
            )));
        }
        self.audit(
            actor,
            "legal.risk.resolve",
            &format!("legal_risk:{id}"),
            "ok",
            json!({"resolution": resolution}),
        )
        .await
    }

    /// The open risks of an area (企业法律风险清单), high first, then the oldest.
    pub async fn open_risks(self, actor: &Actor, org: Option<&str>) -> Result<Vec<LegalRiskView>> {
        let (user, area) = self.area(actor, Capability::ViewLegalServices, org)?;
        self.authorize_user(&user, Capability::ViewPlaces)?;
        let today = beijing_date(Utc::now());
        Ok(self
            .store
            .open_risks(area.as_str(), RISK_ROWS)
            .await?
            .into_iter()
            .map(|r| risk_view(r, today))
            .collect())
    }
}
