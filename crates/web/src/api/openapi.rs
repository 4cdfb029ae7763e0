//! `GET /api/v1/openapi.json`: the API described in OpenAPI 3.1, generated from the handlers.

use super::{calendar, health, org, session};
use crate::AppState;
use crate::error::Problem;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "平安 Pingan API", description = "区县综治中心平台的 HTTP 接口。错误一律为 application/problem+json。"),
    paths(health::health, session::create, session::end, org::children, org::grids, org::locate, calendar::deadline),
    components(schemas(Problem, session::Credentials, session::Session, pingan_app::CurrentUser,
        pingan_app::OrgUnitView, pingan_app::OrgRef, pingan_app::Located, calendar::Deadline)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
