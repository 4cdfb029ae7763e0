//! The org tree, grids and the work calendar over the API.

pub(super) mod calendar;
pub(super) mod tree;
