//! Exit codes, derived from what was found (documented in the README and `--help`).

use crate::plan::Gate;
use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// No failing finding at or above `--fail-on`.
    Success = 0,
    /// At least one failing finding at or above `--fail-on`.
    Failures = 1,
    /// Usage, configuration or input error.
    Usage = 2,
    /// The scan is incomplete (some results are ERROR, or an account of the selection went
    /// unscanned) and nothing breached the threshold.
    Incomplete = 3,
}

impl ExitCode {
    /// The code of a run that made `report`, gated by `gate`.
    pub fn of(report: &Report, gate: &Gate) -> ExitCode {
        if report.breaches(gate.threshold(), gate.only_new) {
            ExitCode::Failures
        } else if report.is_incomplete() {
            ExitCode::Incomplete
        } else {
            ExitCode::Success
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}
