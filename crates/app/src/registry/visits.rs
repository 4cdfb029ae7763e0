//! 入户走访 — a grid worker's record of visiting a person of their scope: when, where the phone
//! was, what was found (sealed at rest), and the health check of epidemic periods. A phone that
//! kept the visit offline sends it again with the same key: it is recorded once.

use crate::{Actor, AppError, CurrentUser, PhotoUpload, Result};
use chrono::{DateTime, Utc};
use pingan_crypto::sm3_hex;
use pingan_domain::Capability;
use pingan_domain::special_group::VisitInput;
use pingan_domain::time::format_minute;
use pingan_store::{NewVisit, VisitRecord};
use serde_json::json;

pub(crate) const NOTES_FIELD: &str = "visits.notes";
/// Visits shown on a person's page.
const VISITS_SHOWN: i64 = 50;

/// A visit as the phone sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct VisitEntry {
    pub person_id: i64,
    /// When the visit took place (RFC 3339); now when absent. Up to 30 days back.
    pub visited_at: Option<DateTime<Utc>>,
    /// WGS-84, from the phone.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// 走访情况, 2–1,000 characters.
    pub notes: String,
    /// 体温 °C.
    pub temperature: Option<f64>,
    /// 症状.
    #[serde(default)]
    pub symptoms: String,
    /// Chosen by the phone once per visit (`client_id` of events: 8–64 letters, digits, `-` or
    /// `_`): sending it again records nothing new.
    pub client_id: Option<String>,
}

/// 走访记录 as shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct VisitView {
    pub id: i64,
    pub person_id: i64,
    pub visitor: String,
    /// Beijing time.
    pub visited_at: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub notes: String,
    pub temperature: Option<f64>,
    pub symptoms: Option<String>,
    /// Where to fetch each photo (same sign-in): `/api/v1/persons/{person}/visit-photos/{id}`.
    pub photos: Vec<String>,
}

/// The most photos one visit keeps.
pub const MAX_VISIT_PHOTOS: usize = 6;

impl crate::services::Registry<'_> {
    /// Records a visit to a person of the user's scope; `false` when the same client id was
    /// recorded before (nothing new is written).
    pub async fn record_visit(
        self,
        actor: &Actor,
        user: &CurrentUser,
        entry: &VisitEntry,
        photos: &[PhotoUpload],
    ) -> Result<(VisitView, bool)> {
        self.authorize_user(user, Capability::ManageRegistry)?;
        self.person(user, entry.person_id).await?;
        if photos.len() > MAX_VISIT_PHOTOS {
            return Err(AppError::Invalid(format!(
                "每次走访最多 {MAX_VISIT_PHOTOS} 张照片"
            )));
        }
        let mut files = Vec::with_capacity(photos.len());
        for p in photos {
            let (_, content_type, ext) = crate::cases::check_photo(p)?;
            files.push((content_type, ext, &p.bytes));
        }
        // The photos are written first, named by their digest, so that the visit and its photos
        // enter the database together (a resend writes the same files again, harmlessly).
        let mut kept = Vec::with_capacity(files.len());
        if !files.is_empty() {
            let store = self.files()?;
            for (content_type, ext, bytes) in &files {
                let digest = sm3_hex(bytes);
                store
                    .put_once(&format!("visits/{digest}.{ext}"), bytes)
                    .await?;
                let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                kept.push(((*content_type).to_owned(), size, digest));
            }
        }
        let client_id = match entry.client_id.as_deref().map(str::trim) {
            None | Some("") => crate::new_client_id()?,
            Some(k) => {
                crate::cases::check_client_id(k)?;
                k.to_owned()
            }
        };
        let point = match (entry.lat, entry.lon) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            _ => return Err(AppError::Invalid("定位须同时有纬度和经度".into())),
        };
        let now = Utc::now();
        let input = VisitInput {
            visited_at: entry.visited_at,
            point,
            notes: entry.notes.clone(),
            temperature: entry.temperature,
            symptoms: entry.symptoms.clone(),
        };
        let valid = input
            .validate(now, pingan_geo::coord::in_china)
            .map_err(|errors| {
                AppError::Invalid(
                    errors
                        .into_iter()
                        .map(|(field, reason)| format!("{field}：{reason}"))
                        .collect::<Vec<_>>()
                        .join("；"),
                )
            })?;
        let (id, person_id, created) = self
            .store
            .insert_visit(
                &NewVisit {
                    person_id: entry.person_id,
                    visitor_id: user.id,
                    visited_at: pingan_domain::audit::to_micros(valid.visited_at),
                    point: valid.point,
                    notes_sealed: self.cipher.seal(NOTES_FIELD, &valid.notes)?,
                    temperature: valid.temperature,
                    symptoms: valid.symptoms,
                    client_id,
                    at: pingan_domain::audit::to_micros(now),
                },
                &kept,
            )
            .await?;
        if person_id != entry.person_id {
            return Err(AppError::Conflict(
                "这个 client_id 已用于另一条走访记录：每条走访须用新的 client_id".into(),
            ));
        }
        if created {
            self.refresh_visit_dues(Some(person_id), false).await?;
            self.audit(
                actor,
                "visits.record",
                &format!("person:{person_id}"),
                "ok",
                json!({"visit": id, "photos": kept.len()}),
            )
            .await?;
        }
        let view = self
            .visits(user, person_id)
            .await?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or_else(|| AppError::Internal(format!("走访记录 {id} 未能读回")))?;
        Ok((view, created))
    }

    /// A person's visits, newest first (at most 50).
    pub async fn visits(self, user: &CurrentUser, person_id: i64) -> Result<Vec<VisitView>> {
        self.person(user, person_id).await?;
        // Visits before photos: a visit and its photos commit together, so every visit read here
        // finds its photos in the second read (reading photos first could miss those of a visit
        // committed between the two).
        let visits = self.store.visits_of(person_id, VISITS_SHOWN).await?;
        let photos = self.store.visit_photos_of(person_id).await?;
        visits
            .into_iter()
            .map(|r| {
                let urls = photos
                    .iter()
                    .filter(|p| p.visit_id == r.id)
                    .map(|p| format!("/api/v1/persons/{person_id}/visit-photos/{}", p.id))
                    .collect();
                self.visit_view(r, urls)
            })
            .collect()
    }

    /// One photo of a visit to a person of the user's scope: its content type and bytes.
    pub async fn visit_photo(
        self,
        user: &CurrentUser,
        person_id: i64,
        photo_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        self.person(user, person_id).await?;
        let photo = self
            .store
            .visit_photos_of(person_id)
            .await?
            .into_iter()
            .find(|p| p.id == photo_id)
            .ok_or_else(|| AppError::NotFound(format!("照片 {photo_id} 不存在")))?;
        let bytes = self
            .cases()
            .read_photo("visits", &photo.digest, &photo.content_type)
            .await?;
        Ok((photo.content_type, bytes))
    }

    fn visit_view(self, r: VisitRecord, photos: Vec<String>) -> Result<VisitView> {
        Ok(VisitView {
            id: r.id,
            person_id: r.person_id,
            visitor: r.visitor_name,
            visited_at: format_minute(r.visited_at),
            lat: r.lat,
            lon: r.lon,
            notes: self.cipher.open(NOTES_FIELD, &r.notes_sealed)?,
            temperature: r.temperature,
            symptoms: r.symptoms,
            photos,
        })
    }
}
