//! JUnit XML, the test report every CI system shows: a test suite per check, a test case per
//! (check, resource). FAIL is a failure carrying the message, ERROR an error (the check could
//! not be evaluated), NOT_APPLICABLE and MUTED are skipped (a muted case says why).

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use ztaudit_checks::Status;

use super::Report;

pub fn render_junit(report: &Report) -> String {
    let mut junit = JunitReport::new(format!("ztaudit: {}", report.scope()));
    for meta in &report.checks {
        let mut suite = TestSuite::new(format!("{} {}", meta.id, meta.name));
        for reported in report
            .findings
            .iter()
            .filter(|f| f.finding.check_id == meta.id)
        {
            let finding = &reported.finding;
            let mut status = match finding.status {
                Status::Pass => TestCaseStatus::success(),
                Status::Fail => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status
                        .set_message(finding.message.as_str())
                        .set_type(finding.severity.as_str());
                    status
                }
                Status::Error => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                    status
                        .set_message(finding.message.as_str())
                        .set_type("ERROR");
                    status
                }
                Status::NotApplicable | Status::Undecided => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(finding.message.as_str());
                    status
                }
                Status::Muted => {
                    let mut status = TestCaseStatus::skipped();
                    let reason = reported
                        .muted_by
                        .as_ref()
                        .map_or("", |muted| muted.reason.as_str());
                    status.set_message(format!("muted: {reason} ({})", finding.message));
                    status
                }
            };
            if finding.status == Status::Fail {
                status.set_description(format!(
                    "{}\n\nRemediation:\n{}",
                    finding.message, meta.remediation.cli
                ));
            }
            // An organization's report names the account too: the same check runs in each.
            let place = match &report.coverage {
                Some(coverage) => {
                    format!("{}, {}", finding.region, coverage.label(&finding.account))
                }
                None => finding.region.clone(),
            };
            let mut case = TestCase::new(format!("{} [{place}]", finding.resource), status);
            case.set_classname(meta.id);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    // Serializing to memory only fails on invalid XML characters, which quick-junit escapes.
    junit.to_string().unwrap_or_default()
}
