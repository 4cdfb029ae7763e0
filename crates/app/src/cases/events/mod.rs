//! 事件 — the event kind's use cases: intake from every channel, the lists and case page, the
//! categories, and the views. Actions go through the engine ([`App::take_action`](crate::App)).

mod categories;
mod intake;
mod view;
mod work;

pub(crate) use intake::{Received, Receiver, Taken, intake_point, receiving_station};
pub use view::{EventDetailView, EventView};

use super::case_number;
use crate::{AppError, Result};
use serde::{Deserialize, Serialize};

/// 事件上报 — an event as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventIntake {
    /// The client's own id for this report (8–64 letters, digits, `-` or `_`). Sending the same
    /// id again returns the event it made instead of a second one.
    pub client_id: String,
    /// `grid_worker`, `citizen`, `hotline_12345`, `video`, `alarm`, `department` or `police_110`.
    pub channel: String,
    /// A category code (`ZZ02`) or its Chinese name (`治安隐患`).
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The coordinate system of `lat`/`lon`: `wgs84` (GPS, the default) or `gcj02` (AMap,
    /// Tencent maps), which is converted.
    pub coord: Option<String>,
    /// Address text; required when no point is given.
    pub address: Option<String>,
    /// The grid, chosen by hand when there is no point.
    pub grid_code: Option<String>,
    /// Fixed on the spot by the reporting grid worker (自行处置): goes straight to 核查.
    #[serde(default)]
    pub self_resolved: bool,
}

/// 疑似重复 — an open event that may report the same thing.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DuplicateHint {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub state_label: String,
    /// Metres between the two points, when both have one.
    pub distance_m: Option<f64>,
    /// How alike the texts are (0–1).
    pub similarity: f64,
}

/// The answer to an intake.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IntakeOutcome {
    #[serde(flatten)]
    pub event: EventView,
    /// False when the client id had been used already and this is the event it made.
    pub created: bool,
    pub duplicates: Vec<DuplicateHint>,
}

/// Filters of an event list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct EventListQuery {
    /// A state key, e.g. `registered`.
    pub state: Option<String>,
    /// `true`: only open events; `false`: only finished ones.
    pub open: Option<bool>,
    /// `normal`, `yellow` or `red`.
    pub alert: Option<String>,
    /// Category code or prefix (`ZZ03` includes its 小类).
    pub category: Option<String>,
    /// An org code within your scope (a township, village or grid).
    pub area: Option<String>,
    /// Text in the title, or a case number (`SJ20261128000042`).
    pub q: Option<String>,
    pub channel: Option<String>,
    /// `true`: only the events you reported.
    pub mine: Option<bool>,
    /// Cursor: only events with a smaller id (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub items: Vec<EventView>,
    /// Pass as `before` for the next page; none on the last page.
    pub next_before: Option<i64>,
}

/// A fresh idempotency key for a report form (clients that report over the API make their own).
pub fn new_client_id() -> Result<String> {
    Ok(format!(
        "web-{}",
        pingan_crypto::random_token()?.get(..32).unwrap_or_default()
    ))
}

pub(crate) fn check_client_id(id: &str) -> Result<()> {
    let ok = (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::Invalid(
            "client_id 应为 8 到 64 位字母、数字、- 或 _（建议每次上报生成一个 UUID）".into(),
        ))
    }
}
