//! The pages of accounts and access: login, own account, users, roles and security policy, contacts, the audit trail.

pub(super) mod account;
pub(super) mod audit;
pub(super) mod contacts;
pub(super) mod integrators;
pub(super) mod login;
pub(super) mod security;
pub(super) mod users;
