//! The two formats of GeoReport v2: XML (required) and JSON, the "Spark convention" mapping of
//! the XML — a list root becomes a bare array, its item tag disappears. Answers are built once as
//! a [`Node`] tree and written in the format the path's suffix asks for.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The format a path's suffix names (`services.xml`, `requests/SJ…json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `name.fmt` into the name and its format; none for another suffix.
    pub(crate) fn split(file: &str) -> Option<(&str, Self)> {
        let (name, ext) = file.rsplit_once('.')?;
        match ext {
            "json" => Some((name, Format::Json)),
            "xml" => Some((name, Format::Xml)),
            _ => None,
        }
    }
}

/// A value of an answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    Null,
    /// Named fields, in order.
    Record(Vec<(&'static str, Node)>),
    /// Items, each an element named by the tag in XML.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub(crate) fn text(s: impl Into<String>) -> Self {
        Node::Text(s.into())
    }

    pub(crate) fn opt_text(s: Option<impl Into<String>>) -> Self {
        s.map_or(Node::Null, |s| Node::Text(s.into()))
    }

    fn json(&self) -> Value {
        match self {
            Node::Text(s) => Value::String(s.clone()),
            Node::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Node::Int(n) => Value::from(*n),
            Node::Bool(b) => Value::Bool(*b),
            Node::Null => Value::Null,
            Node::Record(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.json()))
                    .collect(),
            ),
            Node::List(_, items) => Value::Array(items.iter().map(Node::json).collect()),
        }
    }

    fn xml(&self, name: &str, out: &mut String) {
        match self {
            Node::Null => {
                out.push_str(&format!("<{name}/>"));
                return;
            }
            Node::Record(fields) if fields.is_empty() => {
                out.push_str(&format!("<{name}/>"));
                return;
            }
            _ => {}
        }
        out.push_str(&format!("<{name}>"));
        match self {
            Node::Text(s) => escape_into(s, out),
            Node::Number(n) => out.push_str(&n.to_string()),
            Node::Int(n) => out.push_str(&n.to_string()),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Record(fields) => fields.iter().for_each(|(k, v)| v.xml(k, out)),
            Node::List(item, items) => items.iter().for_each(|v| v.xml(item, out)),
            Node::Null => {}
        }
        out.push_str(&format!("</{name}>"));
    }

    /// The answer in `format`, its root element named `root` in XML.
    pub(crate) fn respond(&self, status: StatusCode, format: Format, root: &str) -> Response {
        let (body, content_type) = match format {
            Format::Json => (self.json().to_string(), "application/json; charset=utf-8"),
            Format::Xml => {
                let mut out = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
                self.xml(root, &mut out);
                (out, "text/xml; charset=utf-8")
            }
        };
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        res
    }
}

/// XML text: `&`, `<`, `>`, quotes escaped; control characters XML 1.0 cannot hold dropped.
fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::List(
            "service",
            vec![Node::Record(vec![
                ("service_code", Node::text("ZZ02")),
                ("service_name", Node::text("治安<隐患> & \"x\"")),
                ("metadata", Node::Bool(true)),
                ("keywords", Node::Null),
                ("lat", Node::Number(31.2)),
            ])],
        )
    }

    #[test]
    fn a_list_is_a_bare_array_in_json_and_a_root_with_items_in_xml() {
        let json = sample().json();
        assert_eq!(json[0]["service_code"], "ZZ02");
        assert_eq!(json[0]["metadata"], true);
        assert!(json[0]["keywords"].is_null());
        let mut xml = String::new();
        sample().xml("services", &mut xml);
        assert_eq!(
            xml,
            "<services><service><service_code>ZZ02</service_code>\
             <service_name>治安&lt;隐患&gt; &amp; &quot;x&quot;</service_name>\
             <metadata>true</metadata><keywords/><lat>31.2</lat></service></services>"
        );
    }

    #[test]
    fn characters_xml_cannot_hold_are_dropped() {
        let mut out = String::new();
        escape_into("a\u{1}b\u{FFFF}c\n", &mut out);
        assert_eq!(out, "abc\n");
    }

    #[test]
    fn the_suffix_names_the_format() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            Format::split("SJ20261207000001.xml"),
            Some(("SJ20261207000001", Format::Xml))
        );
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(Format::split("services"), None);
    }
}
