//! 事件受理 — taking an event in from any channel (idempotent on the client's id), placing it on
//! a grid, routing it to its hub, starting its clock, and suggesting duplicates.

use super::view::EventView;
use super::{DuplicateHint, EventIntake, IntakeOutcome, check_client_id};
use crate::cases::{case_number, parse_org};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{Duration, Utc};
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::event::{Channel, EVENT, initial_state};
use pingan_domain::case::{CaseCore, TimeLimit};
use pingan_domain::text::Bigrams;
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_geo::coord::{degrees_around, distance_m, gcj02_to_wgs84};
use pingan_store::{
    CaseRecord, CategoryRecord, DuplicateCandidate, EventDetail, EventInsert, EventRecord,
    Inserted, NewTimelineEntry,
};

/// How far apart two reports of the same category may be to count as possible duplicates.
const DUPLICATE_RADIUS_M: f64 = 250.0;
/// How far back duplicates are looked for.
const DUPLICATE_DAYS: i64 = 7;
/// Texts at least this alike (bigram Jaccard) are suggested as duplicates.
const DUPLICATE_SIMILARITY: f64 = 0.5;

impl crate::services::Cases<'_> {
    /// Takes in one event. Idempotent on `client_id`.
    pub async fn report_event(self, actor: &Actor, intake: &EventIntake) -> Result<IntakeOutcome> {
        self.authorize(actor, Capability::ReportEvents, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        check_client_id(&intake.client_id)?;
        let channel = Channel::parse(intake.channel.trim()).ok_or_else(|| {
            AppError::Invalid(format!("来源渠道 channel 应为 {} 之一", Channel::names()))
        })?;
        let category = self.category(intake.category.trim()).await?;
        let title = intake.title.trim();
        let title_len = title.chars().count();
        if !(2..=100).contains(&title_len) {
            return Err(AppError::Invalid("标题应为 2 到 100 个字".into()));
        }
        let description = intake.description.trim();
        if description.chars().count() > 2000 {
            return Err(AppError::Invalid("事件描述不能超过 2000 字".into()));
        }
        let address = intake
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if address.is_some_and(|a| a.chars().count() > 200) {
            return Err(AppError::Invalid("地址不能超过 200 字".into()));
        }
        if intake.self_resolved && !user.can(Capability::GridWork) {
            return Err(AppError::Invalid(
                "只有网格员可以上报“已自行处置”的事件".into(),
            ));
        }
        let point = intake_point(intake.lat, intake.lon, intake.coord.as_deref())?;
        let place = self
            .intake_place(point, intake.grid_code.as_deref(), address)
            .await?;
        self.authorize(actor, Capability::ReportEvents, Some(&place))?;

        let received = Received {
            client_id: intake.client_id.clone(),
            channel,
            category,
            title: title.into(),
            description: description.into(),
            point,
            place,
            address: address.map(str::to_owned),
            self_resolved: intake.self_resolved,
        };
        let event = match self.receive(Receiver::User(user), received).await? {
            Taken::New(event) => *event,
            Taken::Existing(id) => return self.existing_intake(user, id).await,
        };
        self.publish(
            &event,
            if intake.self_resolved {
                "report_resolved"
            } else {
                "report"
            },
        );
        let duplicates = self.duplicates_of(actor, &event).await?;
        Ok(IntakeOutcome {
            event,
            created: true,
            duplicates,
        })
    }

    /// Writes a checked intake from any channel: routes it to its hub, starts its clock and
    /// stores the event with its first timeline entry (through the intake queue). The caller
    /// tells the stream.
    pub(crate) async fn receive(self, by: Receiver<'_>, r: Received) -> Result<Taken> {
        let station = match by {
            Receiver::User(user) => receiving_station(user, &r.place),
            Receiver::Device(_) => None,
        };
        let route = self.route(&r.category, &r.place, station).await?;
        let now = pingan_domain::audit::to_micros(Utc::now());
        let calendar = self.org().work_calendar().await?;
        let handling = TimeLimit::new(
            u32::try_from(r.category.handling_amount).unwrap_or(1),
            TimeUnit::parse(&r.category.handling_unit).unwrap_or(TimeUnit::WorkDays),
        );
        let core = CaseCore::received(
            &EVENT,
            initial_state(r.self_resolved),
            route.owner_org.clone(),
            handling,
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("事件的初始状态未定义".into()))?;
        let (reporter_id, actor_name, actor_org) = match by {
            Receiver::User(u) => (
                Some(u.id),
                u.display_name.clone(),
                Some(u.org_code.as_str().to_owned()),
            ),
            Receiver::Device(name) => (None, name.to_owned(), None),
        };
        let mut case = CaseRecord {
            id: 0,
            title: r.title,
            org_code: r.place.as_str().into(),
            category: r.category.code.clone(),
            reporter_id,
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        let detail = EventDetail {
            client_id: r.client_id,
            channel: r.channel.as_str().into(),
            category_code: r.category.code.clone(),
            description: r.description,
            lon: r.point.map(|p| p.0),
            lat: r.point.map(|p| p.1),
            address: r.address,
            self_resolved: r.self_resolved,
        };
        let entry = NewTimelineEntry {
            at: now,
            action: if r.self_resolved {
                "report_resolved"
            } else {
                "report"
            }
            .into(),
            actor_id: reporter_id,
            actor_name,
            actor_org,
            from_state: None,
            to_state: case.core.state.key.into(),
            comment: None,
            detail: serde_json::json!({"channel": r.channel.as_str()}).to_string(),
        };
        let insert = EventInsert {
            case: case.clone(),
            detail: detail.clone(),
            entry,
        };
        match self.intake.write(insert).await? {
            Inserted::New(id) => {
                case.id = id;
                Ok(Taken::New(Box::new(EventView::new(
                    EventRecord { case, detail },
                    Vec::new(),
                ))))
            }
            Inserted::Existing(id) => Ok(Taken::Existing(id)),
        }
    }

    /// The event an earlier intake with the same `client_id` made — only to its author: an
    /// idempotency key is the reporter's own, and another's reuse is a 409 that reveals nothing.
    async fn existing_intake(self, user: &crate::CurrentUser, id: i64) -> Result<IntakeOutcome> {
        let mine = self
            .store
            .event(id, &user.scope())
            .await?
            .filter(|r| r.case.reporter_id == Some(user.id));
        let Some(r) = mine else {
            return Err(AppError::Conflict(
                "此 client_id 已被另一个事件使用，请为每次上报生成新的 client_id".into(),
            ));
        };
        let departments = self.store.case_departments(id).await?;
        Ok(IntakeOutcome {
            event: EventView::new(r, departments.iter().map(|d| d.department_id).collect()),
            created: false,
            duplicates: Vec::new(),
        })
    }

    /// Where an intake lies: the grid holding its point, or the grid chosen by hand.
    pub(crate) async fn intake_place(
        self,
        point: Option<(f64, f64)>,
        grid_code: Option<&str>,
        address: Option<&str>,
    ) -> Result<OrgCode> {
        if let Some((lon, lat)) = point {
            let found = self.org().grid_index().locate(lon, lat).map(str::to_owned);
            return match (found, grid_code) {
                (Some(code), _) => parse_org(&code),
                (None, Some(g)) => self.chosen_grid(g).await,
                (None, None) => Err(AppError::Invalid(format!(
                    "位置（纬度 {lat:.6}，经度 {lon:.6}）不在本辖区任何网格内：请核对定位，或手动选择网格"
                ))),
            };
        }
        match (grid_code, address) {
            (Some(g), Some(_)) => self.chosen_grid(g).await,
            (Some(_), None) => Err(AppError::Invalid("没有定位时请填写事发地址".into())),
            (None, _) => Err(AppError::Invalid(
                "请提供事发位置：经纬度 lat/lon，或 事发地址 address 加 所属网格 grid_code".into(),
            )),
        }
    }

    /// A grid chosen by hand: it must exist.
    async fn chosen_grid(self, code: &str) -> Result<OrgCode> {
        let c = OrgCode::parse(code.trim())
            .map_err(|e| AppError::Invalid(format!("网格代码 {code} 无效：{e}")))?;
        if c.level() != OrgLevel::Grid {
            return Err(AppError::Invalid(format!(
                "{code} 不是网格代码（应为 15 位）"
            )));
        }
        if self.store.org_unit(c.as_str()).await?.is_none() {
            return Err(AppError::Invalid(format!("网格 {code} 不存在")));
        }
        Ok(c)
    }

    /// Open events of the same category within 250 m in the last 7 days, and the latest open
    /// events of the same grid with similar text — only those the reporter may open, by the very
    /// rule of `GET /api/v1/events/{id}` ([`App::readable_event`]): the store reads candidates
    /// with the reader's scope and, for those who follow only their own reports, their own.
    async fn duplicates_of(self, actor: &Actor, e: &EventView) -> Result<Vec<DuplicateHint>> {
        let (user, own_only) = self.case_reader(actor)?;
        let since = e.created_at - Duration::days(DUPLICATE_DAYS);
        let text = format!("{}{}", e.title, e.description);
        let scope = user.scope();
        let point = e.lat.zip(e.lon);
        let bbox = point.map(|(lat, lon)| {
            let (dlon, dlat) = degrees_around(lat, DUPLICATE_RADIUS_M);
            ((lon - dlon, lon + dlon), (lat - dlat, lat + dlat))
        });
        let candidates = self
            .store
            .duplicate_candidates(
                &scope,
                own_only.then_some(user.id),
                &e.category_code,
                bbox,
                &e.org_code,
                since,
            )
            .await?;
        let mut hints: Vec<DuplicateHint> = Vec::new();
        let mine = Bigrams::new(&text);
        for r in &candidates {
            if r.id == e.id || hints.iter().any(|h| h.id == r.id) {
                continue;
            }
            let near = match (point, r.lat.zip(r.lon)) {
                (Some((lat, lon)), Some((la, lo))) if r.category_code == e.category_code => {
                    Some(distance_m((lon, lat), (lo, la))).filter(|d| *d <= DUPLICATE_RADIUS_M)
                }
                _ => None,
            };
            if near.is_none() && r.org_code != e.org_code {
                continue;
            }
            let s = mine.similarity(&Bigrams::new(&format!("{}{}", r.title, r.description)));
            if near.is_some() || s >= DUPLICATE_SIMILARITY {
                hints.push(hint(r, near, s));
            }
        }
        hints.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        hints.truncate(10);
        Ok(hints)
    }
}

fn hint(r: &DuplicateCandidate, distance_m: Option<f64>, similarity: f64) -> DuplicateHint {
    DuplicateHint {
        id: r.id,
        number: case_number(&EVENT, r.id, r.created_at),
        title: r.title.clone(),
        state_label: EVENT.state_label(&r.state).into(),
        distance_m: distance_m.map(|d| d.round()),
        similarity: (similarity * 100.0).round() / 100.0,
    }
}

/// Who takes an event in: an account, or a device (an alarm point) by its name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Receiver<'a> {
    User(&'a CurrentUser),
    Device(&'a str),
}

/// An intake checked and placed, ready to be written.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub client_id: String,
    pub channel: Channel,
    pub category: CategoryRecord,
    pub title: String,
    pub description: String,
    /// WGS-84 (lon, lat).
    pub point: Option<(f64, f64)>,
    pub place: OrgCode,
    pub address: Option<String>,
    pub self_resolved: bool,
}

/// What became of an intake.
#[derive(Debug, Clone)]
pub(crate) enum Taken {
    New(Box<EventView>),
    /// Its client id made this event before.
    Existing(i64),
}

/// The village station (村（社区）综治服务站) at whose counter `user` takes in an event at
/// `place`: a hub worker of a village reporting within it.
pub(crate) fn receiving_station<'a>(user: &'a CurrentUser, place: &OrgCode) -> Option<&'a OrgCode> {
    (user.can(Capability::HubWork)
        && user.department_id.is_none()
        && user.org_code.level() == OrgLevel::Village
        && place.is_within(&user.org_code))
    .then_some(&user.org_code)
}

/// The WGS-84 point of an intake (`lon`, `lat`), converted from GCJ-02 when `coord` says so.
pub(crate) fn intake_point(
    lat: Option<f64>,
    lon: Option<f64>,
    coord: Option<&str>,
) -> Result<Option<(f64, f64)>> {
    let (lat, lon) = match (lat, lon) {
        (Some(lat), Some(lon)) => (lat, lon),
        (None, None) => return Ok(None),
        _ => {
            return Err(AppError::Invalid(
                "经纬度 lat 和 lon 要么都填，要么都不填".into(),
            ));
        }
    };
    if !lat.is_finite()
        || !(-90.0..=90.0).contains(&lat)
        || !lon.is_finite()
        || !(-180.0..=180.0).contains(&lon)
    {
        return Err(AppError::Invalid(
            "经纬度超出范围：纬度 lat 在 -90 到 90 之间，经度 lon 在 -180 到 180 之间".into(),
        ));
    }
    match coord.map(str::trim) {
        None | Some("" | "wgs84" | "WGS84" | "WGS-84") => Ok(Some((lon, lat))),
        Some("gcj02" | "GCJ02" | "GCJ-02") => Ok(Some(gcj02_to_wgs84(lon, lat))),
        Some(other) => Err(AppError::Invalid(format!(
            "坐标系 coord 应为 wgs84 或 gcj02，收到 {other}"
        ))),
    }
}
