//! 实时推送 — the in-process bus that carries case changes to stream clients, bridged between
//! instances through PostgreSQL's LISTEN/NOTIFY.

use crate::CurrentUser;
use chrono::{DateTime, Utc};
use pingan_domain::OrgCode;
use pingan_store::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};

/// The NOTIFY channel of case changes.
pub(crate) const CHANNEL: &str = "pingan_cases";

/// 案件动态 — one change of one case, as pushed to stream clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseChange {
    pub case_id: i64,
    pub number: String,
    pub kind: String,
    /// What happened: an action key (`dispatch`, `sign` …), `report`, or `alert_yellow` / `alert_red`.
    pub action: String,
    pub state: String,
    pub state_label: String,
    pub alert: String,
    pub org_code: String,
    /// The departments on the case after the change.
    pub departments: Vec<i64>,
    pub version: i64,
    pub at: DateTime<Utc>,
    /// The instance that made the change (so an instance skips its own notifications).
    #[serde(default)]
    pub origin: String,
    /// Set when the change is a device's alarm (一键报警, 门禁): pages sound it and mark the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarm: Option<AlarmNotice>,
}

/// 报警提示 — what a page shows of an alarm: the point, what it signalled, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlarmNotice {
    /// The alarm point (one-button alarms and door controllers); none for a camera's alarm.
    pub point_id: Option<i64>,
    pub point_name: String,
    /// 校园一键报警, 门禁控制器 …
    pub kind_label: String,
    /// 一键报警, 门被强行打开 …
    pub signal_label: String,
    /// Where it is (WGS-84), when known.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
}

impl CaseChange {
    /// Whether `user` may see this change: the case lies in their area, or (department users)
    /// their department is on it.
    pub fn visible_to(&self, user: &CurrentUser) -> bool {
        visible(user, &self.org_code, &self.departments)
    }
}

/// Whether a case lying at `org_code` with these departments on it is in `user`'s sight: in
/// their area, or (department users) with their department on it. Citizens' own reports are
/// checked where they are read.
pub(crate) fn visible(user: &CurrentUser, org_code: &str, departments: &[i64]) -> bool {
    match user.department_id {
        Some(d) => departments.contains(&d),
        None => OrgCode::parse(org_code).is_ok_and(|c| c.is_within(&user.org_code)),
    }
}

/// The bus: every subscriber sees every change and filters by its own scope. On PostgreSQL each
/// change is also queued for the other instances, and a task sends what has queued in one NOTIFY
/// statement: one transaction for many changes instead of one each.
#[derive(Debug, Clone)]
pub(crate) struct CaseBus {
    tx: broadcast::Sender<CaseChange>,
    /// This instance's name on the bus.
    pub(crate) origin: String,
    outbound: Option<mpsc::UnboundedSender<String>>,
}

/// The most changes sent in one NOTIFY statement.
const MAX_NOTIFY_BATCH: usize = 256;

impl CaseBus {
    pub(crate) fn new(store: &Store) -> Self {
        let (tx, _) = broadcast::channel(4096);
        let origin = pingan_crypto::random_token().map_or_else(
            |_| format!("pid{}", std::process::id()),
            |t| t.chars().take(12).collect(),
        );
        let outbound = store.can_notify().then(|| {
            let (out, rx) = mpsc::unbounded_channel();
            tokio::spawn(notify_batches(store.clone(), rx));
            out
        });
        Self {
            tx,
            origin,
            outbound,
        }
    }

    /// Hands a change made here to this instance's subscribers and to the other instances.
    pub(crate) fn publish(&self, change: CaseChange) {
        if let Some(out) = &self.outbound
            && let Ok(payload) = serde_json::to_string(&change)
        {
            let _ = out.send(payload);
        }
        self.send(change);
    }

    /// Hands a change to this instance's subscribers only.
    pub(crate) fn send(&self, change: CaseChange) {
        // No subscriber is not an error.
        let _ = self.tx.send(change);
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<CaseChange> {
        self.tx.subscribe()
    }
}

async fn notify_batches(store: Store, mut rx: mpsc::UnboundedReceiver<String>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_NOTIFY_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        if let Err(e) = store.notify(CHANNEL, &batch).await {
            tracing::warn!(
                "无法通知其他实例（{} 条动态；本实例的推送不受影响）: {e}",
                batch.len()
            );
        }
    }
}
