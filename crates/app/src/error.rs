//! Errors of the use cases, each with a stable code and a Chinese message a person can act on.

use pingan_store::StoreError;

/// What went wrong in a use case. The web edge maps each to an HTTP status; the CLI prints the
/// message.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input breaks a rule; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// No valid session or token.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Wrong username or password, or a disabled account: one message for all, so that the answer
    /// never tells whether a username exists.
    #[error("用户名或密码错误")]
    LoginFailed,
    /// The account has a second factor and the code is missing.
    #[error("请输入动态口令（TOTP）")]
    TotpRequired,
    /// The account must finish its setup (new password, second factor) before anything else.
    #[error("{0}")]
    SetupRequired(&'static str),
    /// Too many failed logins: locked for a while.
    #[error("{0}")]
    TooManyAttempts(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than the route takes.
    #[error("{0}")]
    TooLarge(String),
    /// The database cannot be reached or opened.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours; the cause is logged, never shown.
    #[error("系统内部错误，请稍后重试或联系管理员")]
    Internal(String),
}

impl AppError {
    /// Whether the person who sent a form can put it right: input that breaks a rule, a conflict
    /// with what is stored, a refusal, a record the form named that is not there (or not theirs),
    /// a file too large. Pages show these on the form; anything else is an error page.
    pub fn is_correctable(&self) -> bool {
        matches!(
            self,
            Self::Invalid(_)
                | Self::Conflict(_)
                | Self::Forbidden(_)
                | Self::NotFound(_)
                | Self::TooLarge(_)
        )
    }

    /// The stable snake_case code sent to API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_input",
            Self::NotFound(_) => "not_found",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::LoginFailed => "login_failed",
            Self::TooManyAttempts(_) => "too_many_attempts",
            Self::TotpRequired => "totp_required",
            Self::SetupRequired(_) => "account_setup_required",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::TooLarge(_) => "payload_too_large",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("记录不存在".into()),
            StoreError::Conflict(what) => Self::Conflict(format!("与已有数据冲突（{what}）")),
            StoreError::Connect { .. } | StoreError::BadUrl(_) => Self::Unavailable(e.to_string()),
            StoreError::Unsupported(msg) => Self::Invalid(msg.into()),
            StoreError::InUse(msg) => Self::Conflict(msg),
            StoreError::Database(e) => Self::Internal(e.to_string()),
        }
    }
}

impl From<pingan_crypto::CryptoError> for AppError {
    fn from(e: pingan_crypto::CryptoError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<pingan_office::OfficeError> for AppError {
    fn from(e: pingan_office::OfficeError) -> Self {
        use pingan_office::OfficeError;
        match e {
            OfficeError::Invalid(m) => Self::Invalid(m),
            OfficeError::TooLarge(m) => Self::TooLarge(m),
            OfficeError::Internal(m) => Self::Internal(m),
        }
    }
}
