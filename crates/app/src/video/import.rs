//! 视频资源台账导入 — the district's camera registry from an .xlsx: one row per camera with its
//! device, network, capability, key place, point, owner and maintainer (and, optionally, the
//! device's own digest password). Every row is checked; the good ones are written in one
//! transaction, upserted by channel id (importing the same file twice changes nothing), and every
//! bad cell is reported with its reason.

use super::DEVICE_PASSWORD_FIELD;
use crate::sheet::{Cell, Column, RejectedCell, read_import, write_sheet};
use crate::{Actor, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::video::{CameraCapability, Network, PlaceKind};
use pingan_gb28181::DeviceId;
use pingan_store::{RegistryChannel, RegistryDevice};
use std::collections::{HashMap, HashSet};

/// The most rows one file may hold.
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RegistryImportReport {
    /// Cameras written (new or updated).
    pub channels: usize,
    /// Devices they hang on.
    pub devices: usize,
    /// Rows with at least one bad cell; none of such a row is written.
    pub rejected_rows: usize,
    pub rejected: Vec<RejectedCell>,
}

/// The template's columns: (header, required).
const COLUMNS: [(&str, bool); 13] = [
    ("设备编码", true),
    ("设备名称", false),
    ("通道编码", true),
    ("摄像机名称", true),
    ("网络", true),
    ("功能", false),
    ("重点部位", false),
    ("经度", false),
    ("纬度", false),
    ("地址", false),
    ("建设单位", false),
    ("运维单位", false),
    ("设备密码", false),
];

/// The blank template: the headers, code columns as text, drop-downs for the code lists.
pub fn registry_template() -> Result<Vec<u8>> {
    let labels = |all: &[&'static str]| all.to_vec();
    let networks: Vec<&str> = Network::ALL.iter().map(|n| n.label()).collect();
    let capabilities: Vec<&str> = CameraCapability::ALL.iter().map(|c| c.label()).collect();
    let places: Vec<&str> = PlaceKind::ALL.iter().map(|p| p.label()).collect();
    let columns = [
        Column::new("设备编码", 24.0).text(),
        Column::new("设备名称", 20.0),
        Column::new("通道编码", 24.0).text(),
        Column::new("摄像机名称", 28.0),
        Column::new("网络", 12.0).choices(labels(&networks)),
        Column::new("功能", 12.0).choices(labels(&capabilities)),
        Column::new("重点部位", 16.0).choices(labels(&places)),
        Column::new("经度（WGS-84）", 14.0),
        Column::new("纬度（WGS-84）", 14.0),
        Column::new("地址", 30.0),
        Column::new("建设单位", 20.0),
        Column::new("运维单位", 20.0),
        Column::new("设备密码", 14.0).text(),
    ];
    let example = [
        "51170200011180000001",
        "东城街道雪亮NVR-01",
        "51170200011320000001",
        "朝阳路与通川路口",
        "雪亮工程",
        "普通",
        "主要路口",
        "107.5012",
        "31.2105",
        "朝阳路与通川路交叉口东北角",
        "通川区委政法委",
        "某安防公司",
        "",
    ];
    Ok(write_sheet(
        "视频资源台账",
        &columns,
        &[example.iter().map(|s| (*s).to_owned()).collect()],
        Some(
            "第 2 行为示例，导入前请删除。编码须为 20 位数字（单元格格式为“文本”）；设备密码不填则用平台统一密码。",
        ),
    )?)
}

/// One row as read, cell by cell, with what was wrong with it.
struct RowCheck<'a> {
    row: usize,
    cells: HashMap<&'a str, String>,
    rejected: Vec<RejectedCell>,
}

impl RowCheck<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        self.cells
            .get(column)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn reject(&mut self, column: &str, reason: impl Into<String>) {
        let value = self.cells.get(column).cloned().unwrap_or_default();
        self.rejected.push(RejectedCell {
            row: self.row,
            column: column.to_owned(),
            value,
            reason: reason.into(),
        });
    }

    /// A 20-digit id; a number where text was wanted says how to fix it.
    fn id(&mut self, column: &str, was_number: bool) -> Option<String> {
        let value = self.get(column)?.to_owned();
        if was_number {
            self.reject(
                column,
                "编码被存成了数字，会丢失位数：请把该列单元格格式设为“文本”后重新填写",
            );
            return None;
        }
        match DeviceId::parse(&value) {
            Ok(id) => Some(id.as_str().to_owned()),
            Err(e) => {
                self.reject(column, format!("不是有效的 20 位国标编码：{e}"));
                None
            }
        }
    }

    fn coordinate(&mut self, column: &str, range: std::ops::RangeInclusive<f64>) -> Option<f64> {
        let value = self.get(column)?.to_owned();
        match value.parse::<f64>() {
            Ok(v) if range.contains(&v) => Some(v),
            _ => {
                self.reject(
                    column,
                    format!("应为 {} 到 {} 之间的十进制度数", range.start(), range.end()),
                );
                None
            }
        }
    }

    fn text(&mut self, column: &str, max: usize) -> Option<String> {
        let value = self.get(column)?.to_owned();
        if value.chars().count() > max {
            self.reject(column, format!("不能超过 {max} 个字"));
            return None;
        }
        Some(value)
    }
}

impl crate::services::Video<'_> {
    /// Takes out of an import the cameras registered outside `scope` (by channel, or by a device
    /// that has a channel there): a device ID never reaches another township's camera. Their rows
    /// are reported without saying where the cameras are.
    async fn refuse_cameras_elsewhere(
        self,
        scope: &pingan_domain::Scope,
        devices: &mut Vec<RegistryDevice>,
        channels: &mut Vec<RegistryChannel>,
        rows: &HashMap<String, usize>,
        report: &mut RegistryImportReport,
    ) -> Result<()> {
        let device_ids: Vec<String> = devices.iter().map(|d| d.device_id.clone()).collect();
        let channel_ids: Vec<String> = channels.iter().map(|c| c.channel_id.clone()).collect();
        let mut devices_out = HashSet::new();
        let mut channels_out = HashSet::new();
        for (device, channel, grid) in self
            .store
            .registered_channel_grids(&device_ids, &channel_ids)
            .await?
        {
            let inside = match grid {
                Some(g) => pingan_domain::OrgCode::parse(&g).is_ok_and(|g| scope.covers(&g)),
                None => scope.prefix().len() <= 6,
            };
            if !inside {
                devices_out.insert(device);
                channels_out.insert(channel);
            }
        }
        let mut refused = Vec::new();
        channels.retain(|c| {
            let out = channels_out.contains(&c.channel_id) || devices_out.contains(&c.device_id);
            if out && let Some(row) = rows.get(&c.channel_id) {
                refused.push(RejectedCell {
                    row: *row,
                    column: "设备编码".into(),
                    value: c.device_id.clone(),
                    reason: "此设备或通道已在其他辖区登记，本辖区不能导入或修改".into(),
                });
            }
            !out
        });
        devices.retain(|d| !devices_out.contains(&d.device_id));
        report.rejected_rows += crate::sheet::add_refused(&mut report.rejected, refused);
        Ok(())
    }

    /// Imports a camera registry (.xlsx, the template's columns in any order). Cameras must lie
    /// in the importer's scope; those without a point only for a district user.
    pub async fn import_video_registry(
        self,
        actor: &Actor,
        bytes: &[u8],
    ) -> Result<RegistryImportReport> {
        self.authorize(actor, Capability::ManageVideo, None)?;
        let (columns, body) = read_import(bytes, MAX_IMPORT_ROWS, &COLUMNS).await?;
        let scope = actor.user.as_ref().map(|u| u.scope());
        let index = self.org().grid_index();
        let now = pingan_domain::audit::to_micros(Utc::now());
        let mut report = RegistryImportReport::default();
        let mut devices: Vec<RegistryDevice> = Vec::new();
        let mut device_rows: HashMap<String, (usize, Option<String>)> = HashMap::new();
        let mut channels: Vec<RegistryChannel> = Vec::new();
        let mut seen_channels: HashMap<String, usize> = HashMap::new();
        for (i, row) in body.iter().enumerate() {
            let cell = |column: &str| columns.cell(row, column);
            if row.iter().all(|c| c.text().is_empty()) {
                continue;
            }
            let mut check = RowCheck {
                row: i + 2,
                cells: COLUMNS.iter().map(|(c, _)| (*c, cell(c).text())).collect(),
                rejected: Vec::new(),
            };
            for (c, required) in COLUMNS {
                if required && check.get(c).is_none() {
                    check.reject(c, "必填");
                }
            }
            let device_id = check.id("设备编码", matches!(cell("设备编码"), Cell::Number(_)));
            let channel_id = check.id("通道编码", matches!(cell("通道编码"), Cell::Number(_)));
            let network = check.get("网络").map(str::to_owned);
            let network = network.and_then(|n| {
                Network::parse(&n).or_else(|| {
                    check.reject("网络", format!("应为 {} 之一", Network::labels()));
                    None
                })
            });
            let capability = match check.get("功能").map(str::to_owned) {
                None => Some(CameraCapability::Normal),
                Some(c) => CameraCapability::parse(&c).or_else(|| {
                    check.reject("功能", format!("应为 {} 之一", CameraCapability::labels()));
                    None
                }),
            };
            let place = check.get("重点部位").map(str::to_owned).and_then(|p| {
                PlaceKind::parse(&p).or_else(|| {
                    check.reject(
                        "重点部位",
                        format!("应为 {} 之一，或不填", PlaceKind::labels()),
                    );
                    None
                })
            });
            let lon = check.coordinate("经度", 73.0..=136.0);
            let lat = check.coordinate("纬度", 3.0..=54.0);
            if lon.is_some() != lat.is_some() && check.rejected.is_empty() {
                check.reject(
                    if lon.is_none() { "经度" } else { "纬度" },
                    "经度和纬度应同时填写",
                );
            }
            let grid_code = lon
                .zip(lat)
                .and_then(|(lon, lat)| index.locate(lon, lat))
                .map(str::to_owned);
            let in_scope = match (&scope, &grid_code) {
                (None, _) => true,
                (Some(s), Some(g)) => pingan_domain::OrgCode::parse(g).is_ok_and(|g| s.covers(&g)),
                (Some(s), None) => s.prefix().len() <= 6,
            };
            if !in_scope {
                check.reject(
                    "经度",
                    "这台摄像机不在您的管辖范围内（没有坐标的摄像机只能由区级导入）",
                );
            }
            let name = check.text("摄像机名称", 100);
            let device_name = check.text("设备名称", 100);
            let address = check.text("地址", 200);
            let owner = check.text("建设单位", 100);
            let maintainer = check.text("运维单位", 100);
            let password = check.get("设备密码").map(str::to_owned);
            if password
                .as_ref()
                .is_some_and(|p| p.len() > 64 || !p.bytes().all(|b| b.is_ascii_graphic()))
            {
                check.reject("设备密码", "应为 1 到 64 个英文字母、数字或符号");
            }
            if let Some(id) = &channel_id
                && let Some(first) = seen_channels.get(id)
            {
                check.reject("通道编码", format!("与第 {first} 行重复"));
            }
            if let Some(id) = &device_id
                && let Some((first, known)) = device_rows.get(id)
                && password.is_some()
                && known != &password
            {
                check.reject("设备密码", format!("与第 {first} 行同一设备的密码不同"));
            }
            if !check.rejected.is_empty() {
                report.rejected_rows += 1;
                report.rejected.append(&mut check.rejected);
                continue;
            }
            let (Some(device_id), Some(channel_id), Some(network), Some(capability), Some(name)) =
                (device_id, channel_id, network, capability, name)
            else {
                continue;
            };
            seen_channels.insert(channel_id.clone(), check.row);
            if !device_rows.contains_key(&device_id) {
                device_rows.insert(device_id.clone(), (check.row, password.clone()));
                let password_sealed = password
                    .as_deref()
                    .map(|p| self.cipher.seal(DEVICE_PASSWORD_FIELD, p))
                    .transpose()?;
                devices.push(RegistryDevice {
                    device_id: device_id.clone(),
                    name: device_name,
                    network: network.code().into(),
                    password_sealed,
                    at: now,
                });
            }
            channels.push(RegistryChannel {
                channel_id,
                device_id,
                name,
                network: network.code().into(),
                capability: capability.code().into(),
                place_kind: place.map(|p| p.code().to_owned()),
                owner,
                maintainer,
                address,
                lon,
                lat,
                grid_code,
                status: None,
                at: now,
            });
        }
        if let Some(scope) = &scope {
            self.refuse_cameras_elsewhere(
                scope,
                &mut devices,
                &mut channels,
                &seen_channels,
                &mut report,
            )
            .await?;
        }
        self.store.upsert_registry(&devices, &channels).await?;
        self.caches.device_passwords.clear();
        report.channels = channels.len();
        report.devices = devices.len();
        self.audit(
            actor,
            "video.import",
            "video_registry",
            "ok",
            serde_json::json!({
                "channels": report.channels,
                "devices": report.devices,
                "rejected_rows": report.rejected_rows,
            }),
        )
        .await?;
        Ok(report)
    }
}
