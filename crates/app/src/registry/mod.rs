//! 基础信息 — the registry a grid keeps: persons (实有人口), households, places, special groups and
//! their visits, transfers between grids, and the imports and exports of all of these.

pub(crate) mod export;
pub(crate) mod households;
pub(crate) mod import_jobs;
pub(crate) mod persons;
pub(crate) mod places;
pub(crate) mod special_groups;
pub(crate) mod transfers;
pub(crate) mod visits;
