//! A short Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment: counts, the
//! score per pillar, the top failures and what could not be evaluated.

use ztaudit_checks::{Severity, Status};

use super::suppress::SuppressionState;
use super::{BaselineState, Report};

/// Failures listed before "… and N more".
const TOP_FAILURES: usize = 10;

pub fn render_markdown(report: &Report) -> String {
    let summary = &report.summary;
    let mut out = format!("## ztaudit: {}\n\n", escape(&report.scope()));
    let verdict = if summary.fail == 0 && summary.error == 0 {
        "No failing findings."
    } else if summary.fail == 0 {
        "No failing findings, but the scan is incomplete."
    } else {
        "Failing findings."
    };
    out.push_str(&format!(
        "**{verdict}** Zero Trust score **{}**.\n\n",
        report.score.overall.display()
    ));
    out.push_str("| Critical | High | Medium | Low | Info | Errors | Muted | Passed |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let by = |severity| summary.failed_by_severity.get(severity);
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n\n",
        by(Severity::Critical),
        by(Severity::High),
        by(Severity::Medium),
        by(Severity::Low),
        by(Severity::Info),
        summary.error,
        summary.muted,
        summary.pass
    ));

    if !report.score.pillars.is_empty() {
        out.push_str("| Pillar | Score | Pass | Fail | Error |\n|---|---:|---:|---:|---:|\n");
        for pillar in &report.score.pillars {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                escape(&pillar.name),
                pillar.display(),
                pillar.pass,
                pillar.fail,
                pillar.error
            ));
        }
        out.push('\n');
    }

    let mut failing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.finding.status == Status::Fail)
        .collect();
    failing.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
    if !failing.is_empty() {
        out.push_str(
            "### Top failures\n\n| Severity | Check | Resource | Finding |\n|---|---|---|---|\n",
        );
        for reported in failing.iter().take(TOP_FAILURES) {
            let finding = &reported.finding;
            let new = if reported.baseline == Some(BaselineState::New) {
                " 🆕"
            } else {
                ""
            };
            out.push_str(&format!(
                "| {}{new} | {} | `{}` | {} |\n",
                finding.severity,
                finding.check_id,
                escape(&finding.resource),
                escape(&finding.message)
            ));
        }
        if failing.len() > TOP_FAILURES {
            out.push_str(&format!(
                "\n… and {} more failing findings.\n",
                failing.len() - TOP_FAILURES
            ));
        }
        out.push('\n');
    }

    let sections = [
        (
            Status::Undecided,
            "Not decidable before apply",
            "These verdicts hang on values known only after apply",
        ),
        (
            Status::Error,
            "Not evaluated",
            "These results are unknown, not passing",
        ),
    ];
    for (status, heading, why) in sections {
        let listed: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.finding.status == status)
            .collect();
        if listed.is_empty() {
            continue;
        }
        out.push_str(&format!("### {heading} ({})\n\n{why}:\n\n", listed.len()));
        for reported in listed.iter().take(TOP_FAILURES) {
            out.push_str(&format!(
                "- {} `{}`: {}\n",
                reported.finding.check_id,
                escape(&reported.finding.resource),
                escape(&reported.finding.message)
            ));
        }
        out.push('\n');
    }

    if let Some(baseline) = &report.baseline {
        out.push_str(&format!(
            "Against the baseline: **{}** new, {} unchanged, {} resolved.\n\n",
            baseline.new,
            baseline.unchanged,
            baseline.resolved.len()
        ));
    }
    let attention: Vec<_> = report
        .suppressions
        .iter()
        .filter(|s| s.state != SuppressionState::Active)
        .collect();
    if !attention.is_empty() {
        out.push_str("### Suppressions to review\n\n");
        for outcome in attention {
            let state = match outcome.state {
                SuppressionState::Expired => "expired",
                _ => "stale (matched nothing)",
            };
            out.push_str(&format!(
                "- line {}: {} on `{}` is {state}\n",
                outcome.line,
                escape(&outcome.check),
                escape(&outcome.resource)
            ));
        }
        out.push('\n');
    }
    out
}

/// Text from the account made safe for a table cell: no pipes, no line breaks, no HTML.
pub(super) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
        .replace(['\n', '\r'], " ")
}
