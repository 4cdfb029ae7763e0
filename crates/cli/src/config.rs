//! Settings, from lowest to highest precedence: built-in defaults < `pingan.toml` < `PINGAN_*`
//! environment < command-line flags. Nothing needs configuring to run.

use anyhow::{Result, anyhow, bail};
use pingan_app::{AppConfig, DbUrl, FilesConfig, KeyProvider, MasterKey};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The optional `pingan.toml`. Unknown keys are refused, so a typo never goes unnoticed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL (`sqlite://…` or `postgres://…`).
    pub db: Option<String>,
    /// Address to listen on, e.g. `0.0.0.0:8080`.
    pub listen: Option<String>,
    /// Map tile URL template; none draws grids on a plain background.
    pub tile_url: Option<String>,
    /// Minutes without a request after which a session ends (default 30).
    pub session_idle_minutes: Option<u64>,
    /// Require TOTP of every account, not only of the three administrators (default false).
    pub totp_for_everyone: Option<bool>,
    /// Days after which a password must be changed (default 90; 0 turns expiry off).
    pub password_max_age_days: Option<u64>,
    /// Mark the session cookie `Secure`: set it when the hub is reached over HTTPS.
    pub secure_cookies: Option<bool>,
    /// Addresses of reverse proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    /// Addresses besides this machine's that may read `/metrics` (a Prometheus server).
    pub metrics_allow: Option<Vec<std::net::IpAddr>>,
    /// Where photos of cases are kept (default `<data-dir>/files`; a shared folder for several
    /// instances).
    pub files_dir: Option<PathBuf>,
    /// An S3-compatible bucket for photos and files instead of `files_dir`, such as
    /// `s3://pingan-files` — what several instances share. Credentials come from `AWS_*`.
    pub files_store: Option<String>,
    /// Settings of `files_store`: `aws_endpoint`, `aws_region`, `aws_allow_http` …
    pub files_store_options: Option<std::collections::BTreeMap<String, String>>,
    /// The password GB/T 28181 devices register with (or `PINGAN_SIP_PASSWORD`).
    pub sip_password: Option<String>,
    /// The media service's page for a camera, `{id}` standing for its 20-digit id.
    pub video_url: Option<String>,
    /// The local letters of the 稳评 levels 高, 中, 低, e.g. `["A", "B", "C"]` (the default).
    pub risk_grade_letters: Option<[String; 3]>,
    /// The 12345 hotline's URL that takes reports back (受理, 办结, 回访) as JSON POSTs.
    pub hotline_callback_url: Option<String>,
    /// The secret the reports back are signed with (HMAC-SM3), or `PINGAN_HOTLINE_SECRET`.
    pub hotline_secret: Option<String>,
    /// The district's SMS gateway, which takes `{"phone", "text"}` as a JSON POST; without it,
    /// texts (residents' sign-in codes) are written to the log.
    pub sms_gateway_url: Option<String>,
}

/// Where the data lives and which database to use, resolved.
pub struct Resolved {
    pub data_dir: PathBuf,
    pub db: DbUrl,
    pub file: FileConfig,
}

impl Resolved {
    /// Reads the configuration file (`--config`, else `./pingan.toml`, else `<data-dir>/pingan.toml`,
    /// each only if present) and settles the database URL.
    pub fn load(
        data_dir: Option<PathBuf>,
        db_flag: Option<String>,
        config: Option<PathBuf>,
    ) -> Result<Self> {
        let data_dir = data_dir.unwrap_or_else(|| PathBuf::from("pingan-data"));
        let file = match config {
            Some(path) => read_file(&path)?,
            None => [PathBuf::from("pingan.toml"), data_dir.join("pingan.toml")]
                .into_iter()
                .find(|p| p.is_file())
                .map(|p| read_file(&p))
                .transpose()?
                .unwrap_or_default(),
        };
        let db = match db_flag.or_else(|| file.db.clone()) {
            Some(url) => DbUrl::parse(&url).map_err(|e| anyhow!("{e}"))?,
            None => DbUrl::sqlite_file(&data_dir.join("pingan.db")),
        };
        Ok(Self { data_dir, db, file })
    }

    /// Creates the data directory if needed and makes sure it is writable (when the database is a
    /// SQLite file inside it, or always for commands that write files there).
    pub fn ensure_data_dir(&self) -> Result<()> {
        let dir = &self.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow!(
                "无法创建数据目录 {}（{e}）：请用 --data-dir 指定一个可写的目录",
                dir.display()
            )
        })?;
        let probe = dir.join(".pingan-write-test");
        std::fs::write(&probe, b"ok").map_err(|e| {
            anyhow!(
                "数据目录 {} 不可写（{e}）：请检查权限，或用 --data-dir 指定一个可写的目录",
                dir.display()
            )
        })?;
        let _ = std::fs::remove_file(probe);
        let db_dir = self.db.sqlite_path().and_then(|p| Path::new(p).parent());
        if let Some(parent) = db_dir.filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                anyhow!(
                    "无法创建数据库所在目录 {}（{e}）：请检查 --db 的路径",
                    parent.display()
                )
            })?;
        }
        Ok(())
    }

    /// The master key: `PINGAN_MASTER_KEY` (64 hex digits), else `<data-dir>/master.key`, created
    /// with mode 0600 on first use. Several instances on one PostgreSQL must share it.
    pub fn master_key(&self) -> Result<Arc<dyn KeyProvider>> {
        let env = std::env::var("PINGAN_MASTER_KEY").ok();
        let key = MasterKey::load_or_create(env.as_deref(), &self.data_dir.join("master.key"))
            .map_err(|e| anyhow!("{e}"))?;
        Ok(Arc::new(key))
    }

    /// The master key as `pingan doctor` reads it: never created, the reason when it is missing or
    /// unreadable.
    pub fn existing_master_key(&self) -> std::result::Result<Arc<dyn KeyProvider>, String> {
        let from_env = std::env::var("PINGAN_MASTER_KEY")
            .ok()
            .filter(|v| !v.trim().is_empty());
        let path = self.data_dir.join("master.key");
        let text = match from_env {
            Some(v) => v,
            None => std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "读不到 {}（{e}）：首次运行 pingan serve 会创建它；多个实例请用同一个 PINGAN_MASTER_KEY",
                    path.display()
                )
            })?,
        };
        MasterKey::from_hex(&text)
            .map(|k| Arc::new(k) as Arc<dyn KeyProvider>)
            .map_err(|e| format!("主密钥格式不对：{e}"))
    }

    /// The service settings, with the tile URL flag (or `PINGAN_TILE_URL`) over the file.
    pub fn app_config(&self, tile_url: Option<String>) -> Result<AppConfig> {
        let minutes = self.file.session_idle_minutes.unwrap_or(30);
        if minutes == 0 {
            bail!("配置项 session_idle_minutes 应为正整数（分钟）");
        }
        if let Some(url) = &self.file.video_url
            && !url.contains("{id}")
        {
            bail!(
                "配置项 video_url 应含 {{id}}（代表摄像机的 20 位编码），如 http://媒体服务/play?channel={{id}}"
            );
        }
        Ok(AppConfig {
            session_idle: Duration::from_secs(minutes * 60),
            tile_url: tile_url
                .or_else(|| self.file.tile_url.clone())
                .filter(|u| !u.trim().is_empty()),
            lockout: Default::default(),
            totp_for_everyone: self.file.totp_for_everyone.unwrap_or(false),
            password_max_age: match self.file.password_max_age_days.unwrap_or(90) {
                0 => None,
                days => Some(Duration::from_secs(days * 24 * 3600)),
            },
            secure_cookies: self.file.secure_cookies.unwrap_or(false),
            trusted_proxies: self.file.trusted_proxies.clone().unwrap_or_default(),
            files: Some(self.files()?),
            metrics_allow: self.file.metrics_allow.clone().unwrap_or_default(),
            sip_password: std::env::var("PINGAN_SIP_PASSWORD")
                .ok()
                .or_else(|| self.file.sip_password.clone())
                .filter(|p| !p.is_empty()),
            video_url: self.file.video_url.clone(),
            risk_grade_letters: match &self.file.risk_grade_letters {
                Some(letters) if letters.iter().all(|l| (1..=4).contains(&l.chars().count())) => {
                    pingan_domain::case::risk::GradeLetters(letters.clone())
                }
                Some(_) => bail!(
                    "配置项 risk_grade_letters 应为三个 1 到 4 个字的等级代号，如 [\"A\", \"B\", \"C\"]"
                ),
                None => Default::default(),
            },
            hotline: match &self.file.hotline_callback_url {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    Some(pingan_app::HotlineConfig {
                        callback_url: url.clone(),
                        secret: std::env::var("PINGAN_HOTLINE_SECRET")
                            .ok()
                            .or_else(|| self.file.hotline_secret.clone())
                            .filter(|s| !s.is_empty()),
                    })
                }
                Some(url) => bail!(
                    "配置项 hotline_callback_url 应为 http:// 或 https:// 开头的地址，收到 {url}"
                ),
                None => None,
            },
            sms: match &self.file.sms_gateway_url {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    pingan_app::SmsSender::Http { url: url.clone() }
                }
                Some(url) => {
                    bail!("配置项 sms_gateway_url 应为 http:// 或 https:// 开头的地址，收到 {url}")
                }
                None => pingan_app::SmsSender::Log,
            },
        })
    }
}

impl Resolved {
    /// Where photos and files go: `files_store` (a bucket) or `files_dir` (a folder, by default
    /// `<data-dir>/files`), never both.
    pub fn files(&self) -> Result<FilesConfig> {
        match (&self.file.files_store, &self.file.files_dir) {
            (Some(_), Some(_)) => bail!(
                "配置项 files_dir 与 files_store 只能设置一个：多实例共用对象存储时请删去 files_dir"
            ),
            (Some(url), None) => {
                if !url.starts_with("s3://") {
                    bail!("配置项 files_store 应为 s3://存储桶 或 s3://存储桶/前缀，收到 {url}");
                }
                Ok(FilesConfig::S3 {
                    url: url.clone(),
                    options: self
                        .file
                        .files_store_options
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .collect(),
                })
            }
            (None, dir) => Ok(FilesConfig::Dir(
                dir.clone().unwrap_or_else(|| self.data_dir.join("files")),
            )),
        }
    }
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("无法读取配置文件 {}（{e}）", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let msg = e.message().replace('\n', " ");
        let at = e
            .span()
            .map(|s| {
                format!(
                    "第 {} 行",
                    text.get(..s.start).unwrap_or("").matches('\n').count() + 1
                )
            })
            .unwrap_or_default();
        anyhow!(
            "配置文件 {} {at}有误：{msg}。请改正或删除该文件后重试",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_configuration() {
        let dir = std::env::temp_dir().join(format!("pingan-cfg-{}", std::process::id()));
        let r = Resolved::load(Some(dir.clone()), None, None).unwrap();
        assert_eq!(
            r.db.sqlite_path(),
            Some(dir.join("pingan.db").to_str().unwrap())
        );
        let c = r.app_config(None).unwrap();
        assert_eq!(c.session_idle, Duration::from_secs(1800));
        assert_eq!(c.tile_url, None);
        assert_eq!(c.files, Some(FilesConfig::Dir(dir.join("files"))));
    }

    #[test]
    fn files_go_to_a_folder_or_a_bucket_never_both() {
        let dir = std::env::temp_dir().join(format!("pingan-cfg3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("pingan.toml");
        let with = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Resolved::load(Some(dir.clone()), None, Some(path.clone())).unwrap()
        };
        let bucket = with(
            "files_store = \"s3://pingan-files/tc\"\n[files_store_options]\naws_endpoint = \"http://10.0.0.5:9000\"\n",
        );
        assert_eq!(
            bucket.files().unwrap(),
            FilesConfig::S3 {
                url: "s3://pingan-files/tc".into(),
                options: vec![("aws_endpoint".into(), "http://10.0.0.5:9000".into())],
            }
        );
        let both = with("files_store = \"s3://b\"\nfiles_dir = \"/srv/files\"\n");
        assert!(
            both.files()
                .unwrap_err()
                .to_string()
                .contains("只能设置一个")
        );
        let not_s3 = with("files_store = \"/srv/files\"\n");
        assert!(not_s3.files().unwrap_err().to_string().contains("s3://"));
    }

    #[test]
    fn file_then_flags() {
        let dir = std::env::temp_dir().join(format!("pingan-cfg2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("pingan.toml");
        std::fs::write(
            &path,
            "db = \"postgres://u@h/d\"\ntile_url = \"http://t/{z}/{x}/{y}.png\"\n",
        )
        .unwrap();
        let r = Resolved::load(Some(dir.clone()), None, Some(path.clone())).unwrap();
        assert_eq!(r.db.expose(), "postgres://u@h/d");
        assert_eq!(
            r.app_config(Some("http://flag".into()))
                .unwrap()
                .tile_url
                .as_deref(),
            Some("http://flag")
        );
        let r =
            Resolved::load(Some(dir.clone()), Some("sqlite://x.db".into()), Some(path)).unwrap();
        assert_eq!(r.db.expose(), "sqlite://x.db");
    }

    #[test]
    fn a_corrupt_file_is_named_with_its_line() {
        let dir = std::env::temp_dir().join(format!("pingan-cfg3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:1\"\nlisten_port = 3\n").unwrap();
        let e = Resolved::load(Some(dir), None, Some(path))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("bad.toml") && e.contains("第 2 行"), "{e}");
    }
}
