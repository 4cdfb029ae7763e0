//! 办公文档 — the office documents Pingan reads and writes: spreadsheets today ([`sheet`]); the
//! PDF documents (mediation agreements, notices) join here. Kept out of the app crate so that
//! their heavy parsers build once and every module shares one way of doing it.

pub mod pdf;
pub mod sheet;

/// Why a document was refused or could not be made; the app maps each to its own error.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// The file is not what was asked for; the text says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// The file is over a limit (bytes, rows, columns or reading time).
    #[error("{0}")]
    TooLarge(String),
    /// Writing a document failed, or its reading was lost.
    #[error("{0}")]
    Internal(String),
}

impl From<tokio::task::JoinError> for OfficeError {
    fn from(e: tokio::task::JoinError) -> Self {
        OfficeError::Internal(format!("读取表格的任务中断：{e}"))
    }
}

pub type Result<T, E = OfficeError> = std::result::Result<T, E>;
