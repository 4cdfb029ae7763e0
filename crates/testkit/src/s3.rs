//! A local S3-compatible server for tests: moto's server (PyPI `moto[server]`), started on a free
//! port with one empty bucket, stopped when dropped.

use pingan_app::FilesConfig;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A running moto server with one bucket.
pub struct S3Server {
    endpoint: String,
    bucket: String,
    _process: tokio::process::Child,
}

impl S3Server {
    /// Starts moto with an empty bucket. Without moto installed this says so and gives none —
    /// except in CI (`CI` set), where a test that cannot run is a failure.
    pub async fn start() -> Option<Self> {
        let installed = std::process::Command::new("python3")
            .args(["-c", "import moto.server"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !installed {
            assert!(
                std::env::var_os("CI").is_none(),
                "moto 未安装：pip install 'moto[server]'"
            );
            eprintln!("moto 未安装（pip install 'moto[server]'），跳过对象存储测试");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let process = tokio::process::Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start moto");
        let addr = format!("127.0.0.1:{port}");
        let bucket = crate::unique_name("pingan").replace('_', "-");
        for _ in 0..300 {
            if let Ok(status) = put_bucket(&addr, &bucket).await {
                assert!(
                    status.contains(" 200 "),
                    "moto refused the bucket: {status}"
                );
                return Some(Self {
                    endpoint: format!("http://{addr}"),
                    bucket,
                    _process: process,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto did not start on {addr} within 30 s");
    }

    /// The files store settings of this server's bucket.
    pub fn files(&self) -> FilesConfig {
        let options = [
            ("aws_endpoint", self.endpoint.as_str()),
            ("aws_region", "us-east-1"),
            ("aws_allow_http", "true"),
            ("aws_access_key_id", "testing"),
            ("aws_secret_access_key", "testing"),
        ];
        FilesConfig::S3 {
            url: format!("s3://{}", self.bucket),
            options: options
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }
}

/// Creates `bucket` (moto takes an unsigned request); returns the status line.
async fn put_bucket(addr: &str, bucket: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr).await?;
    let request = format!(
        "PUT /{bucket} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    Ok(answer.lines().next().unwrap_or_default().to_owned())
}
