//! 导入任务 — a person import that runs in the background while the page shows its progress.
//! The job and its progress live in the database, so that behind several instances any of them
//! answers the progress page. The instance running a job writes its progress at most every
//! [`WRITE_EVERY`] and at least every [`HEARTBEAT`]; a running job silent for [`GONE_AFTER`] died
//! with its instance and is shown as interrupted. Ended jobs are forgotten after [`KEPT`].

use crate::registry::persons::{ImportProgress, PersonImportReport};
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::{Duration, Utc};
use pingan_crypto::FieldCipher;
use pingan_domain::Capability;
use pingan_store::{JobProgress, JobRecord, Store};
use tokio::sync::watch;

/// How long an ended job stays to be looked at.
const KEPT: Duration = Duration::days(1);
/// The longest a running job goes without a write.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(5);
/// The shortest time between two progress writes.
const WRITE_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// The sealed field of a job's report (it quotes refused cells, ID numbers among them).
const REPORT_FIELD: &str = "import_jobs.report";
/// A running job not written for this long is taken for dead.
const GONE_AFTER: Duration = Duration::seconds(60);

/// 导入任务 as shown: where it stands and, once done, what it did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportJobView {
    pub id: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub progress: ImportProgress,
    pub percent: u8,
    /// Why it failed.
    pub message: Option<String>,
    pub report: Option<PersonImportReport>,
}

impl ImportJobView {
    fn of(job: JobRecord, cipher: &FieldCipher, now: chrono::DateTime<Utc>) -> Result<Self> {
        let count = |n: i64| usize::try_from(n).unwrap_or(0);
        let progress = ImportProgress {
            total: count(job.total),
            checked: count(job.checked),
            written: count(job.written),
        };
        let report: Option<PersonImportReport> = job
            .report
            .as_deref()
            .map(|sealed| {
                let json = cipher.open_bytes(REPORT_FIELD, sealed)?;
                serde_json::from_slice(&json).map_err(|e| {
                    AppError::Internal(format!("导入任务 {} 的结果无法读取: {e}", job.id))
                })
            })
            .transpose()?;
        let (state, message) = match job.state.as_str() {
            "running" if now - job.updated_at > GONE_AFTER => (
                "failed",
                Some(
                    "导入中断：处理该任务的服务实例已停止。已写入的人员已保存，请重新导入同一文件（已有人员按身份证号更新，不会重复）"
                        .to_owned(),
                ),
            ),
            state => (state, job.message),
        };
        Ok(Self {
            percent: if report.is_some() {
                100
            } else {
                progress.percent()
            },
            id: job.id,
            state: state.to_owned(),
            progress,
            message,
            report,
        })
    }
}

fn stored(p: ImportProgress) -> JobProgress {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    JobProgress {
        total: count(p.total),
        checked: count(p.checked),
        written: count(p.written),
    }
}

/// Writes a job's progress as it changes (at most every [`WRITE_EVERY`]) and at least every
/// [`HEARTBEAT`], until the import drops its end of the channel.
async fn keep_progress(store: Store, id: String, mut rx: watch::Receiver<ImportProgress>) {
    loop {
        let next = tokio::time::timeout(HEARTBEAT, rx.changed()).await;
        if matches!(next, Ok(Err(_))) {
            return;
        }
        let progress = stored(*rx.borrow_and_update());
        if let Err(e) = store.job_progress(&id, progress, Utc::now()).await {
            tracing::warn!("导入任务 {id} 的进度无法写入: {e}");
        }
        tokio::time::sleep(WRITE_EVERY).await;
    }
}

impl crate::services::Registry<'_> {
    /// Starts importing persons in the background; returns the job's id. The permission is
    /// checked at once; what is wrong with the file shows in the job.
    pub async fn start_person_import(
        self,
        actor: Actor,
        bytes: Vec<u8>,
        grid: Option<String>,
    ) -> Result<String> {
        self.authorize(&actor, Capability::ManageRegistry, None)?;
        let owner = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?
            .id;
        let id = pingan_crypto::random_token()?
            .get(..16)
            .unwrap_or_default()
            .to_owned();
        let now = Utc::now();
        self.store
            .start_job(&id, "persons", owner, now, now - KEPT)
            .await?;
        let (app, job) = (crate::App::clone(&self), id.clone());
        tokio::spawn(async move {
            let (tx, rx) = watch::channel(ImportProgress::default());
            let writer = tokio::spawn(keep_progress(app.store.clone(), job.clone(), rx));
            let report = app
                .registry()
                .import_persons_with_progress(&actor, &bytes, grid.as_deref(), &|p| {
                    tx.send_replace(p);
                })
                .await;
            drop(tx);
            // The last progress is written before the outcome, never after it.
            let _ = writer.await;
            let outcome = report
                .and_then(|r| {
                    let json =
                        serde_json::to_vec(&r).map_err(|e| AppError::Internal(e.to_string()))?;
                    Ok(app.cipher.seal_bytes(REPORT_FIELD, &json)?)
                })
                .map_err(|e| e.to_string());
            if let Err(e) = app
                .store
                .end_job(&job, outcome.as_deref().map_err(String::as_str), Utc::now())
                .await
            {
                tracing::error!("导入任务 {job} 的结果无法写入: {e}");
            }
        });
        Ok(id)
    }

    /// One of the user's own import jobs.
    pub async fn import_job(self, user: &CurrentUser, id: &str) -> Result<ImportJobView> {
        let job = self
            .store
            .job(id)
            .await?
            .filter(|j| j.owner_id == user.id && j.kind == "persons")
            .ok_or_else(|| {
                AppError::NotFound("没有这个导入任务（任务结束一天后不再保留）".into())
            })?;
        ImportJobView::of(job, &self.cipher, Utc::now())
    }
}
