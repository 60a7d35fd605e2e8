//! Applying `ztaudit.toml` suppressions to a report.
//!
//! A suppression mutes the FAIL findings it matches (status `MUTED`: in every report, never
//! counted by the gate). It never mutes an ERROR: a finding that could not be evaluated stays
//! visible as such. An expired suppression mutes nothing and is reported; one that matched no
//! finding at all is reported as stale, so the file does not rot.

use std::collections::BTreeMap;
use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Serialize;
use time::Date;
use ztaudit_checks::Status;
use ztaudit_settings::Suppression;

use super::{MutedBy, Report};

/// What one suppression did in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SuppressionOutcome {
    /// Line of the entry in the settings file.
    pub line: usize,
    pub check: String,
    pub resource: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub state: SuppressionState,
    /// Findings it muted.
    pub muted: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionState {
    /// It muted a finding, or matched one whose verdict is unknown (ERROR).
    Active,
    /// Past its `expires` date: it mutes nothing any more.
    Expired,
    /// It muted nothing: the resource is gone, fixed or mistyped.
    Stale,
}

impl SuppressionOutcome {
    /// The warning printed on stderr for an expired or stale suppression.
    pub fn warning(&self, file: &str) -> Option<String> {
        let what = format!(
            "{file}:{}: suppression of {} on {}",
            self.line, self.check, self.resource
        );
        match self.state {
            SuppressionState::Active => None,
            SuppressionState::Expired => Some(format!(
                "{what} expired on {}; its findings count again",
                self.expires.as_deref().unwrap_or("?")
            )),
            SuppressionState::Stale => Some(format!(
                "{what} matched no finding; remove it if the resource is gone or fixed"
            )),
        }
    }
}

impl Report {
    /// Mutes what `suppressions` match, as of `today`. `tags` are resource tags by id.
    pub fn apply_suppressions(
        &mut self,
        suppressions: &[Suppression],
        tags: &HashMap<&str, &BTreeMap<String, String>>,
        today: Date,
    ) {
        let mut outcomes: Vec<SuppressionOutcome> = suppressions
            .iter()
            .map(|entry| SuppressionOutcome {
                line: entry.line,
                check: entry.check.as_str().to_owned(),
                resource: entry.resource.clone(),
                reason: entry.reason.clone(),
                owner: entry.owner.clone(),
                expires: entry.expires.map(|date| date.to_string()),
                state: if entry.is_expired(today) {
                    SuppressionState::Expired
                } else {
                    SuppressionState::Stale
                },
                muted: 0,
            })
            .collect();
        // An entry that matches an ERROR finding may still be needed: its verdict is unknown.
        let mut matched_unknown = vec![false; suppressions.len()];
        for reported in &mut self.findings {
            let finding = &reported.finding;
            let resource_tags = tags.get(resource_id(&finding.resource)).copied();
            for (index, entry) in suppressions.iter().enumerate() {
                let outcome = &mut outcomes[index];
                if outcome.state == SuppressionState::Expired
                    || !entry.matches(finding, resource_tags)
                {
                    continue;
                }
                match finding.status {
                    Status::Fail => {
                        reported.finding.status = Status::Muted;
                        reported.muted_by = Some(MutedBy {
                            reason: entry.reason.clone(),
                            owner: entry.owner.clone(),
                            expires: outcome.expires.clone(),
                            line: entry.line,
                        });
                        outcome.muted += 1;
                        outcome.state = SuppressionState::Active;
                        break;
                    }
                    Status::Error => matched_unknown[index] = true,
                    _ => {}
                }
            }
        }
        for (outcome, unknown) in outcomes.iter_mut().zip(matched_unknown) {
            if unknown && outcome.state == SuppressionState::Stale {
                outcome.state = SuppressionState::Active;
            }
        }
        self.suppressions = outcomes;
        self.recount();
    }
}

/// `sg-0abc` of `arn:aws:ec2:eu-west-1:1:security-group/sg-0abc`; the id itself otherwise.
fn resource_id(resource: &str) -> &str {
    resource
        .rsplit(['/', ':'])
        .next()
        .filter(|id| !id.is_empty())
        .unwrap_or(resource)
}
