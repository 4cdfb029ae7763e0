//! API tokens: only their SM3 digest is stored.

use crate::{Result, Store, UserRecord, dispatch};
use chrono::{DateTime, Utc};

/// API 令牌 — a token as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The first characters of the token, to tell tokens apart on screen.
    pub prefix: String,
    /// The org unit the token is limited to (the owner's or one under it).
    pub org_code: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: i64,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub org_code: String,
}

impl Store {
    pub async fn insert_api_token(&self, t: &NewApiToken) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, org_code, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(t.user_id)
            .bind(&t.name)
            .bind(&t.token_hash)
            .bind(&t.prefix)
            .bind(&t.org_code)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The live (not revoked) token with this digest and its owner; records its use (at most once a
    /// minute).
    pub async fn use_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(ApiTokenRecord, UserRecord)>> {
        const SQL: &str =
            "SELECT id, user_id, name, prefix, org_code, created_at, last_used_at, revoked_at
            FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
        let token: Option<ApiTokenRecord> = dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(token_hash)
            .fetch_optional(p)
            .await)?;
        let Some(token) = token else { return Ok(None) };
        // Record use at most once a minute: a busy integration should not write on every call.
        let stale = token
            .last_used_at
            .is_none_or(|t| now - t >= chrono::Duration::seconds(60));
        if stale {
            dispatch!(self, |p| {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(token.id)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected())
            })?;
        }
        const USER: &str = crate::access::users::select_users!("WHERE id = $1");
        let user: Option<UserRecord> = dispatch!(self, |p| sqlx::query_as(USER)
            .bind(token.user_id)
            .fetch_optional(p)
            .await)?;
        Ok(user.map(|u| (token, u)))
    }

    /// The tokens of one account, newest first.
    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiTokenRecord>> {
        const SQL: &str =
            "SELECT id, user_id, name, prefix, org_code, created_at, last_used_at, revoked_at
            FROM api_tokens WHERE user_id = $1 ORDER BY id DESC";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_all(p)
            .await)?)
    }

    /// Revokes a token of an account; false when there is no such live token.
    pub async fn revoke_api_token(&self, user_id: i64, id: i64) -> Result<bool> {
        let n = dispatch!(self, |p| {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(Utc::now())
                .bind(id)
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }
}
