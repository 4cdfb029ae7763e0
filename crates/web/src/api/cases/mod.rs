//! Cases over the API: one module per kind (events today).

pub(super) mod events;
