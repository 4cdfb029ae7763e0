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
