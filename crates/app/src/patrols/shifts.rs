//! 排班 — a team's shifts of a day (the window, how many go out, the member accounts on it), and
//! whether each was kept: a patrol of the team running in the window.

use super::forces::HUB_ONLY;
use super::{ShiftRequest, ShiftView};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{NaiveDate, Utc};
use pingan_domain::Capability;
use pingan_domain::patrol::Window;
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_store::{NewShift, PatrolRecord, ShiftRecord, StoreError};
use serde_json::json;

impl crate::services::Patrols<'_> {
    /// Puts a team of the user's area on a shift (组织巡防).
    pub async fn add_shift(
        self,
        actor: &Actor,
        team_id: i64,
        r: &ShiftRequest,
    ) -> Result<ShiftView> {
        self.authorize(actor, Capability::ManagePatrols, None)?;
        let user = self.hub_user(actor, HUB_ONLY)?;
        let team = self
            .store
            .patrol_team(team_id, &user.scope())
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("没有巡防队伍 {team_id}，或不在您的管辖范围内"))
            })?;
        let window = Window::parse(&r.window).map_err(AppError::Invalid)?;
        let today = beijing_date(Utc::now());
        if r.day < today || (r.day - today).num_days() > 62 {
            return Err(AppError::Invalid("排班日期应为今天起两个月内".into()));
        }
        if !(1..=500).contains(&r.headcount) {
            return Err(AppError::Invalid("出勤人数应为 1 到 500".into()));
        }
        let mine = self.store.team_member_ids(team_id).await?;
        let mut members = Vec::new();
        for username in &r.members {
            let id = self
                .store
                .user_by_username(username.trim())
                .await?
                .map(|u| u.id)
                .filter(|id| mine.contains(id))
                .ok_or_else(|| {
                    AppError::Invalid(format!("{username} 不是队伍“{}”的队员账号", team.name))
                })?;
            members.push(id.to_string());
        }
        let id = self
            .store
            .insert_shift(&NewShift {
                team_id,
                day: r.day,
                slot: window.label(),
                headcount: i64::from(r.headcount),
                members: members.join(" "),
                by: user.id,
                at: Utc::now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict(format!(
                    "队伍“{}”{} {} 已有排班",
                    team.name,
                    r.day,
                    window.label()
                )),
                e => e.into(),
            })?;
        self.audit(
            actor,
            "patrol_shift.create",
            &format!("patrol_shift:{id}"),
            "ok",
            json!({"team": team_id, "day": r.day, "window": window.label()}),
        )
        .await?;
        let shifts = self.shifts(user, Some(&team.org_code), Some(r.day)).await?;
        shifts
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| AppError::Internal("刚排的班读不到".into()))
    }

    /// The shifts of the user's area (or `org`) on a day (default today), each with whether the
    /// team went out in its window; a patroller sees their own teams' shifts.
    pub async fn shifts(
        self,
        user: &CurrentUser,
        org: Option<&str>,
        day: Option<NaiveDate>,
    ) -> Result<Vec<ShiftView>> {
        let day = day.unwrap_or_else(|| beijing_date(Utc::now()));
        let (rows, patrols) = if !user.can(Capability::ViewPatrols) && user.can(Capability::Patrol)
        {
            let mine = self.store.teams_of(user.id).await?;
            let teams: Vec<i64> = mine.iter().map(|t| t.id).collect();
            let mut rows = Vec::new();
            for t in mine {
                rows.extend(self.store.shifts_on(&t.org_code, day).await?);
            }
            rows.retain(|s: &ShiftRecord| teams.contains(&s.team_id));
            rows.dedup_by_key(|s| s.id);
            (
                rows,
                self.store
                    .patrols_of(user.id, beijing_midnight(day))
                    .await?,
            )
        } else {
            self.authorize_user(user, Capability::ViewPatrols)?;
            let area = self.area_of(user, org)?;
            (
                self.store.shifts_on(area.as_str(), day).await?,
                self.store
                    .patrols_since(area.as_str(), beijing_midnight(day))
                    .await?,
            )
        };
        let now = Utc::now();
        Ok(rows
            .into_iter()
            .map(|s| {
                let window = Window::parse(&s.slot).ok();
                let (start, end) = window.map_or((now, now), |w| w.on(day));
                // Kept: a patrol of the team ran in the window, as far as it has gone.
                let until = end.min(now);
                let out = patrols.iter().any(|p: &PatrolRecord| {
                    p.team_id == s.team_id
                        && p.started_at < until
                        && p.ended_at.is_none_or(|e| e > start)
                });
                let state = if now < start {
                    "waiting"
                } else if out {
                    "kept"
                } else if now < end {
                    "late"
                } else {
                    "missed"
                };
                ShiftView {
                    id: s.id,
                    team_id: s.team_id,
                    team_name: s.team_name,
                    day: s.day,
                    window: s.slot,
                    headcount: s.headcount,
                    accounts: s.members.split_whitespace().count(),
                    state: state.into(),
                    state_label: match state {
                        "kept" => "已出勤",
                        "waiting" => "未开始",
                        "late" => "未出勤",
                        _ => "缺勤",
                    }
                    .into(),
                }
            })
            .collect())
    }
}
