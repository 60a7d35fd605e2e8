use super::shared::{days_before_collection, first_few};
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::{PrincipalKind, PrincipalServiceUse, UnusedAccessSource};
use crate::{CheckConfig, ErrorKind, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds IAM users and roles granted services they have not used in 90 days (configurable),
    /// or never. Opt-in: reading the data costs calls per principal, so a default scan does not
    /// run it; `--unused-access` (or `[unused_access] enabled = true` in `ztaudit.toml`, or
    /// `--checks ZT118`) does.
    ///
    /// ## Why is this bad?
    /// A permission nobody uses is pure risk: it serves no one, and whoever steals the
    /// principal's credentials gets it. Least privilege is kept by taking away what is not used.
    ///
    /// ## How it is evaluated
    /// - Data, in order of preference: IAM Access Analyzer's active unused-access findings
    ///   (`UnusedPermission`, `UnusedIAMRole`) when the account has an unused-access analyzer
    ///   whose tracking period is no longer than the limit; otherwise IAM's service
    ///   last-accessed report of each user and role (`GenerateServiceLastAccessedDetails`).
    /// - FAIL: a service the principal is granted was last used more than the limit before the
    ///   collection started, or never (in the 400 days IAM tracks); the message names the
    ///   services and their days. A role Access Analyzer reports unused as a whole fails the same
    ///   way.
    /// - PASS: every service the principal is granted was used within the limit.
    /// - ERROR: the data could not be read (for one principal: its report job failed or did not
    ///   finish), or it was not collected, or the analyzer's tracking period is longer than the
    ///   limit (services unused for less than its period are not in its findings).
    /// - "Granted" is what the permissions policies allow: last-accessed data ignores
    ///   boundaries, SCPs and resource policies, so a service listed may in fact be refused.
    ///
    /// ## References
    /// - IAM User Guide, "Refine permissions in AWS using last accessed information"
    /// - IAM User Guide, "Findings for unused access" (IAM Access Analyzer)
    /// - CISA Zero Trust Maturity Model v2, Identity: least privilege
    pub UnusedServiceAccess {
        id: "ZT118",
        name: "unused-service-access",
        title: "Principal granted services it has not used",
        severity: Medium,
        pillar: Identity,
        status: Preview,
        since: "0.1.0",
        opt_in: UnusedAccess,
        fsbp: [],
        cis: [],
        remediation_cli: "# See what the principal used, then remove the unused services from its policies:\naws iam generate-service-last-accessed-details --arn arn:aws:iam::ACCOUNT_ID:role/ROLE\naws iam get-service-last-accessed-details --job-id JOB_ID",
        remediation_terraform: "data \"aws_iam_policy_document\" \"app\" {\n  statement {\n    # Only the services the role used in the last 90 days:\n    actions   = [\"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::app-bucket/*\"]\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let unused = &snapshot.global.iam.unused_access;
    if let Some(error) = unused.error().filter(|e| e.kind == ErrorKind::NotCollected) {
        let resource = out.account_resource("iam", GLOBAL_REGION);
        let hint = "unused access was not collected (collect with --unused-access)";
        out.unevaluable(resource, format!("{hint}: {error}"));
        return;
    }
    let Some(unused) = out.require_global("iam", unused) else {
        return;
    };
    let limit = i64::from(config.unused_access_days);
    if let UnusedAccessSource::AccessAnalyzer {
        analyzer_arn,
        unused_access_age_days,
    } = &unused.source
    {
        if i64::from(*unused_access_age_days) > limit {
            let resource = out.account_resource("access-analyzer", GLOBAL_REGION);
            out.unevaluable(
                resource,
                format!(
                    "analyzer {analyzer_arn} calls access unused after {unused_access_age_days} \
                     days, more than the {limit} asked: services unused for less are not in its findings"
                ),
            );
            return;
        }
    }
    for principal in &unused.principals {
        judge(snapshot, principal, limit, out);
    }
}

fn judge(snapshot: &Snapshot, principal: &PrincipalServiceUse, limit: i64, out: &mut Findings) {
    let resource = out.resource(GLOBAL_REGION, principal);
    let label = match principal.kind {
        PrincipalKind::User => format!("user {}", principal.name),
        PrincipalKind::Role => format!("role {}", principal.name),
    };
    let services = match principal.services.as_result() {
        Ok(services) => services,
        Err(error) => {
            out.error(resource, error);
            return;
        }
    };
    if let Some(last_used) = &principal.role_unused {
        match last_use(snapshot, last_used.as_deref(), limit) {
            Ok(Some(unused)) => {
                out.fail(
                    resource,
                    format!("{label} was not used in {limit} days ({unused})"),
                );
                return;
            }
            Ok(None) => {}
            Err(reason) => {
                out.unevaluable(resource, reason);
                return;
            }
        }
    }
    let mut unused = Vec::new();
    for service in services {
        match last_use(snapshot, service.last_accessed.as_deref(), limit) {
            Ok(Some(when)) => unused.push(format!("{} ({when})", service.namespace)),
            Ok(None) => {}
            Err(reason) => {
                out.unevaluable(resource, format!("{}: {reason}", service.namespace));
                return;
            }
        }
    }
    if unused.is_empty() {
        out.pass(
            resource,
            format!("{label} used every service it is granted within {limit} days"),
        );
    } else {
        let listed: Vec<&str> = unused.iter().map(String::as_str).collect();
        out.fail(
            resource,
            format!(
                "{label} is granted {} not used in {limit} days: {}",
                plural(unused.len(), "service"),
                first_few(&listed)
            ),
        );
    }
}

/// `Some("last used N days ago")` or `Some("never used")` when the use is older than `limit`
/// days; `None` when it is recent. An unreadable date is an error, never a verdict.
fn last_use(snapshot: &Snapshot, date: Option<&str>, limit: i64) -> Result<Option<String>, String> {
    let Some(date) = date else {
        return Ok(Some("never used".to_owned()));
    };
    match days_before_collection(snapshot, date) {
        Some(days) if days > limit => Ok(Some(format!("last used {days} days ago"))),
        Some(_) => Ok(None),
        None => Err(format!("unreadable last-use date `{date}`")),
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{
        CallError, Collected, CollectionInfo, ServiceUse, UnusedAccess, SCHEMA_VERSION,
    };
    use crate::{evaluate as run_checks, Finding, Status};

    const STARTED: &str = "2026-06-01T00:00:00Z";

    /// An account with nothing collected, collected at `started_at`.
    fn snapshot_at(started_at: &str) -> Snapshot {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            tool_version: "test".into(),
            account: "123456789012".into(),
            partition: "aws".into(),
            collection: CollectionInfo {
                started_at: started_at.into(),
                finished_at: started_at.into(),
                api_calls: 0,
                operations: Default::default(),
            },
            regions: Default::default(),
            global: Default::default(),
        }
    }

    fn service(namespace: &str, last_accessed: Option<&str>) -> ServiceUse {
        ServiceUse {
            namespace: namespace.to_owned(),
            last_accessed: last_accessed.map(str::to_owned),
        }
    }

    fn role(name: &str, services: Collected<Vec<ServiceUse>>) -> PrincipalServiceUse {
        PrincipalServiceUse {
            arn: format!("arn:aws:iam::123456789012:role/{name}"),
            name: name.to_owned(),
            kind: PrincipalKind::Role,
            services,
            role_unused: None,
        }
    }

    fn findings(
        source: UnusedAccessSource,
        principals: Vec<PrincipalServiceUse>,
        days: u32,
    ) -> Vec<Finding> {
        let mut snapshot = snapshot_at(STARTED);
        snapshot.global.iam.unused_access = Collected::Ok(UnusedAccess { source, principals });
        let config = CheckConfig {
            unused_access_days: days,
            ..CheckConfig::default()
        };
        run_checks(&[&UnusedServiceAccess], &snapshot, &config)
    }

    #[test]
    fn services_used_recently_pass() {
        let found = findings(
            UnusedAccessSource::ServiceLastAccessed,
            vec![role(
                "app",
                Collected::Ok(vec![
                    service("s3", Some("2026-05-20T10:00:00Z")),
                    service("sqs", Some("2026-03-10T00:00:00Z")),
                ]),
            )],
            90,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Pass, "{found:?}");
        assert_eq!(
            found[0].message,
            "role app used every service it is granted within 90 days"
        );
    }

    #[test]
    fn a_service_unused_past_the_limit_fails_naming_it_and_its_days() {
        let found = findings(
            UnusedAccessSource::ServiceLastAccessed,
            vec![role(
                "app",
                Collected::Ok(vec![
                    service("s3", Some("2026-05-20T10:00:00Z")),
                    service("dynamodb", Some("2026-01-01T00:00:00Z")),
                ]),
            )],
            90,
        );
        assert_eq!(found[0].status, Status::Fail);
        assert_eq!(
            found[0].message,
            "role app is granted 1 service not used in 90 days: dynamodb (last used 151 days ago)"
        );
        assert!(!found[0].message.contains("not permitted"));
        // A longer limit makes the same use recent.
        let found = findings(
            UnusedAccessSource::ServiceLastAccessed,
            vec![role(
                "app",
                Collected::Ok(vec![service("dynamodb", Some("2026-01-01T00:00:00Z"))]),
            )],
            200,
        );
        assert_eq!(found[0].status, Status::Pass);
    }

    #[test]
    fn a_service_never_accessed_says_never_used() {
        let found = findings(
            UnusedAccessSource::ServiceLastAccessed,
            vec![role(
                "app",
                Collected::Ok(vec![service("ec2", None), service("kms", None)]),
            )],
            90,
        );
        assert_eq!(found[0].status, Status::Fail);
        assert_eq!(
            found[0].message,
            "role app is granted 2 services not used in 90 days: ec2 (never used), kms (never used)"
        );
    }

    #[test]
    fn a_role_unused_as_a_whole_fails() {
        let mut unused_role = role("old", Collected::Ok(Vec::new()));
        unused_role.role_unused = Some(Some("2025-12-01T00:00:00Z".to_owned()));
        let mut never = role("never", Collected::Ok(Vec::new()));
        never.role_unused = Some(None);
        let found = findings(
            UnusedAccessSource::AccessAnalyzer {
                analyzer_arn: "arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/unused"
                    .to_owned(),
                unused_access_age_days: 90,
            },
            vec![never, unused_role],
            90,
        );
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "role never was not used in 90 days (never used)",
                "role old was not used in 90 days (last used 182 days ago)"
            ]
        );
        assert!(found.iter().all(|f| f.status == Status::Fail));
    }

    #[test]
    fn an_unreadable_principal_is_an_error_never_a_pass() {
        let error = CallError {
            service: "iam".to_owned(),
            operation: "GetServiceLastAccessedDetails".to_owned(),
            region: None,
            kind: ErrorKind::Other,
            code: None,
            message: "the job FAILED: internal error".to_owned(),
        };
        let found = findings(
            UnusedAccessSource::ServiceLastAccessed,
            vec![role("app", Collected::Error(error))],
            90,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Error);
        assert!(found[0].message.contains("the job FAILED"), "{found:?}");
    }

    #[test]
    fn data_not_collected_or_unreadable_is_an_error() {
        let snapshot = snapshot_at(STARTED);
        let found = run_checks(&[&UnusedServiceAccess], &snapshot, &CheckConfig::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Error);
        assert!(found[0].message.contains("--unused-access"), "{found:?}");

        let mut snapshot = snapshot_at(STARTED);
        snapshot.global.iam.unused_access = Collected::Error(CallError {
            service: "access-analyzer".to_owned(),
            operation: "ListFindingsV2".to_owned(),
            region: Some("eu-west-1".to_owned()),
            kind: ErrorKind::AccessDenied,
            code: Some("AccessDeniedException".to_owned()),
            message: "denied".to_owned(),
        });
        let found = run_checks(&[&UnusedServiceAccess], &snapshot, &CheckConfig::default());
        assert_eq!(found[0].status, Status::Error);
        assert!(found[0].message.contains("ListFindingsV2"), "{found:?}");
    }

    #[test]
    fn an_analyzer_tracking_longer_than_the_limit_cannot_decide() {
        let found = findings(
            UnusedAccessSource::AccessAnalyzer {
                analyzer_arn: "arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/unused"
                    .to_owned(),
                unused_access_age_days: 180,
            },
            vec![role("app", Collected::Ok(Vec::new()))],
            90,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Error);
        assert!(found[0].message.contains("180 days"), "{found:?}");
    }
}
