//! 授权 — who acts ([`Actor`]) and the one check every use case makes before it reads or writes:
//! the actor's permission and, for a target org, their scope.

use crate::{App, AppError, CurrentUser, Result};
use pingan_domain::Capability;

/// 操作人 — who acts: a signed-in user, or the local command line (trusted: it runs with the
/// server's own rights on the server's machine).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: Option<CurrentUser>,
    pub source: Option<String>,
}

impl Actor {
    /// The local `pingan` command.
    pub fn cli() -> Self {
        Self {
            user: None,
            source: Some("local".into()),
        }
    }

    /// A signed-in user at a source address.
    pub fn user(user: CurrentUser, source: Option<String>) -> Self {
        Self {
            user: Some(user),
            source,
        }
    }

    /// The org-code prefix of what the actor may reach: their scope's, or everything (empty)
    /// for the command line.
    pub fn scope_prefix(&self) -> String {
        self.user
            .as_ref()
            .map_or_else(String::new, |u| u.scope().prefix().to_owned())
    }

    pub(crate) fn name(&self) -> String {
        self.user
            .as_ref()
            .map_or_else(|| "(命令行)".to_owned(), |u| u.username.clone())
    }
}

impl App {
    /// The signed-in user behind an actor, if it is a hub's account: the work of hubs that
    /// departments take no part in (平安创建, 巡防) refuses a department's with `refusal`.
    pub(crate) fn hub_user<'a>(&self, actor: &'a Actor, refusal: &str) -> Result<&'a CurrentUser> {
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        if user.department_id.is_some() {
            return Err(AppError::Forbidden(refusal.into()));
        }
        Ok(user)
    }

    /// The area a hub user asked for: an org code within their scope, or their own when none
    /// (a department's account is refused with `refusal`).
    pub(crate) fn hub_area(
        &self,
        user: &CurrentUser,
        org: Option<&str>,
        refusal: &str,
    ) -> Result<pingan_domain::OrgCode> {
        if user.department_id.is_some() {
            return Err(AppError::Forbidden(refusal.into()));
        }
        match org.map(str::trim).filter(|o| !o.is_empty()) {
            None => Ok(user.org_code.clone()),
            Some(o) => {
                let code = pingan_domain::OrgCode::parse(o)
                    .map_err(|e| AppError::Invalid(format!("org：{e}")))?;
                if !user.scope().covers(&code) {
                    return Err(AppError::Forbidden(format!("{o} 不在您的管辖范围内")));
                }
                Ok(code)
            }
        }
    }

    /// Checks that a signed-in user holds `capability` (and has finished their setup).
    pub(crate) fn authorize_user(&self, user: &CurrentUser, capability: Capability) -> Result<()> {
        self.authorize(&Actor::user(user.clone(), None), capability, None)
    }

    /// Checks that `actor` holds `capability` and, when a target org is given, that it lies in
    /// the actor's scope. The command line is trusted.
    pub(crate) fn authorize(
        &self,
        actor: &Actor,
        capability: Capability,
        target: Option<&pingan_domain::OrgCode>,
    ) -> Result<()> {
        let Some(user) = &actor.user else {
            return Ok(());
        };
        if let Some(step) = user.setup {
            return Err(AppError::SetupRequired(step.message()));
        }
        if !user.can(capability) {
            return Err(AppError::Forbidden(format!(
                "{}无权进行此操作",
                user.role_label
            )));
        }
        if let Some(org) = target
            && !user.scope().covers(org)
        {
            return Err(AppError::Forbidden(format!("{org} 不在您的管辖范围内")));
        }
        Ok(())
    }
}
