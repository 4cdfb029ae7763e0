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
