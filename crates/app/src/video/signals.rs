//! 设备上报 — what devices tell the hub beyond liveness: alarms, which become events of the case
//! engine (channel 视频告警) at the camera's place when they concern what a camera saw, and a line
//! in the camera's log when they concern the equipment; the DeviceInfo and DeviceStatus answers;
//! and the queries a user sends a device on demand.

use super::registry::ChannelView;
use crate::{Actor, AppError, CurrentUser, EventIntake, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use pingan_domain::{Capability, Role};
use pingan_gb28181::DeviceId;
use pingan_gb28181::manscdp::{Alarm, DeviceInfo, DeviceStatus};
use pingan_gb28181::server::Query;
use pingan_gb28181::transport::{Command, Commander};
use pingan_store::NewUser;

/// The account video alarms are reported under: disabled, it can never sign in.
const ALARM_REPORTER: &str = "system-gb28181";

/// Alarms of the same camera and kind within this many minutes make one event.
const ALARM_WINDOW_MINUTES: i64 = 10;

/// The event category of video alarms: 治安隐患 (the hub's operator reclassifies if need be).
const ALARM_CATEGORY: &str = "ZZ02";

/// A device's last answer to a DeviceStatus query.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StatusReport {
    pub online: bool,
    pub working: bool,
    pub encoding: Option<bool>,
    pub recording: Option<bool>,
    /// The device's own clock, as it wrote it.
    pub device_time: Option<String>,
    pub at: DateTime<Utc>,
}

impl StatusReport {
    /// In words: `在线，工作正常，编码中，未录像`.
    pub fn summary(&self) -> String {
        let mut parts = vec![
            if self.online { "在线" } else { "离线" },
            if self.working {
                "工作正常"
            } else {
                "工作异常"
            },
        ];
        match self.encoding {
            Some(true) => parts.push("编码中"),
            Some(false) => parts.push("未编码"),
            None => {}
        }
        match self.recording {
            Some(true) => parts.push("录像中"),
            Some(false) => parts.push("未录像"),
            None => {}
        }
        parts.join("，")
    }
}

/// The instant an alarm names (Beijing time without a zone), else now.
fn alarm_time(alarm: &Alarm) -> DateTime<Utc> {
    alarm
        .time
        .as_deref()
        .and_then(|t| NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%dT%H:%M:%S").ok())
        .map_or_else(Utc::now, |t| t.and_utc() - chrono::Duration::hours(8))
}

impl crate::services::Video<'_> {
    /// Keeps the on-demand query handle of this instance's signalling server.
    pub fn set_sip_commander(self, commander: Commander) {
        let _ = self.sip.set(commander);
    }

    /// Sends a device a query now (目录、设备信息、设备状态); its answer arrives by itself.
    pub async fn query_device(self, user: &CurrentUser, device_id: &str, what: &str) -> Result<()> {
        self.authorize_user(user, Capability::ManageVideo)?;
        let query = Query::parse(what).ok_or_else(|| {
            AppError::Invalid("查询类型应为 catalog、device_info 或 device_status".into())
        })?;
        let page = self.device_page(user, device_id).await?;
        if !page.device.online {
            return Err(AppError::Conflict(format!(
                "设备 {device_id} 离线，无法查询：请待其重新注册后再试"
            )));
        }
        let commander = self.sip.get().ok_or_else(|| {
            AppError::Conflict(
                "本实例未启动 GB/T 28181 信令服务（--sip-listen），无法向设备发送查询".into(),
            )
        })?;
        let device = DeviceId::parse(device_id)
            .map_err(|e| AppError::Invalid(format!("设备编码无效：{e}")))?;
        let fallback = page
            .device
            .remote_addr
            .as_deref()
            .and_then(|a| a.parse().ok());
        if !commander.send(Command {
            device,
            query,
            fallback,
        }) {
            return Err(AppError::Conflict("信令服务已停止".into()));
        }
        self.audit(
            &Actor::user(user.clone(), None),
            "video.query",
            &format!("device:{device_id}"),
            "ok",
            serde_json::json!({ "query": what }),
        )
        .await
    }

    /// A device's last DeviceStatus answer.
    pub async fn device_status_report(self, device_id: &str) -> Result<Option<StatusReport>> {
        Ok(self
            .store
            .device_status_report(device_id)
            .await?
            .and_then(|(json, _)| serde_json::from_str(&json).ok()))
    }

    pub(super) async fn record_device_info(
        self,
        device: &DeviceId,
        info: DeviceInfo,
    ) -> Result<()> {
        Ok(self
            .store
            .set_device_info(
                device.as_str(),
                info.name.as_deref(),
                info.manufacturer.as_deref(),
                info.model.as_deref(),
                info.firmware.as_deref(),
            )
            .await?)
    }

    pub(super) async fn record_device_status(
        self,
        device: &DeviceId,
        status: DeviceStatus,
    ) -> Result<()> {
        let report = StatusReport {
            online: status.online,
            working: status.working,
            encoding: status.encoding,
            recording: status.recording,
            device_time: status.device_time,
            at: pingan_domain::audit::to_micros(Utc::now()),
        };
        let json = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(self
            .store
            .set_device_status_report(device.as_str(), &json, report.at)
            .await?)
    }

    /// 报警 → 事件: an alarm about what a camera saw becomes an event at the camera's place
    /// (one per camera and kind in ten minutes); an equipment alarm goes into the camera's log.
    /// Returns the event's id, if one was made or found.
    pub(super) async fn record_alarm(self, device: &DeviceId, alarm: Alarm) -> Result<Option<i64>> {
        let at = alarm_time(&alarm);
        let camera: Option<ChannelView> = self
            .store
            .channel_row(&alarm.source_id)
            .await?
            .filter(|c| c.device_id == device.as_str())
            .map(Into::into);
        let what = alarm.label();
        if !alarm.is_incident() {
            if let Some(c) = &camera {
                self.store
                    .log_channel(&c.channel_id, &format!("报警：{what}"), at, "alarm")
                    .await?;
            }
            return Ok(None);
        }
        let reporter = self.alarm_reporter().await?;
        let (lon, lat) = match &camera {
            Some(c) => (c.lon, c.lat),
            None => (alarm.longitude, alarm.latitude),
        };
        let place = camera
            .as_ref()
            .map_or_else(|| format!("设备 {device}"), |c| c.name.clone());
        let priority = alarm
            .priority
            .map(|p| {
                format!(
                    "{}级警情，",
                    ["一", "二", "三", "四"]
                        .get(usize::from(p).wrapping_sub(1))
                        .unwrap_or(&"")
                )
            })
            .unwrap_or_default();
        let intake = EventIntake {
            client_id: format!(
                "gb-{}-{}-{}",
                alarm.source_id,
                alarm.alarm_type.unwrap_or(0),
                at.timestamp() / 60 / ALARM_WINDOW_MINUTES
            ),
            channel: "video".into(),
            category: ALARM_CATEGORY.into(),
            title: format!("视频告警：{what}（{place}）")
                .chars()
                .take(100)
                .collect(),
            description: format!(
                "{priority}{}报警时间 {}，报警源 {}，设备 {device}。",
                alarm
                    .description
                    .as_deref()
                    .map(|d| format!("{d}。"))
                    .unwrap_or_default(),
                pingan_domain::time::format_minute(at),
                alarm.source_id
            ),
            lat,
            lon,
            address: camera
                .as_ref()
                .and_then(|c| c.address.clone())
                .or_else(|| Some(place.clone())),
            grid_code: camera.as_ref().and_then(|c| c.grid_code.clone()),
            ..Default::default()
        };
        let outcome = self.cases().report_event(&reporter, &intake).await?;
        if outcome.created {
            // The hub's pages sound it like a one-button alarm.
            let notice = crate::cases::AlarmNotice {
                point_id: None,
                point_name: place,
                kind_label: "视频告警".into(),
                signal_label: what.clone(),
                lat: outcome.event.lat,
                lon: outcome.event.lon,
                address: outcome.event.address.clone(),
            };
            self.cases()
                .publish_alarm(&outcome.event, "alarm", Some(notice));
        }
        Ok(Some(outcome.event.id))
    }

    /// The disabled system account alarms are reported under, created the first time.
    async fn alarm_reporter(self) -> Result<Actor> {
        let record = match self.store.user_by_username(ALARM_REPORTER).await? {
            Some(r) => r,
            None => {
                let root = self
                    .store
                    .org_children(None)
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(|| {
                        AppError::Conflict("尚未建立组织架构，无法接收视频告警".into())
                    })?;
                self.store
                    .insert_users(&[NewUser {
                        username: ALARM_REPORTER.into(),
                        display_name: "视频告警（系统）".into(),
                        org_code: root.code,
                        department_id: None,
                        role: Role::Operator.as_str().into(),
                        // Not a password hash: no password can match it.
                        password_hash: "!disabled".into(),
                        must_change_password: false,
                        phone: None,
                    }])
                    .await?;
                let r = self
                    .store
                    .user_by_username(ALARM_REPORTER)
                    .await?
                    .ok_or_else(|| AppError::Internal("无法建立视频告警账号".into()))?;
                self.store.set_disabled(r.id, true).await?;
                r
            }
        };
        let mut user = self.access().current_user(record)?;
        user.setup = None;
        Ok(Actor::user(user, Some("GB/T 28181".into())))
    }
}
