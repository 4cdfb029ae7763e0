//! `/open311/v2/` — the Open311 GeoReport v2 server: discovery, services and their definitions,
//! requests (created with an integrator's `api_key`, read by anyone as the specification says)
//! and tokens; each in JSON or XML by the path's suffix. Pingan answers as real clients expect
//! (see the workplace's reference/peers.md §1.4): codes and ids as strings, `GET /requests/{id}`
//! as an array of one, `api_key` in the body or the query, `attribute[CODE]` and
//! `attribute[CODE][]`, urlencoded and multipart POSTs, and the `/service/{code}` path of the
//! `open311` 1.1 client. `jurisdiction_id` is accepted and not needed: one server, one district.

mod format;

use crate::AppState;
use crate::auth::{ClientAddr, client_addr};
use crate::router::{Upload, with_uploads};
use axum::Router;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use format::{Format, Node};
use pingan_app::{
    Actor, AppError, CurrentUser, Open311Created, Open311Form, Open311Query, Open311Request,
    Open311Service,
};
use pingan_domain::time::in_shanghai;

/// The date of the last change to this implementation (discovery's `changeset`).
const CHANGESET: &str = "2026-12-07T00:00:00+08:00";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/open311/v2/{file}",
            with_uploads(get(top_level).post(create), Upload::Photos),
        )
        .route("/open311/v2/services/{file}", get(definition))
        .route("/open311/v2/service/{file}", get(definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

/// An error in the specification's shape: `[{code, description}]` / `<errors><error>…`.
fn error(e: &AppError, format: Format) -> Response {
    crate::error::log_if_ours(e);
    let status = crate::error::status_of(e);
    // The specification knows 400, 403 and 404; a missing key is its 403.
    let status = if status == StatusCode::UNAUTHORIZED {
        StatusCode::FORBIDDEN
    } else {
        status
    };
    Node::List(
        "error",
        vec![Node::Record(vec![
            ("code", Node::Int(i64::from(status.as_u16()))),
            ("description", Node::text(e.to_string())),
        ])],
    )
    .respond(status, format, "errors")
}

fn not_found(what: &str) -> AppError {
    AppError::NotFound(format!("{what} not found（没有这个 Open311 资源）"))
}

/// The answer to a path without `.json` or `.xml`: a JSON 404.
fn unknown_format() -> Response {
    error(
        &AppError::NotFound("请在路径末尾写明格式：.json 或 .xml".into()),
        Format::Json,
    )
}

/// The integrator behind an `api_key`: only API tokens are keys.
async fn integrator(
    state: &AppState,
    key: Option<&str>,
    source: Option<String>,
) -> Result<Option<Actor>, AppError> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let invalid = || AppError::Forbidden("Invalid api_key received（api_key 无效或已停用）".into());
    if !key.starts_with("pat_") || key.len() > 128 {
        return Err(invalid());
    }
    let user = state
        .app
        .access()
        .authenticate(key)
        .await
        .map_err(|_| invalid())?;
    Ok(Some(Actor::user(user, source)))
}

#[derive(serde::Deserialize, Default)]
struct ReadParams {
    api_key: Option<String>,
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
    page: Option<String>,
    page_size: Option<String>,
}

/// `discovery`, `services` and `requests` (GET).
async fn top_level(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<ReadParams>,
    ClientAddr(source): ClientAddr,
    headers: HeaderMap,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let answer = match name {
        "discovery" => Ok((discovery(&headers), "discovery")),
        "services" => services(&state).await.map(|n| (n, "services")),
        "requests" => requests(&state, &params, source)
            .await
            .map(|n| (n, "service_requests")),
        _ => Err(not_found(name)),
    };
    match answer {
        Ok((node, root)) => node.respond(StatusCode::OK, format, root),
        Err(e) => error(&e, format),
    }
}

fn discovery(headers: &HeaderMap) -> Node {
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    Node::Record(vec![
        ("changeset", Node::text(CHANGESET)),
        (
            "contact",
            Node::text(format!("{}综治中心", pingan_domain::division::DISTRICT.1)),
        ),
        (
            "key_service",
            Node::text("api_key 由系统管理员在服务器上生成：pingan open311 key add 接入方名称"),
        ),
        (
            "endpoints",
            Node::List(
                "endpoint",
                vec![Node::Record(vec![
                    (
                        "specification",
                        Node::text("http://wiki.open311.org/GeoReport_v2"),
                    ),
                    ("url", Node::text(format!("{scheme}://{host}/open311/v2"))),
                    ("changeset", Node::text(CHANGESET)),
                    ("type", Node::text("production")),
                    (
                        "formats",
                        Node::List(
                            "format",
                            vec![Node::text("text/xml"), Node::text("application/json")],
                        ),
                    ),
                ])],
            ),
        ),
    ])
}

async fn services(state: &AppState) -> Result<Node, AppError> {
    let list = state.app.open311().services().await?;
    Ok(Node::List(
        "service",
        list.into_iter().map(service_node).collect(),
    ))
}

fn service_node(s: Open311Service) -> Node {
    Node::Record(vec![
        ("service_code", Node::Text(s.code)),
        ("service_name", Node::Text(s.name)),
        ("description", Node::Text(s.description)),
        ("metadata", Node::Bool(true)),
        ("type", Node::text("realtime")),
        ("keywords", Node::Text(s.keywords)),
        ("group", Node::Text(s.group)),
    ])
}

/// `services/{code}` (and the `service/{code}` of the open311 1.1 client).
async fn definition(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return unknown_format();
    };
    match state.app.open311().service_definition(code).await {
        Ok(attributes) => Node::Record(vec![
            ("service_code", Node::text(code)),
            (
                "attributes",
                Node::List(
                    "attribute",
                    attributes
                        .iter()
                        .map(|a| {
                            Node::Record(vec![
                                ("variable", Node::Bool(true)),
                                ("code", Node::text(a.code)),
                                ("datatype", Node::text(a.datatype)),
                                ("required", Node::Bool(a.required)),
                                ("datatype_description", Node::text(a.datatype_description)),
                                ("order", Node::Int(i64::from(a.order))),
                                ("description", Node::text(a.description)),
                                (
                                    "values",
                                    Node::List(
                                        "value",
                                        a.values
                                            .iter()
                                            .map(|(key, name)| {
                                                Node::Record(vec![
                                                    ("key", Node::text(*key)),
                                                    ("name", Node::text(*name)),
                                                ])
                                            })
                                            .collect(),
                                    ),
                                ),
                            ])
                        })
                        .collect(),
                ),
            ),
        ])
        .respond(StatusCode::OK, format, "service_definition"),
        Err(e) => error(&e, format),
    }
}

async fn requests(
    state: &AppState,
    p: &ReadParams,
    source: Option<String>,
) -> Result<Node, AppError> {
    let reader = integrator(state, p.api_key.as_deref(), source).await?;
    let q = Open311Query {
        service_request_id: p.service_request_id.clone(),
        service_code: p.service_code.clone(),
        start_date: p.start_date.clone(),
        end_date: p.end_date.clone(),
        status: p.status.clone(),
        page: p.page.clone(),
        page_size: p.page_size.clone(),
    };
    let list = state
        .app
        .open311()
        .requests(reader_of(reader.as_ref()), &q)
        .await?;
    Ok(Node::List(
        "request",
        list.into_iter().map(request_node).collect(),
    ))
}

fn reader_of(actor: Option<&Actor>) -> Option<&CurrentUser> {
    actor.and_then(|a| a.user.as_ref())
}

/// `requests/{id}`: an array of one, as clients expect.
async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<ReadParams>,
    ClientAddr(source): ClientAddr,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let answer = async {
        let reader = integrator(&state, params.api_key.as_deref(), source).await?;
        state
            .app
            .open311()
            .request(reader_of(reader.as_ref()), id)
            .await
    };
    match answer.await {
        Ok(r) => Node::List("request", vec![request_node(r)]).respond(
            StatusCode::OK,
            format,
            "service_requests",
        ),
        Err(e) => error(&e, format),
    }
}

/// `tokens/{token}`: every service is `realtime` (the id comes back with the POST), so no token
/// is ever issued and each is unknown.
async fn token(Path(file): Path<String>) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let e = AppError::NotFound(format!(
        "token {} not found（本系统的服务均为 realtime，提交后即返回 service_request_id，不发放 token）",
        token.chars().take(40).collect::<String>()
    ));
    error(&e, format)
}

/// A time as the specification writes it: W3C with the zone, here Beijing time.
fn w3c(t: chrono::DateTime<chrono::Utc>) -> Node {
    Node::Text(in_shanghai(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

fn request_node(r: Open311Request) -> Node {
    let d = r.details;
    let d = d.as_ref();
    Node::Record(vec![
        ("service_request_id", Node::Text(r.service_request_id)),
        ("status", Node::text(r.status)),
        ("status_notes", Node::Text(r.status_notes)),
        ("service_name", Node::Text(r.service_name)),
        ("service_code", Node::Text(r.service_code)),
        (
            "description",
            Node::opt_text(d.map(|d| d.description.clone())),
        ),
        ("agency_responsible", Node::opt_text(r.agency_responsible)),
        ("service_notice", Node::Null),
        ("requested_datetime", w3c(r.requested_datetime)),
        ("updated_datetime", w3c(r.updated_datetime)),
        (
            "expected_datetime",
            r.expected_datetime.map_or(Node::Null, w3c),
        ),
        ("address", Node::opt_text(d.and_then(|d| d.address.clone()))),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        (
            "lat",
            d.and_then(|d| d.lat).map_or(Node::Null, Node::Number),
        ),
        (
            "long",
            d.and_then(|d| d.long).map_or(Node::Null, Node::Number),
        ),
        (
            "media_url",
            Node::opt_text(d.and_then(|d| d.media_url.clone())),
        ),
    ])
}

/// `POST requests`: urlencoded (the specification) or multipart (`media` photos).
async fn create(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    req: Request,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return unknown_format();
    };
    if name != "requests" {
        return error(
            &AppError::NotFound(format!("只能向 requests.{{json,xml}} 提交，收到 {name}")),
            format,
        );
    }
    match take_request(&state, query, req).await {
        Ok(c) => created_node(c).respond(StatusCode::OK, format, "service_requests"),
        Err(e) => error(&e, format),
    }
}

async fn take_request(
    state: &AppState,
    query: Vec<(String, String)>,
    req: Request,
) -> Result<Open311Created, AppError> {
    let (parts, body) = req.into_parts();
    let source = client_addr(&parts, &state.app.config().trusted_proxies);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let req = Request::from_parts(parts, body);
    let (mut fields, media) = if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::Invalid(format!("multipart 表单无法读取：{}", e.body_text())))?;
        crate::multipart::read(form).await?
    } else {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::TooLarge(format!("请求体无法读取：{}", e.body_text())))?;
        let pairs = form_urlencoded::parse(&bytes).into_owned().collect();
        (pairs, Vec::new())
    };
    // The open311 1.1 client sends the key (and other fields) in the query string.
    fields.extend(query);
    let mut form = Open311Form {
        media,
        ..Open311Form::default()
    };
    let mut key = None;
    for (k, v) in fields {
        let slot = match k.as_str() {
            "api_key" => &mut key,
            "service_code" => {
                form.service_code = v;
                continue;
            }
            "lat" => &mut form.lat,
            "long" => &mut form.long,
            "address_string" => &mut form.address_string,
            "address_id" => &mut form.address_id,
            "email" => &mut form.email,
            "device_id" => &mut form.device_id,
            "account_id" => &mut form.account_id,
            "first_name" => &mut form.first_name,
            "last_name" => &mut form.last_name,
            "phone" => &mut form.phone,
            "description" => &mut form.description,
            "media_url" => &mut form.media_url,
            other => {
                if let Some(code) = attribute_code(other) {
                    let values = form.attributes.entry(code.to_owned()).or_default();
                    if values.len() < 20 {
                        values.push(v);
                    }
                }
                continue;
            }
        };
        if slot.is_none() {
            *slot = Some(v);
        }
    }
    let actor = integrator(state, key.as_deref(), source)
        .await?
        .ok_or_else(|| {
            AppError::Forbidden("api_key required（提交服务请求须带 api_key）".into())
        })?;
    if form.service_code.trim().is_empty() {
        return Err(AppError::Invalid(
            "service_code required（请填写服务代码）".into(),
        ));
    }
    state.app.open311().create_request(&actor, &form).await
}

/// `CODE` of `attribute[CODE]` or `attribute[CODE][]`.
fn attribute_code(field: &str) -> Option<&str> {
    let inner = field.strip_prefix("attribute[")?;
    let inner = inner.strip_suffix("[]").unwrap_or(inner);
    inner
        .strip_suffix(']')
        .filter(|c| !c.is_empty() && c.len() <= 64)
}

fn created_node(c: Open311Created) -> Node {
    Node::List(
        "request",
        vec![Node::Record(vec![
            ("service_request_id", Node::Text(c.service_request_id)),
            ("service_notice", Node::Text(c.service_notice)),
            ("account_id", Node::opt_text(c.account_id)),
        ])],
    )
}

#[cfg(test)]
mod tests {
    use super::attribute_code;

    #[test]
    fn attribute_fields_give_their_code() {
        assert_eq!(attribute_code("attribute[title]"), Some("title"));
        assert_eq!(attribute_code("attribute[WHISDORN][]"), Some("WHISDORN"));
        assert_eq!(attribute_code("attribute[]"), None);
        assert_eq!(attribute_code("attributes[x]"), None);
        assert_eq!(attribute_code("title"), None);
    }
}
