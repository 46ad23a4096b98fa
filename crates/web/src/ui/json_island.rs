//! Data for a page's scripts, embedded as `<script type="application/json">`: the page needs no
//! second request, and the data is never executed. Inside a script element HTML escapes are not
//! decoded, so instead every character that could end the element or open a comment is written
//! as a JSON escape, which the JSON parser reads back unchanged.

use serde::Serialize;

pub fn encode(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cannot_close_its_script_element() {
        let island = encode(
            &serde_json::json!({ "name": "</script><script>alert(1)</script>", "a&b": "<!--" }),
        );
        assert!(!island.contains('<') && !island.contains('>') && !island.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&island).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
        assert_eq!(back["a&b"], "<!--");
    }
}
