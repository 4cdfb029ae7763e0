//! Accounts, sessions, API tokens, roles, login throttling, the audit chain and key rotation.

pub(crate) mod audit;
pub(crate) mod reseal;
pub(crate) mod roles;
pub(crate) mod sessions;
pub(crate) mod sms_codes;
pub(crate) mod throttle;
pub(crate) mod tokens;
pub(crate) mod users;
