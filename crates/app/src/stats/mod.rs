//! 统计 — figures for the leaders and the hub that no single case kind owns: the public-security
//! figures the police report each month ([`police`]), and the indicators of every module for any
//! unit and period with their comparisons ([`indicators`]).

pub(crate) mod dashboard;
pub(crate) mod indicators;
pub(crate) mod police;
pub(crate) mod report;

pub use dashboard::{BreakdownQuery, BreakdownView, CategoryFigure, TrendPoint, UnitFigures};
pub use indicators::{Indicator, IndicatorQuery, IndicatorsView, format_value};
pub use police::{PoliceEntry, PoliceImportReport, PoliceLineView, PoliceYearView};
