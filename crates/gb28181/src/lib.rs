//! GB/T 28181 (公共安全视频监控联网系统信息传输、交换、控制技术要求) for Pingan: the pieces of the
//! signalling that need no network — the 20-digit IDs of Annex D, a tolerant parser and writer of
//! SIP messages (devices are lenient about the SIP they send) and the responses to them, the digest
//! check of REGISTER, the MANSCDP XML bodies with their charset rules (GB2312 declared, GBK or UTF-8
//! sent), and the rule that says when a device is offline — and the UDP signalling server built on
//! them ([`server`], over UDP and TCP in [`transport`]), which keeps what it learns in a
//! [`server::Registry`] the app implements.

pub mod charset;
pub mod digest;
pub mod id;
pub mod liveness;
pub mod manscdp;
pub mod message;
pub mod server;
pub mod transport;

pub use id::{DeviceId, IdError};
pub use message::{ParseError, SipMessage, StartLine};
