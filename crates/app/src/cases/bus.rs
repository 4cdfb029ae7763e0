//! 实时推送 — the in-process bus that carries case changes to stream clients, bridged between
//! instances through PostgreSQL's LISTEN/NOTIFY.

use crate::CurrentUser;
use chrono::{DateTime, Utc};
use pingan_domain::OrgCode;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

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
}

impl CaseChange {
    /// Whether `user` may see this change: the case lies in their area, or (department users)
    /// their department is on it.
    pub fn visible_to(&self, user: &CurrentUser) -> bool {
        match user.department_id {
            Some(d) => self.departments.contains(&d),
            None => OrgCode::parse(&self.org_code).is_ok_and(|c| c.is_within(&user.org_code)),
        }
    }
}

/// The bus: every subscriber sees every change and filters by its own scope.
#[derive(Debug, Clone)]
pub(crate) struct CaseBus {
    tx: broadcast::Sender<CaseChange>,
    /// This instance's name on the bus.
    pub(crate) origin: String,
}

impl CaseBus {
    pub(crate) fn new() -> Self {
        let (tx, _) = broadcast::channel(4096);
        let origin = pingan_crypto::random_token().map_or_else(
            |_| format!("pid{}", std::process::id()),
            |t| t.chars().take(12).collect(),
        );
        Self { tx, origin }
    }

    pub(crate) fn send(&self, change: CaseChange) {
        // No subscriber is not an error.
        let _ = self.tx.send(change);
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<CaseChange> {
        self.tx.subscribe()
    }
}
