//! Open311 服务请求 — a `POST /requests` taken in as an event of the `open311` channel, and the
//! reads that follow it (`GET /requests`, `/requests/{id}`).

use super::applications::is_application;
use super::services::clip;
use super::{
    MAX_DESCRIPTION_CHARS, MAX_REQUESTS, MAX_WINDOW_DAYS, Open311Created, Open311Details,
    Open311Form, Open311Query, Open311Request,
};
use crate::cases::{EventIntake, case_number, parse_case_ref};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{DateTime, Duration, Utc};
use pingan_domain::case::application::APPLICATION;
use pingan_domain::case::event::EVENT;
use pingan_domain::identity::{mask_name, mask_phone};
use pingan_domain::{OrgCode, Scope};
use pingan_store::{ApplicationRecord, NewOpen311Request, Open311Filter, Open311Record};
use serde_json::json;

/// The sealed column of a request's contact (also the associated data of its ciphertext).
pub(crate) const CONTACT_FIELD: &str = "open311_requests.contact_sealed";
/// The most photos one request may upload.
pub(super) const MAX_MEDIA: usize = 9;
/// The most ids one `service_request_id` list may name.
const MAX_IDS: usize = 50;

impl crate::services::Open311<'_> {
    /// Takes in a request from the integrator behind `actor` as an event.
    pub async fn create_request(self, actor: &Actor, f: &Open311Form) -> Result<Open311Created> {
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("api_key 无效或缺失"))?;
        if let Some(item) = self.catalogue_item(f.service_code.trim()).await? {
            return self.create_application_request(actor, user, f, &item).await;
        }
        let service = self.service(f.service_code.trim()).await?;
        let text = |v: &Option<String>, name: &str, max: usize| -> Result<Option<String>> {
            let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty());
            match v {
                Some(v) if v.chars().count() > max => {
                    Err(AppError::Invalid(format!("{name} 不能超过 {max} 个字符")))
                }
                v => Ok(v.map(str::to_owned)),
            }
        };
        let description = text(&f.description, "description", MAX_DESCRIPTION_CHARS)?;
        let address = text(&f.address_string, "address_string", 200)?;
        let media_url = text(&f.media_url, "media_url", 500)?;
        if let Some(u) = &media_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(AppError::Invalid(
                "media_url 应为 http:// 或 https:// 开头的地址".into(),
            ));
        }
        let attribute = |code: &str, max: usize| -> Result<Option<String>> {
            let v = f.attributes.get(code).and_then(|v| v.first()).cloned();
            text(&v, &format!("attribute[{code}]"), max)
        };
        let point = |v: &Option<String>, name: &str| -> Result<Option<f64>> {
            text(v, name, 32)?
                .map(|v| {
                    v.parse::<f64>()
                        .map_err(|_| AppError::Invalid(format!("{name} 应为数字（十进制度）")))
                })
                .transpose()
        };
        let (lat, lon) = (point(&f.lat, "lat")?, point(&f.long, "long")?);
        if lat.is_none() && lon.is_none() && address.is_none() {
            return Err(AppError::Invalid(
                if text(&f.address_id, "address_id", 64)?.is_some() {
                    "本系统没有 address_id 地址库：请提供 lat/long，或 address_string 加 attribute[grid_code]".into()
                } else {
                    "lat/long, address_string or address_id required（请提供经纬度 lat/long，或地址 address_string 加 attribute[grid_code]）".into()
                },
            ));
        }
        let contact = self.contact(f)?;
        let account_id = text(&f.account_id, "account_id", 64)?;
        // Checked before the event exists, so that a bad photo refuses the whole request.
        if f.media.len() > MAX_MEDIA {
            return Err(AppError::Invalid(format!("media 最多 {MAX_MEDIA} 张照片")));
        }
        if let Some(m) = f
            .media
            .iter()
            .find(|m| crate::cases::sniff(&m.bytes).is_none())
        {
            return Err(AppError::Invalid(format!(
                "media 中的 {} 不是 JPEG、PNG 或 WebP 照片",
                clip(&m.file_name)
            )));
        }
        let title = match attribute("title", 100)? {
            Some(t) => t,
            None => description
                .as_deref()
                .map(|d| d.chars().take(30).collect::<String>())
                .filter(|t| t.chars().count() >= 2)
                .unwrap_or_else(|| service.name.clone()),
        };
        let intake = EventIntake {
            client_id: format!(
                "o311-{}",
                pingan_crypto::random_token()?.get(..32).unwrap_or_default()
            ),
            channel: "open311".into(),
            category: service.code.clone(),
            title,
            description: description.unwrap_or_default(),
            lat,
            lon,
            coord: attribute("coord", 10)?,
            address,
            grid_code: attribute("grid_code", 20)?,
            self_resolved: false,
        };
        let outcome = self.cases().report_event(actor, &intake).await?;
        let event = outcome.event;
        self.store
            .insert_open311_request(&NewOpen311Request {
                case_id: event.id,
                integrator_id: user.id,
                media_url,
                contact_sealed: contact,
                account_id: account_id.clone(),
                device_id: text(&f.device_id, "device_id", 64)?,
            })
            .await?;
        if !f.media.is_empty() {
            self.cases()
                .add_photos(actor, event.id, "before", f.media.clone())
                .await?;
        }
        Ok(Open311Created {
            service_notice: format!(
                "已受理，事件编号 {}，处置时限 {}，可凭编号查询办理进度",
                event.number, event.handling_limit
            ),
            service_request_id: event.number,
            account_id,
        })
    }

    /// The reporter's name, phone and e-mail, checked and sealed; none when none was given.
    pub(super) fn contact(self, f: &Open311Form) -> Result<Option<Vec<u8>>> {
        let fields = [
            ("first_name", &f.first_name, 50),
            ("last_name", &f.last_name, 50),
            ("phone", &f.phone, 30),
            ("email", &f.email, 100),
        ];
        let mut contact = serde_json::Map::new();
        for (name, value, max) in fields {
            let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            if v.chars().count() > max {
                return Err(AppError::Invalid(format!("{name} 不能超过 {max} 个字符")));
            }
            contact.insert(name.into(), json!(v));
        }
        if contact.is_empty() {
            return Ok(None);
        }
        let plain = serde_json::Value::Object(contact).to_string();
        Ok(Some(self.cipher.seal(CONTACT_FIELD, &plain)?))
    }

    /// Requests that came in through Open311, by the filters of `GET /requests`: the ids in
    /// `service_request_id` (which overrides all others), or those received in the window
    /// (the last 90 days by default), of the services and status asked, newest first.
    pub async fn requests(
        self,
        reader: Option<&CurrentUser>,
        q: &Open311Query,
    ) -> Result<Vec<Open311Request>> {
        let names = self.service_names().await?;
        if let Some(ids) = text(&q.service_request_id) {
            let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
            if ids.len() > MAX_IDS {
                return Err(AppError::Invalid(format!(
                    "service_request_id 一次最多 {MAX_IDS} 个"
                )));
            }
            let mut out = Vec::new();
            for id in ids {
                if is_application(id) {
                    out.extend(self.application_request(reader, id, &district()?).await?);
                } else if let Some(r) = self.record(id).await? {
                    out.push(request_view(r, reader, &names));
                }
            }
            return Ok(out);
        }
        let now = Utc::now();
        let start = text(&q.start_date)
            .map(|d| w3c(d, "start_date"))
            .transpose()?;
        let end = text(&q.end_date).map(|d| w3c(d, "end_date")).transpose()?;
        let window = Duration::days(MAX_WINDOW_DAYS);
        let (from, to) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, (s + window).min(now + Duration::seconds(1))),
            (None, Some(e)) => (e - window, e),
            (None, None) => (
                now + Duration::seconds(1) - window,
                now + Duration::seconds(1),
            ),
        };
        if to <= from {
            return Err(AppError::Invalid("end_date 应晚于 start_date".into()));
        }
        if to - from > window {
            return Err(AppError::Invalid(format!(
                "start_date 到 end_date 不能超过 {MAX_WINDOW_DAYS} 天"
            )));
        }
        let open = match text(&q.status).map(|s| {
            let mut s: Vec<&str> = s.split(',').map(str::trim).collect();
            s.sort_unstable();
            s.dedup();
            s
        }) {
            None => None,
            Some(s) if s == ["open"] => Some(true),
            Some(s) if s == ["closed"] => Some(false),
            Some(s) if s == ["closed", "open"] => None,
            Some(_) => {
                return Err(AppError::Invalid(
                    "status 应为 open、closed，或以逗号分隔的二者".into(),
                ));
            }
        };
        let codes = text(&q.service_code)
            .map(|c| {
                let codes: Vec<&str> = c.split(',').map(str::trim).collect();
                if codes.len() > MAX_IDS
                    || codes
                        .iter()
                        .any(|c| c.is_empty() || !c.bytes().all(|b| b.is_ascii_alphanumeric()))
                {
                    return Err(AppError::Invalid(format!(
                        "service_code 应为以逗号分隔的服务代码（字母和数字，最多 {MAX_IDS} 个）"
                    )));
                }
                Ok(codes.join(","))
            })
            .transpose()?;
        let number = |v: &Option<String>, name: &str, max: i64| -> Result<Option<i64>> {
            text(v)
                .map(|v| {
                    v.parse::<i64>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .ok_or_else(|| {
                            AppError::Invalid(format!("{name} 应为 1 到 {max} 之间的整数"))
                        })
                })
                .transpose()
        };
        let page_size = number(&q.page_size, "page_size", MAX_REQUESTS)?.unwrap_or(MAX_REQUESTS);
        let page = number(&q.page, "page", 1_000_000)?.unwrap_or(1);
        let filter = Open311Filter {
            from,
            to,
            open,
            codes,
        };
        // Events and applications, each newest first, merged by number order: a page is the
        // same slice of the one list however the two are mixed.
        let offset = (page - 1) * page_size;
        let district = district()?;
        let events = self
            .store
            .open311_requests(&district, &filter, 0, offset + page_size)
            .await?;
        let applications = self
            .store
            .open311_applications(
                &district,
                filter.from,
                filter.to,
                filter.open,
                filter.codes.as_deref(),
                offset + page_size,
            )
            .await?;
        let units = self.units().await?;
        let mut all: Vec<(i64, Open311Request)> = events
            .into_iter()
            .map(|r| (r.event.case.id, request_view(r, reader, &names)))
            .chain(applications.into_iter().map(|(r, integrator)| {
                (
                    r.case.id,
                    view_of_application(r, integrator, reader, &units),
                )
            }))
            .collect();
        all.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
        Ok(all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page_size).unwrap_or(0))
            .map(|(_, v)| v)
            .collect())
    }

    /// One request by its number (`SJ20261207000042`); 404 for any other event.
    pub async fn request(self, reader: Option<&CurrentUser>, id: &str) -> Result<Open311Request> {
        let names = self.service_names().await?;
        let found = if is_application(id) {
            self.application_request(reader, id, &district()?).await?
        } else {
            self.record(id)
                .await?
                .map(|r| request_view(r, reader, &names))
        };
        found.ok_or_else(|| {
            AppError::NotFound(format!(
                "service_request_id {} not found（没有这个服务请求）",
                clip(id)
            ))
        })
    }

    /// The Open311 request with this number, if there is one (the number must name its day too).
    async fn record(self, number: &str) -> Result<Option<Open311Record>> {
        let Some(id) = parse_case_ref(number).filter(|_| number.starts_with(EVENT.number_prefix))
        else {
            return Ok(None);
        };
        Ok(self
            .store
            .open311_request(id, &district()?)
            .await?
            .filter(|r| case_number(&EVENT, id, r.event.case.created_at) == number))
    }

    /// Category names by code, retired ones too (a request keeps its service's name).
    async fn service_names(self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self
            .cases()
            .category_records()
            .await?
            .iter()
            .map(|c| (c.code.clone(), c.name.clone()))
            .collect())
    }

    /// The reporter's contact of an Open311 event, masked, for the hub's case page.
    pub(crate) async fn masked_contact(self, case_id: i64) -> Result<Option<String>> {
        let Some(sealed) = self.store.open311_contact(case_id).await? else {
            return Ok(None);
        };
        let plain = self.cipher.open(CONTACT_FIELD, &sealed)?;
        let c: serde_json::Value = serde_json::from_str(&plain)
            .map_err(|e| AppError::Internal(format!("Open311 联系方式无法读取：{e}")))?;
        let field = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        let name = format!("{}{}", field("last_name"), field("first_name"));
        let parts: Vec<String> = [
            (!name.is_empty()).then(|| mask_name(&name)),
            (!field("phone").is_empty()).then(|| mask_phone(field("phone"))),
            (!field("email").is_empty()).then(|| mask_email(field("email"))),
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(Some(parts.join("，")))
    }
}

/// The whole district: reads of Open311 requests are not bound to a reader's scope (they are
/// public), only to the deployment's district.
fn district() -> Result<Scope> {
    OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map(Scope::org)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A W3C datetime with its zone (`2010-01-01T00:00:00Z`, `…+08:00`).
fn w3c(s: &str, name: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.to_utc())
        .map_err(|_| {
            AppError::Invalid(format!(
                "{name} 应为带时区的时间，如 2026-12-01T00:00:00+08:00 或 2026-12-01T00:00:00Z"
            ))
        })
}

/// A query value, trimmed; empty is absent (the specification's rule).
pub(super) fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `z***@example.com`.
fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((user, host)) => format!("{}***@{host}", user.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

/// An application that came in through Open311, as `GET /requests` answers it: its state, the
/// unit that decides it, its step deadline; the note only to the integrator that sent it.
pub(super) fn view_of_application(
    r: ApplicationRecord,
    integrator_id: i64,
    reader: Option<&CurrentUser>,
    units: &std::collections::HashMap<String, String>,
) -> Open311Request {
    let (c, d) = (r.case, r.detail);
    let open = c.core.open();
    let sender = reader.is_some_and(|u| u.id == integrator_id);
    Open311Request {
        service_request_id: case_number(&APPLICATION, c.id, c.created_at),
        status: if open { "open" } else { "closed" },
        status_notes: c.core.state.label.to_owned(),
        service_name: d.service_name,
        agency_responsible: units.get(&d.service_code).cloned(),
        service_code: d.service_code,
        requested_datetime: c.created_at,
        updated_datetime: c.updated_at,
        expected_datetime: c.core.clock.filter(|_| open).map(|t| t.deadline),
        details: sender.then_some(Open311Details {
            description: d.note,
            address: None,
            lat: None,
            long: None,
            media_url: None,
        }),
    }
}

fn request_view(
    r: Open311Record,
    reader: Option<&CurrentUser>,
    names: &std::collections::HashMap<String, String>,
) -> Open311Request {
    let (c, d) = (r.event.case, r.event.detail);
    let open = c.core.open();
    let sender = reader.is_some_and(|u| u.id == r.integrator_id);
    Open311Request {
        service_request_id: case_number(&EVENT, c.id, c.created_at),
        status: if open { "open" } else { "closed" },
        status_notes: c.core.state.label.to_owned(),
        service_name: names
            .get(&d.category_code)
            .cloned()
            .unwrap_or_else(|| d.category_code.clone()),
        service_code: d.category_code,
        agency_responsible: r.agency,
        requested_datetime: c.created_at,
        updated_datetime: c.updated_at,
        expected_datetime: c.core.clock.filter(|_| open).map(|t| t.deadline),
        details: sender.then_some(Open311Details {
            description: d.description,
            address: d.address,
            lat: d.lat,
            long: d.lon,
            media_url: r.media_url,
        }),
    }
}
