//! `/api/v1/events` — event intake, lists, the case record and actions; the categories and
//! routing rules behind them; `/api/v1/stream`, the live feed of case changes.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use futures_util::Stream;
use pingan_app::{
    ActionRequest, CategoryView, DisputeConversion, EventDetailView, EventIntake, EventListQuery,
    EventPage, EventView, IntakeOutcome, NewRoutingRule, PhotoView, RoutingRuleView,
};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", post(create).get(list))
        .route("/api/v1/events/{id}", get(show))
        .route("/api/v1/events/{id}/actions", post(act))
        .route(
            "/api/v1/events/{id}/photos",
            crate::router::with_uploads(post(add_photos), crate::router::Upload::Photos),
        )
        .route("/api/v1/events/{id}/photos/{photo_id}", get(photo))
        .route("/api/v1/event-categories", get(categories))
        .route("/api/v1/event-categories/{code}", put(set_limit))
        .route("/api/v1/routing-rules", get(rules).post(add_rule))
        .route("/api/v1/routing-rules/{id}", delete(delete_rule))
        .route("/api/v1/stream", get(stream))
}

/// Takes in an event. Sending the same `client_id` again answers 200 with the event it made.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventIntake,
    security(("bearer" = [])),
    responses((status = 201, description = "新事件", body = IntakeOutcome),
        (status = 200, description = "client_id 已用过：返回它生成的事件", body = IntakeOutcome),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "client_id 属于别人的事件", body = Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<EventIntake>,
) -> Result<(StatusCode, Json<IntakeOutcome>), ApiError> {
    let intake = body;
    let outcome = state
        .app
        .cases()
        .report_event(&api.actor(), &intake)
        .await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// Events in your scope, newest first, with filters and cursor paging.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = EventPage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<EventListQuery>,
) -> Result<Json<EventPage>, ApiError> {
    Ok(Json(state.app.cases().events(&api.actor(), &q).await?))
}

/// One event with its departments, timeline and the actions you may take.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = EventDetailView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<EventDetailView>, ApiError> {
    Ok(Json(
        state.app.cases().event_detail(&api.actor(), id).await?,
    ))
}

/// An action on an event; `to_dispute` (转为矛盾纠纷) also carries the dispute's type and parties.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct EventActionBody {
    #[serde(flatten)]
    action: ActionRequest,
    /// With `to_dispute`: what the dispute needs besides the event.
    dispute: Option<DisputeConversion>,
}

/// Takes one action on an event (受理, 立案, 派遣, 签收, 回退, 反馈, 核查, 延期, 督办, 转为矛盾纠纷 …).
/// Send the `version` you saw: if someone else acted first the answer is 409.
#[utoipa::path(post, path = "/api/v1/events/{id}/actions", tag = "events", params(("id" = i64, Path)),
    request_body = EventActionBody, security(("bearer" = [])),
    responses((status = 200, body = EventView), (status = 400, description = "缺少理由、部门等", body = Problem),
        (status = 403, description = "无权进行此操作", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "状态不允许，或已被他人处理", body = Problem)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<EventActionBody>,
) -> Result<Json<EventView>, ApiError> {
    let cases = state.app.cases();
    let actor = api.actor();
    if let (Some(conversion), "to_dispute") = (&body.dispute, body.action.action.as_str()) {
        cases
            .event_to_dispute(&actor, id, &body.action, conversion)
            .await?;
        return Ok(Json(cases.event_detail(&actor, id).await?.event));
    }
    Ok(Json(cases.act_on_event(&actor, id, &body.action).await?))
}

/// Adds photos to an event (multipart: `stage` = `before` or `after`, then one `file` part per
/// photo; JPEG, PNG or WebP, up to 10 MB each, 30 per event). Only people on the case may.
#[utoipa::path(post, path = "/api/v1/events/{id}/photos", tag = "events", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "stage, file…"),
    security(("bearer" = [])),
    responses((status = 201, body = Vec<PhotoView>), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn add_photos(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Vec<PhotoView>>), ApiError> {
    let (fields, files) = crate::multipart::read_sent(form).await?;
    let stage = crate::multipart::field(&fields, "stage").unwrap_or("before");
    let photos = state
        .app
        .cases()
        .add_photos(&api.actor(), id, stage, files)
        .await?;
    Ok((StatusCode::CREATED, Json(photos)))
}

/// One photo of an event you can see.
#[utoipa::path(get, path = "/api/v1/events/{id}/photos/{photo_id}", tag = "events",
    params(("id" = i64, Path), ("photo_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the image", content_type = "image/jpeg"),
        (status = 404, body = Problem)))]
pub(crate) async fn photo(
    State(state): State<AppState>,
    api: ApiUser,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = state.app.cases().photo(&api.actor(), id, photo_id).await?;
    Ok(photo_response(content_type, bytes))
}

/// A stored photo as the answer: its own type, kept a day by the browser only.
pub(crate) fn photo_response(content_type: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=86400".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The event categories with their handling limits.
#[utoipa::path(get, path = "/api/v1/event-categories", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = Vec<CategoryView>), (status = 401, body = Problem)))]
pub(crate) async fn categories(
    State(state): State<AppState>,
    _api: ApiUser,
) -> Result<Json<Vec<CategoryView>>, ApiError> {
    Ok(Json(state.app.cases().event_categories().await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LimitBody {
    /// A whole number of units, 1–365.
    amount: u32,
    /// `work_hours`, `work_days`, `urgent_hours`, `natural_days` or `statutory_days`.
    unit: String,
}

/// Changes a category's handling limit (district commanders). New events use it.
#[utoipa::path(put, path = "/api/v1/event-categories/{code}", tag = "events", params(("code" = String, Path)),
    request_body = LimitBody, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn set_limit(
    State(state): State<AppState>,
    api: ApiUser,
    Path(code): Path<String>,
    Json(body): Json<LimitBody>,
) -> Result<StatusCode, ApiError> {
    let b = body;
    state
        .app
        .cases()
        .set_category_limit(&api.actor(), &code, b.amount, &b.unit)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routing rules (category × area → hub and department).
#[utoipa::path(get, path = "/api/v1/routing-rules", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = Vec<RoutingRuleView>), (status = 401, body = Problem)))]
pub(crate) async fn rules(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<RoutingRuleView>>, ApiError> {
    Ok(Json(state.app.cases().routing_rules(&api.actor()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RuleBody {
    /// Category code prefix; empty for every category.
    #[serde(default)]
    category_prefix: String,
    /// Org-code prefix of the area; empty for your whole scope.
    #[serde(default)]
    area_prefix: String,
    /// The hub that takes such events (a district or township code).
    owner_org: String,
    department_id: Option<i64>,
}

/// Adds a routing rule (指挥长, within their scope).
#[utoipa::path(post, path = "/api/v1/routing-rules", tag = "events", request_body = RuleBody,
    security(("bearer" = [])),
    responses((status = 201, body = i64), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub(crate) async fn add_rule(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<RuleBody>,
) -> Result<(StatusCode, Json<i64>), ApiError> {
    let b = body;
    let rule = NewRoutingRule {
        category_prefix: b.category_prefix.trim().into(),
        area_prefix: b.area_prefix.trim().into(),
        owner_org: b.owner_org.trim().into(),
        department_id: b.department_id,
    };
    let id = state
        .app
        .cases()
        .add_routing_rule(&api.actor(), rule)
        .await?;
    Ok((StatusCode::CREATED, Json(id)))
}

/// Removes a routing rule.
#[utoipa::path(delete, path = "/api/v1/routing-rules/{id}", tag = "events", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn delete_rule(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .cases()
        .delete_routing_rule(&api.actor(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Server-sent events: every change of a case in your scope (`event: case`, data a
/// [`pingan_app::CaseChange`] as JSON), as it happens. A comment line keeps the connection alive
/// every 15 s; `event: lagged` says changes were dropped for a slow client (reload the list).
#[utoipa::path(get, path = "/api/v1/stream", tag = "events", security(("bearer" = [])),
    responses((status = 200, description = "text/event-stream of CaseChange", content_type = "text/event-stream"),
        (status = 401, body = Problem)))]
pub(crate) async fn stream(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let rx = state.app.cases().subscribe_cases(&api.user)?;
    let user = api.user;
    let events = futures_util::stream::unfold((rx, user), |(mut rx, user)| async move {
        loop {
            match rx.recv().await {
                Ok(change) if change.visible_to(&user) => {
                    let event = Event::default()
                        .event("case")
                        .id(change.version.to_string())
                        .json_data(&change)
                        .unwrap_or_else(|_| Event::default().comment("unserialisable"));
                    return Some((Ok(event), (rx, user)));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    let event = Event::default().event("lagged").data(n.to_string());
                    return Some((Ok(event), (rx, user)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
