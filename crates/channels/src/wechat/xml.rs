//! WeChat's XML: one `<xml>` element whose children hold text or CDATA (`<Content><![CDATA[…]]>
//! </Content>`). Reading gives the children by name; writing gives each text as CDATA.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// The body is not one `<xml>` element of named texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not WeChat XML: {}", self.0)
    }
}

impl std::error::Error for XmlError {}

/// The deepest nesting read: WeChat nests at most two levels (`<ScanCodeInfo><ScanType>`).
const MAX_DEPTH: usize = 8;

/// The texts of the elements under `<xml>`, by element name; a nested element's text is kept
/// under its own name too (the first of a name wins).
pub fn read_fields(xml: &str) -> Result<BTreeMap<String, String>, XmlError> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut fields = BTreeMap::new();
    let mut seen_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref().as_ref()).into_owned();
                if path.is_empty() {
                    if seen_root || name != "xml" {
                        return Err(XmlError(format!("root element <{name}>")));
                    }
                    seen_root = true;
                } else if path.len() >= MAX_DEPTH {
                    return Err(XmlError("nested too deep".into()));
                }
                path.push(name);
                text.clear();
            }
            Ok(Event::Empty(e)) if !path.is_empty() => {
                let name = String::from_utf8_lossy(e.name().as_ref().as_ref()).into_owned();
                fields.entry(name).or_insert_with(String::new);
            }
            Ok(Event::End(_)) => {
                let Some(name) = path.pop() else {
                    return Err(XmlError("an end without a start".into()));
                };
                if !path.is_empty() {
                    fields.entry(name).or_insert_with(|| text.clone());
                }
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::CData(c)) => text.push_str(&c.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| XmlError(format!("unknown entity &{};", &*r)))?
                        .to_owned(),
                    Err(e) => return Err(XmlError(e.to_string())),
                };
                text.push_str(&resolved);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(XmlError(e.to_string())),
        }
    }
    if !seen_root || !path.is_empty() {
        return Err(XmlError("no complete <xml> element".into()));
    }
    Ok(fields)
}

/// `<xml>` with each (name, value) as an element; texts as CDATA, numbers as they are.
pub fn write_fields(fields: &[(&str, Value<'_>)]) -> String {
    let mut out = String::from("<xml>");
    for (name, value) in fields {
        out.push('<');
        out.push_str(name);
        out.push('>');
        match value {
            Value::Text(text) => cdata(&mut out, text),
            Value::Number(n) => out.push_str(&n.to_string()),
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out.push_str("</xml>");
    out
}

/// One value of a written element.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Text(&'a str),
    Number(i64),
}

/// `text` as CDATA; a `]]>` inside is split across two sections, the one way to carry it.
fn cdata(out: &mut String, text: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cdata_text_and_nested_fields() {
        let fields = read_fields(
            "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1348831860</CreateTime>\
             <Content><![CDATA[a&b <c>]]></Content><Label>x &amp; y&#x4E00;</Label>\
             <ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo></xml>",
        )
        .unwrap();
        assert_eq!(fields["ToUserName"], "gh_1");
        assert_eq!(fields["CreateTime"], "1348831860");
        assert_eq!(fields["Content"], "a&b <c>");
        assert_eq!(fields["Label"], "x & y一");
        assert_eq!(fields["ScanType"], "qrcode");
    }

    #[test]
    fn refuses_what_is_not_one_xml_element() {
        for bad in [
            "",
            "success",
            "<root><a>1</a></root>",
            "<xml><a>1</a>",
            "<xml><a>1</b></xml>",
            "<xml></xml><xml></xml>",
            "<xml><a>&bogus;</a></xml>",
        ] {
            assert!(read_fields(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_cdata_that_reads_back_even_with_its_end_marker() {
        let xml = write_fields(&[
            ("Content", Value::Text("看 ]]> 这里")),
            ("CreateTime", Value::Number(12)),
        ]);
        assert_eq!(
            xml,
            "<xml><Content><![CDATA[看 ]]]]><![CDATA[> 这里]]></Content><CreateTime>12</CreateTime></xml>"
        );
        let fields = read_fields(&xml).unwrap();
        assert_eq!(fields["Content"], "看 ]]> 这里");
    }
}
