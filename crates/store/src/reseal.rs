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

impl Store {
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
