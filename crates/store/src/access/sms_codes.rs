//! 短信验证码 — the one code per phone that a resident signs in with: its digest, when it was
//! sent, when it expires and how many wrong tries it has had. The phone is kept only as a blind
//! index.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// A code waiting to be used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SmsCodeRecord {
    pub phone_index: String,
    pub code_digest: String,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub attempts: i64,
}

impl Store {
    /// The code waiting for this phone, if any.
    pub async fn sms_code(&self, phone_index: &str) -> Result<Option<SmsCodeRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT phone_index, code_digest, sent_at, expires_at, attempts
                 FROM sms_codes WHERE phone_index = $1",
            )
            .bind(phone_index)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Keeps a new code for the phone, replacing the one before.
    pub async fn put_sms_code(&self, r: &SmsCodeRecord) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "INSERT INTO sms_codes (phone_index, code_digest, sent_at, expires_at, attempts)
                 VALUES ($1, $2, $3, $4, 0)
                 ON CONFLICT (phone_index) DO UPDATE SET code_digest = excluded.code_digest,
                    sent_at = excluded.sent_at, expires_at = excluded.expires_at, attempts = 0",
            )
            .bind(&r.phone_index)
            .bind(&r.code_digest)
            .bind(r.sent_at)
            .bind(r.expires_at)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Counts one wrong try of the phone's code.
    pub async fn count_sms_attempt(&self, phone_index: &str) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("UPDATE sms_codes SET attempts = attempts + 1 WHERE phone_index = $1")
                .bind(phone_index)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Uses up the phone's code: true when this call removed it (a code signs in once, even
    /// when two requests race with it).
    pub async fn take_sms_code(&self, phone_index: &str, code_digest: &str) -> Result<bool> {
        Ok(dispatch!(self, |p| {
            sqlx::query("DELETE FROM sms_codes WHERE phone_index = $1 AND code_digest = $2")
                .bind(phone_index)
                .bind(code_digest)
                .execute(p)
                .await
                .map(|r| r.rows_affected() == 1)
        })?)
    }
}
