//! 律师名录 — the lawyers who advise on petitions or represent petitioners in 涉法涉诉 matters,
//! and the district's 法律顾问.

use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};

/// A lawyer as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLawyer {
    pub name: String,
    pub firm: String,
    /// 律师执业证号.
    pub licence_number: String,
    /// Where they serve.
    pub org_code: String,
    /// 法律顾问.
    pub legal_adviser: bool,
    /// Their account, if they have one (then they see the petitions assigned to them).
    pub user_id: Option<i64>,
}

/// A stored lawyer with the petitions assigned to them still open.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LawyerRecord {
    pub id: i64,
    pub name: String,
    pub firm: String,
    pub licence_number: String,
    pub org_code: String,
    pub legal_adviser: bool,
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub open_cases: i64,
}

macro_rules! select_lawyers {
    ($rest:expr) => {
        concat!(
            "SELECT l.id, l.name, l.firm, l.licence_number, l.org_code, l.legal_adviser,
                    l.user_id, l.created_at,
                    (SELECT COUNT(*) FROM petitions x JOIN cases c ON c.id = x.case_id
                      WHERE x.lawyer_id = l.id AND c.open = $1) AS open_cases
             FROM lawyers l ",
            $rest
        )
    };
}

impl Store {
    /// Adds a lawyer; a licence number or account already listed is a conflict.
    pub async fn insert_lawyer(&self, l: &NewLawyer) -> Result<i64> {
        let (id,): (i64,) = dispatch!(self, |p| {
            sqlx::query_as(
                "INSERT INTO lawyers (name, firm, licence_number, org_code, legal_adviser, user_id,
                    created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&l.name)
            .bind(&l.firm)
            .bind(&l.licence_number)
            .bind(&l.org_code)
            .bind(l.legal_adviser)
            .bind(l.user_id)
            .bind(Utc::now())
            .fetch_one(p)
            .await
        })?;
        Ok(id)
    }

    /// The lawyers serving within the org prefix (the district's serve everyone), by name.
    pub async fn lawyers(&self, prefix: &str) -> Result<Vec<LawyerRecord>> {
        const SQL: &str = select_lawyers!(
            "WHERE l.org_code LIKE $2 || '%' OR $2 LIKE l.org_code || '%'
             ORDER BY l.legal_adviser DESC, l.name, l.id"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(true)
                .bind(prefix)
                .fetch_all(p)
                .await
        })?)
    }

    /// One lawyer.
    pub async fn lawyer(&self, id: i64) -> Result<LawyerRecord> {
        const SQL: &str = select_lawyers!("WHERE l.id = $2");
        let found: Option<LawyerRecord> = dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(true)
                .bind(id)
                .fetch_optional(p)
                .await
        })?;
        found.ok_or(StoreError::NotFound)
    }

    /// The lawyer an account is, if any.
    pub async fn lawyer_of_user(&self, user_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = dispatch!(self, |p| {
            sqlx::query_as("SELECT id FROM lawyers WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }
}
