//! `/api/v1/patrol-teams`, `/api/v1/key-segments`, `/api/v1/patrols`, `/api/v1/school-posts` —
//! 巡防: teams and key segments, patrols from the phone (start, positions in batches, check-ins,
//! end), tracks, coverage and the 护学岗 of a day.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::NaiveDate;
use pingan_app::{
    BatchOutcome, CheckinOutcome, CheckinRequest, CoverageView, DispatchView, KeySegmentRequest,
    KeySegmentView, PatrolStart, PatrolTeamRequest, PatrolTeamView, PatrolView, PositionBatch,
    SchoolPostsView, ShiftRequest, ShiftView, TrackView,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/patrol-teams", get(teams).post(add_team))
        .route("/api/v1/patrol-teams/mine", get(my_teams))
        .route("/api/v1/patrol-teams/{id}/shifts", post(add_shift))
        .route("/api/v1/patrol-shifts", get(shifts))
        .route("/api/v1/key-segments", get(segments).post(add_segment))
        .route(
            "/api/v1/key-segments/{id}",
            axum::routing::delete(retire_segment),
        )
        .route("/api/v1/patrols", get(patrols).post(start))
        .route("/api/v1/patrols/coverage", get(coverage))
        .route("/api/v1/patrols/{id}/positions", post(positions))
        .route("/api/v1/patrols/{id}/checkins", post(check_in))
        .route("/api/v1/patrols/{id}/end", post(end))
        .route("/api/v1/patrols/{id}/track", get(track))
        .route("/api/v1/school-posts", get(school_posts))
        .route(
            "/api/v1/events/{id}/patrols",
            get(dispatches).post(send_nearest),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AreaQuery {
    /// An org code within your area (default: your whole area).
    org: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct PeriodQuery {
    org: Option<String>,
    /// First day (default: the first of this month).
    from: Option<NaiveDate>,
    /// Last day, included (default: today).
    to: Option<NaiveDate>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct DayQuery {
    org: Option<String>,
    /// The day (default: today).
    date: Option<NaiveDate>,
}

/// The patrol teams of your area (查看巡防).
#[utoipa::path(get, path = "/api/v1/patrol-teams", tag = "patrols", params(AreaQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PatrolTeamView>), (status = 403, body = Problem)))]
pub(crate) async fn teams(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<AreaQuery>,
) -> Result<Json<Vec<PatrolTeamView>>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .teams(&api.user, q.org.as_deref())
            .await?,
    ))
}

/// Adds a patrol team with its member accounts (组织巡防).
#[utoipa::path(post, path = "/api/v1/patrol-teams", tag = "patrols",
    request_body = PatrolTeamRequest, security(("bearer" = [])),
    responses((status = 201, body = PatrolTeamView), (status = 400, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn add_team(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PatrolTeamRequest>,
) -> Result<(StatusCode, Json<PatrolTeamView>), ApiError> {
    let team = state.app.patrols().add_team(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(team)))
}

/// The teams you go on patrol with (参加巡防).
#[utoipa::path(get, path = "/api/v1/patrol-teams/mine", tag = "patrols",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PatrolTeamView>), (status = 403, body = Problem)))]
pub(crate) async fn my_teams(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Vec<PatrolTeamView>>, ApiError> {
    Ok(Json(state.app.patrols().my_teams(&api.user).await?))
}

/// The key roads, sites and school gates of your area.
#[utoipa::path(get, path = "/api/v1/key-segments", tag = "patrols", params(AreaQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<KeySegmentView>), (status = 403, body = Problem)))]
pub(crate) async fn segments(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<AreaQuery>,
) -> Result<Json<Vec<KeySegmentView>>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .segments(&api.user, q.org.as_deref())
            .await?,
    ))
}

/// Adds a key road, site or school gate with the windows that need cover (组织巡防).
#[utoipa::path(post, path = "/api/v1/key-segments", tag = "patrols",
    request_body = KeySegmentRequest, security(("bearer" = [])),
    responses((status = 201, body = KeySegmentView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn add_segment(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<KeySegmentRequest>,
) -> Result<(StatusCode, Json<KeySegmentView>), ApiError> {
    let segment = state.app.patrols().add_segment(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(segment)))
}

/// Today's patrols of your area, or your own.
#[utoipa::path(get, path = "/api/v1/patrols", tag = "patrols", params(AreaQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PatrolView>), (status = 403, body = Problem)))]
pub(crate) async fn patrols(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<AreaQuery>,
) -> Result<Json<Vec<PatrolView>>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .patrols(&api.user, q.org.as_deref())
            .await?,
    ))
}

/// Starts a patrol with one of your teams; the same `client_id` again answers the same patrol.
#[utoipa::path(post, path = "/api/v1/patrols", tag = "patrols", request_body = PatrolStart,
    security(("bearer" = [])),
    responses((status = 201, body = PatrolView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn start(
    State(state): State<AppState>,
    api: ApiUser,
    Json(body): Json<PatrolStart>,
) -> Result<(StatusCode, Json<PatrolView>), ApiError> {
    let patrol = state.app.patrols().start(&api.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(patrol)))
}

/// A batch of your patrol's positions (at most 500), once per `client_id`; answers what it
/// covered.
#[utoipa::path(post, path = "/api/v1/patrols/{id}/positions", tag = "patrols",
    request_body = PositionBatch, security(("bearer" = [])),
    responses((status = 200, body = BatchOutcome), (status = 400, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn positions(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<PositionBatch>,
) -> Result<Json<BatchOutcome>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .record_positions(&api.actor(), id, &body)
            .await?,
    ))
}

/// Checks in at a key segment: by its QR `code`, or by a position near it.
#[utoipa::path(post, path = "/api/v1/patrols/{id}/checkins", tag = "patrols",
    request_body = CheckinRequest, security(("bearer" = [])),
    responses((status = 201, body = CheckinOutcome), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub(crate) async fn check_in(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<CheckinRequest>,
) -> Result<(StatusCode, Json<CheckinOutcome>), ApiError> {
    let done = state
        .app
        .patrols()
        .check_in(&api.actor(), id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// Ends your patrol.
#[utoipa::path(post, path = "/api/v1/patrols/{id}/end", tag = "patrols",
    security(("bearer" = [])),
    responses((status = 200, body = PatrolView), (status = 404, body = Problem)))]
pub(crate) async fn end(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PatrolView>, ApiError> {
    Ok(Json(state.app.patrols().end(&api.actor(), id).await?))
}

/// A patrol's track (your own, or one of your area).
#[utoipa::path(get, path = "/api/v1/patrols/{id}/track", tag = "patrols",
    security(("bearer" = [])),
    responses((status = 200, body = TrackView), (status = 404, body = Problem)))]
pub(crate) async fn track(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TrackView>, ApiError> {
    Ok(Json(state.app.patrols().track(&api.user, id).await?))
}

/// Which key segments' windows were covered from `from` to `to`, by which teams, and the gaps.
#[utoipa::path(get, path = "/api/v1/patrols/coverage", tag = "patrols", params(PeriodQuery),
    security(("bearer" = [])),
    responses((status = 200, body = CoverageView), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
pub(crate) async fn coverage(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<CoverageView>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .coverage(&api.user, q.org.as_deref(), q.from, q.to)
            .await?,
    ))
}

/// The 护学岗 of a day: each school gate's morning and afternoon post and how it stands.
#[utoipa::path(get, path = "/api/v1/school-posts", tag = "patrols", params(DayQuery),
    security(("bearer" = [])),
    responses((status = 200, body = SchoolPostsView), (status = 403, body = Problem)))]
pub(crate) async fn school_posts(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DayQuery>,
) -> Result<Json<SchoolPostsView>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .school_posts(&api.user, q.org.as_deref(), q.date)
            .await?,
    ))
}

/// Sends the patrol of your area nearest to the event (by its last position, heard within 15
/// minutes); its arrival within 100 m is recorded from its positions (联勤联动).
#[utoipa::path(post, path = "/api/v1/events/{id}/patrols", tag = "patrols",
    security(("bearer" = [])),
    responses((status = 201, body = DispatchView), (status = 400, description = "事件没有位置", body = Problem),
        (status = 404, body = Problem), (status = 409, description = "辖区内没有正在巡逻的队伍", body = Problem)))]
pub(crate) async fn send_nearest(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<DispatchView>), ApiError> {
    let sent = state.app.patrols().send_nearest(&api.actor(), id).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// The patrols sent to an event, with their arrival.
#[utoipa::path(get, path = "/api/v1/events/{id}/patrols", tag = "patrols",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<DispatchView>), (status = 404, body = Problem)))]
pub(crate) async fn dispatches(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<DispatchView>>, ApiError> {
    Ok(Json(
        state.app.patrols().dispatches(&api.actor(), id).await?,
    ))
}

/// Puts a team on a shift (排班, 组织巡防): a day within two months, a window, how many go out and
/// the member accounts on it.
#[utoipa::path(post, path = "/api/v1/patrol-teams/{id}/shifts", tag = "patrols",
    request_body = ShiftRequest, security(("bearer" = [])),
    responses((status = 201, body = ShiftView), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "已有排班", body = Problem)))]
pub(crate) async fn add_shift(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ShiftRequest>,
) -> Result<(StatusCode, Json<ShiftView>), ApiError> {
    let shift = state
        .app
        .patrols()
        .add_shift(&api.actor(), id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(shift)))
}

/// The shifts of a day (default today) with whether each was kept (a patroller: their teams').
#[utoipa::path(get, path = "/api/v1/patrol-shifts", tag = "patrols", params(DayQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ShiftView>), (status = 403, body = Problem)))]
pub(crate) async fn shifts(
    State(state): State<AppState>,
    api: ApiUser,
    Query(q): Query<DayQuery>,
) -> Result<Json<Vec<ShiftView>>, ApiError> {
    Ok(Json(
        state
            .app
            .patrols()
            .shifts(&api.user, q.org.as_deref(), q.date)
            .await?,
    ))
}

/// Takes a key segment off (组织巡防): it needs no more cover; the cover it had stays.
#[utoipa::path(delete, path = "/api/v1/key-segments/{id}", tag = "patrols",
    security(("bearer" = [])),
    responses((status = 204, description = "已停用"), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn retire_segment(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.patrols().retire_segment(&api.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
