use super::Report;

/// The JSON report, pretty-printed, with a trailing newline.
pub fn render_json(report: &Report) -> String {
    // Serializing plain data structures to a String cannot fail.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}
