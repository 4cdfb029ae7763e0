//! 报警信号 — a device's signed call: checked (timestamp within the skew, a nonce never used,
//! HMAC-SM3 under the point's key over the timestamp, nonce, method, path and body), then a
//! heartbeat marks the point heard and an alarm becomes a 突发事件 at the point, pushed to the
//! hub's pages at once. Refusals are logged with the point and the reason.

use super::KEY_FIELD;
use crate::cases::{AlarmNotice, Received, Receiver, Taken};
use crate::{AppError, Result};
use chrono::{Duration, Utc};
use pingan_domain::OrgCode;
use pingan_domain::alarm::{
    AlarmPointKind, AlarmSignal, MAX_CLOCK_SKEW_SECS, check_nonce, check_timestamp, signed_message,
};
use pingan_domain::case::event::Channel;
use pingan_store::AlarmPointRecord;
use serde::{Deserialize, Serialize};

/// The category an alarm is taken in as: 突发事件, the shortest limit (2 urgent hours).
const ALARM_CATEGORY: &str = "ZZ07";
/// The largest body a device may send.
pub const MAX_SIGNAL_BYTES: usize = 4096;

/// A device's call as it came: the signature headers and what they sign.
#[derive(Debug, Clone)]
pub struct SignedCall<'a> {
    /// `X-Pingan-Timestamp`: Unix seconds.
    pub timestamp: &'a str,
    /// `X-Pingan-Nonce`.
    pub nonce: &'a str,
    /// `X-Pingan-Signature`: hex HMAC-SM3.
    pub signature: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub body: &'a [u8],
    /// Where it came from, for the log.
    pub source: Option<&'a str>,
}

/// 报警内容 — the body of an alarm call.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AlarmBody {
    /// `button` (一键报警), `door_forced`, `door_held`, `listed_card` or `tamper`.
    pub signal: String,
    /// What the device adds, e.g. the card number or the door's name (at most 200 characters).
    #[serde(default)]
    pub detail: Option<String>,
}

/// What a signal did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SignalOutcome {
    /// The event an alarm made (its number), none for a heartbeat.
    pub event_id: Option<i64>,
    pub event_number: Option<String>,
}

impl crate::services::Alarms<'_> {
    /// A heartbeat: the point is heard.
    pub async fn heartbeat(self, point_id: i64, call: &SignedCall<'_>) -> Result<SignalOutcome> {
        let point = self.verified(point_id, call).await?;
        self.store.touch_alarm_point(point.id, Utc::now()).await?;
        Ok(SignalOutcome {
            event_id: None,
            event_number: None,
        })
    }

    /// An alarm: a 突发事件 at the point, on the hub's pages at once.
    pub async fn alarm(self, point_id: i64, call: &SignedCall<'_>) -> Result<SignalOutcome> {
        let point = self.verified(point_id, call).await?;
        let now = Utc::now();
        self.store.touch_alarm_point(point.id, now).await?;
        let body: AlarmBody = serde_json::from_slice(call.body).map_err(|e| {
            AppError::Invalid(format!(
                "报警内容应为 JSON，如 {{\"signal\":\"button\"}}：{e}"
            ))
        })?;
        let kind = AlarmPointKind::parse(&point.kind)
            .ok_or_else(|| AppError::Internal(format!("报警点类型 {} 未知", point.kind)))?;
        let signal = AlarmSignal::parse(body.signal.trim())
            .filter(|s| kind.signals().contains(s))
            .ok_or_else(|| {
                let names: Vec<&str> = kind.signals().iter().map(|s| s.as_str()).collect();
                AppError::Invalid(format!(
                    "{} 的信号 signal 应为 {} 之一",
                    kind.label(),
                    names.join("、")
                ))
            })?;
        let detail = body
            .detail
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        if detail.is_some_and(|d| d.chars().count() > 200) {
            return Err(AppError::Invalid("detail 不能超过 200 字".into()));
        }
        let category = self.cases().category(ALARM_CATEGORY).await?;
        let place =
            OrgCode::parse(&point.org_code).map_err(|e| AppError::Internal(e.to_string()))?;
        let title = format!("{}：{}", signal.label(), point.name);
        let description = [
            Some(format!(
                "{}“{}”（编号 {}）",
                kind.label(),
                point.name,
                point.code
            )),
            detail.map(|d| format!("设备报告：{d}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("；");
        let received = Received {
            client_id: format!("alarm-{}-{}", point.id, call.nonce),
            channel: Channel::Alarm,
            category,
            title: title.chars().take(100).collect(),
            description,
            point: Some((point.lon, point.lat)),
            place,
            address: point.address.clone(),
            self_resolved: false,
        };
        let event = match self
            .cases()
            .receive(Receiver::Device(&point.name), received)
            .await?
        {
            Taken::New(e) => *e,
            Taken::Existing(id) => {
                return Err(AppError::Conflict(format!(
                    "此报警已受理为事件 {id}，请勿重发同一 nonce"
                )));
            }
        };
        let notice = AlarmNotice {
            point_id: Some(point.id),
            point_name: point.name.clone(),
            kind_label: kind.label().into(),
            signal_label: signal.label().into(),
            lat: Some(point.lat),
            lon: Some(point.lon),
            address: point.address.clone(),
        };
        self.cases().publish_alarm(&event, "report", Some(notice));
        tracing::info!(
            point = point.id,
            event = event.id,
            signal = signal.as_str(),
            "报警已受理"
        );
        Ok(SignalOutcome {
            event_id: Some(event.id),
            event_number: Some(event.number),
        })
    }

    /// The point that signed this call, or the refusal (logged with its reason).
    async fn verified(self, point_id: i64, call: &SignedCall<'_>) -> Result<AlarmPointRecord> {
        let log = |reason: &str| {
            tracing::warn!(
                point = point_id,
                source = call.source,
                "报警点请求被拒绝：{reason}"
            );
        };
        let refuse = |reason: String| {
            log(&reason);
            AppError::Unauthenticated("签名无效、已过期或重复：请检查设备密钥、时钟与 nonce")
        };
        let now = Utc::now();
        let at = check_timestamp(call.timestamp, now).map_err(|e| {
            let reason = e.to_string();
            log(&reason);
            AppError::Invalid(reason)
        })?;
        check_nonce(call.nonce).map_err(|e| AppError::Invalid(e.to_string()))?;
        let Some(point) = self.store.alarm_point(point_id).await? else {
            return Err(refuse("报警点不存在".into()));
        };
        let key = pingan_crypto::hex32(&self.cipher.open(KEY_FIELD, &point.key_sealed)?)
            .ok_or_else(|| AppError::Internal("报警点密钥已损坏".into()))?;
        let message = signed_message(
            call.timestamp,
            call.nonce,
            call.method,
            call.path,
            call.body,
        );
        if !pingan_crypto::hmac_sm3_verify(&key, &message, call.signature.trim()) {
            return Err(refuse("签名不符".into()));
        }
        let forget = now - Duration::seconds(2 * MAX_CLOCK_SKEW_SECS);
        if !self
            .store
            .take_alarm_nonce(point.id, call.nonce, at, forget)
            .await?
        {
            return Err(refuse(format!("nonce {} 已用过（重放）", call.nonce)));
        }
        Ok(point)
    }
}
