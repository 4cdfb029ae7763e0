//! 报警点登记 — registering alarm points (with their signing key) and listing them with their
//! online state.

use super::{AlarmPointRequest, AlarmPointView, AlarmPointsView, KEY_FIELD, RegisteredAlarmPoint};
use crate::cases::intake_point;
use crate::{Actor, AppError, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::alarm::{AlarmPointKind, online};
use pingan_store::{AlarmPointRecord, NewAlarmPoint, StoreError};
use serde_json::json;

impl crate::services::Alarms<'_> {
    /// Registers a point where its coordinates lie; answers it with its key, shown this once.
    pub async fn register_point(
        self,
        actor: &Actor,
        r: &AlarmPointRequest,
    ) -> Result<RegisteredAlarmPoint> {
        self.authorize(actor, Capability::ManageVideo, None)?;
        let code = r.code.trim();
        if !(4..=32).contains(&code.len())
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(AppError::Invalid(
                "设备编号应为 4 到 32 位字母、数字或 -（设备上标的序列号或国标编码）".into(),
            ));
        }
        let name = r.name.trim();
        if !(2..=50).contains(&name.chars().count()) {
            return Err(AppError::Invalid("报警点名称应为 2 到 50 个字".into()));
        }
        let kind = AlarmPointKind::parse(r.kind.trim()).ok_or_else(|| {
            AppError::Invalid(
                "类型应为 campus（校园一键报警）、pillar（社区一键报警柱）、home（居家紧急按钮）或 door（门禁控制器）"
                    .into(),
            )
        })?;
        let address = r
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if address.is_some_and(|a| a.chars().count() > 200) {
            return Err(AppError::Invalid("地址不能超过 200 字".into()));
        }
        let heartbeat_secs = r.heartbeat_secs.unwrap_or(60);
        if !(10..=3600).contains(&heartbeat_secs) {
            return Err(AppError::Invalid("心跳间隔应为 10 到 3600 秒".into()));
        }
        let (lon, lat) = intake_point(Some(r.lat), Some(r.lon), r.coord.as_deref())?
            .ok_or_else(|| AppError::Invalid("请提供报警点的经纬度".into()))?;
        let grid = self
            .cases()
            .intake_place(Some((lon, lat)), None, None)
            .await?;
        self.authorize(actor, Capability::ManageVideo, Some(&grid))?;
        if let Some(place_id) = r.place_id {
            let user = actor
                .user
                .as_ref()
                .ok_or(AppError::Unauthenticated("请先登录"))?;
            // The place must be one the installer may open.
            self.registry().place(user, place_id).await?;
        }
        // 32 random bytes as 64 hex digits: what the installer types into the device.
        let key = pingan_crypto::random_token()?;
        let id = self
            .store
            .insert_alarm_point(&NewAlarmPoint {
                code: code.into(),
                name: name.into(),
                kind: kind.as_str().into(),
                org_code: grid.as_str().into(),
                place_id: r.place_id,
                lon,
                lat,
                address: address.map(str::to_owned),
                key_sealed: self.cipher.seal(KEY_FIELD, &key)?,
                heartbeat_secs,
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict(format!("设备编号 {code} 已登记")),
                e => e.into(),
            })?;
        self.audit(
            actor,
            "alarm_point.create",
            &format!("alarm_point:{id}"),
            "ok",
            json!({"code": code, "name": name, "kind": kind.as_str(), "grid": grid.as_str()}),
        )
        .await?;
        let record = self
            .store
            .alarm_point(id)
            .await?
            .ok_or_else(|| AppError::Internal("刚登记的报警点读不到".into()))?;
        Ok(RegisteredAlarmPoint {
            point: view(record),
            key,
        })
    }

    /// The points of the user's area (or of `org` within it), with their online rate.
    pub async fn points(self, actor: &Actor, org: Option<&str>) -> Result<AlarmPointsView> {
        self.authorize(actor, Capability::ViewCases, None)?;
        let refusal = "报警点由综治中心查看，部门账号请在事件中办理";
        let user = self.hub_user(actor, refusal)?;
        let area = self.hub_area(user, org, refusal)?;
        let points: Vec<AlarmPointView> = self
            .store
            .alarm_points_under(area.as_str())
            .await?
            .into_iter()
            .map(view)
            .collect();
        let on = points.iter().filter(|p| p.online).count();
        Ok(AlarmPointsView {
            total: points.len(),
            online: on,
            online_rate: (!points.is_empty())
                .then(|| (on as f64 * 1000.0 / points.len() as f64).round() / 10.0),
            points,
        })
    }
}

pub(super) fn view(r: AlarmPointRecord) -> AlarmPointView {
    let kind = AlarmPointKind::parse(&r.kind);
    AlarmPointView {
        online: online(r.last_seen_at, r.heartbeat_secs, Utc::now()),
        kind_label: kind.map_or_else(|| r.kind.clone(), |k| k.label().into()),
        id: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        org_code: r.org_code,
        place_id: r.place_id,
        lat: r.lat,
        lon: r.lon,
        address: r.address,
        heartbeat_secs: r.heartbeat_secs,
        last_seen_at: r.last_seen_at,
    }
}
