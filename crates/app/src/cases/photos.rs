//! 现场照片 — photos of a case, taken by the people on it: an event's before and after handling,
//! a dispute's signed agreement (签字协议书). The bytes are kept in the files store under their
//! SM3 digest; each upload is one timeline entry.

use crate::{Actor, App, AppError, Result};
use chrono::{DateTime, Utc};
use pingan_crypto::sm3_hex;
use pingan_domain::Capability;
use pingan_store::{CaseFileRecord, NewCaseFile, NewTimelineEntry};
use serde::Serialize;
use serde_json::json;

/// The largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The most photos one case keeps.
const MAX_PHOTOS_PER_CASE: i64 = 30;

/// A photo as uploaded.
#[derive(Debug, Clone)]
pub struct PhotoUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// 现场照片 — a photo of a case as shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub id: i64,
    /// `before`, `after`, `agreement` or `material`.
    pub stage: String,
    /// 处置前, 处置后, 签字协议书 or 申请材料.
    pub stage_label: &'static str,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// Where to fetch it (same sign-in).
    pub url: String,
}

fn stage_label(stage: &str) -> &'static str {
    match stage {
        "after" => "处置后",
        "agreement" => "签字协议书",
        "material" => "申请材料",
        _ => "处置前",
    }
}

impl PhotoView {
    /// A stored photo of a case whose API lives under `/api/v1/{collection}`.
    fn new(f: CaseFileRecord, collection: &str) -> Self {
        Self {
            url: format!("/api/v1/{collection}/{}/photos/{}", f.case_id, f.id),
            stage_label: stage_label(&f.stage),
            id: f.id,
            stage: f.stage,
            file_name: f.file_name,
            content_type: f.content_type,
            size: f.size,
            uploaded_by: f.uploaded_by,
            uploaded_at: f.uploaded_at,
        }
    }
}

/// A photo checked before it is kept: not empty, under [`MAX_PHOTO_BYTES`], and really a JPEG,
/// PNG or WebP — (the name it is shown by, content type, extension), or why not, naming it.
pub(crate) fn check_photo(u: &PhotoUpload) -> Result<(String, &'static str, &'static str)> {
    let name = u.file_name.trim();
    let shown = if name.is_empty() { "照片" } else { name };
    if u.bytes.is_empty() || u.bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::Invalid(format!(
            "{shown}：照片应小于 {} MB",
            MAX_PHOTO_BYTES / 1024 / 1024
        )));
    }
    let (content_type, ext) = sniff(&u.bytes)
        .ok_or_else(|| AppError::Invalid(format!("{shown} 不是 JPEG、PNG 或 WebP 图片")))?;
    Ok((shown.chars().take(100).collect(), content_type, ext))
}

/// The image type of `bytes` by its first bytes (what the file is, not what it claims):
/// (content type, extension).
pub(crate) fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(("image/jpeg", "jpg")),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(("image/png", "png")),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some(("image/webp", "webp")),
        _ => None,
    }
}

impl App {
    /// Where photos are kept, or the refusal that says none is configured.
    pub(crate) fn files(&self) -> Result<&crate::files::Files> {
        self.files.as_ref().ok_or_else(|| {
            AppError::Invalid(
                "本服务器未配置附件存储（files_dir 或 files_store），暂不能上传或查看照片".into(),
            )
        })
    }
}

impl crate::services::Cases<'_> {
    /// Adds photos to an event the user is on (hub, department, grid worker or reporter).
    /// `stage` is `before`/处置前 or `after`/处置后.
    pub async fn add_photos(
        self,
        actor: &Actor,
        case_id: i64,
        stage: &str,
        uploads: Vec<PhotoUpload>,
    ) -> Result<Vec<PhotoView>> {
        self.authorize(actor, Capability::ReportEvents, None)
            .or_else(|_| self.authorize(actor, Capability::ViewCases, None))?;
        let stage = match stage.trim() {
            "before" | "处置前" | "" => "before",
            "after" | "处置后" => "after",
            other => {
                return Err(AppError::Invalid(format!(
                    "照片阶段应为 处置前 或 处置后，收到 {other}"
                )));
            }
        };
        let (user, record) = self.readable_event(actor, case_id).await?;
        if super::parties(user, &record.case)?.is_empty() {
            return Err(AppError::Forbidden(
                "只有办理此事件的人员可以上传照片".into(),
            ));
        }
        self.attach_photos(user, &record.case, stage, uploads, "events")
            .await
    }

    /// Stores photos of a case the caller has checked the user may add to, with their timeline
    /// entry; answers the photos added.
    pub(crate) async fn attach_photos(
        self,
        user: &crate::CurrentUser,
        case: &pingan_store::CaseRecord,
        stage: &str,
        uploads: Vec<PhotoUpload>,
        collection: &str,
    ) -> Result<Vec<PhotoView>> {
        let case_id = case.id;
        if uploads.is_empty() {
            return Err(AppError::Invalid("请选择要上传的照片".into()));
        }
        let had = self.store.case_file_count(case_id).await?;
        if had + i64::try_from(uploads.len()).unwrap_or(i64::MAX) > MAX_PHOTOS_PER_CASE {
            return Err(AppError::Invalid(format!(
                "每件最多 {MAX_PHOTOS_PER_CASE} 张照片，已有 {had} 张"
            )));
        }
        let store = self.files()?;
        let mut files = Vec::with_capacity(uploads.len());
        for u in &uploads {
            let (shown, content_type, ext) = check_photo(u)?;
            let digest = sm3_hex(&u.bytes);
            store
                .put_once(&format!("cases/{case_id}/{digest}.{ext}"), &u.bytes)
                .await?;
            files.push(NewCaseFile {
                stage: stage.into(),
                file_name: shown,
                content_type: content_type.into(),
                size: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
                digest,
            });
        }
        let entry = NewTimelineEntry {
            at: pingan_domain::audit::to_micros(Utc::now()),
            action: "photos".into(),
            actor_id: Some(user.id),
            actor_name: user.display_name.clone(),
            actor_org: Some(user.org_code.as_str().into()),
            from_state: Some(case.core.state.key.into()),
            to_state: case.core.state.key.into(),
            comment: None,
            detail: json!({"photos": files.len(), "stage": stage}).to_string(),
        };
        self.store.add_case_files(case_id, &files, &entry).await?;
        Ok(self
            .photos_of(case_id, collection)
            .await?
            .into_iter()
            .rev()
            .take(files.len())
            .rev()
            .collect())
    }

    /// The photos of a case whose API lives under `/api/v1/{collection}`, oldest first.
    pub(crate) async fn photos_of(self, case_id: i64, collection: &str) -> Result<Vec<PhotoView>> {
        Ok(self
            .store
            .case_files(case_id)
            .await?
            .into_iter()
            .map(|f| PhotoView::new(f, collection))
            .collect())
    }

    /// One photo of an event the user can see: its content type and bytes.
    pub async fn photo(
        self,
        actor: &Actor,
        case_id: i64,
        photo_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        // Seeing the case is the permission to see its photos.
        self.readable_event(actor, case_id).await?;
        self.case_photo(case_id, photo_id).await
    }

    /// The content type and bytes of a photo of a case the caller has checked the user may see.
    pub(crate) async fn case_photo(self, case_id: i64, photo_id: i64) -> Result<(String, Vec<u8>)> {
        let file = self
            .store
            .case_files(case_id)
            .await?
            .into_iter()
            .find(|f| f.id == photo_id)
            .ok_or_else(|| AppError::NotFound(format!("照片 {photo_id} 不存在")))?;
        let folder = format!("cases/{case_id}");
        let bytes = self
            .read_photo(&folder, &file.digest, &file.content_type)
            .await?;
        Ok((file.content_type, bytes))
    }

    /// The bytes of a stored photo (a file missing from the store is a 404 that says so).
    pub(crate) async fn read_photo(
        self,
        folder: &str,
        digest: &str,
        content_type: &str,
    ) -> Result<Vec<u8>> {
        self.files()?
            .get(&photo_name(folder, digest, content_type))
            .await
    }

    /// How many stored photos have no file in the files store, of how many: checked at start,
    /// so that the operator learns of a restore without the files before users do.
    pub async fn missing_photo_files(self) -> Result<(usize, usize)> {
        let Ok(files) = self.files() else {
            return Ok((0, 0));
        };
        let photos = self.store.stored_photos().await?;
        let mut present = files.names_under("cases").await?;
        present.extend(files.names_under("visits").await?);
        present.extend(files.names_under("outreach").await?);
        let missing = photos
            .iter()
            .filter(|(folder, digest, content_type)| {
                !present.contains(&photo_name(folder, digest, content_type))
            })
            .count();
        Ok((missing, photos.len()))
    }
}

/// A photo's name in the files store: `<folder>/<digest>.<jpg|png|webp>`.
fn photo_name(folder: &str, digest: &str, content_type: &str) -> String {
    let ext = content_type
        .trim_start_matches("image/")
        .replace("jpeg", "jpg");
    format!("{folder}/{digest}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(("image/png", "png")));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(("image/webp", "webp")));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
    }
}
