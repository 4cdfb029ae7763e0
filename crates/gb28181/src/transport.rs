//! 传输 — the GB/T 28181 server on one port over UDP and TCP. Every reply goes back the way the
//! message came: to a UDP packet's source address (devices sit behind NAT or report `0.0.0.0`),
//! or down the same TCP connection (framed by Content-Length). The server remembers how it last
//! heard from each device, so that queries asked on demand ([`Commander`]) reach it the same way.
//! A malformed message is logged and dropped; nothing a device sends stops the server.

use crate::DeviceId;
use crate::message::{ParseError, SipMessage, StartLine};
use crate::server::{Query, Registry, ServerConfig, Signalling, Transport};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

/// The largest message a TCP connection may hold unfinished.
const MAX_TCP_MESSAGE: usize = 1024 * 1024;

/// A query to send a device on demand.
#[derive(Debug, Clone)]
pub struct Command {
    pub device: DeviceId,
    pub query: Query,
    /// Where to send it over UDP if this server has not heard from the device since it started.
    pub fallback: Option<SocketAddr>,
}

/// The handle the app sends on-demand queries through.
#[derive(Debug, Clone)]
pub struct Commander(mpsc::UnboundedSender<Command>);

impl Commander {
    /// A handle and the receiving end [`serve`] takes.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<Command>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self(tx), rx)
    }

    /// Queues a query; false when the server has stopped.
    pub fn send(&self, command: Command) -> bool {
        self.0.send(command).is_ok()
    }
}

/// How a device was last heard from.
#[derive(Clone)]
enum Route {
    Udp(SocketAddr),
    Tcp(SocketAddr, mpsc::UnboundedSender<Vec<u8>>),
}

type Routes = Arc<Mutex<HashMap<String, Route>>>;

/// Remembers the route of the device an answer went to, when the answer was a success.
fn remember(routes: &Routes, out: &[(SipMessage, SocketAddr)], route: impl FnOnce() -> Route) {
    let Some((answer, _)) = out.first() else {
        return;
    };
    let ok = matches!(answer.start, StartLine::Response { code: 200, .. });
    if let (true, Some(user)) = (ok, answer.from_user())
        && let Ok(mut r) = routes.lock()
    {
        r.insert(user.to_owned(), route());
    }
}

/// Serves SIP on `udp` and `tcp` (normally the same port) until the task is dropped; queries
/// from `commands` go to their devices.
pub async fn serve<R: Registry>(
    udp: UdpSocket,
    tcp: Option<TcpListener>,
    config: ServerConfig,
    registry: R,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let signalling = Arc::new(Signalling::new(config, registry));
    let routes: Routes = Arc::default();
    if let Some(listener) = tcp {
        tokio::spawn(accept(listener, signalling.clone(), routes.clone()));
    }
    let local = udp
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 5060)));
    let mut buf = vec![0u8; 65_536];
    loop {
        tokio::select! {
            received = udp.recv_from(&mut buf) => {
                let (n, source) = match received {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::warn!("GB28181: 接收失败：{e}");
                        continue;
                    }
                };
                let packet = buf.get(..n).unwrap_or_default();
                let out = signalling.handle(packet, source, local, Transport::Udp).await;
                remember(&routes, &out, || Route::Udp(source));
                for (message, to) in out {
                    if let Err(e) = udp.send_to(&message.to_bytes(), to).await {
                        tracing::warn!("GB28181: 无法发送到 {to}：{e}");
                    }
                }
            }
            Some(command) = commands.recv() => {
                let route = routes.lock().ok().and_then(|r| r.get(command.device.as_str()).cloned());
                match route.or(command.fallback.map(Route::Udp)) {
                    Some(Route::Udp(to)) => {
                        let m = signalling.query(command.query, &command.device, to, local, Transport::Udp);
                        if let Err(e) = udp.send_to(&m.to_bytes(), to).await {
                            tracing::warn!("GB28181: 无法发送到 {to}：{e}");
                        }
                    }
                    Some(Route::Tcp(to, conn)) => {
                        let m = signalling.query(command.query, &command.device, to, local, Transport::Tcp);
                        let _ = conn.send(m.to_bytes());
                    }
                    None => tracing::warn!("GB28181: 不知道设备 {} 的地址，查询未发送", command.device),
                }
            }
        }
    }
}

async fn accept<R: Registry>(
    listener: TcpListener,
    signalling: Arc<Signalling<R>>,
    routes: Routes,
) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tokio::spawn(connection(stream, peer, signalling.clone(), routes.clone()));
            }
            Err(e) => tracing::warn!("GB28181: TCP 连接失败：{e}"),
        }
    }
}

/// One TCP connection: messages framed by Content-Length, answers and our requests written back
/// down the same connection.
async fn connection<R: Registry>(
    stream: TcpStream,
    peer: SocketAddr,
    signalling: Arc<Signalling<R>>,
    routes: Routes,
) {
    let local = stream
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 5060)));
    let (mut reader, mut writer) = stream.into_split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        // Every whole message in the buffer first.
        loop {
            match SipMessage::parse(&buf) {
                Ok((_, used)) => {
                    let message: Vec<u8> = buf.drain(..used).collect();
                    let out = signalling
                        .handle(&message, peer, local, Transport::Tcp)
                        .await;
                    remember(&routes, &out, || Route::Tcp(peer, tx.clone()));
                    for (m, _) in out {
                        let _ = tx.send(m.to_bytes());
                    }
                }
                Err(ParseError::Incomplete) => {
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        buf.clear(); // keep-alive CRLFs between messages
                    }
                    break;
                }
                Err(e) => {
                    tracing::warn!("GB28181: 来自 {peer} 的 TCP 报文无效，断开连接：{e}");
                    return;
                }
            }
        }
        if buf.len() > MAX_TCP_MESSAGE {
            tracing::warn!("GB28181: 来自 {peer} 的报文超过 1 MiB，断开连接");
            return;
        }
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
        }
    }
}
