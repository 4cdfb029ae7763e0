//! Open311 服务目录 — the event categories in force as services, and the one definition they
//! share: the questions that make a request an event (a title, the coordinate system, the grid).

use super::{Open311Attribute, Open311Service};
use crate::ServiceItemView;
use crate::{AppError, Result};
use pingan_domain::calendar::TimeUnit;
use pingan_store::CategoryRecord;

/// The questions every service asks besides the specification's own fields.
pub(super) const ATTRIBUTES: [Open311Attribute; 3] = [
    Open311Attribute {
        code: "title",
        datatype: "string",
        required: false,
        datatype_description: "2 到 100 个字",
        order: 1,
        description: "事件标题；不填时取描述的开头",
        values: &[],
    },
    Open311Attribute {
        code: "coord",
        datatype: "singlevaluelist",
        required: false,
        datatype_description: "不填即 WGS-84",
        order: 2,
        description: "lat/long 的坐标系：GPS 定位为 WGS-84；取自高德、腾讯地图的为 GCJ-02",
        values: &[
            ("wgs84", "WGS-84（GPS）"),
            ("gcj02", "GCJ-02（高德、腾讯地图）"),
        ],
    },
    Open311Attribute {
        code: "grid_code",
        datatype: "string",
        required: false,
        datatype_description: "15 位网格代码",
        order: 3,
        description: "所属网格：只有地址 address_string、没有经纬度时必填",
        values: &[],
    },
];

/// The questions of a service of the catalogue besides the specification's own fields (the
/// applicant's name is `last_name` + `first_name`, their phone `phone`, both required).
pub(super) const APPLICATION_ATTRIBUTES: [Open311Attribute; 2] = [
    Open311Attribute {
        code: "org",
        datatype: "string",
        required: false,
        datatype_description: "12 位村（社区）或 9 位乡镇（街道）代码",
        order: 1,
        description: "办理地点：受理的便民服务站；不填时按 lat/long 所在的村（社区）",
        values: &[],
    },
    Open311Attribute {
        code: "id_number",
        datatype: "string",
        required: false,
        datatype_description: "18 位公民身份号码",
        order: 2,
        description: "申请人的公民身份号码",
        values: &[],
    },
];

impl crate::services::Open311<'_> {
    /// The services: every event category in force, then every service of the catalogue that
    /// is taken in (a request for one is an application, 政务服务办件).
    pub async fn services(self) -> Result<Vec<Open311Service>> {
        let categories = self.cases().category_records().await?;
        let mut out: Vec<Open311Service> = categories
            .iter()
            .filter(|c| c.retired_at.is_none())
            .map(|c| service_of(c, &categories))
            .collect();
        out.extend(
            self.cases()
                .service_items(false)
                .await?
                .iter()
                .map(catalogue_service),
        );
        Ok(out)
    }

    /// One service's definition: its questions. Unknown or retired codes are a 404.
    pub async fn service_definition(self, code: &str) -> Result<&'static [Open311Attribute]> {
        if self.catalogue_item(code).await?.is_some() {
            return Ok(&APPLICATION_ATTRIBUTES);
        }
        self.service(code).await?;
        Ok(&ATTRIBUTES)
    }

    /// The service of the catalogue with this code, if it is one taken in now.
    pub(super) async fn catalogue_item(self, code: &str) -> Result<Option<ServiceItemView>> {
        Ok(self
            .cases()
            .service_items(false)
            .await?
            .into_iter()
            .find(|s| s.code == code))
    }

    /// An event category in force by its code.
    pub(super) async fn service(self, code: &str) -> Result<Open311Service> {
        let categories = self.cases().category_records().await?;
        categories
            .iter()
            .find(|c| c.code == code && c.retired_at.is_none())
            .map(|c| service_of(c, &categories))
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "service_code {} not found（没有这个服务，可选服务见 services.json）",
                    clip(code)
                ))
            })
    }
}

/// A category as a service; `all` names its parent (大类) for the group.
fn service_of(c: &CategoryRecord, all: &[CategoryRecord]) -> Open311Service {
    let unit = TimeUnit::parse(&c.handling_unit).map_or(c.handling_unit.as_str(), |u| u.label());
    let parent = c
        .parent_code
        .as_deref()
        .and_then(|p| all.iter().find(|x| x.code == p));
    Open311Service {
        code: c.code.clone(),
        name: c.name.clone(),
        description: format!(
            "{}（{}），处置时限 {} {unit}",
            c.name, c.family, c.handling_amount
        ),
        group: parent.map_or_else(|| c.family.clone(), |p| p.name.clone()),
        keywords: c.family.clone(),
    }
}

/// A service of the catalogue as an Open311 service.
fn catalogue_service(s: &ServiceItemView) -> Open311Service {
    Open311Service {
        code: s.code.clone(),
        name: s.name.clone(),
        description: format!(
            "政务服务事项：{}受理，承诺 {} 个工作日办结；申请材料：{}",
            s.unit,
            s.limit_days,
            s.materials.join("、")
        ),
        group: format!("政务服务·{}", s.category),
        keywords: "政务服务".into(),
    }
}

/// A value echoed in a message, cut short.
pub(super) fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}
