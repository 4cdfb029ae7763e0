//! 列表 — what every list use case answers: one page of rows, the list's total and the cursors of
//! the pages before and after it (pingan_domain::page has the rules).

use crate::AppError;
use pingan_domain::page::{KeyKind, Page, PageAt, Total};

/// One page of a list with its total.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub rows: Vec<T>,
    pub total: Total,
    /// The cursor of the page before this one, if any (the `before` parameter).
    pub before: Option<String>,
    /// The cursor of the page after this one, if any (the `after` parameter).
    pub after: Option<String>,
}

impl<T> Listed<T> {
    /// A page read from the store, its rows turned into what the list shows.
    pub(crate) fn new<R>(page: Page<R>, total: Total, view: impl FnMut(R) -> T) -> Self {
        let page = page.map(view);
        Self {
            rows: page.rows,
            total,
            before: page.before.map(|c| c.encode()),
            after: page.after.map(|c| c.encode()),
        }
    }
}

/// Where the page asked for by a list's `after` / `before` parameters starts, for a list sorted
/// by columns of `shape`.
pub(crate) fn page_at(
    after: Option<&str>,
    before: Option<&str>,
    shape: &[KeyKind],
) -> Result<PageAt, AppError> {
    PageAt::parse(after, before, shape).map_err(|e| AppError::Invalid(e.to_string()))
}
