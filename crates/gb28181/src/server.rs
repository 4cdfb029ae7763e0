//! 信令服务 — the UDP side of the GB/T 28181 server: REGISTER with digest (and `Expires: 0` to
//! leave), Keepalive MESSAGEs, and an answer to everything else. Every reply goes to the packet's
//! source address (devices sit behind NAT or report `0.0.0.0`). A malformed packet is logged and
//! dropped; nothing a device sends stops the server. What the server learns goes to a
//! [`Registry`], which the app implements over the database.

use crate::digest::{DigestAnswer, challenge};
use crate::manscdp::{self, Manscdp};
use crate::message::{SipMessage, StartLine};
use crate::{DeviceId, message::ParseError};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

/// Where the server keeps what it learns about devices.
pub trait Registry: Clone + Send + Sync + 'static {
    /// The password a device authenticates with (its own, or the global one); none refuses it.
    fn password(&self, device: &DeviceId) -> impl Future<Output = Option<String>> + Send;
    /// A device registered from `addr` for `expires`.
    fn registered(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        expires: Duration,
    ) -> impl Future<Output = Result<(), String>> + Send;
    /// A device unregistered (`Expires: 0`).
    fn unregistered(&self, device: &DeviceId) -> impl Future<Output = Result<(), String>> + Send;
    /// A keepalive from `addr`; false when the device is not registered.
    fn keepalive(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
    ) -> impl Future<Output = Result<bool, String>> + Send;
}

/// The server's own settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The platform's 20-digit ID; its first 10 digits are the realm.
    pub id: DeviceId,
    /// How long a nonce of a 401 challenge may be answered.
    pub nonce_ttl: Duration,
}

/// The expiry a device asks for when it gives none (GB/T 28181 default).
const DEFAULT_EXPIRES: u64 = 3600;

/// The handler of one datagram's worth of SIP: the answer to send back, if any.
pub struct Signalling<R> {
    config: ServerConfig,
    registry: R,
    nonces: Arc<Mutex<HashMap<String, Instant>>>,
}

impl<R: Registry> Signalling<R> {
    pub fn new(config: ServerConfig, registry: R) -> Self {
        Self {
            config,
            registry,
            nonces: Arc::default(),
        }
    }

    /// Answers one packet from `source`.
    pub async fn handle(&self, packet: &[u8], source: SocketAddr) -> Option<SipMessage> {
        let msg = match SipMessage::parse(packet) {
            Ok((m, _)) => m,
            Err(ParseError::Incomplete) if packet.iter().all(|b| b.is_ascii_whitespace()) => {
                return None; // a keep-alive CRLF
            }
            Err(e) => {
                tracing::warn!("GB28181: 丢弃来自 {source} 的无效报文：{e}");
                return None;
            }
        };
        let StartLine::Request { method, .. } = &msg.start else {
            return None; // answers to our own requests: nothing to say back
        };
        let reply = |code: u16, reason: &str| msg.response_to(code, reason, &tag(), source);
        let Some(device) = msg.from_user().and_then(|u| DeviceId::parse(u).ok()) else {
            return Some(reply(400, "Bad From"));
        };
        Some(match method.as_str() {
            "REGISTER" => self.register(&msg, &device, source).await,
            "MESSAGE" => self.message(&msg, &device, source).await,
            _ => reply(405, "Method Not Allowed"),
        })
    }

    async fn register(
        &self,
        msg: &SipMessage,
        device: &DeviceId,
        source: SocketAddr,
    ) -> SipMessage {
        let reply = |code: u16, reason: &str| msg.response_to(code, reason, &tag(), source);
        let Some(answer) = msg.header("Authorization").and_then(DigestAnswer::parse) else {
            return self.challenge(msg, source);
        };
        if answer.username != device.as_str() {
            return reply(403, "Username Mismatch");
        }
        if !self.take_nonce(&answer.nonce) {
            return self.challenge(msg, source);
        }
        let Some(password) = self.registry.password(device).await else {
            return reply(403, "Unknown Device");
        };
        if !answer.verify("REGISTER", &password) {
            return reply(403, "Wrong Password");
        }
        let expires = msg
            .header("Expires")
            .and_then(|e| e.trim().parse::<u64>().ok())
            .unwrap_or(DEFAULT_EXPIRES);
        let done = if expires == 0 {
            self.registry.unregistered(device).await
        } else {
            self.registry
                .registered(device, source, Duration::from_secs(expires))
                .await
        };
        if let Err(e) = done {
            tracing::warn!("GB28181: 记录 {device} 的注册失败：{e}");
            return reply(500, "Server Error");
        }
        let mut ok = reply(200, "OK");
        ok.headers.push(("Expires".into(), expires.to_string()));
        if let Some(contact) = msg.header("Contact") {
            ok.headers.push(("Contact".into(), contact.to_owned()));
        }
        ok.headers.push(("Date".into(), beijing_now()));
        ok
    }

    async fn message(&self, msg: &SipMessage, device: &DeviceId, source: SocketAddr) -> SipMessage {
        let reply = |code: u16, reason: &str| msg.response_to(code, reason, &tag(), source);
        match manscdp::parse(&msg.body) {
            Ok(Manscdp::Keepalive { .. }) => match self.registry.keepalive(device, source).await {
                Ok(true) => reply(200, "OK"),
                Ok(false) => reply(404, "Device Not Registered"),
                Err(e) => {
                    tracing::warn!("GB28181: 记录 {device} 的心跳失败：{e}");
                    reply(500, "Server Error")
                }
            },
            Ok(_) => reply(200, "OK"),
            Err(_) => reply(400, "Bad MANSCDP Body"),
        }
    }

    fn challenge(&self, msg: &SipMessage, source: SocketAddr) -> SipMessage {
        let nonce = random_hex();
        if let Ok(mut n) = self.nonces.lock() {
            let ttl = self.config.nonce_ttl;
            n.retain(|_, at| at.elapsed() < ttl);
            n.insert(nonce.clone(), Instant::now());
        }
        let mut r = msg.response_to(401, "Unauthorized", &tag(), source);
        r.headers.push((
            "WWW-Authenticate".into(),
            challenge(self.config.id.realm(), &nonce),
        ));
        r
    }

    /// Whether the nonce was ours and is still fresh. A nonce stays valid for its lifetime (a
    /// device refreshes and unregisters with the same one).
    fn take_nonce(&self, nonce: &str) -> bool {
        self.nonces.lock().is_ok_and(|n| {
            n.get(nonce)
                .is_some_and(|at| at.elapsed() < self.config.nonce_ttl)
        })
    }
}

/// Serves SIP over UDP on `socket` until the task is dropped.
pub async fn serve_udp<R: Registry>(socket: UdpSocket, config: ServerConfig, registry: R) {
    let signalling = Signalling::new(config, registry);
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, source) = match socket.recv_from(&mut buf).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("GB28181: 接收失败：{e}");
                continue;
            }
        };
        let packet = buf.get(..n).unwrap_or_default();
        if let Some(answer) = signalling.handle(packet, source).await
            && let Err(e) = socket.send_to(&answer.to_bytes(), source).await
        {
            tracing::warn!("GB28181: 无法回复 {source}：{e}");
        }
    }
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    // An all-zero nonce only if the OS has no randomness, which the rest of Pingan refuses anyway.
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn tag() -> String {
    random_hex().chars().take(10).collect()
}

/// `Date` for the devices' clock sync: Beijing time, `yyyy-MM-ddTHH:mm:ss.SSS`.
fn beijing_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() + 8 * 3600;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(0));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_785), (2026, 11, 28));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(beijing_now().len(), 23);
    }
}
