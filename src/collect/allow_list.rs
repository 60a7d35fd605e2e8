//! The read-only allow-list: every operation ztaudit may invoke, with the IAM action it needs.
//!
//! The list lives in `read_only_operations.txt` beside this file. The collector's recorder
//! refuses anything not on it before the request is built, so a collector that called a write
//! operation by mistake would get an ERROR finding, never a change to the account.

use std::collections::BTreeSet;
use std::sync::LazyLock;

const LIST: &str = include_str!("read_only_operations.txt");

/// One line of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedOperation {
    /// The SDK's service name (`EC2`, `Config Service`), as its operation metadata gives it.
    pub service: &'static str,
    pub operation: &'static str,
    /// The IAM action the operation is authorized by (`ec2:DescribeRegions`).
    pub iam_action: &'static str,
}

static OPERATIONS: LazyLock<Vec<AllowedOperation>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(parse_line)
        .collect()
});

/// `service | operation | action`; a malformed line is left out (and fails the unit test).
fn parse_line(line: &'static str) -> Option<AllowedOperation> {
    let mut fields = line.split('|').map(str::trim);
    let (service, operation, iam_action) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || service.is_empty() || operation.is_empty() {
        return None;
    }
    iam_action.split_once(':')?;
    Some(AllowedOperation {
        service,
        operation,
        iam_action,
    })
}

pub fn allowed_operations() -> &'static [AllowedOperation] {
    &OPERATIONS
}

/// The IAM action of `operation` of `service`, when the allow-list has it.
pub fn iam_action(service: &str, operation: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|allowed| allowed.service == service && allowed.operation == operation)
        .map(|allowed| allowed.iam_action)
}

/// The least-privilege IAM policy a scan needs: the allow-list's actions, on every resource.
pub fn iam_policy() -> serde_json::Value {
    let actions: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.iam_action).collect();
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ZtauditReadOnlyScan",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses() {
        let lines = LIST
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .count();
        assert_eq!(allowed_operations().len(), lines);
        assert!(lines > 20);
    }

    /// Read-only by name: Describe/Get/List, and the documented exceptions:
    /// `GenerateCredentialReport` (it only prepares the report `GetCredentialReport` reads),
    /// `GenerateServiceLastAccessedDetails` (it only starts the job whose report
    /// `GetServiceLastAccessedDetails` reads; both are in `SecurityAudit`) and `AssumeRole` (an
    /// organization scan reaches each account through a role; it changes nothing in the
    /// account).
    #[test]
    fn only_read_operations() {
        for allowed in allowed_operations() {
            let read = ["Describe", "Get", "List"]
                .iter()
                .any(|verb| allowed.operation.starts_with(verb));
            assert!(
                read || [
                    "GenerateCredentialReport",
                    "GenerateServiceLastAccessedDetails",
                    "AssumeRole"
                ]
                .contains(&allowed.operation),
                "{} {} is not a read operation",
                allowed.service,
                allowed.operation
            );
        }
    }

    #[test]
    fn operations_are_listed_once() {
        let unique: BTreeSet<(&str, &str)> = allowed_operations()
            .iter()
            .map(|op| (op.service, op.operation))
            .collect();
        assert_eq!(unique.len(), allowed_operations().len());
    }
}
