//! A round-robin TCP proxy, as a load balancer without sticky sessions: each new connection goes
//! to the next backend in turn.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy; it stops when dropped.
pub struct RoundRobin {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    connections: Vec<Arc<AtomicUsize>>,
    task: tokio::task::JoinHandle<()>,
}

impl RoundRobin {
    /// Listens on a free port and spreads connections over `backends` (`http://host:port`).
    pub async fn start(backends: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let targets: Vec<String> = backends
            .iter()
            .map(|b| b.trim_start_matches("http://").to_owned())
            .collect();
        let connections: Vec<Arc<AtomicUsize>> = targets.iter().map(|_| Arc::default()).collect();
        let counts = connections.clone();
        let task = tokio::spawn(async move {
            let mut next = 0;
            while let Ok((mut client, _)) = listener.accept().await {
                let i = next % targets.len();
                next += 1;
                counts[i].fetch_add(1, Ordering::Relaxed);
                let target = targets[i].clone();
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self {
            base_url,
            connections,
            task,
        }
    }

    /// How many connections each backend has been given.
    pub fn connections(&self) -> Vec<usize> {
        self.connections
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }
}

impl Drop for RoundRobin {
    fn drop(&mut self) {
        self.task.abort();
    }
}
