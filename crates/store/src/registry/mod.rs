//! The registry: persons and households, places, special groups and visits, transfers.

pub(crate) mod persons;
pub(crate) mod places;
pub(crate) mod special_groups;
pub(crate) mod transfers;
