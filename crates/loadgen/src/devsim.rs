//! `pingan-devsim` — many GB/T 28181 devices against a Pingan signalling server over UDP: each
//! registers with digest, then keeps alive on its interval. Devices share a few sockets (the server
//! tells them apart by the device ID in `From`), so 20,000 of them need no raised file limit.

use anyhow::{Context, Result, bail};
use clap::Parser;
use pingan_gb28181::digest::DigestAnswer;
use pingan_gb28181::{SipMessage, StartLine};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::{Mutex, oneshot};

#[derive(Parser, Clone)]
#[command(
    name = "pingan-devsim",
    about = "模拟大量 GB/T 28181 设备：数字认证注册，按周期发送心跳"
)]
struct Cli {
    /// The signalling server, e.g. 127.0.0.1:5060
    #[arg(long)]
    server: SocketAddr,
    /// How many devices.
    #[arg(long, default_value_t = 1000)]
    devices: usize,
    /// The platform's 20-digit ID (the realm is its first 10 digits).
    #[arg(long, default_value = "51170200002000000001")]
    platform: String,
    #[arg(long, env = "PINGAN_SIP_PASSWORD")]
    password: String,
    /// Heartbeat interval in seconds.
    #[arg(long, default_value_t = 60)]
    keepalive: u64,
    /// How long to keep alive after all have registered, in seconds.
    #[arg(long, default_value_t = 120)]
    seconds: u64,
    /// How many UDP sockets the devices share.
    #[arg(long, default_value_t = 64)]
    sockets: usize,
    /// The registration expiry the devices ask for, in seconds (a short one, with `--seconds 0`,
    /// measures how soon the server marks expired devices offline).
    #[arg(long, default_value_t = 3600)]
    expires: u64,
}

type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<SipMessage>>>>;

/// One socket, its reader and the answers it waits for (by Call-ID).
#[derive(Clone)]
struct Line {
    socket: Arc<UdpSocket>,
    pending: Pending,
}

impl Line {
    async fn open() -> Result<Self> {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
        let pending: Pending = Arc::default();
        let (s, p) = (socket.clone(), pending.clone());
        tokio::spawn(async move {
            let mut buf = vec![0u8; 65_536];
            while let Ok((n, _)) = s.recv_from(&mut buf).await {
                if let Ok((m, _)) = SipMessage::parse(buf.get(..n).unwrap_or_default())
                    && let Some(id) = m.header("Call-ID").map(str::to_owned)
                    && let Some(tx) = p.lock().await.remove(&id)
                {
                    let _ = tx.send(m);
                }
            }
        });
        Ok(Self { socket, pending })
    }

    /// Sends a request and waits (up to 5 s) for its answer.
    async fn ask(&self, server: SocketAddr, call_id: &str, text: &str) -> Result<SipMessage> {
        let (tx, rx) = oneshot::channel();
        self.pending.lock().await.insert(call_id.to_owned(), tx);
        self.socket.send_to(text.as_bytes(), server).await?;
        let answer = tokio::time::timeout(Duration::from_secs(5), rx).await;
        self.pending.lock().await.remove(call_id);
        Ok(answer.context("没有应答")??)
    }
}

fn code(m: &SipMessage) -> u16 {
    match m.start {
        StartLine::Response { code, .. } => code,
        StartLine::Request { .. } => 0,
    }
}

struct Sim {
    cli: Cli,
    realm: String,
}

impl Sim {
    fn request(
        &self,
        line: &Line,
        method: &str,
        device: &str,
        call_id: &str,
        cseq: u32,
        extra: &str,
        body: &str,
    ) -> String {
        let local = line
            .socket
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let (p, r) = (&self.cli.platform, &self.realm);
        format!(
            "{method} sip:{p}@{r} SIP/2.0\r\nVia: SIP/2.0/UDP {local};rport;branch=z9hG4bK{call_id}{cseq}\r\n\
             From: <sip:{device}@{r}>;tag={cseq}\r\nTo: <sip:{device}@{r}>\r\nCall-ID: {call_id}\r\n\
             CSeq: {cseq} {method}\r\nMax-Forwards: 70\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    async fn register(&self, line: &Line, device: &str) -> Result<()> {
        let call_id = format!("reg-{device}");
        let first = self.request(
            line,
            "REGISTER",
            device,
            &call_id,
            1,
            &format!("Expires: {}\r\n", self.cli.expires),
            "",
        );
        let challenge = line.ask(self.cli.server, &call_id, &first).await?;
        let www = challenge
            .header("WWW-Authenticate")
            .context("401 没有 WWW-Authenticate")?;
        let nonce = www
            .split("nonce=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .context("没有 nonce")?;
        let mut a = DigestAnswer {
            username: device.into(),
            realm: self.realm.clone(),
            nonce: nonce.into(),
            uri: format!("sip:{}@{}", self.cli.platform, self.realm),
            response: String::new(),
            cnonce: Some("0a4f113b".into()),
            qop: Some("auth".into()),
            nc: Some("00000001".into()),
        };
        a.response = a.expected("REGISTER", &self.cli.password);
        let auth = format!(
            "Expires: {}\r\nAuthorization: Digest username=\"{device}\", realm=\"{}\", nonce=\"{nonce}\", \
             uri=\"{}\", response=\"{}\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001\r\n",
            self.cli.expires, self.realm, a.uri, a.response
        );
        let second = self.request(line, "REGISTER", device, &call_id, 2, &auth, "");
        let ok = line.ask(self.cli.server, &call_id, &second).await?;
        if code(&ok) != 200 {
            bail!("{device} 注册失败：{}", code(&ok));
        }
        Ok(())
    }

    async fn keepalive(&self, line: &Line, device: &str, sn: u32) -> Result<Duration> {
        let call_id = format!("ka-{device}-{sn}");
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n\
             <SN>{sn}</SN>\r\n<DeviceID>{device}</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n"
        );
        let text = self.request(
            line,
            "MESSAGE",
            device,
            &call_id,
            sn,
            "Content-Type: Application/MANSCDP+xml\r\n",
            &body,
        );
        let sent = Instant::now();
        let ok = line.ask(self.cli.server, &call_id, &text).await?;
        if code(&ok) != 200 {
            bail!("{device} 心跳失败：{}", code(&ok));
        }
        Ok(sent.elapsed())
    }
}

/// The devices socket `k` of `n` looks after.
fn share(devices: &[String], k: usize, n: usize) -> Vec<String> {
    devices.iter().skip(k).step_by(n.max(1)).cloned().collect()
}

fn p99(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort_unstable();
    let at = |q: f64| {
        v.get(((v.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.99))
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let realm = cli
        .platform
        .get(..10)
        .context("平台编码应为 20 位")?
        .to_owned();
    let sim = Arc::new(Sim {
        cli: cli.clone(),
        realm,
    });
    let mut lines = Vec::new();
    for _ in 0..cli.sockets.max(1) {
        lines.push(Line::open().await?);
    }
    let devices: Vec<String> = (0..cli.devices)
        .map(|i| format!("5117020000132{:07}", i + 1))
        .collect();

    // The registration storm: every socket registers its share, one after another.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let mine = share(&devices, k, lines.len());
        let (sim, line) = (sim.clone(), line.clone());
        tasks.push(tokio::spawn(async move {
            let mut failed = 0usize;
            for d in &mine {
                if sim.register(&line, d).await.is_err() {
                    failed += 1;
                }
            }
            failed
        }));
    }
    let mut failed = 0;
    for t in tasks {
        failed += t.await?;
    }
    let storm = start.elapsed();
    println!(
        "注册 {} 台设备用时 {:.1} 秒（{:.0} 台/秒），失败 {failed}",
        cli.devices,
        storm.as_secs_f64(),
        cli.devices as f64 / storm.as_secs_f64().max(1e-9)
    );

    // Keepalives: each device on its interval, spread evenly over it.
    let interval = Duration::from_secs(cli.keepalive.max(1));
    let until = Instant::now() + Duration::from_secs(cli.seconds);
    let mut tasks = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let mine = share(&devices, k, lines.len());
        let (sim, line) = (sim.clone(), line.clone());
        tasks.push(tokio::spawn(async move {
            let gap = interval / u32::try_from(mine.len().max(1)).unwrap_or(u32::MAX);
            let mut rtts = Vec::new();
            let mut failed = 0usize;
            let mut sn = 0u32;
            // A socket with no devices (fewer devices than sockets) has nothing to send: looping
            // without an await would hold a worker thread from the others.
            if mine.is_empty() {
                return (rtts, failed);
            }
            'outer: loop {
                sn += 1;
                for d in &mine {
                    if Instant::now() >= until {
                        break 'outer;
                    }
                    let tick = Instant::now();
                    match sim.keepalive(&line, d, sn).await {
                        Ok(rtt) => rtts.push(rtt),
                        Err(_) => failed += 1,
                    }
                    tokio::time::sleep(gap.saturating_sub(tick.elapsed())).await;
                }
            }
            (rtts, failed)
        }));
    }
    let (mut rtts, mut failed) = (Vec::new(), 0);
    for t in tasks {
        let (r, f) = t.await?;
        rtts.extend(r);
        failed += f;
    }
    let (p50, p99) = p99(rtts.clone());
    println!(
        "心跳 {} 次应答（失败 {failed}），{:.0} 次/秒；往返 p50 {p50:.2} ms，p99 {p99:.2} ms",
        rtts.len(),
        rtts.len() as f64 / cli.seconds.max(1) as f64
    );
    Ok(())
}
