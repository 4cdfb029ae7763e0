//! 统计 — figures for the leaders and the hub that no single case kind owns: the public-security
//! figures the police report each month ([`police`]).

pub(crate) mod police;

pub use police::{PoliceEntry, PoliceImportReport, PoliceLineView, PoliceYearView};
