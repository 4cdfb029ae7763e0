//! 当事人 — the people and organisations a case is about (a dispute's 申请人 and 被申请人, a
//! petition's 信访人 and 代表人), every kind's in one table: names, ID numbers and phones sealed,
//! masks and a blind index of the ID number beside them.

use crate::{Result, Store, dispatch};

/// One party as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewCaseParty {
    /// The kind's role code (`applicant`, `respondent`, `petitioner`, `representative`).
    pub role: String,
    pub name_sealed: Vec<u8>,
    pub name_masked: String,
    pub id_sealed: Option<Vec<u8>>,
    pub id_index: Option<String>,
    pub id_masked: Option<String>,
    pub phone_sealed: Option<Vec<u8>>,
    pub phone_masked: Option<String>,
    pub credit_code: Option<String>,
}

/// A stored party.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CasePartyRecord {
    pub id: i64,
    #[sqlx(flatten)]
    pub party: NewCaseParty,
}

/// Inserts the parties `$parties` of the case `$id` inside the transaction `$tx` (a macro: the
/// same text for both backends' transaction types).
macro_rules! insert_parties {
    ($tx:expr, $id:expr, $parties:expr) => {{
        let parties: &[$crate::cases::parties::NewCaseParty] = $parties;
        for party in parties {
            sqlx::query(
                "INSERT INTO case_parties (case_id, role, name_sealed, name_masked, id_sealed,
                    id_index, id_masked, phone_sealed, phone_masked, credit_code)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind($id)
            .bind(&party.role)
            .bind(&party.name_sealed)
            .bind(&party.name_masked)
            .bind(&party.id_sealed)
            .bind(&party.id_index)
            .bind(&party.id_masked)
            .bind(&party.phone_sealed)
            .bind(&party.phone_masked)
            .bind(&party.credit_code)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use insert_parties;

impl Store {
    /// The parties of a case in the order entered, applicants and representatives first.
    pub async fn case_parties(&self, case_id: i64) -> Result<Vec<CasePartyRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id, role, name_sealed, name_masked, id_sealed, id_index, id_masked,
                        phone_sealed, phone_masked, credit_code
                 FROM case_parties WHERE case_id = $1
                 ORDER BY CASE role WHEN 'applicant' THEN 0 WHEN 'representative' THEN 0
                                    ELSE 1 END, id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// The cases whose parties include the person with this blind index, newest first, at most
    /// `limit` (重复信访: the same person again).
    pub async fn cases_of_party(&self, id_index: &str, limit: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT DISTINCT case_id FROM case_parties WHERE id_index = $1
                 ORDER BY case_id DESC LIMIT $2",
            )
            .bind(id_index)
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
