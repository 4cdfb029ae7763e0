//! Accounts.

use crate::{Result, Store, StoreError, dispatch};
use chrono::{DateTime, Utc};
use pingan_domain::Scope;

/// 用户账号 — an account as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_code: String,
    pub department_id: Option<i64>,
    pub role: String,
    /// The label of the role (joined from `roles`).
    pub role_label: String,
    /// The permission keys of the role, separated by spaces (joined from `roles`).
    pub role_permissions: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
    /// The contact phone, sealed (SM4-GCM); never stored in plain text.
    pub phone_sealed: Option<Vec<u8>>,
    /// The sealed TOTP secret, once enrolment is confirmed.
    pub totp_sealed: Option<Vec<u8>>,
    /// The sealed TOTP secret being enrolled.
    pub totp_pending_sealed: Option<Vec<u8>>,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_code: String,
    pub department_id: Option<i64>,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    /// The sealed contact phone and its blind index.
    pub phone: Option<(Vec<u8>, String)>,
}

/// `SELECT <every user column, and its role's label and permissions> FROM users <rest>`, shared with the API-token lookup (the session
/// lookup joins the same columns, named in `sessions.rs`).
macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT id, username, display_name, org_code, department_id, role,
             roles.label AS role_label, roles.permissions AS role_permissions, password_hash,
             must_change_password, disabled, created_at, password_changed_at, phone_sealed,
             totp_sealed, totp_pending_sealed FROM users JOIN roles ON roles.name = users.role ",
            $rest
        )
    };
}
pub(crate) use select_users;

macro_rules! insert_user {
    ($rest:literal) => {
        concat!(
            "INSERT INTO users (username, display_name, org_code, department_id, role,
             password_hash, must_change_password, created_at, password_changed_at, phone_sealed, phone_index)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) ",
            $rest
        )
    };
}

impl Store {
    /// Creates an account; a taken username is a [`StoreError::Conflict`].
    pub async fn insert_user(&self, u: &NewUser) -> Result<i64> {
        self.insert_users_with(insert_user!(""), std::slice::from_ref(u))
            .await?;
        self.user_by_username(&u.username)
            .await?
            .map(|r| r.id)
            .ok_or(StoreError::NotFound)
    }

    /// Creates many accounts in one transaction; usernames that exist are skipped. Returns how
    /// many were created.
    pub async fn insert_users(&self, users: &[NewUser]) -> Result<u64> {
        self.insert_users_with(insert_user!("ON CONFLICT (username) DO NOTHING"), users)
            .await
    }

    async fn insert_users_with(&self, sql: &'static str, users: &[NewUser]) -> Result<u64> {
        let now = Utc::now();
        let created = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let mut created = 0;
            for u in users {
                created += sqlx::query(sql)
                    .bind(&u.username)
                    .bind(&u.display_name)
                    .bind(&u.org_code)
                    .bind(u.department_id)
                    .bind(&u.role)
                    .bind(&u.password_hash)
                    .bind(u.must_change_password)
                    .bind(now)
                    .bind(u.phone.as_ref().map(|(sealed, _)| sealed))
                    .bind(u.phone.as_ref().map(|(_, index)| index))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(created)
        })?;
        Ok(created)
    }

    /// An account by username (disabled accounts included).
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        const SQL: &str = select_users!("WHERE username = $1");
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(username)
            .fetch_optional(p)
            .await)?)
    }

    /// An account by id (disabled accounts included).
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>> {
        const SQL: &str = select_users!("WHERE id = $1");
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(p)
            .await)?)
    }

    /// Accounts in scope, in username order, at most `limit`.
    pub async fn users_in_scope(&self, scope: &Scope, limit: i64) -> Result<Vec<UserRecord>> {
        const SQL: &str = select_users!(
            "WHERE org_code LIKE $1 || '%' AND ($2 IS NULL OR department_id = $2)
             ORDER BY org_code, username LIMIT $3"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(scope.prefix())
                .bind(scope.department_id())
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Accounts in scope whose phone has this blind index.
    /// Accounts in scope whose username starts with `prefix` (letters, digits, `-`), in username
    /// order, at most `limit`.
    pub async fn users_named_from(
        &self,
        scope: &Scope,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>> {
        const SQL: &str = select_users!(
            "WHERE username LIKE $1 || '%' AND org_code LIKE $2 || '%'
               AND ($3 IS NULL OR department_id = $3)
             ORDER BY username LIMIT $4"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(prefix)
                .bind(scope.prefix())
                .bind(scope.department_id())
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    pub async fn users_by_phone_index(
        &self,
        scope: &Scope,
        index: &str,
    ) -> Result<Vec<UserRecord>> {
        const SQL: &str = select_users!(
            "WHERE phone_index = $1 AND org_code LIKE $2 || '%' AND ($3 IS NULL OR department_id = $3)
             ORDER BY username"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(SQL)
                .bind(index)
                .bind(scope.prefix())
                .bind(scope.department_id())
                .fetch_all(p)
                .await
        })?)
    }

    /// Sets a new password hash.
    pub async fn set_password(&self, user_id: i64, hash: &str, must_change: bool) -> Result<()> {
        let r = dispatch!(self, |p| {
            sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3
                 WHERE id = $4",
            )
            .bind(hash)
            .bind(must_change)
            .bind(Utc::now())
            .bind(user_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Stores (or with `None` clears) the TOTP secret being enrolled.
    pub async fn set_totp_pending(&self, user_id: i64, sealed: Option<&[u8]>) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query("UPDATE users SET totp_pending_sealed = $1 WHERE id = $2")
                .bind(sealed)
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Makes `sealed` the account's TOTP secret (or with `None` removes TOTP), clearing the pending
    /// one and the last step.
    pub async fn set_totp(
        &self,
        user_id: i64,
        sealed: Option<&[u8]>,
        step: Option<i64>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            sqlx::query(
                "UPDATE users SET totp_sealed = $1, totp_pending_sealed = NULL, totp_last_step = $2 WHERE id = $3",
            )
            .bind(sealed)
            .bind(step)
            .bind(user_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records that the TOTP code of `step` was used; false when that step (or a later one) was
    /// already used, so that a code works once, even between two instances.
    pub async fn use_totp_step(&self, user_id: i64, step: i64) -> Result<bool> {
        let n = dispatch!(self, |p| {
            sqlx::query(
                "UPDATE users SET totp_last_step = $1
                 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Enables or disables an account.
    pub async fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
        let r = dispatch!(self, |p| {
            sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(disabled)
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

impl Store {
    /// Number of active accounts whose role holds the permission `key` per org code under
    /// `prefix`, as `(org_code, count)`.
    pub async fn holder_counts_by_org(
        &self,
        key: &str,
        prefix: &str,
    ) -> Result<Vec<(String, i64)>> {
        const SQL: &str =
            "SELECT org_code, COUNT(*) FROM users JOIN roles ON roles.name = users.role
            WHERE ' ' || roles.permissions || ' ' LIKE '% ' || $1 || ' %'
              AND NOT disabled AND org_code LIKE $2 || '%' GROUP BY org_code";
        Ok(dispatch!(self, |p| sqlx::query_as(SQL)
            .bind(key)
            .bind(prefix)
            .fetch_all(p)
            .await)?)
    }
}
