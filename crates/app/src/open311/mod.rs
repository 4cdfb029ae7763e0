//! Open311 — the Open311 GeoReport v2 interface (开放接口): the event categories and the services
//! of the catalogue offered as services, requests taken in as events of the `open311` channel (or
//! as applications, for a service of the catalogue) and followed as they are worked, and the
//! integrators' keys. Formats (JSON, XML) are the web layer's; this module gives
//! the values.
//!
//! Who sees what: the list of services is public. A request is created only with an integrator's
//! `api_key` (an API token of an account with the 群众 role, `pingan open311 key add`). Reads need
//! no key, as the specification says, and so answer only requests that came in through Open311,
//! and of those only the status (service, state, times, the department on it): the description,
//! the place and the media URL go only to the integrator that sent the request, and the
//! reporter's name, phone and e-mail are sealed and never answered at all.

mod applications;
mod keys;
mod requests;
mod services;

pub use keys::Open311Key;
pub(crate) use requests::CONTACT_FIELD;

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The longest `description` the specification allows; Pingan's events take 2,000 characters.
const MAX_DESCRIPTION_CHARS: usize = 4000;
/// The most requests one `GET /requests` answers (the specification's default volume).
pub const MAX_REQUESTS: i64 = 1000;
/// The widest window of `GET /requests`, in days.
pub const MAX_WINDOW_DAYS: i64 = 90;

/// 服务 — an event category offered as an Open311 service.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Service {
    pub code: String,
    pub name: String,
    pub description: String,
    /// The category's parent (大类) or, for a top category, its family (综治, GB/T 30428).
    pub group: String,
    pub keywords: String,
}

/// 服务属性 — a question of a service's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Attribute {
    pub code: &'static str,
    /// `string` or `singlevaluelist`.
    pub datatype: &'static str,
    pub required: bool,
    pub datatype_description: &'static str,
    pub order: u32,
    pub description: &'static str,
    /// (key, name) of a list's values.
    pub values: &'static [(&'static str, &'static str)],
}

/// A `POST /requests` as the integrator sent it (form fields, `attribute[CODE]` gathered).
#[derive(Debug, Clone, Default)]
pub struct Open311Form {
    pub service_code: String,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub attributes: BTreeMap<String, Vec<String>>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    /// Photos uploaded with a multipart POST (`media`), kept as the event's 处置前 photos.
    pub media: Vec<crate::PhotoUpload>,
}

/// The answer to a created request.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Created {
    /// The event's number, e.g. `SJ20261207000042`.
    pub service_request_id: String,
    pub service_notice: String,
    pub account_id: Option<String>,
}

/// 服务请求 — a request as `GET /requests` answers it. The fields in [`Open311Details`] are
/// there only for the integrator that sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Request {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    /// The state in Chinese (e.g. 处置中).
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub agency_responsible: Option<String>,
    pub requested_datetime: DateTime<Utc>,
    pub updated_datetime: DateTime<Utc>,
    /// The current step's deadline, while open.
    pub expected_datetime: Option<DateTime<Utc>>,
    pub details: Option<Open311Details>,
}

/// What only the sending integrator reads of its request.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Details {
    pub description: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

/// The filters of `GET /requests` as given (strings, checked here).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Open311Query {
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}
