//! The case pages: one module per kind (events today) and the routing rules.

pub(super) mod events;
pub(super) mod rules;
