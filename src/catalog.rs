//! `ztaudit checks` and `ztaudit explain`: the check list and a check's documentation, both
//! rendered from the declarations in the checks crate (as is the README's list).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use serde::Serialize;
use ztaudit_checks::{Check, CheckMeta, CheckStatus};

pub fn list_table(checks: &[&dyn Check]) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.force_no_tty();
    table.set_header(["Id", "Name", "Severity", "Pillar", "Status", "Title"]);
    for meta in checks.iter().map(|check| check.meta()) {
        table.add_row([
            meta.id,
            meta.name,
            meta.severity.as_str(),
            meta.pillar.as_str(),
            meta.status.as_str(),
            meta.title,
        ]);
    }
    format!("{table}\n")
}

/// A check in `ztaudit checks --format json`: its metadata as the JSON report has it, with its
/// status and first version.
#[derive(Serialize)]
struct ListedCheck {
    #[serde(flatten)]
    meta: &'static CheckMeta,
    status: &'static str,
    since: &'static str,
}

pub fn list_json(checks: &[&dyn Check]) -> String {
    let listed: Vec<ListedCheck> = checks
        .iter()
        .map(|check| {
            let meta = check.meta();
            ListedCheck {
                meta,
                status: meta.status.as_str(),
                since: meta.since,
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&listed).unwrap_or_default();
    text.push('\n');
    text
}

/// The Markdown table the README embeds between its `checks:begin`/`checks:end` markers. A
/// check that is not stable has its status after its title.
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
            titled_with_status(meta),
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
        "{id} {name}: {title}\nSeverity: {severity} · Pillar: {pillar} · FSBP: {fsbp} · CIS v3.0: {cis}\n\
         Status: {status} · Since: {since}\n\n\
         {docs}\n\n## Remediation\nAWS CLI:\n{cli}\n\nTerraform:\n{terraform}\n",
        id = meta.id,
        name = meta.name,
        title = meta.title,
        severity = meta.severity,
        pillar = meta.pillar,
        fsbp = join_or_dash(meta.fsbp),
        cis = join_or_dash(meta.cis),
        status = meta.status,
        since = meta.since,
        docs = docs.join("\n").trim(),
        cli = indent(meta.remediation.cli),
        terraform = indent(meta.remediation.terraform),
    )
}

fn titled_with_status(meta: &CheckMeta) -> String {
    match meta.status {
        CheckStatus::Stable => meta.title.to_owned(),
        status => format!("{} ({status})", meta.title),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    ztaudit_checks::declare_check! {
        /// ## What it does
        /// A check in preview, for these tests.
        PreviewCheck {
            id: "ZT999",
            name: "preview-check",
            title: "A check in preview",
            severity: Low,
            pillar: Governance,
            status: Preview,
            since: "0.2.0",
            fsbp: [],
            cis: [],
            remediation_cli: "aws sts get-caller-identity",
            remediation_terraform: "data \"aws_caller_identity\" \"current\" {}",
            run: nothing,
        }
    }

    fn nothing(
        _: &ztaudit_checks::Snapshot,
        _: &ztaudit_checks::CheckConfig,
        _: &mut ztaudit_checks::Findings,
    ) {
    }

    #[test]
    fn every_listing_shows_the_status() {
        let checks: &[&dyn Check] = &[&PreviewCheck];
        let json: serde_json::Value = serde_json::from_str(&list_json(checks)).expect("json");
        assert_eq!(json[0]["id"], "ZT999");
        assert_eq!(json[0]["status"], "preview");
        assert_eq!(json[0]["since"], "0.2.0");
        assert!(list_table(checks).contains("preview"));
        assert!(list_markdown(checks).contains("| A check in preview (preview) |"));
        assert!(explain(PreviewCheck.meta()).contains("\nStatus: preview · Since: 0.2.0\n"));
    }

    #[test]
    fn a_stable_check_reads_as_before_in_the_readme_list() {
        let stable = ztaudit_checks::registry::find("ZT302").expect("ZT302");
        let listed = list_markdown(&[stable]);
        assert!(
            listed.contains("| Default security group of a VPC allows traffic |"),
            "{listed}"
        );
    }
}
