//! Cases over the API: one module per kind.

pub(super) mod disputes;
pub(super) mod events;
