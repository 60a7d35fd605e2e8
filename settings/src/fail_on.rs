//! `--fail-on` and `fail_on`: the one type of the gate's threshold, for the flag and the file.

use std::fmt;
use std::str::FromStr;

use ztaudit_checks::Severity;

/// When a run fails (exit code 1): at a failing finding of this severity or above, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

impl FailOn {
    /// Every value, most severe first, as the flag and the file spell them.
    pub const ALL: [FailOn; 6] = [
        FailOn::Critical,
        FailOn::High,
        FailOn::Medium,
        FailOn::Low,
        FailOn::Info,
        FailOn::Never,
    ];

    /// The lowest severity that fails the run; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.threshold().map_or("never", Severity::as_str)
    }

    /// The names of [`FailOn::ALL`], for help texts and messages.
    pub fn names() -> [&'static str; 6] {
        FailOn::ALL.map(FailOn::as_str)
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `text` is not a [`FailOn`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not one of {names}", names = FailOn::names().join(", "))]
pub struct UnknownFailOn(pub String);

impl FromStr for FailOn {
    type Err = UnknownFailOn;

    /// Any case: `High` is `high`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FailOn::ALL
            .into_iter()
            .find(|value| value.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownFailOn(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_itself() {
        for value in FailOn::ALL {
            assert_eq!(value.as_str().parse(), Ok(value));
            assert_eq!(value.to_string().to_uppercase().parse(), Ok(value));
        }
        assert_eq!(
            "sometimes".parse::<FailOn>().unwrap_err().to_string(),
            "`sometimes` is not one of critical, high, medium, low, info, never"
        );
    }

    #[test]
    fn thresholds_follow_severity_order() {
        assert_eq!(FailOn::Never.threshold(), None);
        let thresholds: Vec<Severity> = FailOn::ALL.iter().filter_map(|v| v.threshold()).collect();
        assert!(thresholds.windows(2).all(|pair| pair[0] > pair[1]));
    }
}
