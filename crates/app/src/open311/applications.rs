//! Open311 办件 — a `POST /requests` for a service of the catalogue taken in as an application
//! (政务服务办件) made online by the integrator's account for the person it names, and the reads
//! that follow it. The applicant's name and phone are the specification's `first_name`,
//! `last_name` and `phone`; the station is `attribute[org]` or the village at `lat`/`long`.

use super::requests::{text, view_of_application};
use super::{Open311Created, Open311Form, Open311Request};
use crate::cases::{ApplicationIntake, intake_point};
use crate::{Actor, AppError, CurrentUser, Result, ServiceItemView};
use pingan_domain::Scope;
use pingan_store::NewOpen311Request;

impl crate::services::Open311<'_> {
    /// Takes in a request for a service of the catalogue as an application.
    pub(super) async fn create_application_request(
        self,
        actor: &Actor,
        user: &CurrentUser,
        f: &Open311Form,
        service: &ServiceItemView,
    ) -> Result<Open311Created> {
        let name = format!(
            "{}{}",
            text(&f.last_name).unwrap_or_default(),
            text(&f.first_name).unwrap_or_default()
        );
        if name.is_empty() {
            return Err(AppError::Invalid(
                "last_name/first_name required（政务服务申请须填写申请人姓名）".into(),
            ));
        }
        let attribute = |code: &str| {
            f.attributes
                .get(code)
                .and_then(|v| v.first())
                .map(|v| v.trim().chars().take(64).collect::<String>())
                .filter(|v| !v.is_empty())
        };
        let number = |v: &Option<String>, what: &str| -> Result<Option<f64>> {
            text(v)
                .map(|v| {
                    v.parse::<f64>()
                        .map_err(|_| AppError::Invalid(format!("{what} 应为数字（十进制度）")))
                })
                .transpose()
        };
        let org = match attribute("org") {
            Some(org) => Some(org),
            None => {
                let point = intake_point(
                    number(&f.lat, "lat")?,
                    number(&f.long, "long")?,
                    attribute("coord").as_deref(),
                )?
                .ok_or_else(|| {
                    AppError::Invalid(
                        "attribute[org] or lat/long required（请提供办理地点 attribute[org]，或申请人所在位置 lat/long）".into(),
                    )
                })?;
                Some(
                    self.cases()
                        .intake_place(Some(point), None, None)
                        .await?
                        .to_string(),
                )
            }
        };
        if f.media.len() > super::requests::MAX_MEDIA {
            return Err(AppError::Invalid(format!(
                "media 最多 {} 张照片",
                super::requests::MAX_MEDIA
            )));
        }
        let intake = ApplicationIntake {
            client_id: format!(
                "o311-{}",
                pingan_crypto::random_token()?.get(..32).unwrap_or_default()
            ),
            service: service.code.clone(),
            org,
            name,
            id_number: attribute("id_number"),
            phone: text(&f.phone).map(str::to_owned),
            note: text(&f.description)
                .map(|d| d.chars().take(500).collect())
                .unwrap_or_default(),
        };
        let made = self.cases().apply_for_service(actor, &intake).await?;
        let application = made.application;
        self.store
            .insert_open311_request(&NewOpen311Request {
                case_id: application.id,
                integrator_id: user.id,
                media_url: None,
                contact_sealed: self.contact(f)?,
                account_id: text(&f.account_id).map(|a| a.chars().take(64).collect()),
                device_id: text(&f.device_id).map(|d| d.chars().take(64).collect()),
            })
            .await?;
        if !f.media.is_empty() {
            self.cases()
                .add_application_materials(actor, application.id, f.media.clone())
                .await?;
        }
        Ok(Open311Created {
            service_notice: format!(
                "已提交，办件编号 {}，便民服务站 2 个工作日内受理，受理后 {} 个工作日内办结",
                application.number, service.limit_days
            ),
            service_request_id: application.number,
            account_id: text(&f.account_id).map(str::to_owned),
        })
    }

    /// The Open311 application with this number (`BJ…`), if there is one.
    pub(super) async fn application_request(
        self,
        reader: Option<&CurrentUser>,
        number: &str,
        district: &Scope,
    ) -> Result<Option<Open311Request>> {
        let Some(id) = crate::cases::parse_case_ref(number) else {
            return Ok(None);
        };
        let units = self.units().await?;
        Ok(self
            .store
            .open311_application(id, district)
            .await?
            .map(|(r, integrator)| view_of_application(r, integrator, reader, &units))
            .filter(|v| v.service_request_id == number))
    }

    /// 办理单位 by service code, for `agency_responsible`.
    pub(super) async fn units(self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self
            .cases()
            .service_items(true)
            .await?
            .into_iter()
            .map(|s| (s.code, s.unit))
            .collect())
    }
}

/// Whether a request number names an application (`BJ…`) rather than an event (`SJ…`).
pub(super) fn is_application(number: &str) -> bool {
    number.starts_with(pingan_domain::case::application::APPLICATION.number_prefix)
}
