//! CSV: one row per finding, every status, for spreadsheets.

use super::Report;

const HEADER: [&str; 16] = [
    "check_id",
    "check_name",
    "status",
    "severity",
    "pillar",
    "account",
    "region",
    "resource_type",
    "resource",
    "message",
    "fingerprint",
    "muted_reason",
    "baseline",
    "fsbp",
    "cis",
    "remediation",
];

/// The columns a scan of many accounts adds.
const ACCOUNT_COLUMNS: [&str; 2] = ["account_name", "account_ou_path"];

pub fn render_csv(report: &Report) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // A scan of many accounts adds each finding's account name and OU path, for filtering by
    // team or environment; a single-account report keeps its columns.
    let coverage = report.coverage.as_ref();
    let mut header: Vec<&str> = HEADER.to_vec();
    header.extend(coverage.map_or(&[][..], |_| &ACCOUNT_COLUMNS[..]));
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(&header);
    for reported in &report.findings {
        let finding = &reported.finding;
        let meta = report.check(&finding.check_id);
        let baseline = match reported.baseline {
            Some(super::BaselineState::New) => "new",
            Some(super::BaselineState::Unchanged) => "unchanged",
            None => "",
        };
        let account = coverage.and_then(|c| c.account(&finding.account));
        let account_columns = coverage.map(|_| {
            [
                account.and_then(|a| a.name.as_deref()).unwrap_or(""),
                account.and_then(|a| a.ou_path.as_deref()).unwrap_or(""),
            ]
        });
        let mut cells: Vec<String> = [
            finding.check_id.as_ref(),
            meta.map_or("", |m| m.name),
            finding.status.as_str(),
            finding.severity.as_str(),
            finding.pillar.as_str(),
            finding.account.as_str(),
            finding.region.as_str(),
            finding.resource_type.as_ref(),
            defuse_formula(&finding.resource).as_ref(),
            defuse_formula(&finding.message).as_ref(),
            reported.fingerprint.as_str(),
            reported
                .muted_by
                .as_ref()
                .map_or("", |muted| muted.reason.as_str()),
            baseline,
            finding.compliance.fsbp.join(" ").as_str(),
            finding.compliance.cis.join(" ").as_str(),
            meta.map_or("", |m| m.remediation.cli),
        ]
        .iter()
        .map(|cell| cell.to_string())
        .collect();
        cells.extend(
            account_columns
                .into_iter()
                .flatten()
                .map(|cell| defuse_formula(cell).into_owned()),
        );
        let _ = writer.write_record(&cells);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Names and messages come from the account (a security group's description, a tag): a cell
/// that starts like a formula is prefixed with `'` so a spreadsheet shows it instead of running it.
fn defuse_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}
