//! What the automation checks share; no check lives here.
//!
//! - The containment actions: the calls an automated response makes to stop an intruder, as
//!   data with a source for each, and the concrete request each is judged on.
//! - The kinds of EventBridge target the response check can verify, read from their ARNs.

use ztaudit_policy::Request;

/// One containment action, and the resource it acts on.
pub struct ContainmentAction {
    pub action: &'static str,
    /// The ARN's service and resource, `*` standing for every resource of the type.
    pub service: &'static str,
    pub resource: &'static str,
    /// Whether the resource is regional (its ARN names the region).
    pub regional: bool,
}

/// The actions that contain a principal or an instance, after the AWS Security Incident
/// Response Guide ("Containment": revoke credentials, deny the principal, isolate the
/// instance) and the GuardDuty remediation pages ("Remediating a compromised AWS credential":
/// deactivate the keys, attach a deny policy; "Remediating a potentially compromised EC2
/// instance": isolate with security groups, stop it). Any one suffices for ZT701.
pub const CONTAINMENT_ACTIONS: &[ContainmentAction] = &[
    iam("iam:UpdateAccessKey", "user/*"),
    iam("iam:DeleteAccessKey", "user/*"),
    iam("iam:DeleteLoginProfile", "user/*"),
    iam("iam:AttachUserPolicy", "user/*"),
    iam("iam:PutUserPolicy", "user/*"),
    iam("iam:DetachUserPolicy", "user/*"),
    iam("iam:AttachRolePolicy", "role/*"),
    iam("iam:PutRolePolicy", "role/*"),
    iam("iam:DetachRolePolicy", "role/*"),
    ec2("ec2:RevokeSecurityGroupIngress", "security-group/*"),
    ec2("ec2:RevokeSecurityGroupEgress", "security-group/*"),
    ec2("ec2:ModifyInstanceAttribute", "instance/*"),
    ec2("ec2:ModifyNetworkInterfaceAttribute", "network-interface/*"),
    ec2("ec2:StopInstances", "instance/*"),
];

const fn iam(action: &'static str, resource: &'static str) -> ContainmentAction {
    ContainmentAction {
        action,
        service: "iam",
        resource,
        regional: false,
    }
}

const fn ec2(action: &'static str, resource: &'static str) -> ContainmentAction {
    ContainmentAction {
        action,
        service: "ec2",
        resource,
        regional: true,
    }
}

/// Who makes a containment request and from where.
pub struct Responder<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    /// The role the response runs as.
    pub role_arn: &'a str,
}

impl ContainmentAction {
    /// The request the responder makes: on every resource of the type (`user/*` is the ARN
    /// itself, which only a pattern covering every user matches, so a role allowed to
    /// deactivate just its own keys contains no one else), from a role session, called
    /// directly (`aws:ViaAWSService` false), in the responder's region. Other keys are absent,
    /// so a condition on them leaves the verdict conditional.
    pub fn request(&self, responder: &Responder<'_>) -> Request {
        let region = if self.regional { responder.region } else { "" };
        let arn = format!(
            "arn:{}:{}:{region}:{}:{}",
            responder.partition, self.service, responder.account, self.resource
        );
        Request::new(self.action, arn)
            .with_context("aws:PrincipalArn", responder.role_arn)
            .with_context("aws:PrincipalAccount", responder.account)
            .with_context("aws:PrincipalType", "AssumedRole")
            .with_context("aws:RequestedRegion", responder.region)
            .with_context("aws:ViaAWSService", "false")
    }
}

/// An EventBridge target, as its ARN says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind<'a> {
    /// `arn:…:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
    Lambda { name: &'a str },
    /// `arn:…:states:REGION:ACCOUNT:stateMachine:NAME`.
    StateMachine,
    /// `arn:…:sns:REGION:ACCOUNT:NAME`.
    SnsTopic,
    /// `arn:…:sqs:REGION:ACCOUNT:NAME`.
    SqsQueue,
    /// `arn:…:ssm:REGION:ACCOUNT:automation-definition/NAME[:VERSION]`.
    SsmAutomation { document: &'a str },
    /// Anything else: an event bus, a log group, a stream, an API destination…
    Other { service: &'a str },
}

/// A target's ARN, split.
pub struct TargetArn<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub kind: TargetKind<'a>,
}

impl<'a> TargetArn<'a> {
    pub fn parse(arn: &'a str) -> Option<TargetArn<'a>> {
        let mut parts = arn.splitn(6, ':');
        let (_arn, _partition) = (parts.next()?, parts.next()?);
        let (service, region, account, resource) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let kind = match service {
            "lambda" => TargetKind::Lambda {
                name: resource.strip_prefix("function:")?.split(':').next()?,
            },
            "states" if resource.starts_with("stateMachine:") => TargetKind::StateMachine,
            "sns" => TargetKind::SnsTopic,
            "sqs" => TargetKind::SqsQueue,
            "ssm" => match resource.strip_prefix("automation-definition/") {
                Some(definition) => TargetKind::SsmAutomation {
                    document: definition.split(':').next()?,
                },
                None => TargetKind::Other { service },
            },
            _ => TargetKind::Other { service },
        };
        Some(TargetArn {
            region,
            account,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_from_their_arns() {
        let kind = |arn| TargetArn::parse(arn).map(|target| target.kind);
        assert_eq!(
            kind("arn:aws:lambda:eu-west-1:123456789012:function:revoke-keys:live"),
            Some(TargetKind::Lambda {
                name: "revoke-keys"
            })
        );
        assert_eq!(
            kind("arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT"),
            Some(TargetKind::SsmAutomation {
                document: "AWS-StopEC2Instance"
            })
        );
        assert_eq!(
            kind("arn:aws:states:eu-west-1:123456789012:stateMachine:triage"),
            Some(TargetKind::StateMachine)
        );
        assert_eq!(
            kind("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/all"),
            Some(TargetKind::Other { service: "logs" })
        );
        assert_eq!(kind("not-an-arn").map(|_| ()), None);
    }

    #[test]
    fn the_request_covers_every_resource_of_the_type() {
        let responder = Responder {
            partition: "aws",
            account: "123456789012",
            region: "eu-west-1",
            role_arn: "arn:aws:iam::123456789012:role/responder",
        };
        let requests: Vec<String> = CONTAINMENT_ACTIONS
            .iter()
            .filter(|a| a.action == "iam:UpdateAccessKey" || a.action == "ec2:StopInstances")
            .map(|action| action.request(&responder).resource)
            .collect();
        assert_eq!(
            requests,
            [
                "arn:aws:iam::123456789012:user/*",
                "arn:aws:ec2:eu-west-1:123456789012:instance/*"
            ]
        );
    }
}
