//! `ztaudit checks` and `ztaudit explain`: the check list and a check's documentation, both
//! rendered from the declarations in the checks crate (as is the README's list).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use ztaudit_checks::{Check, CheckMeta};

pub fn list_table(checks: &[&dyn Check]) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.force_no_tty();
    table.set_header(["Id", "Name", "Severity", "Pillar", "Title"]);
    for meta in checks.iter().map(|check| check.meta()) {
        table.add_row([
            meta.id,
            meta.name,
            meta.severity.as_str(),
            meta.pillar.as_str(),
            meta.title,
        ]);
    }
    format!("{table}\n")
}

pub fn list_json(checks: &[&dyn Check]) -> String {
    let metas: Vec<&CheckMeta> = checks.iter().map(|check| check.meta()).collect();
    let mut text = serde_json::to_string_pretty(&metas).unwrap_or_default();
    text.push('\n');
    text
}

/// The Markdown table the README embeds between its `checks:begin`/`checks:end` markers.
pub fn list_markdown(checks: &[&dyn Check]) -> String {
    let mut text = String::from(
        "| Id | Name | Severity | Pillar | Title | FSBP | CIS v3.0 |\n|---|---|---|---|---|---|---|\n",
    );
    for meta in checks.iter().map(|check| check.meta()) {
        text.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            meta.id,
            meta.name,
            meta.severity,
            meta.pillar,
            meta.title,
            join_or_dash(meta.fsbp),
            join_or_dash(meta.cis),
        ));
    }
    text
}

pub fn explain(meta: &CheckMeta) -> String {
    let docs: Vec<&str> = meta
        .docs
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    format!(
        "{id} {name}: {title}\nSeverity: {severity} · Pillar: {pillar} · FSBP: {fsbp} · CIS v3.0: {cis}\n\n\
         {docs}\n\n## Remediation\nAWS CLI:\n{cli}\n\nTerraform:\n{terraform}\n",
        id = meta.id,
        name = meta.name,
        title = meta.title,
        severity = meta.severity,
        pillar = meta.pillar,
        fsbp = join_or_dash(meta.fsbp),
        cis = join_or_dash(meta.cis),
        docs = docs.join("\n").trim(),
        cli = indent(meta.remediation.cli),
        terraform = indent(meta.remediation.terraform),
    )
}

fn join_or_dash(ids: &[&str]) -> String {
    if ids.is_empty() {
        "–".to_owned()
    } else {
        ids.join(", ")
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
