//! The terminal report: failing findings grouped by severity, then the ones that could not be
//! evaluated, then a summary.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};
use ztaudit_checks::{Finding, Severity, Status};

use super::{BaselineState, Report};

/// Renders the table report. `color` is decided by the caller (a terminal, and no `NO_COLOR`).
pub fn render_table(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for severity in Severity::DESCENDING {
        let failing: Vec<&Finding> = report
            .findings
            .iter()
            .map(|f| &f.finding)
            .filter(|f| f.status == Status::Fail && f.severity == severity)
            .collect();
        if failing.is_empty() {
            continue;
        }
        let heading = format!(
            "{} · {} failing",
            severity.as_str().to_uppercase(),
            failing.len()
        );
        out.push_str(&paint(&heading, severity_color(severity), color));
        out.push('\n');
        out.push_str(&findings_table(&failing, color));
        out.push_str("\n\n");
    }
    let sections = [
        (Status::Undecided, "not decidable before apply", Color::Cyan),
        (Status::Error, "could not be evaluated", Color::Magenta),
    ];
    for (status, what, section_color) in sections {
        let listed: Vec<&Finding> = report
            .findings
            .iter()
            .map(|f| &f.finding)
            .filter(|f| f.status == status)
            .collect();
        if listed.is_empty() {
            continue;
        }
        let heading = format!("{status} · {} {what}", listed.len());
        out.push_str(&paint(&heading, section_color, color));
        out.push('\n');
        out.push_str(&findings_table(&listed, color));
        out.push_str("\n\n");
    }
    if report.summary.fail == 0 && report.summary.error == 0 {
        out.push_str("No failing findings.\n\n");
    }
    out.push_str(&summary_lines(report));
    out.push_str(&score_lines(report));
    out.push_str(&suppression_and_baseline_lines(report));
    out
}

fn score_lines(report: &Report) -> String {
    let score = &report.score;
    let pillars: Vec<String> = score
        .pillars
        .iter()
        .map(|p| format!("{} {}", p.name, p.display()))
        .collect();
    let mut line = format!("Zero Trust score: {}", score.overall.display());
    if !pillars.is_empty() {
        line.push_str(&format!(" ({})", pillars.join(", ")));
    }
    if score.overall.error > 0 {
        line.push_str(&format!(
            "; {} ERROR result{} count as not passing",
            score.overall.error,
            if score.overall.error == 1 { "" } else { "s" }
        ));
    }
    line.push('\n');
    line
}

fn suppression_and_baseline_lines(report: &Report) -> String {
    let mut out = String::new();
    if report.summary.muted > 0 {
        out.push_str(&format!(
            "Muted by suppressions: {} (listed in the JSON, SARIF and HTML reports)\n",
            report.summary.muted
        ));
    }
    if let Some(baseline) = &report.baseline {
        out.push_str(&format!(
            "Against {}: {} new, {} unchanged, {} resolved\n",
            baseline.file,
            baseline.new,
            baseline.unchanged,
            baseline.resolved.len()
        ));
        let new: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.baseline == Some(BaselineState::New))
            .map(|f| f.finding.check_id.as_ref())
            .collect();
        if !new.is_empty() && new.len() <= 20 {
            out.push_str(&format!("New: {}\n", new.join(", ")));
        }
    }
    out
}

fn findings_table(findings: &[&Finding], color: bool) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if color {
        table.enforce_styling();
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.force_no_tty();
    }
    table.set_header(["Check", "Resource", "Region", "Finding"].map(|h| {
        let cell = Cell::new(h);
        if color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for finding in findings {
        table.add_row([
            finding.check_id.as_ref(),
            short_resource(&finding.resource),
            finding.region.as_str(),
            finding.message.as_str(),
        ]);
    }
    table.to_string()
}

fn summary_lines(report: &Report) -> String {
    let summary = &report.summary;
    let by_severity: Vec<String> = Severity::DESCENDING
        .iter()
        .map(|&sev| format!("{} {}", summary.failed_by_severity.get(sev), sev))
        .collect();
    let scope = match (&report.scan, &report.policy_documents) {
        (Some(scan), _) => format!(
            "Account {} ({}), {} region{}: {}; collected in {:.1} s with {} API calls",
            scan.account,
            scan.partition,
            scan.regions.len(),
            if scan.regions.len() == 1 { "" } else { "s" },
            scan.regions.join(", "),
            scan.duration_seconds,
            scan.api_calls,
        ),
        (None, Some(documents)) => format!(
            "Linted {} policy document{}",
            documents.len(),
            if documents.len() == 1 { "" } else { "s" }
        ),
        (None, None) => String::new(),
    };
    format!(
        "Results: {} PASS, {} FAIL, {} ERROR, {} NOT_APPLICABLE{} ({} in all, {} checks)\n\
         Failing by severity: {}\n{scope}\n",
        summary.pass,
        summary.fail,
        summary.error,
        summary.not_applicable,
        [
            (summary.muted, Status::Muted),
            (summary.undecided, Status::Undecided)
        ]
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, status)| format!(", {count} {status}"))
        .collect::<String>(),
        summary.total,
        report.checks.len(),
        by_severity.join(", "),
    )
}

/// The part of an ARN people recognise: `sg-0abc` rather than the whole ARN.
pub(super) fn short_resource(resource: &str) -> &str {
    match resource.split_once('/') {
        Some((_, id)) if resource.starts_with("arn:") => id,
        _ => resource.rsplit(':').next().unwrap_or(resource),
    }
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Red,
        Severity::High => Color::DarkRed,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

/// A heading, bold and coloured when colour is on (plain ANSI, like comfy-table's cells).
fn paint(text: &str, color: Color, enabled: bool) -> String {
    if !enabled {
        return text.to_owned();
    }
    let code = match color {
        Color::Red => "1;31",
        Color::DarkRed => "31",
        Color::Yellow => "33",
        Color::Cyan => "36",
        Color::Magenta => "35",
        _ => "37",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
