//! MANSCDP — the XML bodies of GB/T 28181 MESSAGEs (Keepalive, Catalog responses, alarms …),
//! read whatever their charset and whatever stray `&` or `<` a vendor left in a name.

use crate::charset::{decode_body, sanitize_xml};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManscdpError {
    #[error("MANSCDP 报文不是有效的 XML：{0}")]
    Xml(String),
    #[error("MANSCDP 报文缺少 {0}")]
    Missing(&'static str),
}

/// An XML element: its name, its text and its children (enough for MANSCDP, which has no
/// attributes that matter and no mixed content).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The trimmed text of the first child called `name`, if not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
}

/// A channel (or a catalog node) of a Catalog response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogItem {
    pub device_id: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub civil_code: Option<String>,
    pub address: Option<String>,
    pub parent_id: Option<String>,
    /// `ON`/`OFF` as reported (some send `ONLINE`/`OFFLINE`).
    pub status: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    /// In a subscription's NOTIFY: `ON`, `OFF`, `VLOST`, `DEFECT`, `ADD`, `DEL` or `UPDATE`.
    pub event: Option<String>,
}

/// 报警通知 — an alarm a device raised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alarm {
    pub sn: u32,
    /// The alarm's source: a channel or alarm input, not the registered device.
    pub source_id: String,
    /// 1–4: 一级 to 四级警情.
    pub priority: Option<u8>,
    /// 1 telephone, 2 device, 3 SMS, 4 GPS, 5 video, 6 device failure, 7 other (combinations
    /// such as `12` allowed).
    pub method: String,
    /// Meaning depends on the method (video: 2 motion, 5 tripwire, 6 intrusion …).
    pub alarm_type: Option<u8>,
    /// As the device wrote it (`2024-05-20T10:15:30`, Beijing time).
    pub time: Option<String>,
    pub description: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
}

impl Alarm {
    /// Whether the alarm concerns what a camera saw (video analytics, a call, other) rather
    /// than the device's own failure (video loss, tamper, disk, fan).
    pub fn is_incident(&self) -> bool {
        !self.method.is_empty() && !self.method.chars().all(|c| c == '2' || c == '6')
    }

    /// What it was, in words: the type under its method, else the description.
    pub fn label(&self) -> String {
        let typed = match (self.method.as_str(), self.alarm_type) {
            ("5", Some(t)) => VIDEO_ALARMS.get(usize::from(t).wrapping_sub(1)).copied(),
            ("2", Some(t)) => DEVICE_ALARMS.get(usize::from(t).wrapping_sub(1)).copied(),
            ("6", Some(1)) => Some("存储设备磁盘故障"),
            ("6", Some(2)) => Some("存储设备风扇故障"),
            _ => None,
        };
        match (typed, &self.description) {
            (Some(t), _) => t.to_owned(),
            (None, Some(d)) => d.clone(),
            (None, None) => match self.method.chars().next() {
                Some('1') => "电话报警".to_owned(),
                Some('5') => "视频报警".to_owned(),
                Some('2' | '6') => "设备报警".to_owned(),
                _ => "报警".to_owned(),
            },
        }
    }
}

/// AlarmType under method 5 (视频报警).
const VIDEO_ALARMS: [&str; 12] = [
    "人工视频报警",
    "运动目标检测",
    "遗留物检测",
    "物体移除检测",
    "绊线检测",
    "入侵检测",
    "逆行检测",
    "徘徊检测",
    "流量统计",
    "密度检测",
    "视频异常检测",
    "快速移动",
];

/// AlarmType under method 2 (设备报警).
const DEVICE_ALARMS: [&str; 5] = [
    "视频丢失",
    "设备防拆",
    "存储设备磁盘满",
    "设备高温",
    "设备低温",
];

/// 设备信息 — what a device says of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    pub device_id: String,
    pub name: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub firmware: Option<String>,
    pub channels: Option<u32>,
}

/// 设备状态 — a device's answer to a DeviceStatus query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceStatus {
    pub device_id: String,
    /// `Online` is `ONLINE`.
    pub online: bool,
    /// `Status` is `OK`.
    pub working: bool,
    pub encoding: Option<bool>,
    pub recording: Option<bool>,
    pub device_time: Option<String>,
}

/// What a MESSAGE body says.
#[derive(Debug, Clone, PartialEq)]
pub enum Manscdp {
    /// 状态信息报送 (Notify / Keepalive).
    Keepalive {
        sn: u32,
        device_id: String,
        ok: bool,
    },
    /// 目录查询应答 — one part of a catalog (large catalogs come in several).
    Catalog {
        sn: u32,
        device_id: String,
        /// How many items the whole catalog has.
        sum_num: u32,
        items: Vec<CatalogItem>,
    },
    /// 报警通知.
    Alarm(Alarm),
    /// 设备信息查询应答.
    DeviceInfo(DeviceInfo),
    /// 设备状态查询应答.
    DeviceStatus(DeviceStatus),
    /// Anything else, by root element and CmdType.
    Other {
        root: String,
        cmd_type: String,
        device_id: Option<String>,
    },
}

/// Reads a body: charset detected (UTF-8, else GB18030), stray markup escaped, then parsed.
pub fn parse(body: &[u8]) -> Result<Manscdp, ManscdpError> {
    let (text, _) = decode_body(body);
    let root = tree(&sanitize_xml(&text))?;
    let cmd_type = root
        .text_of("CmdType")
        .ok_or(ManscdpError::Missing("CmdType"))?;
    let sn = root.text_of("SN").and_then(|s| s.parse().ok()).unwrap_or(0);
    let device_id = root.text_of("DeviceID").map(str::to_owned);
    match (root.name.as_str(), cmd_type) {
        ("Notify", "Keepalive") => Ok(Manscdp::Keepalive {
            sn,
            device_id: device_id.ok_or(ManscdpError::Missing("DeviceID"))?,
            ok: root
                .text_of("Status")
                .is_none_or(|s| s.eq_ignore_ascii_case("OK")),
        }),
        ("Response" | "Notify", "Catalog") => Ok(Manscdp::Catalog {
            sn,
            device_id: device_id.ok_or(ManscdpError::Missing("DeviceID"))?,
            sum_num: root
                .text_of("SumNum")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            items: root
                .child("DeviceList")
                .map(|list| list.children.iter().map(catalog_item).collect())
                .unwrap_or_default(),
        }),
        ("Notify", "Alarm") => Ok(Manscdp::Alarm(alarm(
            &root,
            sn,
            device_id.ok_or(ManscdpError::Missing("DeviceID"))?,
        ))),
        ("Response", "DeviceInfo") => {
            let text = |name: &str| root.text_of(name).map(str::to_owned);
            Ok(Manscdp::DeviceInfo(DeviceInfo {
                device_id: device_id.ok_or(ManscdpError::Missing("DeviceID"))?,
                name: text("DeviceName"),
                manufacturer: text("Manufacturer"),
                model: text("Model"),
                firmware: text("Firmware"),
                channels: root.text_of("Channel").and_then(|c| c.parse().ok()),
            }))
        }
        ("Response", "DeviceStatus") => {
            let flag =
                |name: &str, yes: &str| root.text_of(name).map(|v| v.eq_ignore_ascii_case(yes));
            Ok(Manscdp::DeviceStatus(DeviceStatus {
                device_id: device_id.ok_or(ManscdpError::Missing("DeviceID"))?,
                online: flag("Online", "ONLINE").unwrap_or(false),
                working: flag("Status", "OK").unwrap_or(false),
                encoding: flag("Encode", "ON"),
                recording: flag("Record", "ON"),
                device_time: root.text_of("DeviceTime").map(str::to_owned),
            }))
        }
        (root_name, cmd) => Ok(Manscdp::Other {
            root: root_name.to_owned(),
            cmd_type: cmd.to_owned(),
            device_id,
        }),
    }
}

/// An alarm body; `AlarmType` may sit at the top or under `Info`.
fn alarm(root: &Element, sn: u32, source_id: String) -> Alarm {
    let number = |name: &str| root.text_of(name).and_then(|s| s.parse::<f64>().ok());
    let info = root.child("Info");
    let alarm_type = root
        .text_of("AlarmType")
        .or_else(|| info.and_then(|i| i.text_of("AlarmType")))
        .and_then(|t| t.parse().ok());
    let description = root
        .text_of("AlarmDescription")
        .or_else(|| {
            info.and_then(|i| i.child("AlarmTypeParam"))
                .and_then(|p| p.text_of("EventType"))
        })
        .map(str::to_owned);
    Alarm {
        sn,
        source_id,
        priority: root.text_of("AlarmPriority").and_then(|p| p.parse().ok()),
        method: root.text_of("AlarmMethod").unwrap_or_default().to_owned(),
        alarm_type,
        time: root.text_of("AlarmTime").map(str::to_owned),
        description,
        longitude: number("Longitude").filter(|v| *v != 0.0),
        latitude: number("Latitude").filter(|v| *v != 0.0),
    }
}

fn catalog_item(item: &Element) -> CatalogItem {
    let text = |name: &str| item.text_of(name).map(str::to_owned);
    let number = |name: &str| item.text_of(name).and_then(|s| s.parse::<f64>().ok());
    CatalogItem {
        device_id: text("DeviceID").unwrap_or_default(),
        name: text("Name").unwrap_or_default(),
        manufacturer: text("Manufacturer"),
        model: text("Model"),
        civil_code: text("CivilCode"),
        address: text("Address"),
        parent_id: text("ParentID"),
        status: text("Status"),
        longitude: number("Longitude"),
        latitude: number("Latitude"),
        event: text("Event").map(|e| e.to_ascii_uppercase()),
    }
}

/// The element tree of an XML text (the root element).
fn tree(xml: &str) -> Result<Element, ManscdpError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let bad = |e: &dyn std::fmt::Display| ManscdpError::Xml(e.to_string());
    // MANSCDP bodies are small; a depth limit keeps a hostile body from exhausting memory.
    const MAX_DEPTH: usize = 32;
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ManscdpError::Xml("嵌套过深".into()));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push(Element {
                    name,
                    ..Element::default()
                });
            }
            Event::Empty(e) => {
                let el = Element {
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let raw = String::from_utf8_lossy(t.as_ref()).into_owned();
                    let text = quick_xml::escape::unescape(&raw).map_err(|e| bad(&e))?;
                    top.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let entity = format!("&{};", String::from_utf8_lossy(r.as_ref()));
                    let text = quick_xml::escape::unescape(&entity).map_err(|e| bad(&e))?;
                    top.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| ManscdpError::Xml("多余的结束标签".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ManscdpError::Xml("元素未闭合".into()));
    }
    root.ok_or(ManscdpError::Xml("没有根元素".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_keepalive_in_gb2312_reads() {
        let body = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n\
            <SN>43</SN>\r\n<DeviceID>34020000001180000001</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n";
        assert_eq!(
            parse(body.as_bytes()),
            Ok(Manscdp::Keepalive {
                sn: 43,
                device_id: "34020000001180000001".into(),
                ok: true
            })
        );
    }

    #[test]
    fn a_gbk_catalog_with_a_stray_ampersand_reads() {
        let xml = "<?xml version=\"1.0\" encoding=\"GB2312\"?><Response><CmdType>Catalog</CmdType><SN>7</SN>\
            <DeviceID>34020000001180000001</DeviceID><SumNum>2</SumNum><DeviceList Num=\"1\"><Item>\
            <DeviceID>34020000001320000001</DeviceID><Name>前门摄像头</Name><Manufacturer>Hikvision</Manufacturer>\
            <CivilCode>511702</CivilCode><Address>A&B路<1></Address><Status>ON</Status>\
            <Longitude>107.4680</Longitude><Latitude>31.2090</Latitude></Item></DeviceList></Response>";
        let (gbk, _, _) = encoding_rs::GB18030.encode(xml);
        let Ok(Manscdp::Catalog {
            sn, sum_num, items, ..
        }) = parse(&gbk)
        else {
            panic!("not a catalog");
        };
        assert_eq!((sn, sum_num, items.len()), (7, 2, 1));
        let item = &items[0];
        assert_eq!(item.name, "前门摄像头");
        assert_eq!(item.address.as_deref(), Some("A&B路<1>"));
        assert_eq!(item.status.as_deref(), Some("ON"));
        assert_eq!(
            (item.longitude, item.latitude),
            (Some(107.468), Some(31.209))
        );
    }

    #[test]
    fn an_alarm_reads_with_its_type_under_info() {
        let xml = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Alarm</CmdType>\r\n\
            <SN>102</SN>\r\n<DeviceID>34020000001310000001</DeviceID>\r\n<AlarmPriority>1</AlarmPriority>\r\n\
            <AlarmMethod>5</AlarmMethod>\r\n<AlarmTime>2024-05-20T10:15:30</AlarmTime>\r\n\
            <AlarmDescription>运动目标检测</AlarmDescription>\r\n<Longitude>117.2834</Longitude>\r\n\
            <Latitude>31.8612</Latitude>\r\n<Info>\r\n<AlarmType>6</AlarmType>\r\n</Info>\r\n</Notify>\r\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(xml);
        let Ok(Manscdp::Alarm(a)) = parse(&gbk) else {
            panic!("not an alarm");
        };
        assert_eq!(
            (
                a.sn,
                a.source_id.as_str(),
                a.priority,
                a.method.as_str(),
                a.alarm_type
            ),
            (102, "34020000001310000001", Some(1), "5", Some(6))
        );
        assert_eq!(a.label(), "入侵检测");
        assert!(a.is_incident());
        assert_eq!(a.time.as_deref(), Some("2024-05-20T10:15:30"));
        assert_eq!((a.longitude, a.latitude), (Some(117.2834), Some(31.8612)));
        let loss = Alarm {
            method: "2".into(),
            alarm_type: Some(1),
            ..Alarm::default()
        };
        assert_eq!(loss.label(), "视频丢失");
        assert!(
            !loss.is_incident(),
            "device trouble is maintenance, not an event"
        );
        let odd = Alarm {
            method: "5".into(),
            alarm_type: Some(99),
            ..Alarm::default()
        };
        assert_eq!(odd.label(), "视频报警");
    }

    #[test]
    fn device_info_and_status_answers_read() {
        let info = "<Response><CmdType>DeviceInfo</CmdType><SN>3</SN><DeviceID>34020000001180000001</DeviceID>\
            <DeviceName>东门NVR</DeviceName><Result>OK</Result><Manufacturer>Hikvision</Manufacturer>\
            <Model>DS-7816</Model><Firmware>V4.1</Firmware><Channel>16</Channel></Response>";
        let Ok(Manscdp::DeviceInfo(i)) = parse(info.as_bytes()) else {
            panic!("not device info");
        };
        assert_eq!(
            (i.name.as_deref(), i.model.as_deref(), i.channels),
            (Some("东门NVR"), Some("DS-7816"), Some(16))
        );
        let status = "<Response><CmdType>DeviceStatus</CmdType><SN>17432</SN><DeviceID>34020000001180000001</DeviceID>\
            <Result>OK</Result><Online>ONLINE</Online><Status>OK</Status><Encode>ON</Encode><Record>OFF</Record>\
            <DeviceTime>2024-05-20T10:15:31</DeviceTime></Response>";
        let Ok(Manscdp::DeviceStatus(d)) = parse(status.as_bytes()) else {
            panic!("not device status");
        };
        assert!(d.online && d.working);
        assert_eq!((d.encoding, d.recording), (Some(true), Some(false)));
    }

    #[test]
    fn a_subscription_notify_carries_events() {
        let xml = "<Notify><CmdType>Catalog</CmdType><SN>9</SN><DeviceID>34020000001180000001</DeviceID>\
            <SumNum>1</SumNum><DeviceList Num=\"1\"><Item><DeviceID>34020000001320000001</DeviceID>\
            <Event>vlost</Event></Item></DeviceList></Notify>";
        let Ok(Manscdp::Catalog { items, .. }) = parse(xml.as_bytes()) else {
            panic!("not a catalog");
        };
        assert_eq!(items[0].event.as_deref(), Some("VLOST"));
    }

    #[test]
    fn other_commands_and_broken_bodies() {
        let other = "<Notify><CmdType>MobilePosition</CmdType><SN>1</SN><DeviceID>34020000001340000001</DeviceID></Notify>";
        assert_eq!(
            parse(other.as_bytes()),
            Ok(Manscdp::Other {
                root: "Notify".into(),
                cmd_type: "MobilePosition".into(),
                device_id: Some("34020000001340000001".into())
            })
        );
        assert_eq!(
            parse(b"<Notify><SN>1</SN></Notify>"),
            Err(ManscdpError::Missing("CmdType"))
        );
        assert!(matches!(
            parse(b"<Notify><CmdType>Keepalive</CmdType>"),
            Err(ManscdpError::Xml(_))
        ));
        assert!(parse(b"").is_err());
    }

    proptest! {
        #[test]
        fn any_bytes_fail_or_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn any_text_inside_a_name_survives(name in "\\PC{0,30}") {
            let xml = format!("<Response><CmdType>Catalog</CmdType><DeviceID>1</DeviceID><DeviceList><Item><DeviceID>2</DeviceID><Name>{name}</Name></Item></DeviceList></Response>");
            let _ = parse(xml.as_bytes());
        }
    }
}
