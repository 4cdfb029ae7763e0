//! The case pages: one module per kind and the routing rules.

pub(super) mod applications;
pub(super) mod clues;
pub(super) mod disputes;
pub(super) mod events;
pub(super) mod petitions;
pub(super) mod risks;
pub(super) mod rules;
