//! 事件受理 — taking an event in from any channel (idempotent on the client's id), placing it on
//! a grid, routing it, starting its clock, and suggesting duplicates; the event lists and the
//! case page.

use super::view::{
    ActionView, CaseDepartmentView, CategoryView, EventDetailView, EventView, TimelineView,
};
use super::{ActionRequest, case_number, parties};
use crate::{Actor, App, AppError, CurrentUser, Result};
use chrono::{Duration, Utc};
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::event::{Channel, EVENT, initial_state};
use pingan_domain::case::{CaseCore, Target, TimeLimit};
use pingan_domain::text::Bigrams;
use pingan_domain::text::filter_text;
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_geo::coord::{degrees_around, distance_m, gcj02_to_wgs84};
use pingan_store::{
    CaseFilter, CaseRecord, CategoryRecord, DuplicateCandidate, EventDetail, EventInsert,
    EventRecord, Inserted, NewTimelineEntry,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How far apart two reports of the same category may be to count as possible duplicates.
const DUPLICATE_RADIUS_M: f64 = 250.0;
/// How far back duplicates are looked for.
const DUPLICATE_DAYS: i64 = 7;
/// Texts at least this alike (bigram Jaccard) are suggested as duplicates.
const DUPLICATE_SIMILARITY: f64 = 0.5;

/// 事件上报 — an event as a client sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventIntake {
    /// The client's own id for this report (8–64 letters, digits, `-` or `_`). Sending the same
    /// id again returns the event it made instead of a second one.
    pub client_id: String,
    /// `grid_worker`, `citizen`, `hotline_12345`, `video`, `alarm`, `department` or `police_110`.
    pub channel: String,
    /// A category code (`ZZ02`) or its Chinese name (`治安隐患`).
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The coordinate system of `lat`/`lon`: `wgs84` (GPS, the default) or `gcj02` (AMap,
    /// Tencent maps), which is converted.
    pub coord: Option<String>,
    /// Address text; required when no point is given.
    pub address: Option<String>,
    /// The grid, chosen by hand when there is no point.
    pub grid_code: Option<String>,
    /// Fixed on the spot by the reporting grid worker (自行处置): goes straight to 核查.
    #[serde(default)]
    pub self_resolved: bool,
}

/// 疑似重复 — an open event that may report the same thing.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DuplicateHint {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub state_label: String,
    /// Metres between the two points, when both have one.
    pub distance_m: Option<f64>,
    /// How alike the texts are (0–1).
    pub similarity: f64,
}

/// The answer to an intake.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IntakeOutcome {
    #[serde(flatten)]
    pub event: EventView,
    /// False when the client id had been used already and this is the event it made.
    pub created: bool,
    pub duplicates: Vec<DuplicateHint>,
}

/// Filters of an event list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct EventListQuery {
    /// A state key, e.g. `registered`.
    pub state: Option<String>,
    /// `true`: only open events; `false`: only finished ones.
    pub open: Option<bool>,
    /// `normal`, `yellow` or `red`.
    pub alert: Option<String>,
    /// Category code or prefix (`ZZ03` includes its 小类).
    pub category: Option<String>,
    /// An org code within your scope (a township, village or grid).
    pub area: Option<String>,
    /// Text in the title, or a case number (`SJ20261128000042`).
    pub q: Option<String>,
    pub channel: Option<String>,
    /// `true`: only the events you reported.
    pub mine: Option<bool>,
    /// Cursor: only events with a smaller id (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub items: Vec<EventView>,
    /// Pass as `before` for the next page; none on the last page.
    pub next_before: Option<i64>,
}

impl App {
    /// Takes in one event. Idempotent on `client_id`.
    pub async fn report_event(&self, actor: &Actor, intake: &EventIntake) -> Result<IntakeOutcome> {
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
        let point = self.intake_point(intake)?;
        let place = self
            .intake_place(point, intake.grid_code.as_deref(), address)
            .await?;
        self.authorize(actor, Capability::ReportEvents, Some(&place))?;

        let route = self
            .route(&category, &place, receiving_station(user, &place))
            .await?;
        let now = pingan_domain::audit::to_micros(Utc::now());
        let calendar = self.work_calendar().await?;
        let handling = TimeLimit::new(
            u32::try_from(category.handling_amount).unwrap_or(1),
            TimeUnit::parse(&category.handling_unit).unwrap_or(TimeUnit::WorkDays),
        );
        let core = CaseCore::received(
            &EVENT,
            initial_state(intake.self_resolved),
            route.owner_org.clone(),
            handling,
            now,
            &calendar,
        )
        .ok_or_else(|| AppError::Internal("事件的初始状态未定义".into()))?;
        let mut case = CaseRecord {
            id: 0,
            title: title.into(),
            org_code: place.as_str().into(),
            reporter_id: Some(user.id),
            version: 1,
            created_at: now,
            updated_at: now,
            core,
        };
        let detail = EventDetail {
            client_id: intake.client_id.clone(),
            channel: channel.as_str().into(),
            category_code: category.code.clone(),
            description: description.into(),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            address: address.map(str::to_owned),
            self_resolved: intake.self_resolved,
        };
        let entry = NewTimelineEntry {
            at: now,
            action: if intake.self_resolved {
                "report_resolved"
            } else {
                "report"
            }
            .into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: None,
            to_state: case.core.state.key.into(),
            comment: None,
            detail: serde_json::json!({"channel": channel.as_str()}).to_string(),
        };
        let insert = EventInsert {
            case: case.clone(),
            detail: detail.clone(),
            entry: entry.clone(),
        };
        let id = match self.intake.write(insert).await? {
            Inserted::New(id) => id,
            Inserted::Existing(id) => return self.existing_intake(user, id).await,
        };
        case.id = id;
        let event = EventView::new(EventRecord { case, detail }, Vec::new());
        self.publish(&event, &entry.action);
        let duplicates = self.duplicates_of(actor, &event).await?;
        Ok(IntakeOutcome {
            event,
            created: true,
            duplicates,
        })
    }

    /// The event an earlier intake with the same `client_id` made — only to its author: an
    /// idempotency key is the reporter's own, and another's reuse is a 409 that reveals nothing.
    async fn existing_intake(&self, user: &crate::CurrentUser, id: i64) -> Result<IntakeOutcome> {
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

    /// The WGS-84 point of an intake, converted from GCJ-02 when so marked.
    fn intake_point(&self, intake: &EventIntake) -> Result<Option<(f64, f64)>> {
        let (lat, lon) = match (intake.lat, intake.lon) {
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
        match intake.coord.as_deref().map(str::trim) {
            None | Some("" | "wgs84" | "WGS84" | "WGS-84") => Ok(Some((lon, lat))),
            Some("gcj02" | "GCJ02" | "GCJ-02") => Ok(Some(gcj02_to_wgs84(lon, lat))),
            Some(other) => Err(AppError::Invalid(format!(
                "坐标系 coord 应为 wgs84 或 gcj02，收到 {other}"
            ))),
        }
    }

    /// Where an intake lies: the grid holding its point, or the grid chosen by hand.
    async fn intake_place(
        &self,
        point: Option<(f64, f64)>,
        grid_code: Option<&str>,
        address: Option<&str>,
    ) -> Result<OrgCode> {
        if let Some((lon, lat)) = point {
            let found = self.grid_index().locate(lon, lat).map(str::to_owned);
            return match (found, grid_code) {
                (Some(code), _) => super::parse_org(&code),
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
    async fn chosen_grid(&self, code: &str) -> Result<OrgCode> {
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
    async fn duplicates_of(&self, actor: &Actor, e: &EventView) -> Result<Vec<DuplicateHint>> {
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

    /// Events in the user's scope, newest first.
    pub async fn events(&self, actor: &Actor, q: &EventListQuery) -> Result<EventPage> {
        let (user, own_only) = self.case_reader(actor)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        // Text that is a case number (SJ…) finds that case; anything else searches titles.
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let text = text.as_deref();
        let number = text
            .filter(|t| t.starts_with(EVENT.number_prefix))
            .and_then(super::parse_case_ref);
        let filter = CaseFilter {
            state: q.state.clone().filter(|s| !s.is_empty()),
            open: q.open,
            alert: q.alert.clone().filter(|s| !s.is_empty()),
            category: filter_text(q.category.as_deref(), "category").map_err(AppError::Invalid)?,
            area: filter_text(q.area.as_deref(), "area").map_err(AppError::Invalid)?,
            text: text.filter(|_| number.is_none()).map(str::to_owned),
            id: number,
            channel: q.channel.clone().filter(|s| !s.is_empty()),
            reporter_id: (own_only || q.mine.unwrap_or(false)).then_some(user.id),
            before_id: q.before,
        };
        let rows = self.store.events(&user.scope(), &filter, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        let ids = (
            rows.last().map_or(0, |r| r.case.id),
            rows.first().map_or(0, |r| r.case.id),
        );
        let links = if rows.is_empty() {
            Vec::new()
        } else {
            self.store.departments_of_cases(ids).await?
        };
        let items = rows
            .into_iter()
            // A case number names the day of receipt too: SJ20200101000042 is not case 42 of today.
            .filter(|r| {
                number.is_none()
                    || text
                        == Some(super::case_number(&EVENT, r.case.id, r.case.created_at).as_str())
            })
            .map(|r| {
                let id = r.case.id;
                let deps = links
                    .iter()
                    .filter(|(c, _, _)| *c == id)
                    .map(|(_, d, _)| *d)
                    .collect();
                EventView::new(r, deps)
            })
            .collect();
        Ok(EventPage { items, next_before })
    }

    /// Takes one action on an event the user can see — the engine decides, applies and writes
    /// it ([`App::take_action`]) — and tells the stream.
    pub async fn act_on_event(
        &self,
        actor: &Actor,
        id: i64,
        req: &ActionRequest,
    ) -> Result<EventView> {
        let (user, record) = self.readable_event(actor, id).await?;
        let acted = self.take_action(actor, user, record.case, req).await?;
        let view = EventView::new(
            EventRecord {
                case: acted.case,
                detail: record.detail,
            },
            acted.department_ids,
        );
        self.publish(&view, acted.action.key);
        Ok(view)
    }

    /// The case page of one event: the event, its departments, timeline and the user's actions.
    pub async fn event_detail(&self, actor: &Actor, id: i64) -> Result<EventDetailView> {
        let (user, r) = self.readable_event(actor, id).await?;
        let departments = self.store.case_departments(id).await?;
        let timeline = self.store.timeline(id).await?;
        // The first step forward from here names who the case waits for.
        let waiting_for = EVENT
            .actions
            .iter()
            .find(|a| a.from.contains(&r.case.core.state.key) && matches!(a.to, Target::State(_)))
            .map(|a| {
                let who: Vec<&str> = a.by.iter().map(|p| p.label()).collect();
                format!("等待{}{}", who.join("或"), a.label)
            });
        let actions = EVENT
            .available(&r.case.core.facts(), &parties(user, &r.case)?)
            .into_iter()
            .map(ActionView::from)
            .collect();
        let category = self.category_records().await?;
        let category = category.iter().find(|c| c.code == r.detail.category_code);
        let suggested_department_id = match (category, r.case.core.state.key) {
            (Some(c), "registered" | "disputed") => {
                self.route(c, &super::parse_org(&r.case.org_code)?, None)
                    .await?
                    .department_id
            }
            _ => None,
        };
        Ok(EventDetailView {
            category_name: category
                .map_or_else(|| r.detail.category_code.clone(), |c| c.name.clone()),
            event: EventView::new(r, departments.iter().map(|d| d.department_id).collect()),
            departments: departments
                .into_iter()
                .map(|d| CaseDepartmentView {
                    id: d.department_id,
                    name: d.name,
                    lead: d.lead,
                })
                .collect(),
            timeline: timeline.into_iter().map(TimelineView::from).collect(),
            actions,
            suggested_department_id,
            photos: self.photos_of(id).await?,
            waiting_for,
        })
    }

    /// What the report form offers the user: the categories in force and the grids of their
    /// scope (code, name), for choosing by hand when there is no location.
    pub async fn report_options(
        &self,
        actor: &Actor,
    ) -> Result<(Vec<CategoryView>, Vec<(String, String)>)> {
        self.authorize(actor, Capability::ReportEvents, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let categories = self
            .category_records()
            .await?
            .iter()
            .filter(|c| c.retired_at.is_none())
            .map(CategoryView::from)
            .collect();
        let grids = self
            .store
            .org_units_under(user.org_code.as_str())
            .await?
            .into_iter()
            .filter(|u| u.level == OrgLevel::Grid.as_str() && u.retired_at.is_none())
            .map(|u| (u.code, u.name))
            .collect();
        Ok((categories, grids))
    }

    /// The names of the org units in the user's scope by code, for showing where events lie.
    pub async fn place_names(
        &self,
        actor: &Actor,
    ) -> Result<std::collections::HashMap<String, String>> {
        let (user, _) = self.case_reader(actor)?;
        Ok(self
            .store
            .org_units_under(user.scope().prefix())
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect())
    }

    /// The departments the user's hub may dispatch a case to (id, name, kind), the district's
    /// first: its own and those above it (see [`super::routing::reaches`]).
    pub async fn dispatch_departments(&self, actor: &Actor) -> Result<Vec<(i64, String, String)>> {
        let user = self.case_user(actor)?;
        let hub = user.scope().prefix().to_owned();
        let mut list: Vec<_> = self
            .all_departments()
            .await?
            .iter()
            .filter(|d| super::routing::reaches(&hub, &d.org_code))
            .map(|d| (d.org_code.len(), d.id, d.name.clone(), d.kind.clone()))
            .collect();
        list.sort();
        Ok(list
            .into_iter()
            .map(|(_, id, name, kind)| (id, name, kind))
            .collect())
    }

    /// The user's events at a glance: open, yellow, red, and reported today (Beijing time).
    pub async fn event_counts(&self, actor: &Actor) -> Result<pingan_store::EventCounts> {
        let user = self.case_user(actor)?;
        let today = pingan_domain::time::in_shanghai(Utc::now())
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(pingan_domain::time::shanghai())
                    .single()
            })
            .map_or_else(Utc::now, |t| t.to_utc());
        Ok(self.store.event_counts(&user.scope(), today).await?)
    }

    /// The categories in force (and retired ones, marked), for forms and the API.
    pub async fn event_categories(&self) -> Result<Vec<CategoryView>> {
        Ok(self
            .category_records()
            .await?
            .iter()
            .map(CategoryView::from)
            .collect())
    }

    /// Changes a category's handling limit (立结案标准): district commanders only, since the
    /// categories are the whole district's. New events use it; open ones keep the limit they had.
    pub async fn set_category_limit(
        &self,
        actor: &Actor,
        code: &str,
        amount: u32,
        unit: &str,
    ) -> Result<()> {
        let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.authorize(actor, Capability::ManageCaseRules, Some(&district))?;
        let unit = pingan_domain::calendar::TimeUnit::parse(unit).ok_or_else(|| {
            AppError::Invalid(
                "时限单位应为 work_hours、work_days、urgent_hours 或 natural_days".into(),
            )
        })?;
        if !(1..=365).contains(&amount) {
            return Err(AppError::Invalid("时限应为 1 到 365 之间的整数".into()));
        }
        let before = self
            .category_records()
            .await?
            .iter()
            .find(|c| c.code == code)
            .map(|c| format!("{} {}", c.handling_amount, c.handling_unit))
            .ok_or_else(|| AppError::NotFound(format!("事件类别 {code} 不存在")))?;
        self.store
            .set_category_limit(code, i64::from(amount), unit.as_str())
            .await?;
        self.caches.categories.clear();
        self.audit(
            actor,
            "category.limit",
            &format!("category:{code}"),
            "ok",
            serde_json::json!({"before": before, "after": format!("{amount} {}", unit.as_str())}),
        )
        .await
    }

    /// A category in force by code or Chinese name.
    async fn category(&self, code_or_name: &str) -> Result<CategoryRecord> {
        self.category_records()
            .await?
            .iter()
            .find(|c| c.retired_at.is_none() && (c.code == code_or_name || c.name == code_or_name))
            .cloned()
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "事件类别“{code_or_name}”不存在或已停用：请填类别代码（如 ZZ02）或名称（如 治安隐患），可选类别见 /api/v1/event-categories"
                ))
            })
    }

    pub(crate) async fn category_records(&self) -> Result<Arc<Vec<CategoryRecord>>> {
        if let Some(c) = self.caches.categories.get() {
            return Ok(c);
        }
        Ok(self.caches.categories.put(self.store.categories().await?))
    }

    /// Brings the shipped categories into the database (at every start).
    pub(crate) async fn sync_event_categories(&self) -> Result<()> {
        use pingan_domain::case::event::category::{CATEGORIES, VERSION};
        let shipped: Vec<CategoryRecord> = CATEGORIES
            .iter()
            .map(|c| CategoryRecord {
                code: c.code.into(),
                name: c.name.into(),
                parent_code: c.parent.map(Into::into),
                family: c.family.into(),
                handling_amount: i64::from(c.handling.amount),
                handling_unit: c.handling.unit.as_str().into(),
                department_kind: c.department_kind.map(Into::into),
                version: VERSION.into(),
                customized: false,
                retired_at: None,
            })
            .collect();
        self.store.sync_categories(&shipped).await?;
        self.caches.categories.clear();
        Ok(())
    }
}

/// A fresh idempotency key for a report form (clients that report over the API make their own).
pub fn new_client_id() -> Result<String> {
    Ok(format!(
        "web-{}",
        pingan_crypto::random_token()?.get(..32).unwrap_or_default()
    ))
}

pub(crate) fn check_client_id(id: &str) -> Result<()> {
    let ok = (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::Invalid(
            "client_id 应为 8 到 64 位字母、数字、- 或 _（建议每次上报生成一个 UUID）".into(),
        ))
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

/// The village station (村（社区）综治服务站) at whose counter `user` takes in an event at
/// `place`: a hub worker of a village reporting within it.
fn receiving_station<'a>(user: &'a CurrentUser, place: &OrgCode) -> Option<&'a OrgCode> {
    (user.can(Capability::HubWork)
        && user.department_id.is_none()
        && user.org_code.level() == OrgLevel::Village
        && place.is_within(&user.org_code))
    .then_some(&user.org_code)
}
