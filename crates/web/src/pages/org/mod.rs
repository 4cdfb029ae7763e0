//! The pages of the org tree, the grid map and the work calendar.

pub(super) mod calendar;
pub(super) mod tree;
