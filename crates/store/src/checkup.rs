//! 自检 — what `pingan doctor` reads from a deployment's database without changing it.

use crate::{Backend, Result, Store, dispatch};
use chrono::{DateTime, Utc};

impl Store {
    /// One account's sealed phone number, if any account has one.
    pub async fn sealed_user_phone(&self) -> Result<Option<Vec<u8>>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_scalar(
                "SELECT phone_sealed FROM users WHERE phone_sealed IS NOT NULL ORDER BY id LIMIT 1",
            )
            .fetch_optional(p)
            .await
        })?)
    }

    /// One person's sealed name, if any person is registered.
    pub async fn sealed_person_name(&self) -> Result<Option<Vec<u8>>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_scalar("SELECT name_sealed FROM persons ORDER BY id LIMIT 1")
                .fetch_optional(p)
                .await
        })?)
    }

    /// The database server's clock (PostgreSQL); none on SQLite, which runs on this machine's.
    pub async fn database_clock(&self) -> Result<Option<DateTime<Utc>>> {
        match self.backend() {
            Backend::Sqlite => Ok(None),
            Backend::Postgres => Ok(Some(dispatch!(self, |p| {
                sqlx::query_scalar("SELECT now()").fetch_one(p).await
            })?)),
        }
    }
}
