//! 信令服务 — the UDP side of the GB/T 28181 server: REGISTER with digest (and `Expires: 0` to
//! leave), Keepalive MESSAGEs, and an answer to everything else. Every reply goes to the packet's
//! source address (devices sit behind NAT or report `0.0.0.0`). A malformed packet is logged and
//! dropped; nothing a device sends stops the server. What the server learns goes to a
//! [`Registry`], which the app implements over the database.

use crate::digest::{DigestAnswer, challenge};
use crate::manscdp::{self, CatalogItem, Manscdp};
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
    /// A part of a device's catalog; false when the device is not registered.
    fn catalog(
        &self,
        device: &DeviceId,
        items: Vec<CatalogItem>,
    ) -> impl Future<Output = Result<bool, String>> + Send;
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
    /// Ask each device for its catalog when it registers.
    pub query_catalog: bool,
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

    /// What to send for one packet from `source`: the answer, and any request of ours that
    /// follows from it (a Catalog query after a registration), each with its destination.
    pub async fn handle(
        &self,
        packet: &[u8],
        source: SocketAddr,
        local: SocketAddr,
    ) -> Vec<(SipMessage, SocketAddr)> {
        let Some(answer) = self.answer(packet, source).await else {
            return Vec::new();
        };
        let registered = code_of(&answer) == 200
            && answer.cseq().is_some_and(|(_, m)| m == "REGISTER")
            && answer.header("Expires").is_some_and(|e| e != "0");
        let mut out = vec![(answer, source)];
        if registered
            && self.config.query_catalog
            && let Some(device) = out
                .first()
                .and_then(|(a, _)| a.from_user())
                .and_then(|u| DeviceId::parse(u).ok())
        {
            out.push((self.catalog_query(&device, source, local), source));
        }
        out
    }

    /// 目录查询 — asks a device for its channels.
    fn catalog_query(
        &self,
        device: &DeviceId,
        source: SocketAddr,
        local: SocketAddr,
    ) -> SipMessage {
        let realm = self.config.id.realm();
        let sn = u32::from_str_radix(random_hex().get(..6).unwrap_or("1"), 16).unwrap_or(1);
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>Catalog</CmdType>\r\n\
             <SN>{sn}</SN>\r\n<DeviceID>{device}</DeviceID>\r\n</Query>\r\n"
        );
        SipMessage {
            start: StartLine::Request {
                method: "MESSAGE".into(),
                uri: format!("sip:{device}@{source}"),
            },
            headers: vec![
                (
                    "Via".into(),
                    format!("SIP/2.0/UDP {local};rport;branch=z9hG4bK{}", random_hex()),
                ),
                (
                    "From".into(),
                    format!("<sip:{}@{realm}>;tag={}", self.config.id, tag()),
                ),
                ("To".into(), format!("<sip:{device}@{realm}>")),
                ("Call-ID".into(), random_hex()),
                ("CSeq".into(), "1 MESSAGE".into()),
                ("Content-Type".into(), "Application/MANSCDP+xml".into()),
                ("Max-Forwards".into(), "70".into()),
            ],
            body: body.into_bytes(),
        }
    }

    /// The answer to one packet, if it needs one.
    async fn answer(&self, packet: &[u8], source: SocketAddr) -> Option<SipMessage> {
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
            Ok(Manscdp::Catalog { items, .. }) => {
                match self.registry.catalog(device, items).await {
                    Ok(true) => reply(200, "OK"),
                    Ok(false) => reply(404, "Device Not Registered"),
                    Err(e) => {
                        tracing::warn!("GB28181: 记录 {device} 的目录失败：{e}");
                        reply(500, "Server Error")
                    }
                }
            }
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
    let local = socket
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 5060)));
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
        for (message, to) in signalling.handle(packet, source, local).await {
            if let Err(e) = socket.send_to(&message.to_bytes(), to).await {
                tracing::warn!("GB28181: 无法发送到 {to}：{e}");
            }
        }
    }
}

fn code_of(m: &SipMessage) -> u16 {
    match m.start {
        StartLine::Response { code, .. } => code,
        StartLine::Request { .. } => 0,
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
