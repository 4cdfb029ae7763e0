//! Photos of cases: the rows that say which file belongs to which case and stage. The bytes are
//! kept by the app in the files folder; the store keeps only what describes them.

use crate::cases::{NewTimelineEntry, append_timeline};
use crate::{Result, Store, dispatch};
use chrono::{DateTime, Utc};

/// 现场照片 — one photo of a case, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseFileRecord {
    pub id: i64,
    pub case_id: i64,
    pub timeline_id: Option<i64>,
    /// `before` (处置前) or `after` (处置后).
    pub stage: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SM3 of the bytes, hex: also the file's name in the folder.
    pub digest: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A photo to record.
#[derive(Debug, Clone)]
pub struct NewCaseFile {
    pub stage: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub digest: String,
}

macro_rules! select_files {
    ($rest:literal) => {
        concat!(
            "SELECT id, case_id, timeline_id, stage, file_name, content_type, size, digest,
                    uploaded_by, uploaded_at FROM case_files ",
            $rest
        )
    };
}

impl Store {
    /// Records photos of a case with the timeline entry that mentions them, in one transaction.
    /// The case row itself does not change (its version stays), so adding photos never collides
    /// with someone acting on the case.
    pub async fn add_case_files(
        &self,
        case_id: i64,
        files: &[NewCaseFile],
        entry: &NewTimelineEntry,
    ) -> Result<Vec<i64>> {
        Ok(dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let timeline_id = append_timeline!(tx, &[(case_id, entry)]).first().copied();
            let mut ids = Vec::with_capacity(files.len());
            for f in files {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO case_files (case_id, timeline_id, stage, file_name, content_type,
                        size, digest, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(case_id)
                .bind(timeline_id)
                .bind(&f.stage)
                .bind(&f.file_name)
                .bind(&f.content_type)
                .bind(f.size)
                .bind(&f.digest)
                .bind(&entry.actor_name)
                .bind(entry.at)
                .fetch_one(&mut *tx)
                .await?;
                ids.push(id);
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(ids)
        })?)
    }

    /// The photos of a case, oldest first.
    pub async fn case_files(&self, case_id: i64) -> Result<Vec<CaseFileRecord>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(select_files!("WHERE case_id = $1 ORDER BY id"))
                .bind(case_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// Every stored photo as (folder under the files directory, digest, content type): each
    /// event photo under `cases/<case id>`, each visit photo under `visits`, each outreach
    /// activity's under `outreach`. For the startup check that the files directory came back
    /// with the database.
    pub async fn stored_photos(&self) -> Result<Vec<(String, String, String)>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT 'cases/' || CAST(case_id AS TEXT), digest, content_type FROM case_files
                 UNION ALL SELECT 'visits', digest, content_type FROM visit_photos
                 UNION ALL SELECT 'outreach', digest, content_type FROM outreach_photos",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// How many photos a case has.
    pub async fn case_file_count(&self, case_id: i64) -> Result<i64> {
        let (n,): (i64,) = dispatch!(self, |p| {
            sqlx::query_as("SELECT COUNT(*) FROM case_files WHERE case_id = $1")
                .bind(case_id)
                .fetch_one(p)
                .await
        })?;
        Ok(n)
    }
}
