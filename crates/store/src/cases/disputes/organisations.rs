//! 人民调解组织 — the mediation organisations (each a department, so that disputes are assigned
//! to one as events are dispatched to a department) and their mediators.

use crate::{NewDepartment, Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// A mediation organisation to create: its department and what kind of committee it is.
#[derive(Debug, Clone)]
pub struct NewMediationOrganisation {
    pub department: NewDepartment,
    /// `village`, `township`, `district`, `professional`, `police_room`, `court_invited`,
    /// `petition_room`.
    pub kind: String,
    /// The dispute type a 行业性专业性 committee takes.
    pub speciality: Option<String>,
}

/// 调解组织 — an organisation with its mediators and open caseload.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MediationOrganisationRecord {
    pub department_id: i64,
    pub code: String,
    pub name: String,
    pub org_code: String,
    pub kind: String,
    pub speciality: Option<String>,
    pub mediators: i64,
    /// Open disputes it leads.
    pub open_cases: i64,
}

/// 人民调解员 — an account that mediates for the organisation it belongs to.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MediatorRecord {
    pub user_id: i64,
    pub display_name: String,
    pub department_id: Option<i64>,
    /// 专职 (true) or 兼职.
    pub full_time: bool,
    pub created_at: DateTime<Utc>,
    /// Open disputes where they are the 主调解员.
    pub open_cases: i64,
}

macro_rules! select_organisations {
    ($($rest:literal),*) => {
        concat!(
            "SELECT d.id AS department_id, d.code, d.name, d.org_code, o.kind, o.speciality,
                    (SELECT COUNT(*) FROM mediators m JOIN users u ON u.id = m.user_id
                      WHERE u.department_id = d.id AND u.disabled = $1) AS mediators,
                    (SELECT COUNT(*) FROM cases c
                      WHERE c.department_id = d.id AND c.kind = 'dispute' AND c.open = $2) AS open_cases
             FROM mediation_organisations o JOIN departments d ON d.id = o.department_id ",
            $($rest),*
        )
    };
}

impl Store {
    /// Creates mediation organisations (their departments first); one whose department code
    /// exists already is left as it is. Returns how many were created.
    pub async fn insert_mediation_organisations(
        &self,
        list: &[NewMediationOrganisation],
    ) -> Result<u64> {
        let now = Utc::now();
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut made = 0;
            for o in list {
                let d = &o.department;
                let id: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO departments (code, name, kind, org_code, created_at)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING RETURNING id",
                )
                .bind(&d.code)
                .bind(&d.name)
                .bind(&d.kind)
                .bind(&d.org_code)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((id,)) = id {
                    sqlx::query(
                        "INSERT INTO mediation_organisations (department_id, kind, speciality, created_at)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(&o.kind)
                    .bind(&o.speciality)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    made += 1;
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(made)
        })?)
    }

    /// The mediation organisations a hub at `prefix` reaches: those within it and those above
    /// it (the district's committees serve every township), the higher levels first.
    pub async fn mediation_organisations(
        &self,
        prefix: &str,
    ) -> Result<Vec<MediationOrganisationRecord>> {
        const SQL: &str = select_organisations!(
            "WHERE d.org_code LIKE $3 || '%' OR $3 LIKE d.org_code || '%'
             ORDER BY LENGTH(d.org_code), d.org_code, o.kind, d.name"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(false)
                .bind(true)
                .bind(prefix)
                .fetch_all(p)
                .await
        })?)
    }

    /// One mediation organisation.
    pub async fn mediation_organisation(
        &self,
        department_id: i64,
    ) -> Result<Option<MediationOrganisationRecord>> {
        const SQL: &str = select_organisations!("WHERE d.id = $3");
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(false)
                .bind(true)
                .bind(department_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Records an account as a mediator (专职 or 兼职), or changes that.
    pub async fn set_mediator(&self, user_id: i64, full_time: bool) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO mediators (user_id, full_time, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id) DO UPDATE SET full_time = excluded.full_time",
            )
            .bind(user_id)
            .bind(full_time)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The mediators of an organisation, with their open caseload.
    pub async fn mediators(&self, department_id: i64) -> Result<Vec<MediatorRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT m.user_id, u.display_name, u.department_id, m.full_time, m.created_at,
                        (SELECT COUNT(*) FROM disputes x JOIN cases c ON c.id = x.case_id
                          WHERE x.mediator_id = m.user_id AND c.open = $2) AS open_cases
                 FROM mediators m JOIN users u ON u.id = m.user_id
                 WHERE u.department_id = $1 AND u.disabled = $3 ORDER BY u.display_name",
            )
            .bind(department_id)
            .bind(true)
            .bind(false)
            .fetch_all(p)
            .await
        })?)
    }
}
