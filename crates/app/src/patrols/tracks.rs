//! 巡逻 — a patrol started and ended on the phone, its positions in batches (each tested against the
//! key segments as it arrives: the cover it gave is written with it), check-ins, and the day's
//! patrols and tracks for the hub.

use super::forces::HUB_ONLY;
use super::{
    BatchOutcome, CheckinOutcome, CheckinRequest, PatrolStart, PatrolView, PositionBatch, Segment,
    TrackView,
};
use crate::cases::{check_client_id, intake_point};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Duration, Utc};
use pingan_domain::patrol::{MAX_BATCH_POINTS, PIECE_GAP_SECS, windows_touched};
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_domain::{Capability, OrgCode};
use pingan_store::{CoverRecord, PatrolRecord, TrackPoint};
use serde_json::json;
use std::collections::HashMap;

/// How far a phone's clock may run ahead of the hub's.
const CLOCK_SLACK_SECS: i64 = 60;
/// How much farther than a segment's radius a check-in by position may be (GPS error).
const CHECKIN_SLACK_M: f64 = 30.0;

impl crate::services::Patrols<'_> {
    /// Starts a patrol with one of the user's teams; the same `client_id` again answers the same
    /// patrol.
    pub async fn start(self, actor: &Actor, r: &PatrolStart) -> Result<PatrolView> {
        self.authorize(actor, Capability::Patrol, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        check_client_id(&r.client_id)?;
        let team = self
            .store
            .teams_of(user.id)
            .await?
            .into_iter()
            .find(|t| t.id == r.team_id)
            .ok_or_else(|| {
                AppError::Forbidden(format!(
                    "您不是队伍 {} 的队员：请队伍所在综治中心把您的账号加入队伍",
                    r.team_id
                ))
            })?;
        let (id, created) = self
            .store
            .start_patrol(&r.client_id, team.id, user.id, &team.org_code, Utc::now())
            .await?;
        let patrol = self.own_patrol(user, id).await.map_err(|_| {
            AppError::Conflict(format!("client_id {} 已被另一次巡逻使用", r.client_id))
        })?;
        if created {
            self.audit(
                actor,
                "patrol.start",
                &format!("patrol:{id}"),
                "ok",
                json!({"team": team.id, "client_id": r.client_id}),
            )
            .await?;
        }
        Ok(view(patrol))
    }

    /// Takes a batch of positions of the user's patrol, once per `client_id`.
    pub async fn record_positions(
        self,
        actor: &Actor,
        patrol_id: i64,
        batch: &PositionBatch,
    ) -> Result<BatchOutcome> {
        self.authorize(actor, Capability::Patrol, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        check_client_id(&batch.client_id)?;
        if batch.positions.is_empty() || batch.positions.len() > MAX_BATCH_POINTS {
            return Err(AppError::Invalid(format!(
                "一批位置应有 1 到 {MAX_BATCH_POINTS} 个点"
            )));
        }
        let patrol = self.own_patrol(user, patrol_id).await?;
        let now = Utc::now();
        let earliest = patrol.started_at - Duration::seconds(CLOCK_SLACK_SECS);
        let latest = patrol.ended_at.unwrap_or(now) + Duration::seconds(CLOCK_SLACK_SECS);
        let mut points = Vec::with_capacity(batch.positions.len());
        for (i, p) in batch.positions.iter().enumerate() {
            if p.at < earliest || p.at > latest {
                return Err(AppError::Invalid(format!(
                    "第 {} 个位置的时间不在这次巡逻的起止时间内（请检查手机时间）",
                    i + 1
                )));
            }
            let (lon, lat) = intake_point(Some(p.lat), Some(p.lon), batch.coord.as_deref())?
                .ok_or_else(|| AppError::Invalid("位置缺少经纬度".into()))?;
            points.push(TrackPoint { at: p.at, lon, lat });
        }
        points.sort_by_key(|p| p.at);
        points.dedup_by_key(|p| p.at);
        let before = match points.first() {
            Some(first) => self.store.position_before(patrol_id, first.at).await?,
            None => None,
        };
        let segments = self.all_segments().await?;
        let covers = cover(&segments, before, &points, patrol.team_id);
        let open = self.store.open_dispatches(patrol_id).await?;
        let arrived = super::linkage::arrivals(&open, &points);
        let tasks = super::linkage::tasks(&open, &arrived, points.last());
        let labels = covers
            .iter()
            .filter_map(|c| {
                let s = segments.iter().find(|s| s.id == c.segment_id)?;
                let w = s.windows.get(usize::try_from(c.slot).ok()?)?;
                Some(format!("{} {}", s.name, w.label()))
            })
            .collect();
        Ok(
            match self
                .store
                .record_positions(patrol_id, &batch.client_id, &points, &covers, &arrived, now)
                .await?
            {
                None => BatchOutcome {
                    received: 0,
                    duplicate: true,
                    covered: Vec::new(),
                    tasks,
                },
                Some(received) => BatchOutcome {
                    received,
                    duplicate: false,
                    covered: labels,
                    tasks,
                },
            },
        )
    }

    /// Checks in at a key segment: by its QR code, or by a position near it.
    pub async fn check_in(
        self,
        actor: &Actor,
        patrol_id: i64,
        r: &CheckinRequest,
    ) -> Result<CheckinOutcome> {
        self.authorize(actor, Capability::Patrol, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let patrol = self.own_patrol(user, patrol_id).await?;
        if patrol.ended_at.is_some() {
            return Err(AppError::Conflict("这次巡逻已结束，不能再签到".into()));
        }
        let segments = self.all_segments().await?;
        let segment = segments
            .iter()
            .find(|s| s.id == r.segment_id)
            .ok_or_else(|| AppError::NotFound(format!("没有重点部位 {}", r.segment_id)))?;
        let at = Utc::now();
        let position = intake_point(r.lat, r.lon, r.coord.as_deref())?;
        let distance = position.map(|p| segment.shape.distance_m(p, p));
        let code = r.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let method = match (code, distance) {
            (Some(c), _) if c == self.checkin_code(segment.id) => "qr",
            (Some(_), _) => {
                return Err(AppError::Invalid(
                    "二维码不是这个重点部位的，请扫描现场张贴的签到码".into(),
                ));
            }
            (None, Some(d)) if d <= segment.radius_m + CHECKIN_SLACK_M => "near",
            (None, Some(d)) => {
                return Err(AppError::Invalid(format!(
                    "您距“{}”约 {:.0} 米，超出签到范围（{:.0} 米）：请走近后再签到，或扫码签到",
                    segment.name,
                    d,
                    segment.radius_m + CHECKIN_SLACK_M
                )));
            }
            (None, None) => {
                return Err(AppError::Invalid("请允许定位，或扫描现场的签到码".into()));
            }
        };
        self.store
            .insert_checkin(patrol_id, segment.id, at, position, method)
            .await?;
        Ok(CheckinOutcome {
            segment_id: segment.id,
            segment_name: segment.name.clone(),
            method: method.into(),
            distance_m: distance.map(|d| d.round()),
            at,
        })
    }

    /// Ends the user's patrol (a second end keeps the first).
    pub async fn end(self, actor: &Actor, patrol_id: i64) -> Result<PatrolView> {
        self.authorize(actor, Capability::Patrol, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        self.own_patrol(user, patrol_id).await?;
        if self.store.end_patrol(patrol_id, Utc::now()).await? {
            self.audit(
                actor,
                "patrol.end",
                &format!("patrol:{patrol_id}"),
                "ok",
                json!({}),
            )
            .await?;
        }
        Ok(view(self.own_patrol(user, patrol_id).await?))
    }

    /// The patrols of the user's area (or of `org`) started today (Beijing), or the user's own.
    pub async fn patrols(self, user: &CurrentUser, org: Option<&str>) -> Result<Vec<PatrolView>> {
        let since = beijing_midnight(beijing_date(Utc::now()));
        if !user.can(Capability::ViewPatrols) && user.can(Capability::Patrol) {
            return Ok(self
                .store
                .patrols_of(user.id, since)
                .await?
                .into_iter()
                .map(view)
                .collect());
        }
        self.authorize_user(user, Capability::ViewPatrols)?;
        let area = self.area_of(user, org)?;
        Ok(self
            .store
            .patrols_since(area.as_str(), since)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// A patrol's track: the patroller's own, or one in the area of a user who sees patrols.
    pub async fn track(self, user: &CurrentUser, patrol_id: i64) -> Result<TrackView> {
        let missing = || AppError::NotFound(format!("没有巡逻 {patrol_id}，或不在您的管辖范围内"));
        let patrol = self.store.patrol(patrol_id).await?.ok_or_else(missing)?;
        let area = OrgCode::parse(&patrol.org_code).map_err(|_| missing())?;
        let may = patrol.user_id == user.id
            || (user.can(Capability::ViewPatrols)
                && user.department_id.is_none()
                && user.scope().covers(&area));
        if !may {
            return Err(missing());
        }
        let points = self.store.patrol_track(patrol_id).await?;
        Ok(TrackView {
            patrol: view(patrol),
            times: points.iter().map(|p| p.at).collect(),
            points: points.iter().map(|p| [p.lon, p.lat]).collect(),
        })
    }

    /// Writes a finished patrol of the past (the demo's history) as the phone would have sent it:
    /// started at its first position, its positions with the cover they gave, ended at its last.
    pub(crate) async fn seed_patrol(
        self,
        client_id: &str,
        team_id: i64,
        user_id: i64,
        points: &[TrackPoint],
    ) -> Result<()> {
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            return Ok(());
        };
        let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let team = self
            .store
            .patrol_team(team_id, &pingan_domain::Scope::org(district))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有巡防队伍 {team_id}")))?;
        let (id, created) = self
            .store
            .start_patrol(client_id, team_id, user_id, &team.org_code, first.at)
            .await?;
        if created {
            let covers = cover(&self.all_segments().await?, None, points, team_id);
            self.store
                .record_positions(
                    id,
                    &format!("{client_id}-all"),
                    points,
                    &covers,
                    &[],
                    last.at,
                )
                .await?;
            self.store.end_patrol(id, last.at).await?;
        }
        Ok(())
    }

    /// The user's own patrol, or 404.
    async fn own_patrol(self, user: &CurrentUser, id: i64) -> Result<PatrolRecord> {
        self.store
            .patrol(id)
            .await?
            .filter(|p| p.user_id == user.id)
            .ok_or_else(|| AppError::NotFound(format!("没有您的巡逻 {id}")))
    }
}

/// The cover a batch gives: each position joined to the one before it (in the batch, or `before`)
/// when they are at most [`PIECE_GAP_SECS`] apart, else standing alone; a piece within a
/// segment's radius covers each of its windows the piece's time touches, first at the later of
/// the piece's start and the window's start.
pub(crate) fn cover(
    segments: &[Segment],
    before: Option<TrackPoint>,
    points: &[TrackPoint],
    team_id: i64,
) -> Vec<CoverRecord> {
    let mut first: HashMap<(i64, chrono::NaiveDate, usize), DateTime<Utc>> = HashMap::new();
    let mut prev = before;
    for &p in points {
        let a = match prev {
            Some(q) if (p.at - q.at).num_seconds() <= PIECE_GAP_SECS => q,
            _ => p,
        };
        prev = Some(p);
        let (pa, pb) = ((a.lon, a.lat), (p.lon, p.lat));
        for s in segments {
            if !s.shape.near_box(pa, pb, s.radius_m) || s.shape.distance_m(pa, pb) > s.radius_m {
                continue;
            }
            for (day, slot) in windows_touched(&s.windows, a.at, p.at) {
                if !s.in_season(day) {
                    continue;
                }
                let Some(window) = s.windows.get(slot) else {
                    continue;
                };
                let at = a.at.max(window.on(day).0);
                first
                    .entry((s.id, day, slot))
                    .and_modify(|t| *t = (*t).min(at))
                    .or_insert(at);
            }
        }
    }
    let mut out: Vec<CoverRecord> = first
        .into_iter()
        .map(|((segment_id, day, slot), first_at)| CoverRecord {
            segment_id,
            day,
            slot: i64::try_from(slot).unwrap_or_default(),
            team_id,
            first_at,
        })
        .collect();
    out.sort_by_key(|c| (c.segment_id, c.day, c.slot));
    out
}

fn view(p: PatrolRecord) -> PatrolView {
    PatrolView {
        active: p.ended_at.is_none(),
        last: p.last_lon.zip(p.last_lat).map(|(lon, lat)| [lon, lat]),
        id: p.id,
        team_id: p.team_id,
        team_name: p.team_name,
        user_id: p.user_id,
        org_code: p.org_code,
        started_at: p.started_at,
        ended_at: p.ended_at,
        last_at: p.last_at,
        positions: p.positions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pingan_domain::patrol::Window;
    use proptest::prelude::*;

    const ORIGIN: (f64, f64) = (107.468, 31.209);
    /// About 1 m of latitude in degrees.
    const M: f64 = 1.0 / 111_195.0;

    fn road(windows: Vec<Window>) -> Segment {
        let east = (ORIGIN.0 + 500.0 * M / ORIGIN.1.to_radians().cos(), ORIGIN.1);
        Segment {
            id: 7,
            name: "西外大街".into(),
            org_code: "511702004001001".into(),
            kind: "road".into(),
            place_id: None,
            shape: pingan_geo::Shape::new(vec![ORIGIN, east], false).unwrap(),
            radius_m: 50.0,
            windows,
            valid_from: None,
            valid_to: None,
        }
    }

    fn at(minutes: i64) -> DateTime<Utc> {
        // Minutes after Beijing midnight of 2026-12-07.
        beijing_midnight(chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap())
            + Duration::minutes(minutes)
    }

    fn walk(offset_m: f64, from: DateTime<Utc>, every_s: i64, n: usize) -> Vec<TrackPoint> {
        (0..n)
            .map(|i| TrackPoint {
                at: from + Duration::seconds(every_s * i as i64),
                lon: ORIGIN.0 + (i as f64 * 20.0) * M / ORIGIN.1.to_radians().cos(),
                lat: ORIGIN.1 + offset_m * M,
            })
            .collect()
    }

    #[test]
    fn a_piece_is_joined_to_the_point_before_it_only_within_the_gap() {
        let s = road(vec![Window::parse("08:00-09:00").unwrap()]);
        // Two points far north and south of the road, 60 s apart: the piece between crosses it.
        let north = TrackPoint {
            at: at(8 * 60 + 10),
            lon: ORIGIN.0 + 0.001,
            lat: ORIGIN.1 + 300.0 * M,
        };
        let south = TrackPoint {
            at: at(8 * 60 + 11),
            lon: ORIGIN.0 + 0.001,
            lat: ORIGIN.1 - 300.0 * M,
        };
        assert_eq!(
            cover(std::slice::from_ref(&s), Some(north), &[south], 3).len(),
            1
        );
        // Ten minutes apart, the way between is not known: neither point is near.
        let late = TrackPoint {
            at: at(8 * 60 + 21),
            ..south
        };
        assert!(cover(std::slice::from_ref(&s), Some(north), &[late], 3).is_empty());
        let c = &cover(&[s], None, &walk(10.0, at(7 * 60 + 58), 60, 5), 3)[0];
        assert_eq!((c.slot, c.team_id), (0, 3));
        assert_eq!(c.first_at, at(8 * 60), "the window's start, not the walk's");
    }

    proptest! {
        /// A walk along the road at `offset` metres covers its window exactly when it is within the
        /// radius and its time falls in the window.
        #[test]
        fn a_walk_covers_exactly_within_the_distance_and_the_hours(
            offset in 0.0f64..150.0,
            start in 0i64..(23 * 60),
            window_start in 0u16..1380,
            len in 10u16..60,
        ) {
            prop_assume!((offset - 50.0).abs() > 1.0);
            let w = Window { start: window_start, end: window_start + len };
            let s = road(vec![w]);
            let points = walk(offset, at(start), 30, 3);
            let covered = !cover(&[s], None, &points, 1).is_empty();
            let (ws, we) = w.on(chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
            let in_hours = points[0].at < we && points[2].at >= ws;
            prop_assert_eq!(covered, offset <= 50.0 && in_hours);
        }
    }
}
