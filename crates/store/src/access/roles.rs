//! 角色 as rows: a role's key, label and permission keys (separated by spaces).

use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};

/// 角色 — a role as stored, with the number of accounts holding it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RoleRecord {
    pub name: String,
    pub label: String,
    /// Permission keys separated by spaces.
    pub permissions: String,
    pub builtin: bool,
    pub updated_at: DateTime<Utc>,
    /// Accounts (disabled ones included) that hold this role.
    pub holders: i64,
}

/// A role to write.
#[derive(Debug, Clone)]
pub struct RoleRow<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub permissions: &'a str,
    pub builtin: bool,
}

/// `SELECT <every role column, and its holders> FROM roles <rest>`.
macro_rules! select_roles {
    ($rest:literal) => {
        concat!(
            "SELECT name, label, permissions, builtin, updated_at,
                (SELECT COUNT(*) FROM users WHERE users.role = roles.name) AS holders
             FROM roles ",
            $rest
        )
    };
}

impl Store {
    /// Inserts each role not present yet (by key); roles already there are left as they are.
    /// Returns how many were inserted.
    pub async fn insert_missing_roles(&self, roles: &[RoleRow<'_>]) -> Result<u64> {
        let now = Utc::now();
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut n = 0;
            for r in roles {
                n += sqlx::query(
                    "INSERT INTO roles (name, label, permissions, builtin, updated_at)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(r.name)
                .bind(r.label)
                .bind(r.permissions)
                .bind(r.builtin)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n)
        })?)
    }

    /// Every role, the shipped ones first, then by key.
    pub async fn roles(&self) -> Result<Vec<RoleRecord>> {
        const SQL: &str = select_roles!("ORDER BY builtin DESC, name");
        Ok(dispatch!(self, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
    }

    pub async fn role(&self, name: &str) -> Result<Option<RoleRecord>> {
        const SQL: &str = select_roles!("WHERE name = $1");
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(name)
            .fetch_optional(p)
            .await)?)
    }

    /// Adds a role; a taken key or label is a [`StoreError::Conflict`].
    pub async fn insert_role(&self, r: &RoleRow<'_>) -> Result<()> {
        let inserted = self.insert_missing_roles(std::slice::from_ref(r)).await?;
        if inserted == 0 {
            return Err(StoreError::Conflict("roles".into()));
        }
        Ok(())
    }

    /// Changes a role's label and permissions; [`StoreError::NotFound`] if there is none.
    pub async fn update_role(&self, name: &str, label: &str, permissions: &str) -> Result<()> {
        let n = dispatch!(self, |p| {
            sqlx::query(
                "UPDATE roles SET label = $2, permissions = $3, updated_at = $4 WHERE name = $1",
            )
            .bind(name)
            .bind(label)
            .bind(permissions)
            .bind(Utc::now())
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes a role that is not shipped and that no account holds, in one statement (an account
    /// given the role meanwhile keeps it). Returns whether a row went.
    pub async fn delete_unused_role(&self, name: &str) -> Result<bool> {
        let n = dispatch!(self, |p| {
            sqlx::query(
                "DELETE FROM roles WHERE name = $1 AND NOT builtin
                 AND NOT EXISTS (SELECT 1 FROM users WHERE users.role = $1)",
            )
            .bind(name)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }
}
