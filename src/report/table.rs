//! The terminal report: failing findings grouped by severity, then the ones that could not be
//! evaluated, then a summary.
//!
//! The table fits the width it is given ([`TableLayout::width`]): the Check, Resource and
//! Region columns keep the width of their content and only the Finding column wraps, so a
//! long message becomes a few lines of a readable table in a terminal or a CI log instead of
//! one line of several hundred characters. Where the width comes from (the terminal,
//! `COLUMNS`, `--width`) is the run plan's business, not this module's.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table};
use ztaudit_checks::{Finding, Severity, Status};

use super::{BaselineState, Coverage, CoverageStatus, Report, TableLayout};

/// Renders the table report with the colour and width the caller decided.
pub fn render_table(report: &Report, layout: TableLayout) -> String {
    let color = layout.color;
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
        out.push_str(&findings_table(&failing, report.coverage.as_ref(), layout));
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
        out.push_str(&findings_table(&listed, report.coverage.as_ref(), layout));
        out.push_str("\n\n");
    }
    if report.summary.fail == 0 && report.summary.error == 0 {
        out.push_str("No failing findings.\n\n");
    }
    if let Some(coverage) = &report.coverage {
        out.push_str(&coverage_section(coverage, layout));
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
        // The score counts an UNDECIDED result (of a plan) as it counts an ERROR.
        let kind = if report.summary.undecided > 0 {
            "ERROR or UNDECIDED"
        } else {
            "ERROR"
        };
        line.push_str(&format!(
            "; {} {kind} result{} as not passing",
            score.overall.error,
            if score.overall.error == 1 {
                " counts"
            } else {
                "s count"
            }
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

/// The accounts of a scan of many: a line of counts, then every account with its status.
fn coverage_section(coverage: &Coverage, layout: TableLayout) -> String {
    let mut heading = format!(
        "ACCOUNTS · {} scanned, {} failed",
        coverage.count(CoverageStatus::Scanned),
        coverage.count(CoverageStatus::Failed)
    );
    for (status, name) in [
        (CoverageStatus::Missing, "missing"),
        (CoverageStatus::Excluded, "excluded"),
    ] {
        let count = coverage.count(status);
        if count > 0 {
            heading.push_str(&format!(", {count} {name}"));
        }
    }
    if let Some(shard) = coverage.shard {
        heading.push_str(&format!(
            " (shard {}/{} of {} selected)",
            shard.index,
            shard.count,
            coverage.selection.len()
        ));
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.force_no_tty();
    table.set_header(["Account", "Name", "OU path", "Status", "Reason"]);
    for account in &coverage.accounts {
        table.add_row([
            account.id.as_str(),
            account.name.as_deref().unwrap_or(""),
            account.ou_path.as_deref().unwrap_or(""),
            account.status.as_str(),
            account.reason.as_deref().unwrap_or(""),
        ]);
    }
    if let Some(width) = layout.width {
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        table.set_constraints([ColumnConstraint::ContentWidth; 4]);
    }
    let color = if coverage.is_incomplete() {
        Color::Magenta
    } else {
        Color::Green
    };
    format!("{}\n{table}\n\n", paint(&heading, color, layout.color))
}

fn findings_table(
    findings: &[&Finding],
    accounts: Option<&Coverage>,
    layout: TableLayout,
) -> String {
    let TableLayout { color, width } = layout;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    // Styling and width are the layout's: comfy-table must not look at the terminal itself.
    table.force_no_tty();
    if color {
        table.enforce_styling();
    }
    // A scan of many accounts says which account each finding is in.
    let mut header = vec!["Check"];
    header.extend(accounts.map(|_| "Account"));
    header.extend(["Resource", "Region", "Finding"]);
    table.set_header(header.into_iter().map(|h| {
        let cell = Cell::new(h);
        if color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for finding in findings {
        let mut row = vec![finding.check_id.to_string()];
        row.extend(accounts.map(|coverage| coverage.label(&finding.account)));
        row.extend([
            short_resource(&finding.resource).to_owned(),
            finding.region.clone(),
            finding.message.clone(),
        ]);
        table.add_row(row);
    }
    if let Some(width) = width {
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        // Ids, accounts, resources and regions are never broken; the Finding column takes
        // the rest.
        let fixed = if accounts.is_some() { 4 } else { 3 };
        table.set_constraints(vec![ColumnConstraint::ContentWidth; fixed]);
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
        (Some(scan), _) if report.coverage.is_some() => format!(
            "{}, {} region{}: {}; collected in {:.1} s with {} API calls",
            report.scope(),
            scan.regions.len(),
            if scan.regions.len() == 1 { "" } else { "s" },
            scan.regions.join(", "),
            scan.duration_seconds,
            scan.api_calls,
        ),
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ztaudit_checks::{evaluate, Check, CheckConfig, CHECKS};

    use super::*;

    /// The demo account's findings of the checks `ids`.
    fn demo_report(ids: &[&str]) -> Report {
        let demo =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/snapshots/demo-account.json");
        let snapshot = crate::files::load_snapshot(&demo).expect("the demo snapshot");
        let checks: Vec<&'static dyn Check> = CHECKS
            .iter()
            .copied()
            .filter(|check| ids.contains(&check.meta().id))
            .collect();
        let findings = evaluate(&checks, &snapshot, &CheckConfig::default());
        Report::new(&snapshot, &checks, findings)
    }

    fn table_lines(text: &str) -> impl Iterator<Item = &str> {
        text.lines()
            .filter(|line| line.starts_with(['┌', '│', '╞', '├', '└']))
    }

    /// What a terminal 100 columns wide gets (the plan passes the terminal's width): every
    /// line of the tables fits, the first three columns are never broken, and ZT101's grouped
    /// message wraps inside the Finding column.
    #[test]
    fn a_table_at_a_terminal_width() {
        let report = demo_report(&["ZT101", "ZT302", "ZT601"]);
        let text = render_table(
            &report,
            TableLayout {
                color: false,
                width: Some(100),
            },
        );
        for line in table_lines(&text) {
            assert!(
                line.chars().count() <= 100,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        assert!(text.contains("│ ZT101 ┆ alice "), "{text}");
        insta::assert_snapshot!(text);
    }

    /// Without a limit, each finding is one line however long (`--width 0`).
    #[test]
    fn without_a_limit_every_finding_is_one_line() {
        let report = demo_report(&["ZT101"]);
        let text = render_table(
            &report,
            TableLayout {
                color: false,
                width: None,
            },
        );
        let failing = report
            .findings
            .iter()
            .filter(|f| f.finding.status == Status::Fail)
            .count();
        // Top border, header, separator, the rows, bottom border.
        assert_eq!(table_lines(&text).count(), failing + 4, "{text}");
    }

    #[test]
    fn one_error_result_counts_and_several_count() {
        let mut report = demo_report(&["ZT116"]);
        assert!(score_lines(&report).contains("; 1 ERROR result counts as not passing"));
        report.score.overall.error = 2;
        assert!(score_lines(&report).contains("; 2 ERROR results count as not passing"));
    }
}
