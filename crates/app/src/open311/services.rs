//! Open311 服务目录 — the event categories in force as services, and the one definition they
//! share: the questions that make a request an event (a title, the coordinate system, the grid).

use super::{Open311Attribute, Open311Service};
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

impl crate::services::Open311<'_> {
    /// The services: every event category in force.
    pub async fn services(self) -> Result<Vec<Open311Service>> {
        let categories = self.cases().category_records().await?;
        Ok(categories
            .iter()
            .filter(|c| c.retired_at.is_none())
            .map(|c| service_of(c, &categories))
            .collect())
    }

    /// One service's definition: its questions. Unknown or retired codes are a 404.
    pub async fn service_definition(self, code: &str) -> Result<&'static [Open311Attribute]> {
        self.service(code).await?;
        Ok(&ATTRIBUTES)
    }

    /// A service in force by its code.
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

/// A value echoed in a message, cut short.
pub(super) fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}
