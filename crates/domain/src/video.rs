//! 视频资源 — the words of the video-resource registry: which of the district's three networks a
//! camera belongs to (三网整合), what it can do, and what kind of place it watches.

use crate::labelled::labelled;

labelled! {
    /// 视频网络 — the network a camera was built under.
    Network {
        /// 雪亮工程 — the public-security video network of communities and villages.
        Xueliang = "xueliang", "雪亮工程";
        /// 天网工程 — the police's city surveillance network.
        Tianwang = "tianwang", "天网工程";
        /// 慧眼工程 — cameras of departments and society joined to the hub.
        Huiyan = "huiyan", "慧眼工程";
    }
}

labelled! {
    /// 摄像机功能 — what a camera can do beyond recording.
    CameraCapability {
        /// 普通 — plain video.
        Normal = "normal", "普通";
        /// 人脸抓拍 — face capture.
        Face = "face", "人脸抓拍";
        /// 车牌识别 — licence-plate recognition.
        Plate = "plate", "车牌识别";
    }
}

labelled! {
    /// 重点部位 — the kind of place a camera covers, for the coverage of key places.
    PlaceKind {
        /// 主要路口 — main crossroads.
        Crossroad = "crossroad", "主要路口";
        /// 人员密集区域 — crowded areas (squares, markets, stations).
        Crowded = "crowded", "人员密集区域";
        /// 治安复杂场所 — places with complex public order.
        Complex = "complex", "治安复杂场所";
        /// 校园周边 — around schools.
        School = "school", "校园周边";
        /// 医院周边 — around hospitals.
        Hospital = "hospital", "医院周边";
        /// 沿河沿江 — rivers and banks.
        River = "river", "沿河沿江";
        /// 村（社区）出入口 — entrances of villages and communities.
        Entrance = "entrance", "村（社区）出入口";
    }
}

/// Whether a channel counts as lit: its device online and the channel's own status on
/// (catalog `ON`, or a subscription's `ON` event).
pub fn channel_online(device_online: bool, status: Option<&str>) -> bool {
    device_online
        && status.is_some_and(|s| s.eq_ignore_ascii_case("ON") || s.eq_ignore_ascii_case("ONLINE"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_parse_back() {
        for n in Network::ALL {
            assert_eq!(Network::parse(n.code()), Some(*n));
            assert_eq!(Network::parse(n.label()), Some(*n));
        }
        assert_eq!(Network::parse(" 天网工程 "), Some(Network::Tianwang));
        assert_eq!(
            CameraCapability::parse("人脸抓拍"),
            Some(CameraCapability::Face)
        );
        assert_eq!(PlaceKind::parse("校园周边"), Some(PlaceKind::School));
        assert_eq!(PlaceKind::parse("学校"), None);
        assert_eq!(Network::labels(), "雪亮工程、天网工程、慧眼工程");
    }

    #[test]
    fn a_channel_is_lit_only_with_its_device() {
        assert!(channel_online(true, Some("ON")));
        assert!(channel_online(true, Some("online")));
        assert!(!channel_online(false, Some("ON")));
        assert!(!channel_online(true, Some("OFF")));
        assert!(!channel_online(true, None));
    }
}
