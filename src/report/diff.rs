//! `ztaudit diff OLD.json NEW.json`: what changed between two saved reports.
//!
//! Findings are matched by fingerprint. *New*: failing in NEW and not failing in OLD.
//! *Resolved*: failing in OLD and passing, not applicable or gone in NEW. *Changed*: in both,
//! with another status (a failure muted, a pass that became ERROR…) or, failing in both, with
//! another severity or message.

use std::collections::HashMap;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use schemars::JsonSchema;
use serde::Serialize;
use ztaudit_checks::{Severity, Status};

use super::baseline::PriorFinding;

/// Every way a diff can be written (`cli::DiffFormat` is its spelling on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub new_findings: Vec<PriorFinding>,
    pub resolved: Vec<PriorFinding>,
    pub changed: Vec<Change>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Change {
    pub before: PriorFinding,
    pub after: PriorFinding,
}

impl Diff {
    pub fn between(
        old_name: &str,
        old: &[PriorFinding],
        new_name: &str,
        new: &[PriorFinding],
    ) -> Diff {
        let by_fingerprint = |findings: &[PriorFinding]| -> HashMap<String, PriorFinding> {
            findings
                .iter()
                .map(|f| (f.fingerprint.clone(), f.clone()))
                .collect()
        };
        let old_map = by_fingerprint(old);
        let new_map = by_fingerprint(new);
        let mut diff = Diff {
            old: old_name.to_owned(),
            new: new_name.to_owned(),
            new_findings: Vec::new(),
            resolved: Vec::new(),
            changed: Vec::new(),
        };
        for after in new_map.values() {
            let before = old_map.get(&after.fingerprint);
            let was_failing = before.is_some_and(|b| b.status == Status::Fail);
            if after.status == Status::Fail && !was_failing {
                diff.new_findings.push(after.clone());
            } else if let Some(before) = before {
                let same_status = before.status == after.status;
                let reworded = before.severity != after.severity || before.message != after.message;
                if !same_status || (after.status == Status::Fail && reworded) {
                    diff.changed.push(Change {
                        before: before.clone(),
                        after: after.clone(),
                    });
                }
            }
        }
        for before in old_map.values() {
            if before.status != Status::Fail {
                continue;
            }
            let gone_or_fixed = new_map
                .get(&before.fingerprint)
                .is_none_or(|after| matches!(after.status, Status::Pass | Status::NotApplicable));
            if gone_or_fixed {
                diff.resolved.push(before.clone());
            }
        }
        let order = |f: &PriorFinding| {
            (
                std::cmp::Reverse(f.severity),
                f.check_id.clone(),
                f.region.clone(),
                f.resource.clone(),
            )
        };
        diff.new_findings.sort_by_key(order);
        diff.resolved.sort_by_key(order);
        diff.changed.sort_by_key(|c| order(&c.after));
        diff
    }

    /// Whether a new finding is at or above `threshold`.
    pub fn breaches(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|threshold| self.new_findings.iter().any(|f| f.severity >= threshold))
    }

    pub fn render(&self, format: DiffFormat) -> String {
        match format {
            DiffFormat::Table => self.render_table(),
            DiffFormat::Json => self.render_json(),
            DiffFormat::Markdown => self.render_markdown(),
        }
    }

    pub fn render_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn render_table(&self) -> String {
        let mut out = format!(
            "{} new, {} resolved, {} changed ({} → {})\n",
            self.new_findings.len(),
            self.resolved.len(),
            self.changed.len(),
            self.old,
            self.new
        );
        let sections: [(&str, Vec<[String; 5]>); 3] = [
            ("New", self.new_findings.iter().map(row).collect()),
            ("Resolved", self.resolved.iter().map(row).collect()),
            (
                "Changed",
                self.changed
                    .iter()
                    .map(|c| {
                        let mut cells = row(&c.after);
                        cells[3] = format!("{} → {}", c.before.status, c.after.status);
                        cells
                    })
                    .collect(),
            ),
        ];
        for (heading, rows) in sections {
            if rows.is_empty() {
                continue;
            }
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
            table.set_header(["Check", "Severity", "Resource", "Status", "Finding"]);
            for cells in rows {
                table.add_row(cells);
            }
            out.push_str(&format!("\n{heading}\n{table}\n"));
        }
        out
    }

    pub fn render_markdown(&self) -> String {
        let mut out = format!(
            "## ztaudit diff\n\n**{}** new, **{}** resolved, **{}** changed.\n",
            self.new_findings.len(),
            self.resolved.len(),
            self.changed.len()
        );
        let sections = [("New", &self.new_findings), ("Resolved", &self.resolved)];
        for (heading, findings) in sections {
            if findings.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n### {heading}\n\n| Check | Severity | Resource | Finding |\n|---|---|---|---|\n"
            ));
            for f in findings {
                out.push_str(&format!(
                    "| {} | {} | `{}` | {} |\n",
                    f.check_id,
                    f.severity,
                    super::markdown::escape(&f.resource),
                    super::markdown::escape(&f.message)
                ));
            }
        }
        if !self.changed.is_empty() {
            out.push_str("\n### Changed\n\n| Check | Resource | Status |\n|---|---|---|\n");
            for c in &self.changed {
                out.push_str(&format!(
                    "| {} | `{}` | {} → {} |\n",
                    c.after.check_id,
                    super::markdown::escape(&c.after.resource),
                    c.before.status,
                    c.after.status
                ));
            }
        }
        out
    }
}

fn row(f: &PriorFinding) -> [String; 5] {
    [
        f.check_id.clone(),
        f.severity.to_string(),
        f.resource.clone(),
        f.status.to_string(),
        f.message.clone(),
    ]
}
