//! 账号与权限 — who may do what: accounts and sessions, second factors, API tokens, contacts, roles
//! composed from permissions, login locks, the one permission check ([`authorize`]), the audit
//! trail and key rotation.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod authorize;
pub(crate) mod citizens;
pub(crate) mod contacts;
pub(crate) mod login_locks;
pub(crate) mod reseal;
pub(crate) mod roles;
pub(crate) mod second_factor;
pub(crate) mod tokens;
