//! 角色管理 — the 安全管理员 composes roles from the permissions fixed in code (等保 三员 and
//! 最小权限). Roles are rows; an account names one by key; a change takes effect at each holder's
//! next request (the session lookup reads the role with the account).

use crate::Actor;
use crate::{AppError, Result};
use chrono::{DateTime, Utc};
use pingan_domain::{Capability, Permissions, Role, RoleDef};
use pingan_store::{RoleRecord, RoleRow, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// 权限 as listed: its key and Chinese label.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PermissionView {
    #[schema(example = "view_registry")]
    pub key: &'static str,
    #[schema(example = "查看实有人口")]
    pub label: &'static str,
}

/// 角色 as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoleView {
    #[schema(example = "village_clerk")]
    pub key: String,
    #[schema(example = "村综治专干")]
    pub label: String,
    /// Permission keys, in the order of `GET /api/v1/permissions`.
    #[schema(value_type = Vec<String>)]
    pub permissions: Permissions,
    /// Shipped with Pingan: may be changed, not deleted.
    pub builtin: bool,
    /// Accounts holding the role.
    pub holders: i64,
    /// Whether holders must sign in with a TOTP code (it carries an administrator's permission).
    pub second_factor: bool,
    pub updated_at: DateTime<Utc>,
}

/// A role as entered on the page or over the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RoleEntry {
    /// 2–32 of `a-z 0-9 _`, starting with a letter; ignored when a role is changed.
    #[serde(default)]
    pub key: String,
    /// 名称, 1–20 characters.
    pub label: String,
    /// Permission keys.
    pub permissions: Vec<String>,
}

/// The most permission keys an entry may carry (there are fewer permissions than this).
const MAX_KEYS: usize = 64;

impl crate::services::Access<'_> {
    /// Inserts the default roles missing from the database (at start).
    pub(crate) async fn sync_default_roles(self) -> Result<()> {
        let stored: Vec<(Role, String)> = Role::ALL
            .iter()
            .map(|r| (*r, r.default_permissions().to_stored()))
            .collect();
        let rows: Vec<RoleRow<'_>> = stored
            .iter()
            .map(|(r, permissions)| RoleRow {
                name: r.as_str(),
                label: r.label(),
                permissions,
                builtin: true,
            })
            .collect();
        self.store.insert_missing_roles(&rows).await?;
        Ok(())
    }

    /// Every permission (安全管理员 and 系统管理员: the one composes roles, the other assigns them).
    pub fn permissions(self, actor: &Actor) -> Result<Vec<PermissionView>> {
        self.authorize_role_readers(actor)?;
        Ok(Capability::ALL
            .iter()
            .map(|c| PermissionView {
                key: c.key(),
                label: c.label(),
            })
            .collect())
    }

    /// Every role with its permissions and holders.
    pub async fn roles(self, actor: &Actor) -> Result<Vec<RoleView>> {
        self.authorize_role_readers(actor)?;
        Ok(self.store.roles().await?.into_iter().map(view).collect())
    }

    /// One role with its permissions and holders.
    pub async fn role(self, actor: &Actor, key: &str) -> Result<RoleView> {
        self.authorize_role_readers(actor)?;
        self.role_view(key).await
    }

    /// The keys and labels of the roles an account may be given, for the account form.
    pub async fn role_choices(self, actor: &Actor) -> Result<Vec<(String, String)>> {
        Ok(self
            .roles(actor)
            .await?
            .into_iter()
            .map(|r| (r.key, r.label))
            .collect())
    }

    /// Adds a role (安全管理员).
    pub async fn create_role(self, actor: &Actor, entry: &RoleEntry) -> Result<RoleView> {
        self.authorize(actor, Capability::ManageSecurity, None)?;
        let role = checked(&entry.key, entry)?;
        let stored = role.permissions.to_stored();
        let row = RoleRow {
            name: &role.key,
            label: &role.label,
            permissions: &stored,
            builtin: false,
        };
        match self.store.insert_role(&row).await {
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict(format!(
                    "角色代码 {} 或名称“{}”已被使用",
                    role.key, role.label
                )));
            }
            other => other?,
        }
        self.audit(
            actor,
            "role.create",
            &format!("role:{}", role.key),
            "ok",
            json!({"after": {"label": role.label, "permissions": stored}}),
        )
        .await?;
        self.role_view(&role.key).await
    }

    /// Changes a role's name and permissions (安全管理员). The role one holds oneself is changed by
    /// another 安全管理员: otherwise one could grant oneself anything, or take away the last way back.
    pub async fn update_role(
        self,
        actor: &Actor,
        key: &str,
        entry: &RoleEntry,
    ) -> Result<RoleView> {
        self.authorize(actor, Capability::ManageSecurity, None)?;
        let before = self.role_record(key).await?;
        if actor.user.as_ref().is_some_and(|u| u.role == before.name) {
            return Err(AppError::Forbidden(
                "不能修改本人所持的角色，请由另一位安全管理员修改".into(),
            ));
        }
        let role = checked(&before.name, entry)?;
        let stored = role.permissions.to_stored();
        match self
            .store
            .update_role(&role.key, &role.label, &stored)
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict(format!(
                    "角色名称“{}”已被使用",
                    role.label
                )));
            }
            other => other?,
        }
        self.audit(
            actor,
            "role.update",
            &format!("role:{}", role.key),
            "ok",
            json!({
                "before": {"label": before.label, "permissions": before.permissions},
                "after": {"label": role.label, "permissions": stored},
            }),
        )
        .await?;
        self.role_view(&role.key).await
    }

    /// Deletes a role no account holds (安全管理员); the shipped roles stay.
    pub async fn delete_role(self, actor: &Actor, key: &str) -> Result<()> {
        self.authorize(actor, Capability::ManageSecurity, None)?;
        let role = self.role_record(key).await?;
        if role.builtin {
            return Err(AppError::Conflict(format!(
                "“{}”是内置角色，可以修改权限，不能删除",
                role.label
            )));
        }
        if !self.store.delete_unused_role(&role.name).await? {
            return Err(AppError::Conflict(format!(
                "角色“{}”仍有账号在用，请先将这些账号改为其他角色",
                role.label
            )));
        }
        self.audit(
            actor,
            "role.delete",
            &format!("role:{}", role.name),
            "ok",
            json!({"before": {"label": role.label, "permissions": role.permissions}}),
        )
        .await
    }

    /// The role an account is to be given; an unknown key names the choices.
    pub async fn role_named(self, key: &str) -> Result<RoleDef> {
        let key = key.trim();
        match self.store.role(key).await? {
            Some(r) => Ok(RoleDef {
                permissions: Permissions::from_stored(&r.permissions),
                key: r.name,
                label: r.label,
            }),
            None => {
                let known: Vec<String> = self
                    .store
                    .roles()
                    .await?
                    .into_iter()
                    .map(|r| r.name)
                    .collect();
                Err(AppError::Invalid(format!(
                    "未知角色 \"{}\"，可选: {}",
                    key.chars().take(40).collect::<String>(),
                    known.join(", ")
                )))
            }
        }
    }

    fn authorize_role_readers(self, actor: &Actor) -> Result<()> {
        self.authorize(actor, Capability::ManageSecurity, None)
            .or_else(|_| self.authorize(actor, Capability::ManageUsers, None))
    }

    async fn role_record(self, key: &str) -> Result<RoleRecord> {
        self.store.role(key).await?.ok_or_else(|| {
            AppError::NotFound(format!(
                "角色 {} 不存在",
                key.chars().take(40).collect::<String>()
            ))
        })
    }

    async fn role_view(self, key: &str) -> Result<RoleView> {
        Ok(view(self.role_record(key).await?))
    }
}

/// An entry checked against the rules of a role under `key`.
fn checked(key: &str, entry: &RoleEntry) -> Result<RoleDef> {
    if entry.permissions.len() > MAX_KEYS {
        return Err(AppError::Invalid(format!("权限最多 {MAX_KEYS} 项")));
    }
    let permissions = Permissions::parse_keys(&entry.permissions)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    RoleDef::check(key.trim(), &entry.label, permissions)
        .map_err(|e| AppError::Invalid(e.to_string()))
}

fn view(r: RoleRecord) -> RoleView {
    let permissions = Permissions::from_stored(&r.permissions);
    RoleView {
        key: r.name,
        label: r.label,
        permissions,
        builtin: r.builtin,
        holders: r.holders,
        second_factor: permissions.require_second_factor(),
        updated_at: r.updated_at,
    }
}
