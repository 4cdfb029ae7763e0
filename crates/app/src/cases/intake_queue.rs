//! 受理队列 — intakes wait here for the one task that writes them, in batches: whatever has queued
//! while the previous batch was being written goes into the next transaction (group commit). An
//! intake is answered when its batch has committed, so a 2xx answer still means it is stored.

use crate::{AppError, Result};
use pingan_store::{EventInsert, Inserted, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// The most intakes written in one transaction.
const MAX_BATCH: usize = 128;

struct Job {
    insert: EventInsert,
    reply: oneshot::Sender<Result<Inserted, String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct IntakeQueue {
    tx: mpsc::Sender<Job>,
}

impl IntakeQueue {
    /// Starts the writing task on the running runtime.
    pub(crate) fn start(store: Store) -> Self {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_batches(store, rx));
        Self { tx }
    }

    /// Intakes queued now, and how many the queue holds.
    pub(crate) fn depth(&self) -> (usize, usize) {
        let max = self.tx.max_capacity();
        (max - self.tx.capacity(), max)
    }

    /// Writes one event (with whatever else is queued) and says what became of it.
    pub(crate) async fn write(&self, insert: EventInsert) -> Result<Inserted> {
        let (reply, answer) = oneshot::channel();
        let gone = || AppError::Unavailable("事件写入任务已停止，请稍后重试".into());
        self.tx
            .send(Job { insert, reply })
            .await
            .map_err(|_| gone())?;
        answer
            .await
            .map_err(|_| gone())?
            .map_err(AppError::Internal)
    }
}

async fn write_batches(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (inserts, replies): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|j| (j.insert, j.reply)).unzip();
        let mut result = store.insert_events(&inserts).await;
        // Another instance took one of the client ids between our lookup and our insert
        // (PostgreSQL): written again, the lookup finds it.
        for _ in 0..2 {
            if matches!(result, Err(StoreError::Conflict(_))) {
                result = store.insert_events(&inserts).await;
            }
        }
        match result {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!("写入 {} 条事件失败: {e}", replies.len());
                for reply in replies {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
}
