//! Reading and rewriting sealed columns, for re-sealing after a key rotation.

use crate::{Result, Store, dispatch};

/// The sealed columns of one account.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SealedUserColumns {
    pub id: i64,
    pub phone_sealed: Option<Vec<u8>>,
    pub totp_sealed: Option<Vec<u8>>,
    pub totp_pending_sealed: Option<Vec<u8>>,
}

/// A sealed column of the registry, each row keyed by an integer id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedColumn {
    PersonName,
    PersonIdNumber,
    PersonPhone,
    MemberFacts,
    VisitNotes,
    PlacePrincipal,
    PlacePhone,
    DisputePartyName,
    DisputePartyIdNumber,
    DisputePartyPhone,
    ClueInformantName,
    ClueInformantPhone,
    ClueInformantIdNumber,
    ClueInformantContact,
    Open311Contact,
    AlarmPointKey,
    HotlineCaller,
}

impl SealedColumn {
    pub const ALL: [SealedColumn; 17] = [
        SealedColumn::PersonName,
        SealedColumn::PersonIdNumber,
        SealedColumn::PersonPhone,
        SealedColumn::MemberFacts,
        SealedColumn::VisitNotes,
        SealedColumn::PlacePrincipal,
        SealedColumn::PlacePhone,
        SealedColumn::DisputePartyName,
        SealedColumn::DisputePartyIdNumber,
        SealedColumn::DisputePartyPhone,
        SealedColumn::ClueInformantName,
        SealedColumn::ClueInformantPhone,
        SealedColumn::ClueInformantIdNumber,
        SealedColumn::ClueInformantContact,
        SealedColumn::Open311Contact,
        SealedColumn::AlarmPointKey,
        SealedColumn::HotlineCaller,
    ];

    /// Its table, the table's integer key and the column (fixed names, never user input).
    const fn place(self) -> (&'static str, &'static str, &'static str) {
        let (table, col) = match self {
            SealedColumn::PersonName => ("persons", "name_sealed"),
            SealedColumn::PersonIdNumber => ("persons", "id_sealed"),
            SealedColumn::PersonPhone => ("persons", "phone_sealed"),
            SealedColumn::MemberFacts => ("special_group_members", "facts_sealed"),
            SealedColumn::VisitNotes => ("visits", "notes_sealed"),
            SealedColumn::PlacePrincipal => ("places", "principal_sealed"),
            SealedColumn::PlacePhone => ("places", "phone_sealed"),
            SealedColumn::DisputePartyName => ("case_parties", "name_sealed"),
            SealedColumn::DisputePartyIdNumber => ("case_parties", "id_sealed"),
            SealedColumn::DisputePartyPhone => ("case_parties", "phone_sealed"),
            SealedColumn::ClueInformantName => ("clue_informants", "name_sealed"),
            SealedColumn::ClueInformantPhone => ("clue_informants", "phone_sealed"),
            SealedColumn::ClueInformantIdNumber => ("clue_informants", "id_sealed"),
            SealedColumn::ClueInformantContact => ("clue_informants", "contact_sealed"),
            SealedColumn::AlarmPointKey => ("alarm_points", "key_sealed"),
            SealedColumn::Open311Contact => {
                return ("open311_requests", "case_id", "contact_sealed");
            }
            SealedColumn::HotlineCaller => {
                return ("hotline_orders", "case_id", "caller_sealed");
            }
        };
        (table, "id", col)
    }
}

impl Store {
    /// Non-empty values of a sealed column with an id above `after`, in id order, at most `limit`.
    pub async fn sealed_values(
        &self,
        column: SealedColumn,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Vec<u8>)>> {
        let (table, key, col) = column.place();
        let sql = format!(
            "SELECT {key}, {col} FROM {table} WHERE {key} > $1 AND {col} IS NOT NULL ORDER BY {key} LIMIT $2"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(after)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Rewrites one value of a sealed column.
    pub async fn set_sealed_value(
        &self,
        column: SealedColumn,
        id: i64,
        value: &[u8],
    ) -> Result<()> {
        let (table, key, col) = column.place();
        let sql = format!("UPDATE {table} SET {col} = $2 WHERE {key} = $1");
        dispatch!(self, |p| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(value)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Accounts with any sealed column and an id above `after`, in id order, at most `limit`.
    pub async fn sealed_user_columns(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<SealedUserColumns>> {
        const SQL: &str = "SELECT id, phone_sealed, totp_sealed, totp_pending_sealed FROM users
            WHERE id > $1 AND (phone_sealed IS NOT NULL OR totp_sealed IS NOT NULL OR totp_pending_sealed IS NOT NULL)
            ORDER BY id LIMIT $2";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await)?)
    }

    /// Rewrites the sealed columns of one account (the blind index does not change).
    pub async fn update_sealed_user_columns(&self, c: &SealedUserColumns) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("UPDATE users SET phone_sealed = $1, totp_sealed = $2, totp_pending_sealed = $3 WHERE id = $4")
                .bind(&c.phone_sealed)
                .bind(&c.totp_sealed)
                .bind(&c.totp_pending_sealed)
                .bind(c.id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
