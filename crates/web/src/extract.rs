//! The API's extractors: JSON bodies, query strings and path parameters whose every rejection is
//! `application/problem+json` with a Chinese detail naming the field, never axum's English text.
//! API handlers use these in place of axum's `Json`, `Query` and `Path`; pages use [`page`]'s.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use axum::response::{IntoResponse, Response};
use pingan_app::AppError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A JSON body (as an extractor) or a JSON answer (as a response).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(invalid(
                "请求体应为 JSON：请加上请求头 Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_unreadable)?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| invalid(json_detail(&e.path().to_string(), e.inner())))?;
        de.end().map_err(|e| invalid(json_detail("", &e)))?;
        Ok(Json(value))
    }
}

/// A query string.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                invalid(format!(
                    "查询参数 {field} 有误：{}",
                    reason(&e.inner().to_string())
                ))
            })
    }
}

/// Path parameters (`/events/{id}`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        use axum::extract::path::ErrorKind;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let detail = match e.into_kind() {
                    ErrorKind::ParseErrorAtKey {
                        key,
                        value,
                        expected_type,
                    } => format!(
                        "路径中的 {key}（“{}”）不是{}",
                        clip(&value),
                        kind_of(expected_type)
                    ),
                    ErrorKind::ParseError {
                        value,
                        expected_type,
                    }
                    | ErrorKind::ParseErrorAtIndex {
                        value,
                        expected_type,
                        ..
                    } => format!("路径中的“{}”不是{}", clip(&value), kind_of(expected_type)),
                    ErrorKind::InvalidUtf8InPathParam { key } => {
                        format!("路径中的 {key} 不是有效的 UTF-8 文字")
                    }
                    _ => "路径有误：请按接口文档填写".into(),
                };
                Err(invalid(detail))
            }
            Err(_) => Err(invalid("路径有误：请按接口文档填写".into())),
        }
    }
}

/// The same extractors for pages: a rejection is the error page with the same Chinese detail.
pub(crate) mod page {
    use crate::error::PageError;
    use axum::extract::FromRequestParts;
    use axum::http::request::Parts;
    use serde::de::DeserializeOwned;

    /// A query string of a page.
    #[derive(Debug, Clone, Copy, Default)]
    pub(crate) struct Query<T>(pub T);

    impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
        type Rejection = PageError;

        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
            super::Query::from_request_parts(parts, state)
                .await
                .map(|super::Query(v)| Query(v))
                .map_err(|e| PageError(e.0))
        }
    }

    /// Path parameters of a page.
    #[derive(Debug, Clone, Copy, Default)]
    pub(crate) struct Path<T>(pub T);

    impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
        type Rejection = PageError;

        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
            super::Path::from_request_parts(parts, state)
                .await
                .map(|super::Path(v)| Path(v))
                .map_err(|e| PageError(e.0))
        }
    }
}

fn invalid(detail: String) -> ApiError {
    ApiError(AppError::Invalid(detail))
}

/// A body that could not be read: too large (413, with the limit) or cut off.
fn body_unreadable(e: BytesRejection) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError(AppError::TooLarge(
            "请求体过大：此接口最多接受 1024 KB".into(),
        ))
    } else {
        invalid("请求体没有完整收到，请重试".into())
    }
}

/// The Chinese detail of a JSON body that does not fit: where it went wrong and why.
fn json_detail(path: &str, inner: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!(
            "请求体不是有效的 JSON（第 {} 行第 {} 列）",
            inner.line(),
            inner.column()
        ),
        Category::Data if path == "." || path.is_empty() => {
            format!("请求体有误：{}", reason(&inner.to_string()))
        }
        Category::Data => format!("字段 {path} 有误：{}", reason(&inner.to_string())),
    }
}

/// serde's English reason in Chinese, naming the field or the expected type where serde does.
fn reason(english: &str) -> String {
    let english = english.split(" at line ").next().unwrap_or(english);
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned).unwrap_or_default();
    if english.starts_with("missing field") {
        format!("缺少字段 {}", quoted(english))
    } else if english.starts_with("unknown field") {
        format!("没有字段 {}", quoted(english))
    } else if english.starts_with("unknown variant") {
        let allowed = english.split("expected ").nth(1).unwrap_or_default();
        format!(
            "取值 {} 不在可选范围内（可选：{}）",
            quoted(english),
            allowed.replace('`', "")
        )
    } else if english.starts_with("duplicate field") {
        format!("字段 {} 重复", quoted(english))
    } else if let Some(expected) = english.split(", expected ").nth(1) {
        format!("类型不对，应为{}", type_of(expected))
    } else if english.contains("invalid digit") || english.contains("cannot parse integer") {
        "应为整数".into()
    } else if english.contains("invalid float") {
        "应为数字".into()
    } else if english.contains("provided string was not `true` or `false`") {
        "应为 true 或 false".into()
    } else {
        "格式不对，请按接口文档填写".into()
    }
}

/// serde's "expected …" in Chinese.
fn type_of(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.contains("string") || e.contains("char") {
        "文字"
    } else if e.contains("bool") {
        " true 或 false"
    } else if e.contains("f64") || e.contains("f32") || e.contains("float") {
        "数字"
    } else if e.contains("i64")
        || e.contains("i32")
        || e.contains("u32")
        || e.contains("u64")
        || e.contains("u8")
        || e.contains("u16")
        || e.contains("integer")
        || e.contains("usize")
    {
        "整数"
    } else if e.contains("sequence") || e.contains("array") {
        "数组"
    } else if e.contains("map") || e.contains("struct") {
        "对象"
    } else {
        "接口文档中的类型"
    }
}

/// A Rust type name as a person would say it.
fn kind_of(expected_type: &str) -> &'static str {
    if expected_type.contains("i64")
        || expected_type.contains("u32")
        || expected_type.contains("i32")
    {
        "有效的编号（应为整数）"
    } else if expected_type.contains("Uuid") {
        "有效的编号"
    } else {
        "有效的值"
    }
}

/// At most 40 characters of what was sent, so that an answer never echoes a huge value.
fn clip(value: &str) -> String {
    let mut out: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        lat: f64,
        n: Option<i64>,
    }

    fn detail(json: &str) -> String {
        let mut de = serde_json::Deserializer::from_slice(json.as_bytes());
        let e = serde_path_to_error::deserialize::<_, Body>(&mut de).unwrap_err();
        json_detail(&e.path().to_string(), e.inner())
    }

    #[test]
    fn json_errors_name_the_field_in_chinese() {
        assert_eq!(detail(r#"{"lat": 1}"#), "请求体有误：缺少字段 title");
        assert_eq!(
            detail(r#"{"title": 5, "lat": 1}"#),
            "字段 title 有误：类型不对，应为文字"
        );
        assert_eq!(
            detail(r#"{"title": "a", "lat": "x"}"#),
            "字段 lat 有误：类型不对，应为数字"
        );
        assert_eq!(
            detail(r#"{"title": "a", "lat": 1, "n": 1.5}"#),
            "字段 n 有误：类型不对，应为整数"
        );
        assert!(detail(r#"{"title": "#).starts_with("请求体不是有效的 JSON（第 1 行"));
    }

    #[test]
    fn values_echoed_are_clipped() {
        assert_eq!(clip(&"x".repeat(100)).chars().count(), 41);
        assert_eq!(clip("abc"), "abc");
    }
}
