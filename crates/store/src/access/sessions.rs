//! Login sessions: the hash of the token is stored, never the token.

use crate::{Result, Store, UserRecord, dispatch};
use chrono::{DateTime, Utc};

/// 会话 — a login session as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub source_addr: Option<String>,
}

/// A session joined with its account.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRecord,
    token_hash: String,
    user_id: i64,
    session_created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    source_addr: Option<String>,
}

impl Store {
    pub async fn insert_session(&self, s: &SessionRecord) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, source_addr)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&s.token_hash)
            .bind(s.user_id)
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .bind(&s.source_addr)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A session, its account and the account's role, in one query (this runs on every request).
    pub async fn session(&self, token_hash: &str) -> Result<Option<(SessionRecord, UserRecord)>> {
        let row: Option<SessionRow> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT u.id, u.username, u.display_name, u.org_code, u.department_id, u.role,
                        r.label AS role_label, r.permissions AS role_permissions, u.password_hash, u.must_change_password, u.disabled, u.created_at,
                        u.password_changed_at, u.phone_sealed, u.totp_sealed, u.totp_pending_sealed,
                        s.token_hash, s.user_id, s.created_at AS session_created_at,
                        s.last_seen_at, s.source_addr
                 FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.name = u.role
                 WHERE s.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await
        })?;
        Ok(row.map(|r| {
            let session = SessionRecord {
                token_hash: r.token_hash,
                user_id: r.user_id,
                created_at: r.session_created_at,
                last_seen_at: r.last_seen_at,
                source_addr: r.source_addr,
            };
            (session, r.user)
        }))
    }

    /// Records activity on a session.
    pub async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(at)
                .bind(token_hash)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Ends every session of an account (logout everywhere, password change, disabling).
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }

    /// Removes sessions idle since before `cutoff`.
    pub async fn delete_sessions_idle_since(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        Ok(dispatch!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
                .bind(cutoff)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }
}
