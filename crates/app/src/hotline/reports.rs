//! 回传 — reports back to 12345: queued when an event made from an order is concluded or rated,
//! sent by whichever instance claims them first, signed when a secret is set, and tried again with
//! growing waits (`domain::hotline::retry_after`) until they get through or are given up.

use super::orders::payload;
use crate::{AppError, EventView, Result};
use chrono::{Duration, Utc};
use pingan_domain::hotline::{MAX_ATTEMPTS, Report, retry_after};
use pingan_store::HotlineTry;

/// Reports sent per round.
const BATCH: i64 = 20;
/// How long a claimed report is this instance's to send.
const CLAIM_SECS: i64 = 60;
/// How long the hotline has to answer one report.
const SEND_TIMEOUT_SECS: u64 = 10;
/// How often the outbox is looked at.
pub(crate) const ROUND_SECS: u64 = 5;

impl crate::services::Hotline<'_> {
    /// Queues what 12345 must hear after an action on an event made from an order: 办结 when it
    /// left the open states (with the action's reason as the result), 回访 when it was rated.
    pub(crate) async fn after_event_action(
        self,
        e: &EventView,
        action: &str,
        reason: Option<&str>,
    ) -> Result<()> {
        if e.channel != pingan_domain::case::event::Channel::Hotline12345.as_str() {
            return Ok(());
        }
        let Some(order_no) = self.store.hotline_order_no(e.id).await? else {
            return Ok(());
        };
        let (kind, result, rating) = if action == "evaluate" {
            (Report::Visited, None, e.rating.clone())
        } else if !e.open {
            // The result is what the case says last: this action's reason, else the last
            // opinion on its timeline (the department's 反馈), else the state.
            let said = match reason {
                Some(r) => Some(r.to_owned()),
                None => self
                    .store
                    .timeline(e.id)
                    .await?
                    .into_iter()
                    .rev()
                    .find_map(|t| t.entry.comment),
            };
            (
                Report::Concluded,
                said.or_else(|| Some(e.state_label.clone())),
                None,
            )
        } else {
            return Ok(());
        };
        let body = payload(&order_no, kind, e, result.as_deref(), rating.as_deref());
        self.store
            .queue_hotline_report(e.id, kind.as_str(), &body)
            .await?;
        Ok(())
    }

    /// Sends the reports due now (none without `[hotline]` configured); returns how many got
    /// through.
    pub async fn send_due_reports(self, client: &reqwest::Client) -> Result<usize> {
        let Some(config) = self.config.hotline.clone() else {
            return Ok(0);
        };
        let now = Utc::now();
        let mut sent = 0;
        for r in self.store.due_hotline_reports(now, BATCH).await? {
            if !self
                .store
                .claim_hotline_report(r.id, now, now + Duration::seconds(CLAIM_SECS))
                .await?
            {
                continue;
            }
            let timestamp = Utc::now().timestamp().to_string();
            let mut req = client
                .post(&config.callback_url)
                .timeout(std::time::Duration::from_secs(SEND_TIMEOUT_SECS))
                .header("content-type", "application/json; charset=utf-8")
                .header("x-pingan-timestamp", &timestamp)
                .body(r.payload.clone());
            if let Some(secret) = &config.secret {
                let key = pingan_crypto::sm3_digest(secret.as_bytes());
                let message = format!("{timestamp}\n{}", r.payload);
                req = req.header(
                    "x-pingan-signature",
                    pingan_crypto::hmac_sm3_hex(&key, message.as_bytes()),
                );
            }
            let error = match req.send().await {
                Ok(res) if res.status().is_success() => None,
                Ok(res) => Some(format!("12345 答复 HTTP {}", res.status().as_u16())),
                Err(e) => Some(format!("无法送达 12345：{e}")),
            };
            let at = Utc::now();
            let outcome = match &error {
                None => {
                    sent += 1;
                    HotlineTry::Sent
                }
                Some(e) if r.attempts + 1 >= MAX_ATTEMPTS => {
                    tracing::error!(report = r.id, case = r.case_id, "12345 回传放弃：{e}");
                    HotlineTry::GiveUp { error: e }
                }
                Some(e) => {
                    tracing::warn!(
                        report = r.id,
                        case = r.case_id,
                        "12345 回传失败，稍后重试：{e}"
                    );
                    HotlineTry::Retry {
                        error: e,
                        next_at: at + retry_after(r.attempts),
                    }
                }
            };
            self.store.record_hotline_try(r.id, at, outcome).await?;
        }
        Ok(sent)
    }

    /// Works through the outbox until the process ends.
    pub async fn run_reports(self) {
        let client = match reqwest::Client::builder().build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("12345 回传无法启动：{e}");
                return;
            }
        };
        loop {
            if let Err(e) = self.send_due_reports(&client).await {
                let e: AppError = e;
                tracing::warn!("12345 回传出错：{e}");
            }
            tokio::time::sleep(std::time::Duration::from_secs(ROUND_SECS)).await;
        }
    }
}
