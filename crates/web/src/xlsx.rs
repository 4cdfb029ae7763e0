//! Spreadsheet downloads: the .xlsx content type and a file name that survives every browser
//! (an ASCII fallback, and the Chinese name per RFC 6266).

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `bytes` as a download named `name` (Chinese allowed), `fallback` for old clients.
pub(crate) fn download(bytes: Vec<u8>, fallback: &str, name: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        pingan_domain::text::percent_encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The answer to an import over the API: the report as JSON, or — when the client accepts a
/// spreadsheet — its rejected cells as one.
pub(crate) fn import_answer<T: serde::Serialize>(
    headers: &axum::http::HeaderMap,
    report: &T,
    rejected: &[pingan_app::RejectedCell],
) -> Result<Response, crate::error::ApiError> {
    let wants_sheet = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains(XLSX));
    if wants_sheet {
        let bytes =
            pingan_app::sheet::rejected_sheet(rejected).map_err(pingan_app::AppError::from)?;
        return Ok(download(bytes, "rejected.xlsx", "未导入的行.xlsx"));
    }
    Ok(axum::Json(report).into_response())
}
