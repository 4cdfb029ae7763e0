//! 工单受理 — a 12345 order taken in as an event (idempotent on its 工单编号), one at a time over
//! the API or many from an .xlsx, and an order's state with its reports back.

use super::{
    HotlineImportReport, HotlineOrder, HotlineOrderView, HotlineOutcome, HotlineReportView,
};
use crate::cases::{EventIntake, case_number};
use crate::{Actor, AppError, RejectedCell, Result};
use pingan_domain::case::event::EVENT;
use pingan_domain::hotline::{Report, check_order_no};
use pingan_office::sheet::{Cell, read_import};
use serde_json::json;

/// The sealed column of an order's caller (also the associated data of its ciphertext).
pub(crate) const CALLER_FIELD: &str = "hotline_orders.caller_sealed";
/// The most orders one .xlsx may hold.
pub const MAX_ORDER_ROWS: usize = 5000;

const ORDER_NO: &str = "工单编号";
const CATEGORY: &str = "事件类别";
const TITLE: &str = "标题";
const CONTENT: &str = "诉求内容";
const ADDRESS: &str = "地址";
const GRID: &str = "所属网格";
const CALLER: &str = "来电人";
const PHONE: &str = "来电号码";

impl crate::services::Hotline<'_> {
    /// Takes in one order as an event of the channel 12345 转办; an order taken in before
    /// answers its event.
    pub async fn take_order(self, actor: &Actor, o: &HotlineOrder) -> Result<HotlineOutcome> {
        let order_no = o.order_no.trim();
        check_order_no(order_no).map_err(AppError::Invalid)?;
        let content = o.content.trim();
        if content.chars().count() < 2 {
            return Err(AppError::Invalid("诉求内容 content 不能为空".into()));
        }
        let title = match o.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => t.to_owned(),
            None => content.chars().take(30).collect(),
        };
        let caller = self.seal_caller(o)?;
        let intake = EventIntake {
            client_id: format!("h12345-{order_no}"),
            channel: "hotline_12345".into(),
            category: o.category.clone(),
            title,
            description: content.into(),
            lat: o.lat,
            lon: o.lon,
            coord: o.coord.clone(),
            address: o.address.clone(),
            grid_code: o.grid_code.clone(),
            self_resolved: false,
        };
        let outcome = self
            .cases()
            .report_event(actor, &intake)
            .await
            .map_err(|e| match e {
                // The order's client id belongs to another account's event: say it in 12345's
                // terms, and nothing of that event.
                AppError::Conflict(_) => AppError::Conflict(format!(
                    "12345 工单 {order_no} 已由其他账号转入，同一工单只受理一次"
                )),
                e => e,
            })?;
        if outcome.created {
            let event = &outcome.event;
            let payload = payload(order_no, Report::Received, event, None, None);
            self.store
                .insert_hotline_order(
                    event.id,
                    order_no,
                    caller.as_deref(),
                    o.due_at,
                    Report::Received.as_str(),
                    &payload,
                )
                .await?;
        }
        Ok(HotlineOutcome {
            order_no: order_no.into(),
            event: outcome.event,
            created: outcome.created,
        })
    }

    /// The caller's name and number, checked and sealed; none when neither was given.
    fn seal_caller(self, o: &HotlineOrder) -> Result<Option<Vec<u8>>> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (name, phone) = (text(&o.caller_name), text(&o.caller_phone));
        if name.as_deref().is_some_and(|n| n.chars().count() > 50) {
            return Err(AppError::Invalid(
                "来电人 caller_name 不能超过 50 字".into(),
            ));
        }
        if phone.as_deref().is_some_and(|p| {
            p.len() > 20
                || !p
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
        }) {
            return Err(AppError::Invalid(
                "来电号码 caller_phone 应为不超过 20 位的数字（可含 - 或 +）".into(),
            ));
        }
        if name.is_none() && phone.is_none() {
            return Ok(None);
        }
        let plain = json!({"name": name, "phone": phone}).to_string();
        Ok(Some(self.cipher.seal(CALLER_FIELD, &plain)?))
    }

    /// The caller of the order an event was made from, masked, with its 工单编号, for the hub's
    /// case page: `工单 GD… · 张* 138****8000`.
    pub(crate) async fn masked_caller(self, case_id: i64) -> Result<Option<String>> {
        let Some((order_no, sealed)) = self.store.hotline_order(case_id).await? else {
            return Ok(None);
        };
        let mut parts = vec![format!("12345 工单 {order_no}")];
        if let Some(sealed) = sealed {
            let plain = self.cipher.open(CALLER_FIELD, &sealed)?;
            let c: serde_json::Value = serde_json::from_str(&plain)
                .map_err(|e| AppError::Internal(format!("来电人信息无法读取：{e}")))?;
            if let Some(n) = c.get("name").and_then(|v| v.as_str()) {
                parts.push(pingan_domain::identity::mask_name(n));
            }
            if let Some(p) = c.get("phone").and_then(|v| v.as_str()) {
                parts.push(pingan_domain::identity::mask_phone(p));
            }
        }
        Ok(Some(parts.join("，")))
    }

    /// Takes in the orders of an .xlsx (columns 工单编号, 事件类别, 标题, 诉求内容, 地址, 所属网格,
    /// 来电人, 来电号码): each row its own order; every refused row is named with the reason.
    pub async fn import_orders(self, actor: &Actor, bytes: &[u8]) -> Result<HotlineImportReport> {
        self.authorize(actor, pingan_domain::Capability::ReportEvents, None)?;
        let known = [
            (ORDER_NO, true),
            (CATEGORY, true),
            (TITLE, false),
            (CONTENT, true),
            (ADDRESS, true),
            (GRID, true),
            (CALLER, false),
            (PHONE, false),
        ];
        let (columns, rows) = read_import(bytes, MAX_ORDER_ROWS, &known).await?;
        let mut report = HotlineImportReport {
            created: 0,
            existing: 0,
            rejected: Vec::new(),
        };
        for (i, row) in rows.iter().enumerate() {
            let text = |h: &str| match columns.cell(row, h) {
                Cell::Empty => None,
                c => Some(c.text().trim().to_owned()).filter(|t| !t.is_empty()),
            };
            let order = HotlineOrder {
                order_no: text(ORDER_NO).unwrap_or_default(),
                category: text(CATEGORY).unwrap_or_default(),
                title: text(TITLE),
                content: text(CONTENT).unwrap_or_default(),
                address: text(ADDRESS),
                grid_code: text(GRID),
                caller_name: text(CALLER),
                caller_phone: text(PHONE),
                ..HotlineOrder::default()
            };
            match self.take_order(actor, &order).await {
                Ok(o) if o.created => report.created += 1,
                Ok(_) => report.existing += 1,
                Err(e) => report.rejected.push(RejectedCell {
                    row: i + 2,
                    column: ORDER_NO.into(),
                    value: order.order_no.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        Ok(report)
    }

    /// An order by its 工单编号: its event (as its GET shows it to the asker) and its reports back.
    pub async fn order(self, actor: &Actor, order_no: &str) -> Result<HotlineOrderView> {
        let not_found = || {
            AppError::NotFound(format!(
                "没有工单 {}，或不在您的范围内",
                order_no.chars().take(40).collect::<String>()
            ))
        };
        let id = self
            .store
            .hotline_case(order_no.trim())
            .await?
            .ok_or_else(not_found)?;
        let detail = self
            .cases()
            .event_detail(actor, id)
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => not_found(),
                e => e,
            })?;
        let reports = self
            .store
            .hotline_reports(id)
            .await?
            .into_iter()
            .map(|r| HotlineReportView {
                label: Report::parse(&r.kind).map_or_else(|| r.kind.clone(), |k| k.label().into()),
                status: if r.sent_at.is_some() {
                    "sent"
                } else if r.failed_at.is_some() {
                    "failed"
                } else {
                    "waiting"
                }
                .into(),
                kind: r.kind,
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
                sent_at: r.sent_at,
            })
            .collect();
        Ok(HotlineOrderView {
            order_no: order_no.trim().into(),
            event: detail.event,
            reports,
        })
    }
}

/// The JSON a report back carries.
pub(super) fn payload(
    order_no: &str,
    kind: Report,
    e: &crate::EventView,
    result: Option<&str>,
    rating: Option<&str>,
) -> String {
    let rating_label = rating
        .and_then(pingan_domain::case::Rating::parse)
        .map(|r| r.label());
    json!({
        "order_no": order_no,
        "report": kind.as_str(),
        "label": kind.label(),
        "event_number": case_number(&EVENT, e.id, e.created_at),
        "state": e.state,
        "state_label": e.state_label,
        "result": result,
        "rating": rating,
        "rating_label": rating_label,
        "at": pingan_domain::time::in_shanghai(e.updated_at)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    })
    .to_string()
}
