//! Sessions and roles over the API.

pub(super) mod roles;
pub(super) mod session;
