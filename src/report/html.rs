//! One self-contained HTML page for auditors (`report.html` beside this file): summary, the
//! Zero Trust score per pillar as bars, and the findings with filters and remediation. No
//! external asset; a Content-Security-Policy forbids the page any network access.
//!
//! The JSON report is embedded as data and the page's script builds the DOM with `textContent`
//! only, so names and messages from the account (a tag, a description) are never markup.

use super::Report;

const TEMPLATE: &str = include_str!("report.html");

pub fn render_html(report: &Report) -> String {
    let data = serde_json::to_string(report).unwrap_or_default();
    TEMPLATE
        .replace("{{TITLE}}", &escape_html(&report.scope()))
        .replace("{{DATA}}", &escape_for_script(&data))
}

/// JSON that cannot end its `<script>` element early: `<`, `>` and `&` only occur in JSON
/// strings, where their `\u` escapes mean the same; U+2028/U+2029 are escaped for old parsers.
fn escape_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_end_tag_in_the_data_stays_data() {
        let escaped = escape_for_script(r#"{"message":"</script><script>alert(1)</script>"}"#);
        assert!(!escaped.contains("</script"));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["message"], "</script><script>alert(1)</script>");
    }
}
