//! The Zero Trust score: for each CISA ZTMM pillar and overall, the severity-weighted share of
//! evaluated (check, resource) results that pass.
//!
//! `score = 100 × Σ weight(PASS) / Σ weight(PASS + FAIL + ERROR)`, with weights critical 10,
//! high 5, medium 3, low 2, info 1. An ERROR counts as not passing (what could not be read is
//! not known to be safe) and is counted apart; MUTED and NOT_APPLICABLE results are left out.
//! A pillar with nothing evaluated has no score.

use schemars::JsonSchema;
use serde::Serialize;
use ztaudit_checks::{Finding, Pillar, Severity, Status};

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Score {
    pub overall: PillarScore,
    /// Pillars in the model's order; only those with at least one result.
    pub pillars: Vec<PillarScore>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct PillarScore {
    /// `Overall`, or the pillar's name.
    pub name: String,
    /// 0–100, one decimal; absent when nothing was evaluated.
    pub score: Option<f64>,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
}

/// How much one result weighs in the score.
pub fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 3,
        Severity::Low => 2,
        Severity::Info => 1,
    }
}

#[derive(Default)]
struct Tally {
    passed: u64,
    evaluated: u64,
    pass: usize,
    fail: usize,
    error: usize,
}

impl Tally {
    fn add(&mut self, finding: &Finding) {
        let weight = u64::from(weight(finding.severity));
        match finding.status {
            Status::Pass => {
                self.pass += 1;
                self.passed += weight;
                self.evaluated += weight;
            }
            Status::Fail => {
                self.fail += 1;
                self.evaluated += weight;
            }
            // Not proven either way: counted as ERROR is, as not passing.
            Status::Error | Status::Undecided => {
                self.error += 1;
                self.evaluated += weight;
            }
            Status::NotApplicable | Status::Muted => {}
        }
    }

    fn into_score(self, name: &str) -> PillarScore {
        let score = (self.evaluated > 0).then(|| {
            let share = self.passed as f64 / self.evaluated as f64;
            (share * 1000.0).round() / 10.0
        });
        PillarScore {
            name: name.to_owned(),
            score,
            pass: self.pass,
            fail: self.fail,
            error: self.error,
        }
    }

    fn is_empty(&self) -> bool {
        self.pass + self.fail + self.error == 0
    }
}

impl Score {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Score {
        let mut overall = Tally::default();
        let mut pillars: Vec<(Pillar, Tally)> = Pillar::ALL
            .iter()
            .map(|&pillar| (pillar, Tally::default()))
            .collect();
        for finding in findings {
            overall.add(finding);
            if let Some((_, tally)) = pillars.iter_mut().find(|(p, _)| *p == finding.pillar) {
                tally.add(finding);
            }
        }
        Score {
            overall: overall.into_score("Overall"),
            pillars: pillars
                .into_iter()
                .filter(|(_, tally)| !tally.is_empty())
                .map(|(pillar, tally)| tally.into_score(pillar.as_str()))
                .collect(),
        }
    }
}

impl PillarScore {
    /// `87.5` or `n/a`.
    pub fn display(&self) -> String {
        self.score
            .map(|score| format!("{score:.1}"))
            .unwrap_or_else(|| "n/a".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ztaudit_checks::findings::Compliance;

    fn finding(status: Status, severity: Severity, pillar: Pillar) -> Finding {
        Finding {
            check_id: "ZT000".into(),
            status,
            severity,
            pillar,
            resource: "r".into(),
            resource_type: "t".into(),
            region: "eu-west-1".into(),
            account: "1".into(),
            message: String::new(),
            terraform: None,
            compliance: Compliance {
                fsbp: vec![],
                cis: vec![],
            },
            details: None,
        }
    }

    #[test]
    fn weights_errors_and_left_out_results() {
        let findings = [
            finding(Status::Pass, Severity::High, Pillar::Identity), // 5 of 5
            finding(Status::Fail, Severity::Critical, Pillar::Identity), // 0 of 10
            finding(Status::Error, Severity::Medium, Pillar::Identity), // 0 of 3
            finding(Status::Muted, Severity::Critical, Pillar::Identity),
            finding(Status::NotApplicable, Severity::Low, Pillar::Identity),
            finding(Status::Pass, Severity::Low, Pillar::Data), // 2 of 2
        ];
        let score = Score::of(&findings);
        assert_eq!(score.overall.score, Some(35.0)); // 7 of 20
        assert_eq!(score.pillars.len(), 2);
        let identity = &score.pillars[0];
        assert_eq!(identity.name, "Identity");
        assert_eq!(identity.score, Some(27.8)); // 5 of 18
        assert_eq!((identity.pass, identity.fail, identity.error), (1, 1, 1));
        assert_eq!(score.pillars[1].score, Some(100.0));
    }

    #[test]
    fn nothing_evaluated_has_no_score() {
        let findings = [finding(
            Status::NotApplicable,
            Severity::High,
            Pillar::Networks,
        )];
        let score = Score::of(&findings);
        assert_eq!(score.overall.score, None);
        assert_eq!(score.overall.display(), "n/a");
        assert!(score.pillars.is_empty());
    }
}
