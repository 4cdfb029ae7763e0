//! The registry pages: persons and households, places, special groups and visits, transfers.

pub(super) mod households;
pub(super) mod person_page;
pub(super) mod persons;
pub(super) mod places;
pub(super) mod special_groups;
pub(super) mod transfers;
