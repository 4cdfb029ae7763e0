//! 巡防力量与重点部位 — teams (with their members' accounts) and key segments of an area.

use super::{KeySegmentRequest, KeySegmentView, PatrolTeamRequest, PatrolTeamView, Segment};
use crate::cases::intake_point;
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::patrol::{
    ForceKind, ForceLevel, SCHOOL_WINDOWS, SegmentKind, SegmentShape, parse_windows, windows_label,
};
use pingan_domain::{Capability, OrgCode};
use pingan_store::{KeySegmentRecord, NewKeySegment, NewPatrolTeam, PatrolTeamRecord, StoreError};
use serde_json::json;
use std::sync::Arc;

/// Why a department's account is refused.
pub(super) const HUB_ONLY: &str = "巡防由综治中心组织，部门账号请在事件中办理";

/// The field a QR code's token is keyed under.
const CHECKIN_FIELD: &str = "key_segments.checkin";

impl crate::services::Patrols<'_> {
    /// Adds a team in the user's area (组织巡防).
    pub async fn add_team(self, actor: &Actor, r: &PatrolTeamRequest) -> Result<PatrolTeamView> {
        self.authorize(actor, Capability::ManagePatrols, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let org = self.area_of(user, r.org.as_deref())?;
        self.authorize(actor, Capability::ManagePatrols, Some(&org))?;
        let name = r.name.trim();
        if !(2..=40).contains(&name.chars().count()) {
            return Err(AppError::Invalid("队伍名称应为 2 到 40 个字".into()));
        }
        let level = ForceLevel::parse(&r.level)
            .ok_or_else(|| AppError::Invalid(format!("层级应为 {} 之一", ForceLevel::labels())))?;
        let kind = ForceKind::parse(&r.kind)
            .ok_or_else(|| AppError::Invalid(format!("类别应为 {} 之一", ForceKind::labels())))?;
        if !(1..=500).contains(&r.headcount) {
            return Err(AppError::Invalid("队伍人数应为 1 到 500".into()));
        }
        let plate = r
            .vehicle_plate
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if plate.is_some_and(|p| !(5..=10).contains(&p.chars().count())) {
            return Err(AppError::Invalid(
                "车牌号应为 5 到 10 个字符，如 川S·12345".into(),
            ));
        }
        if r.members.len() > 200 {
            return Err(AppError::Invalid("一支队伍最多登记 200 个账号".into()));
        }
        let mut members = Vec::new();
        for username in &r.members {
            let username = username.trim();
            let member = self
                .store
                .user_by_username(username)
                .await?
                .filter(|u| OrgCode::parse(&u.org_code).is_ok_and(|o| user.scope().covers(&o)))
                .ok_or_else(|| {
                    AppError::Invalid(format!("账号 {username} 不存在，或不在您的管辖范围内"))
                })?;
            if !members.contains(&member.id) {
                members.push(member.id);
            }
        }
        let id = self
            .store
            .insert_patrol_team(&NewPatrolTeam {
                name: name.into(),
                level: level.code().into(),
                kind: kind.code().into(),
                org_code: org.as_str().into(),
                headcount: i64::from(r.headcount),
                vehicle_plate: plate.map(str::to_owned),
                members,
                at: Utc::now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict(format!("本区域已有队伍“{name}”")),
                e => e.into(),
            })?;
        self.audit(
            actor,
            "patrol_team.create",
            &format!("patrol_team:{id}"),
            "ok",
            json!({"name": name, "org": org.as_str(), "kind": kind.code(), "members": r.members.len()}),
        )
        .await?;
        let team = self
            .store
            .patrol_team(id, &user.scope())
            .await?
            .ok_or_else(|| AppError::Internal("刚登记的队伍读不到".into()))?;
        Ok(team_view(team))
    }

    /// The teams of the user's area (or of `org` within it).
    pub async fn teams(self, user: &CurrentUser, org: Option<&str>) -> Result<Vec<PatrolTeamView>> {
        self.authorize_user(user, Capability::ViewPatrols)?;
        let area = self.area_of(user, org)?;
        Ok(self
            .store
            .patrol_teams(area.as_str())
            .await?
            .into_iter()
            .map(team_view)
            .collect())
    }

    /// The teams the user goes on patrol with.
    pub async fn my_teams(self, user: &CurrentUser) -> Result<Vec<PatrolTeamView>> {
        self.authorize_user(user, Capability::Patrol)?;
        Ok(self
            .store
            .teams_of(user.id)
            .await?
            .into_iter()
            .map(team_view)
            .collect())
    }

    /// Adds a key segment where its first point lies (组织巡防).
    pub async fn add_segment(self, actor: &Actor, r: &KeySegmentRequest) -> Result<KeySegmentView> {
        self.authorize(actor, Capability::ManagePatrols, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let name = r.name.trim();
        if !(2..=50).contains(&name.chars().count()) {
            return Err(AppError::Invalid("名称应为 2 到 50 个字".into()));
        }
        let kind = SegmentKind::parse(&r.kind)
            .ok_or_else(|| AppError::Invalid(format!("类别应为 {} 之一", SegmentKind::labels())))?;
        if r.points.len() > pingan_domain::patrol::MAX_SHAPE_POINTS {
            return Err(AppError::Invalid("位置最多 200 个点".into()));
        }
        let mut points = Vec::with_capacity(r.points.len());
        for [lon, lat] in &r.points {
            let p = intake_point(Some(*lat), Some(*lon), r.coord.as_deref())?
                .ok_or_else(|| AppError::Invalid("请提供位置".into()))?;
            points.push(p);
        }
        let shape = SegmentShape::check(kind, points, r.radius_m.unwrap_or(50))
            .map_err(AppError::Invalid)?;
        let default_windows = match kind {
            SegmentKind::SchoolGate => SCHOOL_WINDOWS,
            _ => "",
        };
        let windows = parse_windows(r.windows.as_deref().unwrap_or(default_windows))
            .map_err(AppError::Invalid)?;
        if let (Some(from), Some(to)) = (r.valid_from, r.valid_to)
            && from > to
        {
            return Err(AppError::Invalid("起始日期不能晚于结束日期".into()));
        }
        let grid = self
            .cases()
            .intake_place(shape.points.first().copied(), None, None)
            .await?;
        self.authorize(actor, Capability::ManagePatrols, Some(&grid))?;
        if let Some(place_id) = r.place_id {
            self.registry().place(user, place_id).await?;
        }
        let stored: Vec<[f64; 2]> = shape.points.iter().map(|&(lon, lat)| [lon, lat]).collect();
        let id = self
            .store
            .insert_key_segment(&NewKeySegment {
                name: name.into(),
                kind: kind.code().into(),
                org_code: grid.as_str().into(),
                place_id: r.place_id,
                shape: serde_json::to_string(&stored)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                closed: shape.closed,
                radius_m: i64::from(shape.radius_m),
                windows: windows_label(&windows),
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                at: Utc::now(),
            })
            .await?;
        self.caches.segments.clear();
        self.audit(
            actor,
            "key_segment.create",
            &format!("key_segment:{id}"),
            "ok",
            json!({"name": name, "kind": kind.code(), "grid": grid.as_str()}),
        )
        .await?;
        let record = self
            .store
            .key_segment(id, &user.scope())
            .await?
            .ok_or_else(|| AppError::Internal("刚登记的重点部位读不到".into()))?;
        Ok(self.segment_view(user, record))
    }

    /// Takes a key segment of the user's area off: it needs no more cover; what it had stays.
    pub async fn retire_segment(self, actor: &Actor, id: i64) -> Result<()> {
        self.authorize(actor, Capability::ManagePatrols, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let segment = self
            .store
            .key_segment(id, &user.scope())
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("没有重点部位 {id}，或不在您的管辖范围内"))
            })?;
        if self.store.retire_key_segment(id).await? {
            self.caches.segments.clear();
            self.audit(
                actor,
                "key_segment.retire",
                &format!("key_segment:{id}"),
                "ok",
                json!({"name": segment.name}),
            )
            .await?;
        }
        Ok(())
    }

    /// The key segments of the user's area (or of `org` within it).
    pub async fn segments(
        self,
        user: &CurrentUser,
        org: Option<&str>,
    ) -> Result<Vec<KeySegmentView>> {
        self.authorize_user(user, Capability::ViewPatrols)?;
        let area = self.area_of(user, org)?;
        Ok(self
            .store
            .key_segments(area.as_str())
            .await?
            .into_iter()
            .map(|r| self.segment_view(user, r))
            .collect())
    }

    /// The key segments a patroller may check in at: those of the areas of their teams.
    pub async fn segments_to_check_in(self, user: &CurrentUser) -> Result<Vec<KeySegmentView>> {
        self.authorize_user(user, Capability::Patrol)?;
        let mut out: Vec<KeySegmentView> = Vec::new();
        for team in self.store.teams_of(user.id).await? {
            for r in self.store.key_segments(&team.org_code).await? {
                if !out.iter().any(|v| v.id == r.id) {
                    out.push(self.segment_view(user, r));
                }
            }
        }
        Ok(out)
    }

    /// Every active segment of the district, parsed (kept a minute; cleared on a change here).
    pub(super) async fn all_segments(self) -> Result<Arc<Vec<Segment>>> {
        if let Some(s) = self.caches.segments.get() {
            return Ok(s);
        }
        let parsed = self
            .store
            .key_segments(pingan_domain::division::DISTRICT.0)
            .await?
            .into_iter()
            .filter_map(segment)
            .collect();
        Ok(self.caches.segments.put(parsed))
    }

    /// The token a segment's QR code holds (keyed: it cannot be made without the hub's key).
    pub(super) fn checkin_code(self, segment_id: i64) -> String {
        let mac = self
            .cipher
            .blind_index(CHECKIN_FIELD, &segment_id.to_string());
        format!("KS{segment_id}-{}", mac.get(..12).unwrap_or_default())
    }

    fn segment_view(self, user: &CurrentUser, r: KeySegmentRecord) -> KeySegmentView {
        KeySegmentView {
            kind_label: SegmentKind::parse(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| k.label().into()),
            points: serde_json::from_str(&r.shape).unwrap_or_default(),
            checkin_code: user
                .can(Capability::ManagePatrols)
                .then(|| self.checkin_code(r.id)),
            id: r.id,
            name: r.name,
            kind: r.kind,
            org_code: r.org_code,
            place_id: r.place_id,
            closed: r.closed,
            radius_m: r.radius_m,
            windows: r.windows,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        }
    }

    /// The area a user asked for within their scope (default their own).
    pub(super) fn area_of(self, user: &CurrentUser, org: Option<&str>) -> Result<OrgCode> {
        self.hub_area(user, org, HUB_ONLY)
    }
}

/// A stored segment parsed for testing tracks against it; none if it cannot be read.
fn segment(r: KeySegmentRecord) -> Option<Segment> {
    let points: Vec<[f64; 2]> = serde_json::from_str(&r.shape).ok()?;
    Some(Segment {
        shape: pingan_geo::Shape::new(points.iter().map(|p| (p[0], p[1])).collect(), r.closed)?,
        windows: parse_windows(&r.windows).ok()?,
        radius_m: r.radius_m as f64,
        id: r.id,
        name: r.name,
        org_code: r.org_code,
        kind: r.kind,
        place_id: r.place_id,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
    })
}

fn team_view(t: PatrolTeamRecord) -> PatrolTeamView {
    let kind = ForceKind::parse(&t.kind);
    PatrolTeamView {
        level_label: ForceLevel::parse(&t.level)
            .map_or_else(|| t.level.clone(), |l| l.label().into()),
        kind_label: kind.map_or_else(|| t.kind.clone(), |k| k.label().into()),
        professional: kind.is_some_and(ForceKind::professional),
        id: t.id,
        name: t.name,
        level: t.level,
        kind: t.kind,
        org_code: t.org_code,
        headcount: t.headcount,
        vehicle_plate: t.vehicle_plate,
        accounts: t.accounts,
    }
}
