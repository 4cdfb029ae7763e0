//! 人民调解组织 — the mediation organisations a hub reaches and their mediators; creating them
//! and naming mediators (维护调解组织与调解员).

use crate::{Actor, AppError, Result};
use pingan_domain::case::dispute::{DisputeType, OrganisationKind};
use pingan_domain::{Capability, OrgCode};
use pingan_store::{
    MediationOrganisationRecord, MediatorRecord, NewDepartment, NewMediationOrganisation,
};
use serde::{Deserialize, Serialize};

/// The department kind every mediation organisation carries.
pub(crate) const MEDIATION_DEPARTMENT_KIND: &str = "人民调解";

/// 调解组织 — as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MediationOrganisationView {
    /// Its department id: what `assign` takes as `organisation_id`.
    pub id: i64,
    pub code: String,
    pub name: String,
    pub org_code: String,
    pub kind: String,
    pub kind_label: String,
    /// The dispute type a 行业性专业性 committee takes.
    pub speciality: Option<String>,
    pub speciality_label: Option<String>,
    pub mediators: i64,
    /// Open disputes it leads (its caseload).
    pub open_cases: i64,
}

impl From<MediationOrganisationRecord> for MediationOrganisationView {
    fn from(r: MediationOrganisationRecord) -> Self {
        Self {
            id: r.department_id,
            code: r.code,
            name: r.name,
            org_code: r.org_code,
            kind_label: OrganisationKind::parse(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| k.label().into()),
            kind: r.kind,
            speciality_label: r
                .speciality
                .as_deref()
                .and_then(DisputeType::parse)
                .map(|t| t.label().into()),
            speciality: r.speciality,
            mediators: r.mediators,
            open_cases: r.open_cases,
        }
    }
}

/// 人民调解员 — a mediator with their caseload.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MediatorView {
    pub user_id: i64,
    pub name: String,
    /// 专职 (true) or 兼职.
    pub full_time: bool,
    /// Open disputes where they are the 主调解员.
    pub open_cases: i64,
}

impl From<MediatorRecord> for MediatorView {
    fn from(r: MediatorRecord) -> Self {
        Self {
            user_id: r.user_id,
            name: r.display_name,
            full_time: r.full_time,
            open_cases: r.open_cases,
        }
    }
}

/// A new mediation organisation as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MediationOrganisationEntry {
    /// 名称, 2–40 characters.
    pub name: String,
    /// `village`, `township`, `district`, `professional`, `police_room`, `court_invited`,
    /// `petition_room` (or the Chinese names).
    pub kind: String,
    /// The org unit it belongs to (within your scope).
    pub org_code: String,
    /// For a 行业性专业性 committee: the dispute type it takes (code or name).
    pub speciality: Option<String>,
}

impl crate::services::Cases<'_> {
    /// The mediation organisations the user's hub reaches — within `org` (default: the user's
    /// own unit) and above it — with their mediators and caseload.
    pub async fn mediation_organisations(
        self,
        actor: &Actor,
        org: Option<&str>,
    ) -> Result<Vec<MediationOrganisationView>> {
        let user = self.case_user(actor)?;
        let prefix = match org.map(str::trim).filter(|s| !s.is_empty()) {
            Some(o) => {
                let code =
                    OrgCode::parse(o).map_err(|e| AppError::Invalid(format!("org 无效：{e}")))?;
                if !code.is_within(&user.org_code) {
                    return Err(AppError::NotFound(format!("{o} 不在您的管辖范围内")));
                }
                code
            }
            None => user.org_code.clone(),
        };
        Ok(self
            .store
            .mediation_organisations(prefix.as_str())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One organisation the user's hub reaches, with its mediators.
    pub async fn mediation_organisation(
        self,
        actor: &Actor,
        id: i64,
    ) -> Result<(MediationOrganisationView, Vec<MediatorView>)> {
        let user = self.case_user(actor)?;
        let org = self
            .store
            .mediation_organisation(id)
            .await?
            .filter(|o| crate::cases::routing::reaches(user.org_code.as_str(), &o.org_code))
            .ok_or_else(|| {
                AppError::NotFound(format!("调解组织 {id} 不存在或不在您的管辖范围内"))
            })?;
        let mediators = self.store.mediators(id).await?;
        Ok((org.into(), mediators.into_iter().map(Into::into).collect()))
    }

    /// Creates a mediation organisation in the user's scope.
    pub async fn create_mediation_organisation(
        self,
        actor: &Actor,
        e: &MediationOrganisationEntry,
    ) -> Result<MediationOrganisationView> {
        let org = OrgCode::parse(e.org_code.trim())
            .map_err(|err| AppError::Invalid(format!("所属单位 org_code 无效：{err}")))?;
        self.authorize(actor, Capability::ManageMediation, Some(&org))?;
        let name = e.name.trim();
        if !(2..=40).contains(&name.chars().count()) {
            return Err(AppError::Invalid("调解组织名称应为 2 到 40 个字".into()));
        }
        let kind = OrganisationKind::parse(&e.kind).ok_or_else(|| {
            AppError::Invalid(format!(
                "类型 kind 应为 {} 之一",
                OrganisationKind::labels()
            ))
        })?;
        let speciality = match (kind, e.speciality.as_deref().map(str::trim)) {
            (OrganisationKind::Professional, Some(s)) if !s.is_empty() => Some(
                DisputeType::parse(s)
                    .ok_or_else(|| AppError::Invalid("专业领域应为一种纠纷类型".into()))?,
            ),
            (OrganisationKind::Professional, _) => {
                return Err(AppError::Invalid(
                    "行业性专业性调委会须填写专业领域（如 道路交通事故纠纷）".into(),
                ));
            }
            _ => None,
        };
        if self.store.org_unit(org.as_str()).await?.is_none() {
            return Err(AppError::Invalid(format!("单位 {} 不存在", org.as_str())));
        }
        let new = new_organisation(&org, name, kind, speciality);
        let code = new.department.code.clone();
        let made = self.store.insert_mediation_organisations(&[new]).await?;
        if made == 0 {
            return Err(AppError::Conflict(format!(
                "{} 已有同类调解组织（编码 {code}）",
                org.as_str()
            )));
        }
        self.caches.departments.clear();
        self.audit(
            actor,
            "mediation.organisation.create",
            &code,
            "ok",
            serde_json::json!({"name": name}),
        )
        .await?;
        let org = self
            .store
            .mediation_organisations(org.as_str())
            .await?
            .into_iter()
            .find(|o| o.code == code)
            .ok_or_else(|| AppError::Internal("刚创建的调解组织读不到".into()))?;
        Ok(org.into())
    }

    /// Names an account of a mediation organisation as its mediator (专职 or 兼职).
    pub async fn set_mediator(
        self,
        actor: &Actor,
        organisation_id: i64,
        user_id: i64,
        full_time: bool,
    ) -> Result<MediatorView> {
        let (org, _) = self.mediation_organisation(actor, organisation_id).await?;
        let unit = crate::cases::parse_org(&org.org_code)?;
        self.authorize(actor, Capability::ManageMediation, Some(&unit))?;
        let account = self
            .store
            .user_by_id(user_id)
            .await?
            .filter(|u| u.department_id == Some(organisation_id))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "账号 {user_id} 不属于{}：请先在账号管理中把该账号的部门设为此调解组织",
                    org.name
                ))
            })?;
        self.store.set_mediator(account.id, full_time).await?;
        self.audit(
            actor,
            "mediation.mediator.set",
            &format!("user:{user_id}"),
            "ok",
            serde_json::json!({"organisation": organisation_id, "full_time": full_time}),
        )
        .await?;
        let (_, mediators) = self.mediation_organisation(actor, organisation_id).await?;
        mediators
            .into_iter()
            .find(|m| m.user_id == user_id)
            .ok_or_else(|| AppError::Internal("刚设置的调解员读不到".into()))
    }
}

/// The department code of an organisation: its unit, `TJ` and its kind (and speciality), e.g.
/// `511702001-TJ` for a township's committee, `511702-TJ-HY13` for the district's road-traffic
/// committee.
pub(crate) fn organisation_code(
    org: &OrgCode,
    kind: OrganisationKind,
    speciality: Option<DisputeType>,
) -> String {
    let tail = match kind {
        OrganisationKind::Village | OrganisationKind::Township | OrganisationKind::District => "",
        OrganisationKind::Professional => "-HY",
        OrganisationKind::PoliceRoom => "-GD",
        OrganisationKind::CourtInvited => "-SD",
        OrganisationKind::PetitionRoom => "-FD",
    };
    format!(
        "{}-TJ{tail}{}",
        org.as_str(),
        speciality.map_or("", |t| t.code())
    )
}

/// A new organisation with its department.
pub(crate) fn new_organisation(
    org: &OrgCode,
    name: &str,
    kind: OrganisationKind,
    speciality: Option<DisputeType>,
) -> NewMediationOrganisation {
    NewMediationOrganisation {
        department: NewDepartment {
            code: organisation_code(org, kind, speciality),
            name: name.into(),
            kind: MEDIATION_DEPARTMENT_KIND.into(),
            org_code: org.as_str().into(),
        },
        kind: kind.code().into(),
        speciality: speciality.map(|t| t.code().into()),
    }
}
