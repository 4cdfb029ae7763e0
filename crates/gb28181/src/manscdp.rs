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
        (root_name, cmd) => Ok(Manscdp::Other {
            root: root_name.to_owned(),
            cmd_type: cmd.to_owned(),
            device_id,
        }),
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
    fn other_commands_and_broken_bodies() {
        let alarm = "<Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>34020000001340000001</DeviceID></Notify>";
        assert_eq!(
            parse(alarm.as_bytes()),
            Ok(Manscdp::Other {
                root: "Notify".into(),
                cmd_type: "Alarm".into(),
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
