//! The registry over the API: persons and households, places, special groups, transfers.

pub(super) mod persons;
pub(super) mod places;
pub(super) mod special_groups;
pub(super) mod transfers;
