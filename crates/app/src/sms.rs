//! 短信发送 — how the hub sends a text to a phone: sign-in codes, and a resident told what their
//! application is missing or that it is done. A district plugs in its SMS gateway by URL; without
//! one, texts go to the server's log (the demo reads its codes there).

use crate::{AppError, Result};
use pingan_domain::identity::PhoneNumber;
use std::time::Duration;

/// 短信通道.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SmsSender {
    /// Writes each text to the server's log, the phone masked.
    #[default]
    Log,
    /// POSTs `{"phone": "13812345678", "text": "…"}` as JSON to the district's SMS gateway,
    /// which answers 2xx when it has taken the text.
    Http { url: String },
}

impl SmsSender {
    /// Sends `text` to `phone`; a gateway that does not take it is an error that says so.
    pub(crate) async fn send(&self, phone: &PhoneNumber, text: &str) -> Result<()> {
        match self {
            SmsSender::Log => {
                tracing::info!(phone = %phone.masked(), text, "短信（未配置短信网关，仅记入日志）");
                Ok(())
            }
            SmsSender::Http { url } => {
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let answer = client
                    .post(url)
                    .json(&serde_json::json!({"phone": phone.as_str(), "text": text}))
                    .send()
                    .await;
                match answer {
                    Ok(r) if r.status().is_success() => Ok(()),
                    Ok(r) => Err(AppError::Unavailable(format!(
                        "短信网关未能发送（HTTP {}），请稍后再试",
                        r.status().as_u16()
                    ))),
                    Err(e) => {
                        tracing::warn!(error = %e, "短信网关不可达");
                        Err(AppError::Unavailable(
                            "短信网关暂时无法连接，请稍后再试".into(),
                        ))
                    }
                }
            }
        }
    }
}
