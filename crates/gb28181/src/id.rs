//! 国标编码 — the 20-digit ID of every device, channel and platform (GB/T 28181 Annex D):
//! `CCCCCCCC II TTT N SSSSSS` — centre (GB/T 2260 division, 8 digits), industry, type, network
//! flag, serial. Catalog region nodes use the division code alone (2, 4, 6 or 8 digits).

use std::fmt;

/// Why a string is not an ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("国标编码应为 20 位数字，收到 {0} 位")]
    Length(usize),
    #[error("国标编码只能由数字组成")]
    NotDigits,
}

/// 设备编码 — a 20-digit GB/T 28181 ID, checked to be digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(String);

impl DeviceId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::NotDigits);
        }
        if s.len() != 20 {
            return Err(IdError::Length(s.len()));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn part(&self, from: usize, to: usize) -> &str {
        self.0.get(from..to).unwrap_or_default()
    }

    /// 中心编码 — the administrative division of the centre (8 digits, zero-padded).
    pub fn centre(&self) -> &str {
        self.part(0, 8)
    }

    /// 行业编码 (2 digits).
    pub fn industry(&self) -> &str {
        self.part(8, 10)
    }

    /// 类型编码 (3 digits), e.g. `132` for an IPC.
    pub fn type_code(&self) -> u16 {
        self.part(10, 13).parse().unwrap_or(0)
    }

    /// 网络标识 (digit 14).
    pub fn network_flag(&self) -> u8 {
        self.part(13, 14).parse().unwrap_or(0)
    }

    /// 序号 (6 digits).
    pub fn serial(&self) -> &str {
        self.part(14, 20)
    }

    /// The SIP domain (realm) of a platform ID: its first 10 digits.
    pub fn realm(&self) -> &str {
        self.part(0, 10)
    }

    /// What kind of thing the ID names.
    pub fn kind(&self) -> DeviceKind {
        DeviceKind::of(self.type_code())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 设备类型 — the broad kind behind a type code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// 前端设备 that record or encode (DVR, NVR, video server, encoder …).
    Recorder,
    /// 摄像机 (camera, IPC) — a channel whose online state the 点亮率 counts.
    Camera,
    /// Alarm inputs and outputs, and other peripherals.
    Peripheral,
    /// 中心信令控制服务器 and other platform servers (type 200–211): a platform.
    Platform,
    /// 业务分组 (215) and 虚拟组织 (216): nodes of the catalog tree.
    Group,
    /// Users and external platforms, or a code we do not know.
    Other,
}

impl DeviceKind {
    fn of(code: u16) -> Self {
        match code {
            111..=119 | 130 => Self::Recorder,
            131 | 132 | 121 | 122 => Self::Camera,
            133..=143 | 120 | 123..=125 => Self::Peripheral,
            200..=211 => Self::Platform,
            215 | 216 => Self::Group,
            _ => Self::Other,
        }
    }
}

/// The Chinese name of a type code (Annex D), when it is known.
pub fn type_label(code: u16) -> Option<&'static str> {
    Some(match code {
        111 => "DVR",
        112 => "视频服务器",
        113 => "编码器",
        114 => "解码器",
        115 => "视频切换矩阵",
        116 => "音频切换矩阵",
        117 => "报警控制器",
        118 => "NVR",
        130 => "HVR",
        131 => "摄像机",
        132 => "网络摄像机（IPC）",
        133 => "显示器",
        134 => "报警输入设备",
        135 => "报警输出设备",
        136 => "语音输入设备",
        137 => "语音输出设备",
        138 => "移动传输设备",
        139 => "其他外围设备",
        200 => "中心信令控制服务器",
        201 => "Web 应用服务器",
        202 => "媒体分发服务器",
        203 => "代理服务器",
        204 => "安全服务器",
        205 => "报警服务器",
        206 => "数据库服务器",
        207 => "GIS 服务器",
        208 => "管理服务器",
        209 => "接入网关",
        210 => "媒体存储服务器",
        211 => "信令安全路由网关",
        215 => "业务分组",
        216 => "虚拟组织",
        300 => "中心用户",
        400 => "终端用户",
        _ => return None,
    })
}

/// The Chinese name of a network flag in the 2016 edition.
pub fn network_label(flag: u8) -> &'static str {
    match flag {
        0..=4 => "监控报警专网",
        5 => "公安信息网",
        6 => "政务网",
        7 => "互联网",
        8 => "社会资源接入网",
        _ => "预留",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_reference_example_decodes() {
        let id = DeviceId::parse("34020000001320000001").unwrap();
        assert_eq!(
            (
                id.centre(),
                id.industry(),
                id.type_code(),
                id.network_flag(),
                id.serial()
            ),
            ("34020000", "00", 132, 0, "000001")
        );
        assert_eq!(id.kind(), DeviceKind::Camera);
        assert_eq!(type_label(id.type_code()), Some("网络摄像机（IPC）"));
        let platform = DeviceId::parse("51170200002000000001").unwrap();
        assert_eq!(
            (platform.kind(), platform.realm()),
            (DeviceKind::Platform, "5117020000")
        );
        assert_eq!(network_label(5), "公安信息网");
    }

    #[test]
    fn bad_ids_say_what_is_wrong() {
        assert_eq!(
            DeviceId::parse("3402000000132000000"),
            Err(IdError::Length(19))
        );
        assert_eq!(
            DeviceId::parse("3402000000132000000X"),
            Err(IdError::NotDigits)
        );
        assert_eq!(
            DeviceId::parse("34020000001320000001")
                .map(|i| i.to_string())
                .unwrap(),
            "34020000001320000001"
        );
        assert_eq!(
            IdError::Length(19).to_string(),
            "国标编码应为 20 位数字，收到 19 位"
        );
    }

    proptest! {
        #[test]
        fn any_twenty_digits_decode_into_their_parts(s in "[0-9]{20}") {
            let id = DeviceId::parse(&s).unwrap();
            let rebuilt = format!("{}{}{:03}{}{}", id.centre(), id.industry(), id.type_code(), id.network_flag(), id.serial());
            prop_assert_eq!(rebuilt, s);
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = DeviceId::parse(&s);
        }
    }
}
