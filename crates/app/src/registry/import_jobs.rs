//! 导入任务 — a person import that runs in the background while the page shows its progress.
//! Jobs live in the memory of the instance that took the file (behind several instances, the
//! import page needs sticky sessions) and are forgotten an hour after they end.

use crate::registry::persons::{ImportProgress, PersonImportReport};
use crate::{Actor, AppError, CurrentUser, Result};
use pingan_domain::Capability;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an ended job stays to be looked at.
const KEPT: Duration = Duration::from_secs(3_600);

#[derive(Debug)]
struct Job {
    owner: Option<i64>,
    progress: ImportProgress,
    outcome: Option<std::result::Result<PersonImportReport, String>>,
    ended: Option<Instant>,
}

/// The import jobs of this instance.
#[derive(Debug, Default)]
pub(crate) struct ImportJobs(Mutex<HashMap<String, Job>>);

impl ImportJobs {
    fn update(&self, id: &str, change: impl FnOnce(&mut Job)) {
        if let Ok(mut jobs) = self.0.lock()
            && let Some(job) = jobs.get_mut(id)
        {
            change(job);
        }
    }
}

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

impl crate::services::Registry<'_> {
    /// Starts importing persons in the background; returns the job's id. The permission is
    /// checked at once; what is wrong with the file shows in the job.
    pub fn start_person_import(
        self,
        actor: Actor,
        bytes: Vec<u8>,
        grid: Option<String>,
    ) -> Result<String> {
        self.authorize(&actor, Capability::ManageRegistry, None)?;
        let id = pingan_crypto::random_token()?
            .get(..16)
            .unwrap_or_default()
            .to_owned();
        {
            let mut jobs = self
                .jobs
                .0
                .lock()
                .map_err(|_| AppError::Internal("导入任务表不可用".into()))?;
            jobs.retain(|_, j| j.ended.is_none_or(|t| t.elapsed() < KEPT));
            jobs.insert(
                id.clone(),
                Job {
                    owner: actor.user.as_ref().map(|u| u.id),
                    progress: ImportProgress::default(),
                    outcome: None,
                    ended: None,
                },
            );
        }
        let (app, job) = (crate::App::clone(&self), id.clone());
        tokio::spawn(async move {
            let jobs: Arc<ImportJobs> = app.jobs.clone();
            let report = app
                .registry()
                .import_persons_with_progress(&actor, &bytes, grid.as_deref(), &|p| {
                    jobs.update(&job, |j| j.progress = p);
                })
                .await;
            jobs.update(&job, |j| {
                j.outcome = Some(report.map_err(|e| e.to_string()));
                j.ended = Some(Instant::now());
            });
        });
        Ok(id)
    }

    /// One of the user's own import jobs.
    pub fn import_job(self, user: &CurrentUser, id: &str) -> Result<ImportJobView> {
        let jobs = self
            .jobs
            .0
            .lock()
            .map_err(|_| AppError::Internal("导入任务表不可用".into()))?;
        let job = jobs
            .get(id)
            .filter(|j| j.owner == Some(user.id))
            .ok_or_else(|| {
                AppError::NotFound("没有这个导入任务（任务结束一小时后不再保留）".into())
            })?;
        let (state, message, report) = match &job.outcome {
            None => ("running", None, None),
            Some(Ok(r)) => ("done", None, Some(r.clone())),
            Some(Err(e)) => ("failed", Some(e.clone()), None),
        };
        Ok(ImportJobView {
            id: id.to_owned(),
            state: state.to_owned(),
            progress: job.progress,
            percent: if report.is_some() {
                100
            } else {
                job.progress.percent()
            },
            message,
            report,
        })
    }
}
