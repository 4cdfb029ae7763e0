//! 部署自检 (`pingan doctor`) — checks a deployment without changing it and says what is wrong in
//! one line each: the database reachable and migrated, the master key present and the one the data
//! was sealed with, the files store writable, the clock, the SIP port.

use pingan_crypto::{FieldCipher, KeyProvider};
use pingan_store::{Backend, DbUrl, Store};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// How far apart this machine's clock and the database's may be before it is reported.
const CLOCK_SKEW_SECONDS: i64 = 5;

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub ok: bool,
    /// What was checked (数据库, 主密钥 …).
    pub what: &'static str,
    /// What was found, or what is wrong and what to do.
    pub detail: String,
}

impl Finding {
    fn ok(what: &'static str, detail: impl Into<String>) -> Self {
        Self {
            ok: true,
            what,
            detail: detail.into(),
        }
    }

    fn wrong(what: &'static str, detail: impl Into<String>) -> Self {
        Self {
            ok: false,
            what,
            detail: detail.into(),
        }
    }
}

/// What a deployment is made of, as its configuration says.
pub struct Deployment<'a> {
    pub db: &'a DbUrl,
    /// The master key, or why it could not be read.
    pub key: Result<Arc<dyn KeyProvider>, String>,
    pub files: &'a crate::FilesConfig,
    /// The GB/T 28181 signalling address, when the deployment serves cameras.
    pub sip: Option<SocketAddr>,
}

/// Runs every check; the database's own checks only when it can be reached.
pub async fn checkup(d: Deployment<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let store = database(d.db, &mut out).await;
    match (&d.key, &store) {
        (Err(why), _) => out.push(Finding::wrong("主密钥", why.clone())),
        (Ok(key), Some(store)) => out.push(key_matches(store, key.clone()).await),
        (Ok(_), None) => out.push(Finding::ok("主密钥", "已读取（数据库不可用，未核对）")),
    }
    out.push(files_writable(d.files).await);
    if let Some(store) = &store {
        out.push(clock(store).await);
    }
    if let Some(addr) = d.sip {
        out.push(sip_port(addr).await);
    }
    out
}

async fn database(url: &DbUrl, out: &mut Vec<Finding>) -> Option<Store> {
    if let Some(path) = url.sqlite_path()
        && !Path::new(path).exists()
    {
        out.push(Finding::wrong(
            "数据库",
            format!("{path} 不存在：运行 pingan migrate 或 pingan serve 会创建它"),
        ));
        return None;
    }
    let store = match Store::connect(url).await {
        Ok(s) => s,
        Err(e) => {
            out.push(Finding::wrong("数据库", format!("无法连接：{e}")));
            return None;
        }
    };
    let kind = match url.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    out.push(Finding::ok("数据库", format!("{kind} 可以连接")));
    match store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => {
            out.push(Finding::ok("数据库结构", "已是最新"));
            Some(store)
        }
        Ok(pending) => {
            out.push(Finding::wrong(
                "数据库结构",
                format!(
                    "还有 {} 个迁移未执行（{}）：运行 pingan migrate",
                    pending.len(),
                    pending.join("、")
                ),
            ));
            None
        }
        Err(e) => {
            out.push(Finding::wrong(
                "数据库结构",
                format!("无法读取迁移记录：{e}"),
            ));
            None
        }
    }
}

/// Opens a sealed value of the database with the key: an account's phone, else a person's name.
async fn key_matches(store: &Store, key: Arc<dyn KeyProvider>) -> Finding {
    let sample = match store.sealed_user_phone().await {
        Ok(Some(v)) => Ok(Some((crate::access::accounts::PHONE_FIELD, v))),
        Ok(None) => store
            .sealed_person_name()
            .await
            .map(|v| v.map(|v| (crate::registry::persons::NAME_FIELD, v))),
        Err(e) => Err(e),
    };
    match sample {
        Ok(None) => Finding::ok("主密钥", "已读取（库中尚无加密数据可核对）"),
        Ok(Some((field, sealed))) => match FieldCipher::new(key).open(field, &sealed) {
            Ok(_) => Finding::ok("主密钥", "与库中加密数据相符"),
            Err(_) => Finding::wrong(
                "主密钥",
                "打不开库中的加密数据：用的不是加密这些数据的主密钥（检查 PINGAN_MASTER_KEY 或 master.key，多个实例须共用同一密钥）",
            ),
        },
        Err(e) => Finding::wrong("主密钥", format!("无法读取加密数据：{e}")),
    }
}

async fn files_writable(config: &crate::FilesConfig) -> Finding {
    let probed = match crate::files::Files::open(config) {
        Ok(files) => files.probe().await,
        Err(e) => Err(e.to_string()),
    };
    match probed {
        Ok(()) => Finding::ok("附件存储", format!("{config} 可写")),
        Err(e) => Finding::wrong(
            "附件存储",
            format!("{config} 不可写（{e}）：照片和附件无法保存"),
        ),
    }
}

async fn clock(store: &Store) -> Finding {
    let now = chrono::Utc::now();
    let shanghai = pingan_domain::time::format_minute(now);
    match store.database_clock().await {
        Ok(None) => Finding::ok("时钟", format!("本机时间 {shanghai}（北京时间）")),
        Ok(Some(db)) => {
            let skew = (db - now).num_seconds().abs();
            if skew > CLOCK_SKEW_SECONDS {
                Finding::wrong(
                    "时钟",
                    format!(
                        "本机与数据库相差 {skew} 秒：请校准时间（NTP），否则办理时限和审计时间会错"
                    ),
                )
            } else {
                Finding::ok(
                    "时钟",
                    format!("本机时间 {shanghai}（北京时间），与数据库一致"),
                )
            }
        }
        Err(e) => Finding::wrong("时钟", format!("无法读取数据库时间：{e}")),
    }
}

async fn sip_port(addr: SocketAddr) -> Finding {
    let udp = tokio::net::UdpSocket::bind(addr).await;
    let tcp = tokio::net::TcpListener::bind(addr).await;
    match (udp, tcp) {
        (Ok(_), Ok(_)) => Finding::ok("SIP 端口", format!("{addr} 空闲，可以监听")),
        (Err(e), _) | (_, Err(e)) if e.kind() == std::io::ErrorKind::AddrInUse => Finding::wrong(
            "SIP 端口",
            format!("{addr} 已被占用：若平安正在运行则属正常，否则请停止占用它的程序"),
        ),
        (Err(e), _) | (_, Err(e)) => Finding::wrong("SIP 端口", format!("无法监听 {addr}：{e}")),
    }
}
