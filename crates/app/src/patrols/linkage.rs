//! 联勤联动 — a hub sends the patrol nearest to an event (by its last position); the patrol's phone
//! is told with its next batch, and the first position within 100 m of the event's place records
//! its arrival.

use super::forces::HUB_ONLY;
use super::{DispatchTask, DispatchView};
use crate::{Actor, AppError, Result};
use chrono::{DateTime, Duration, Utc};
use pingan_domain::Capability;
use pingan_geo::coord::distance_m;
use pingan_store::{DispatchRecord, TrackPoint};
use serde_json::json;

/// How recent a patrol's last position must be for it to be sent.
const FRESH_MINUTES: i64 = 15;
/// How near an event's place a patrol has arrived.
const ARRIVED_M: f64 = 100.0;

impl crate::services::Patrols<'_> {
    /// Sends the patrol of the user's area nearest to an event they may open.
    pub async fn send_nearest(self, actor: &Actor, event_id: i64) -> Result<DispatchView> {
        self.authorize(actor, Capability::ManagePatrols, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let event = self.cases().event_detail(actor, event_id).await?.event;
        let (Some(lon), Some(lat)) = (event.lon, event.lat) else {
            return Err(AppError::Invalid(
                "该事件没有位置，无法按距离派巡逻队，请电话调度".into(),
            ));
        };
        let now = Utc::now();
        let fresh = now - Duration::minutes(FRESH_MINUTES);
        let nearest = self
            .store
            .patrols_since(user.scope().prefix(), now - Duration::hours(24))
            .await?
            .into_iter()
            .filter(|p| p.ended_at.is_none() && p.last_at.is_some_and(|t| t >= fresh))
            .filter_map(|p| {
                let d = distance_m((p.last_lon?, p.last_lat?), (lon, lat));
                Some((d, p))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .ok_or_else(|| {
                AppError::Conflict(format!(
                    "辖区内没有正在巡逻的队伍（{FRESH_MINUTES} 分钟内有定位的），请电话调度"
                ))
            })?;
        let (distance, patrol) = nearest;
        let id = self
            .store
            .insert_dispatch(
                event_id,
                patrol.id,
                (lon, lat),
                distance.round() as i64,
                user.id,
                now,
            )
            .await?;
        self.audit(
            actor,
            "patrol.dispatch",
            &format!("event:{event_id}"),
            "ok",
            json!({"patrol": patrol.id, "team": patrol.team_name, "distance_m": distance.round()}),
        )
        .await?;
        Ok(DispatchView {
            id,
            event_id,
            patrol_id: patrol.id,
            team_name: patrol.team_name,
            distance_m: distance.round() as i64,
            dispatched_at: now,
            arrived_at: None,
            minutes: None,
        })
    }

    /// The patrols sent to an event the user may open.
    pub async fn dispatches(self, actor: &Actor, event_id: i64) -> Result<Vec<DispatchView>> {
        self.authorize(actor, Capability::ViewPatrols, None)?;
        self.cases().event_detail(actor, event_id).await?;
        Ok(self
            .store
            .dispatches_of_event(event_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }
}

/// The dispatches a batch arrives at: each at its first position within [`ARRIVED_M`].
pub(super) fn arrivals(
    open: &[DispatchRecord],
    points: &[TrackPoint],
) -> Vec<(i64, DateTime<Utc>)> {
    open.iter()
        .filter_map(|d| {
            points
                .iter()
                .find(|p| distance_m((p.lon, p.lat), (d.lon, d.lat)) <= ARRIVED_M)
                .map(|p| (d.id, p.at))
        })
        .collect()
}

/// What a patroller still has to go to after a batch, and how far from its last position.
pub(super) fn tasks(
    open: &[DispatchRecord],
    arrived: &[(i64, DateTime<Utc>)],
    last: Option<&TrackPoint>,
) -> Vec<DispatchTask> {
    open.iter()
        .filter(|d| !arrived.iter().any(|(id, _)| *id == d.id))
        .map(|d| DispatchTask {
            event_id: d.event_id,
            lon: d.lon,
            lat: d.lat,
            distance_m: last.map(|p| distance_m((p.lon, p.lat), (d.lon, d.lat)).round() as i64),
        })
        .collect()
}

fn view(d: DispatchRecord) -> DispatchView {
    DispatchView {
        minutes: d.arrived_at.map(|a| (a - d.dispatched_at).num_minutes()),
        id: d.id,
        event_id: d.event_id,
        patrol_id: d.patrol_id,
        team_name: d.team_name,
        distance_m: d.distance_m,
        dispatched_at: d.dispatched_at,
        arrived_at: d.arrived_at,
    }
}
