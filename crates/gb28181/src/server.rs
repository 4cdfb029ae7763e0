//! 信令服务 — the GB/T 28181 server's handling of what devices send: REGISTER with digest (and
//! `Expires: 0` to leave), Keepalive, Catalog, Alarm, DeviceInfo and DeviceStatus MESSAGEs, the
//! NOTIFYs of a catalog subscription, and an answer to everything else. Every reply goes to the packet's
//! source address (devices sit behind NAT or report `0.0.0.0`). A malformed packet is logged and
//! dropped; nothing a device sends stops the server. What the server learns goes to a
//! [`Registry`], which the app implements over the database.

use crate::digest::{DigestAnswer, challenge};
use crate::manscdp::{self, Alarm, CatalogItem, DeviceInfo, DeviceStatus, Manscdp};
use crate::message::{SipMessage, StartLine};
use crate::{DeviceId, message::ParseError};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where the server keeps what it learns about devices.
pub trait Registry: Clone + Send + Sync + 'static {
    /// The password a device authenticates with (its own, or the global one); none refuses it.
    fn password(&self, device: &DeviceId) -> impl Future<Output = Option<String>> + Send;
    /// A device registered from `addr` over `transport` for `expires`.
    fn registered(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        transport: Transport,
        expires: Duration,
    ) -> impl Future<Output = Result<(), String>> + Send;
    /// The address a device's current registration came from; none when it is not registered.
    /// What a device sends from any other address is refused until it registers again.
    fn registered_from(
        &self,
        device: &DeviceId,
    ) -> impl Future<Output = Result<Option<SocketAddr>, String>> + Send;
    /// A device unregistered (`Expires: 0`).
    fn unregistered(&self, device: &DeviceId) -> impl Future<Output = Result<(), String>> + Send;
    /// A part of a device's catalog (or a subscription's ADD/UPDATE items); false when the
    /// device is not registered.
    fn catalog(
        &self,
        device: &DeviceId,
        items: Vec<CatalogItem>,
    ) -> impl Future<Output = Result<bool, String>> + Send;
    /// Status events of a catalog subscription: (channel, `ON`/`OFF`); false when the device is
    /// not registered.
    fn channel_events(
        &self,
        device: &DeviceId,
        events: Vec<(String, String)>,
    ) -> impl Future<Output = Result<bool, String>> + Send;
    /// A keepalive from `addr`; false when the device is not registered.
    fn keepalive(
        &self,
        device: &DeviceId,
        addr: SocketAddr,
        transport: Transport,
    ) -> impl Future<Output = Result<bool, String>> + Send;
    /// An alarm the device raised (already answered; this runs after the answer).
    fn alarm(&self, device: &DeviceId, alarm: Alarm) -> impl Future<Output = ()> + Send;
    /// The device's answer to a DeviceInfo query.
    fn device_info(
        &self,
        device: &DeviceId,
        info: DeviceInfo,
    ) -> impl Future<Output = Result<(), String>> + Send;
    /// The device's answer to a DeviceStatus query.
    fn device_status(
        &self,
        device: &DeviceId,
        status: DeviceStatus,
    ) -> impl Future<Output = Result<(), String>> + Send;
}

/// The transport a message came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
}

impl Transport {
    pub const fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
        }
    }

    const fn via(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
        }
    }
}

/// The server's own settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The platform's 20-digit ID; its first 10 digits are the realm.
    pub id: DeviceId,
    /// How long a nonce of a 401 challenge may be answered.
    pub nonce_ttl: Duration,
    /// When a device registers: ask for its catalog and its device info, and subscribe to its
    /// catalog (channel status changes).
    pub query_on_register: bool,
}

/// The expiry a device asks for when it gives none (GB/T 28181 default).
const DEFAULT_EXPIRES: u64 = 3600;

/// How long a catalog subscription lasts; renewed at each registration.
const SUBSCRIPTION_SECS: u32 = 3600;

/// What the platform can ask a device (目录查询, 设备信息查询, 设备状态查询).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    Catalog,
    DeviceInfo,
    DeviceStatus,
}

impl Query {
    /// From `catalog`, `device_info`, `device_status` (or the CmdType).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "catalog" | "Catalog" => Some(Self::Catalog),
            "device_info" | "DeviceInfo" => Some(Self::DeviceInfo),
            "device_status" | "DeviceStatus" => Some(Self::DeviceStatus),
            _ => None,
        }
    }

    const fn cmd_type(self) -> &'static str {
        match self {
            Query::Catalog => "Catalog",
            Query::DeviceInfo => "DeviceInfo",
            Query::DeviceStatus => "DeviceStatus",
        }
    }
}

/// The handler of SIP messages: the answer to send back, and the requests that follow.
pub struct Signalling<R> {
    config: ServerConfig,
    registry: R,
    nonces: Arc<Mutex<Nonces>>,
    /// Our catalog subscriptions by Call-ID: the device and when it lapses. A NOTIFY outside
    /// one of them is refused.
    subscriptions: Arc<Mutex<HashMap<String, (DeviceId, Instant)>>>,
    /// Warnings about what senders do wrong, at most one a second.
    warnings: Arc<LogLimit>,
}

impl<R: Registry> Signalling<R> {
    pub fn new(config: ServerConfig, registry: R) -> Self {
        Self {
            config,
            registry,
            nonces: Arc::default(),
            subscriptions: Arc::default(),
            warnings: Arc::default(),
        }
    }

    /// What to send for one message from `source`: the answer, and any requests of ours that
    /// follow from it (after a registration: the catalog and device-info queries and the
    /// catalog subscription), each with its destination.
    pub async fn handle(
        &self,
        packet: &[u8],
        source: SocketAddr,
        local: SocketAddr,
        transport: Transport,
    ) -> Vec<(SipMessage, SocketAddr)> {
        let Some(answer) = self.answer(packet, source, transport).await else {
            return Vec::new();
        };
        let registered = code_of(&answer) == 200
            && answer.cseq().is_some_and(|(_, m)| m == "REGISTER")
            && answer.header("Expires").is_some_and(|e| e != "0");
        let device = answer.from_user().and_then(|u| DeviceId::parse(u).ok());
        let mut out = vec![(answer, source)];
        if registered
            && self.config.query_on_register
            && let Some(device) = device
        {
            for query in [Query::Catalog, Query::DeviceInfo] {
                out.push((self.query(query, &device, source, local, transport), source));
            }
            let subscription = self.subscribe(&device, source, local, transport);
            if let (Some(call_id), Ok(mut subs)) =
                (subscription.header("Call-ID"), self.subscriptions.lock())
            {
                let now = Instant::now();
                subs.retain(|_, (_, until)| *until > now);
                let until = now + Duration::from_secs(u64::from(SUBSCRIPTION_SECS));
                subs.insert(call_id.to_owned(), (device.clone(), until));
            }
            out.push((subscription, source));
        }
        out
    }

    /// A MANSCDP query (目录、设备信息、设备状态) to a device at `to`.
    pub fn query(
        &self,
        query: Query,
        device: &DeviceId,
        to: SocketAddr,
        local: SocketAddr,
        transport: Transport,
    ) -> SipMessage {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>{}</CmdType>\r\n\
             <SN>{}</SN>\r\n<DeviceID>{device}</DeviceID>\r\n</Query>\r\n",
            query.cmd_type(),
            serial()
        );
        let to = Peer {
            device,
            addr: to,
            local,
            transport,
        };
        self.request("MESSAGE", &to, Vec::new(), body)
    }

    /// 目录订阅 — asks a device to NOTIFY every change of its channels.
    fn subscribe(
        &self,
        device: &DeviceId,
        to: SocketAddr,
        local: SocketAddr,
        transport: Transport,
    ) -> SipMessage {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>Catalog</CmdType>\r\n\
             <SN>{}</SN>\r\n<DeviceID>{device}</DeviceID>\r\n</Query>\r\n",
            serial()
        );
        let extra = vec![
            ("Event".to_owned(), format!("Catalog;id={}", serial())),
            ("Expires".to_owned(), SUBSCRIPTION_SECS.to_string()),
            (
                "Contact".to_owned(),
                format!("<sip:{}@{local}>", self.config.id),
            ),
        ];
        let to = Peer {
            device,
            addr: to,
            local,
            transport,
        };
        self.request("SUBSCRIBE", &to, extra, body)
    }

    fn request(
        &self,
        method: &str,
        to: &Peer<'_>,
        extra: Vec<(String, String)>,
        body: String,
    ) -> SipMessage {
        let realm = self.config.id.realm();
        let mut headers = vec![
            (
                "Via".into(),
                format!(
                    "SIP/2.0/{} {};rport;branch=z9hG4bK{}",
                    to.transport.via(),
                    to.local,
                    random_hex()
                ),
            ),
            (
                "From".into(),
                format!("<sip:{}@{realm}>;tag={}", self.config.id, tag()),
            ),
            ("To".into(), format!("<sip:{}@{realm}>", to.device)),
            ("Call-ID".into(), random_hex()),
            ("CSeq".into(), format!("1 {method}")),
            ("Content-Type".into(), "Application/MANSCDP+xml".into()),
            ("Max-Forwards".into(), "70".into()),
        ];
        headers.extend(extra);
        SipMessage {
            start: StartLine::Request {
                method: method.into(),
                uri: format!("sip:{}@{}", to.device, to.addr),
            },
            headers,
            body: body.into_bytes(),
        }
    }

    /// The answer to one message, if it needs one.
    async fn answer(
        &self,
        packet: &[u8],
        source: SocketAddr,
        transport: Transport,
    ) -> Option<SipMessage> {
        let msg = match SipMessage::parse(packet) {
            Ok((m, _)) => m,
            Err(ParseError::Incomplete) if packet.iter().all(|b| b.is_ascii_whitespace()) => {
                return None; // a keep-alive CRLF
            }
            Err(e) => {
                self.warnings
                    .warn(|| format!("GB28181: 丢弃来自 {source} 的无效报文：{e}"));
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
            "REGISTER" => self.register(&msg, &device, source, transport).await,
            "MESSAGE" | "NOTIFY" => {
                if let Some(refusal) = self.refuse_sender(&msg, &device, source).await {
                    return Some(refusal);
                }
                self.message(&msg, &device, source, transport).await
            }
            _ => reply(405, "Method Not Allowed"),
        })
    }

    /// The refusal of a MESSAGE or NOTIFY the device did not send: from an address other than
    /// the one it registered from (a forged Keepalive would move its contact address, a forged
    /// Alarm raise an event), or a NOTIFY outside a subscription of ours.
    async fn refuse_sender(
        &self,
        msg: &SipMessage,
        device: &DeviceId,
        source: SocketAddr,
    ) -> Option<SipMessage> {
        let reply = |code: u16, reason: &str| msg.response_to(code, reason, &tag(), source);
        match self.registry.registered_from(device).await {
            Ok(Some(addr)) if addr == source => {}
            Ok(Some(_)) => {
                self.warnings.warn(|| {
                    format!("GB28181: 拒绝来自 {source} 的 {device} 报文：不是该设备注册时的地址")
                });
                return Some(reply(403, "Not From Registered Address"));
            }
            Ok(None) => return Some(reply(404, "Device Not Registered")),
            Err(e) => {
                tracing::warn!("GB28181: 读取 {device} 的注册地址失败：{e}");
                return Some(reply(500, "Server Error"));
            }
        }
        if matches!(&msg.start, StartLine::Request { method, .. } if method == "NOTIFY") {
            let ours = msg.header("Call-ID").is_some_and(|id| {
                self.subscriptions.lock().is_ok_and(|subs| {
                    subs.get(id)
                        .is_some_and(|(d, until)| d == device && *until > Instant::now())
                })
            });
            if !ours {
                return Some(reply(481, "Subscription Does Not Exist"));
            }
        }
        None
    }

    async fn register(
        &self,
        msg: &SipMessage,
        device: &DeviceId,
        source: SocketAddr,
        transport: Transport,
    ) -> SipMessage {
        let reply = |code: u16, reason: &str| msg.response_to(code, reason, &tag(), source);
        let Some(answer) = msg.header("Authorization").and_then(DigestAnswer::parse) else {
            return self.challenge(msg, source);
        };
        if answer.username != device.as_str() {
            return reply(403, "Username Mismatch");
        }
        if !self.take_nonce(&answer.nonce, source, answer.nc.as_deref()) {
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
                .registered(device, source, transport, Duration::from_secs(expires))
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

    async fn message(
        &self,
        msg: &SipMessage,
        device: &DeviceId,
        source: SocketAddr,
        transport: Transport,
    ) -> SipMessage {
        let reply = |code: u16, reason: &str| msg.response_to(code, reason, &tag(), source);
        let done = match manscdp::parse(&msg.body) {
            Ok(Manscdp::Catalog { items, .. }) => self.catalog(device, items).await,
            Ok(Manscdp::Keepalive { .. }) => {
                self.registry.keepalive(device, source, transport).await
            }
            Ok(Manscdp::Alarm(alarm)) => {
                // Answered at once; the alarm is handled after (devices resend unanswered ones).
                let (registry, device) = (self.registry.clone(), device.clone());
                tokio::spawn(async move { registry.alarm(&device, alarm).await });
                Ok(true)
            }
            Ok(Manscdp::DeviceInfo(info)) => {
                self.registry.device_info(device, info).await.map(|()| true)
            }
            Ok(Manscdp::DeviceStatus(status)) => self
                .registry
                .device_status(device, status)
                .await
                .map(|()| true),
            Ok(Manscdp::Other { .. }) => Ok(true),
            Err(_) => return reply(400, "Bad MANSCDP Body"),
        };
        match done {
            Ok(true) => reply(200, "OK"),
            Ok(false) => reply(404, "Device Not Registered"),
            Err(e) => {
                tracing::warn!("GB28181: 处理 {device} 的报文失败：{e}");
                reply(500, "Server Error")
            }
        }
    }

    /// A catalog part, or a subscription's NOTIFY: status events change channels' status,
    /// ADD/UPDATE items (and plain catalog items) are written, DEL turns a channel off.
    async fn catalog(&self, device: &DeviceId, items: Vec<CatalogItem>) -> Result<bool, String> {
        let (changes, items): (Vec<CatalogItem>, Vec<CatalogItem>) =
            items.into_iter().partition(|i| {
                matches!(
                    i.event.as_deref(),
                    Some("ON" | "OFF" | "VLOST" | "DEFECT" | "DEL")
                )
            });
        let events: Vec<(String, String)> = changes
            .into_iter()
            .map(|i| {
                let on = i.event.as_deref() == Some("ON");
                (i.device_id, if on { "ON" } else { "OFF" }.to_owned())
            })
            .collect();
        let mut known = true;
        if !events.is_empty() {
            known &= self.registry.channel_events(device, events).await?;
        }
        if !items.is_empty() {
            known &= self.registry.catalog(device, items).await?;
        }
        Ok(known)
    }

    fn challenge(&self, msg: &SipMessage, source: SocketAddr) -> SipMessage {
        let nonce = random_hex();
        if let Ok(mut n) = self.nonces.lock() {
            n.issue(nonce.clone(), source, self.config.nonce_ttl);
        }
        let mut r = msg.response_to(401, "Unauthorized", &tag(), source);
        r.headers.push((
            "WWW-Authenticate".into(),
            challenge(self.config.id.realm(), &nonce),
        ));
        r
    }

    /// Whether an answer may use this nonce: ours, fresh, answered from the address it was
    /// issued to, and not used before — with `qop` each answer counts `nc` up (RFC 7616), without
    /// it a nonce answers once. A captured Authorization replayed, from anywhere, is challenged.
    fn take_nonce(&self, nonce: &str, source: SocketAddr, nc: Option<&str>) -> bool {
        let Ok(mut nonces) = self.nonces.lock() else {
            return false;
        };
        let Some(state) = nonces.issued.get_mut(nonce) else {
            return false;
        };
        if state.at.elapsed() >= self.config.nonce_ttl || state.to != source {
            return false;
        }
        match nc.map(|nc| u32::from_str_radix(nc.trim(), 16)) {
            Some(Ok(count)) if state.last_nc.is_none_or(|last| count > last) => {
                state.last_nc = Some(count);
                true
            }
            Some(_) => false,
            None => {
                nonces.issued.remove(nonce);
                true
            }
        }
    }
}

/// Warnings at most once a second, with how many were held back: a flood of bad datagrams must
/// not flood the log.
#[derive(Default)]
struct LogLimit {
    last: Mutex<Option<Instant>>,
    held_back: std::sync::atomic::AtomicU64,
}

impl LogLimit {
    fn warn(&self, message: impl FnOnce() -> String) {
        use std::sync::atomic::Ordering;
        let now = Instant::now();
        let due = self.last.lock().is_ok_and(|mut last| {
            let due = last.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1));
            if due {
                *last = Some(now);
            }
            due
        });
        if due {
            let held = self.held_back.swap(0, Ordering::Relaxed);
            if held > 0 {
                tracing::warn!("{}（此前 1 秒内另有 {held} 条同类警告未记录）", message());
            } else {
                tracing::warn!("{}", message());
            }
        } else {
            self.held_back.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The nonces of our challenges: when and to whom each was issued, and the last `nc` answered
/// with it. Expired ones are dropped at most once a second: scanning the whole map at every
/// challenge made a registration storm quadratic.
#[derive(Default)]
struct Nonces {
    issued: HashMap<String, NonceState>,
    pruned: Option<Instant>,
}

struct NonceState {
    at: Instant,
    to: SocketAddr,
    last_nc: Option<u32>,
}

impl Nonces {
    fn issue(&mut self, nonce: String, to: SocketAddr, ttl: Duration) {
        let now = Instant::now();
        if self
            .pruned
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            self.issued.retain(|_, s| now.duration_since(s.at) < ttl);
            self.pruned = Some(now);
        }
        self.issued.insert(
            nonce,
            NonceState {
                at: now,
                to,
                last_nc: None,
            },
        );
    }
}

/// Where a request of ours goes.
struct Peer<'a> {
    device: &'a DeviceId,
    addr: SocketAddr,
    local: SocketAddr,
    transport: Transport,
}

/// A sequence number for our queries.
fn serial() -> u32 {
    u32::from_str_radix(random_hex().get(..6).unwrap_or("1"), 16).unwrap_or(1)
}

fn code_of(m: &SipMessage) -> u16 {
    match m.start {
        StartLine::Response { code, .. } => code,
        StartLine::Request { .. } => 0,
    }
}

pub(crate) fn random_hex() -> String {
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
