//! Errors of the store layer.

use crate::DbUrl;

/// What went wrong in the store. The app layer turns these into messages a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("记录不存在")]
    NotFound,
    /// A unique or foreign-key constraint refused the write; the text names the constraint.
    #[error("与已有数据冲突: {0}")]
    Conflict(String),
    /// The database could not be reached or opened.
    #[error("无法打开数据库 {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The database URL is not one Pingan understands.
    #[error("{0}")]
    BadUrl(String),
    /// Another process has the database open (its lock file is held), and what was asked needs it
    /// to itself; the text says what to do.
    #[error("{0}")]
    InUse(String),
    /// The operation does not exist on this backend.
    #[error("{0}")]
    Unsupported(&'static str),
    /// Anything else the database said.
    #[error("数据库错误: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    pub(crate) fn connect(url: &DbUrl, e: impl std::fmt::Display) -> Self {
        Self::Connect {
            url: url.to_string(),
            reason: e.to_string(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(ref db)
                if db.is_unique_violation() || db.is_foreign_key_violation() =>
            {
                Self::Conflict(db.constraint().unwrap_or(db.message()).to_owned())
            }
            other => Self::Database(other),
        }
    }
}
