//! One `[[suppress]]` entry of `ztaudit.toml`: which findings it mutes, and until when.

use std::collections::BTreeMap;

use globset::GlobMatcher;
use time::Date;
use ztaudit_checks::registry::CheckPattern;
use ztaudit_checks::Finding;

/// One `[[suppress]]` entry: findings it matches are muted until `expires`.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// 1-based line of the entry's `check` key, to point at it in warnings.
    pub line: usize,
    pub check: CheckPattern,
    pub resource: String,
    pub(crate) resource_matcher: GlobMatcher,
    pub account: Option<String>,
    pub region: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<Date>,
}

impl Suppression {
    /// Whether this entry names `finding` (whatever the date). `tags` are the tags of the
    /// finding's resource, where the snapshot knows them.
    pub fn matches(&self, finding: &Finding, tags: Option<&BTreeMap<String, String>>) -> bool {
        self.check.matches_id(&finding.check_id)
            && self.resource_matcher.is_match(&finding.resource)
            && self.account.as_ref().is_none_or(|a| *a == finding.account)
            && self.region.as_ref().is_none_or(|r| *r == finding.region)
            && self.tags.iter().all(|(key, value)| {
                tags.and_then(|tags| tags.get(key))
                    .is_some_and(|found| found == value)
            })
    }

    /// Past its `expires` date (the date itself still counts) the entry mutes nothing.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| today > expires)
    }
}

#[cfg(test)]
mod tests {
    use ztaudit_checks::{Pillar, Severity, Status};

    use crate::Settings;

    use super::*;

    #[test]
    fn a_suppression_matches_check_resource_account_region_and_tags() {
        let settings = Settings::from_toml(
            "[[suppress]]\ncheck = \"security-group-open-to-internet\"\nresource = \"arn:aws:ec2:*:*:security-group/sg-0abc*\"\nregion = \"eu-west-1\"\ntag = { Team = \"web\" }\nreason = \"r\"\n",
        )
        .unwrap();
        let entry = &settings.suppressions[0];
        let finding = |check: &str, resource: &str, region: &str| Finding {
            check_id: check.to_owned().into(),
            status: Status::Fail,
            severity: Severity::High,
            pillar: Pillar::Networks,
            resource: resource.to_owned(),
            resource_type: "AWS::EC2::SecurityGroup".into(),
            region: region.to_owned(),
            account: "123456789012".to_owned(),
            message: String::new(),
            terraform: None,
            compliance: ztaudit_checks::findings::Compliance {
                fsbp: Vec::new(),
                cis: Vec::new(),
            },
            details: None,
        };
        let arn = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc123";
        let web = BTreeMap::from([("Team".to_owned(), "web".to_owned())]);
        let db = BTreeMap::from([("Team".to_owned(), "db".to_owned())]);
        assert!(entry.matches(&finding("ZT301", arn, "eu-west-1"), Some(&web)));
        assert!(!entry.matches(&finding("ZT301", arn, "eu-west-1"), Some(&db)));
        assert!(!entry.matches(&finding("ZT301", arn, "eu-west-1"), None));
        assert!(!entry.matches(&finding("ZT301", arn, "us-east-1"), Some(&web)));
        assert!(!entry.matches(&finding("ZT303", arn, "eu-west-1"), Some(&web)));
        let other = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0def";
        assert!(!entry.matches(&finding("ZT301", other, "eu-west-1"), Some(&web)));
    }
}
