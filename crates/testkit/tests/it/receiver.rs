//! A stand-in for a system Pingan calls over HTTP, listening on a local port.

use serde_json::Value;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Another system's HTTP end (the 12345 hotline, an SMS gateway): records each POST (headers, body) and answers with the next status
/// of `answers` (200 once they run out).
#[derive(Clone)]
pub(crate) struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Receiver {
    pub(crate) async fn start(answers: Vec<u16>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/callback", listener.local_addr().unwrap());
        let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let answers = Arc::new(Mutex::new(answers));
        let (kept, left) = (got.clone(), answers.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (kept, left) = (kept.clone(), left.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let (head, body) = loop {
                        let n = socket.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).into_owned();
                        if let Some((head, body)) = text.split_once("\r\n\r\n") {
                            let length = head
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if body.len() >= length {
                                break (head.to_owned(), body.to_owned());
                            }
                        }
                    };
                    kept.lock().unwrap().push((head, body));
                    let status = {
                        let mut left = left.lock().unwrap();
                        if left.is_empty() { 200 } else { left.remove(0) }
                    };
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self { url, got }
    }

    pub(crate) fn bodies(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| serde_json::from_str(b).unwrap())
            .collect()
    }
}
