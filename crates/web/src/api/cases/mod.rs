//! Cases over the API: one module per kind.

pub(super) mod applications;
pub(super) mod clues;
pub(super) mod disputes;
pub(super) mod events;
pub(super) mod petitions;
pub(super) mod risks;

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A PDF shown in the browser, named `ascii` for old clients and `name` (Chinese) for the rest.
pub(crate) fn pdf_response(ascii: &str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        pingan_domain::text::percent_encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
