//! Resource identity: the ARN and CloudFormation type of every kind of resource findings are
//! reported against, each written once, here.
//!
//! Two checks about the same resource must name it the same way: the resource id is what a
//! finding's fingerprint hashes, what a baseline matches and what a suppression's `resource`
//! glob is matched against. So a check never formats an ARN or writes a type; it hands the
//! snapshot value to [`Findings::resource`](crate::Findings::resource), which asks this
//! module.

use crate::findings::GLOBAL_REGION;

use super::{
    Bucket, ClassicLoadBalancer, ClientVpnEndpoint, Collected, CredentialReportRow, DbCluster,
    DbInstance, InlinePolicy, Instance, KmsKey, LoadBalancer, ManagedPolicy, NetworkAcl, Role,
    Secret, SecurityGroup, Trail, User, Volume, Vpc,
};

/// What an ARN needs that a resource read from AWS does not always carry: the account's
/// partition and id, and the region it was read in ([`GLOBAL_REGION`] for IAM and S3).
#[derive(Debug, Clone, Copy)]
pub struct ArnScope<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    pub region: &'a str,
}

impl ArnScope<'_> {
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:PATH`, with no region for a global one.
    pub fn arn(&self, service: &str, path: &str) -> String {
        let region = if self.region == GLOBAL_REGION {
            ""
        } else {
            self.region
        };
        format!(
            "arn:{}:{service}:{region}:{}:{path}",
            self.partition, self.account
        )
    }
}

/// Something findings can be about.
pub trait AwsResource {
    /// Its CloudFormation type, e.g. `AWS::EC2::Instance`.
    fn resource_type(&self) -> &'static str;

    /// Its ARN: the one AWS returned with it, or one built from `scope`.
    fn arn(&self, scope: ArnScope<'_>) -> String;

    /// The region its findings are reported in, when it was listed in `listed_in`.
    fn finding_region<'a>(&'a self, listed_in: &'a str) -> &'a str {
        listed_in
    }
}

/// The account's field of an ARN (`arn:aws:cloudtrail:us-east-1:ACCOUNT:trail/t`), if it has one.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|account| !account.is_empty())
}

/// Resources whose ARN AWS returned with them.
macro_rules! arn_from_aws {
    ($($kind:ty => $resource_type:literal,)*) => {$(
        impl $kind {
            pub const RESOURCE_TYPE: &'static str = $resource_type;
        }

        impl AwsResource for $kind {
            fn resource_type(&self) -> &'static str {
                Self::RESOURCE_TYPE
            }

            fn arn(&self, _: ArnScope<'_>) -> String {
                self.arn.clone()
            }
        }
    )*};
}

arn_from_aws! {
    User => "AWS::IAM::User",
    Role => "AWS::IAM::Role",
    ManagedPolicy => "AWS::IAM::ManagedPolicy",
    Secret => "AWS::SecretsManager::Secret",
    DbInstance => "AWS::RDS::DBInstance",
    DbCluster => "AWS::RDS::DBCluster",
    KmsKey => "AWS::KMS::Key",
    LoadBalancer => "AWS::ElasticLoadBalancingV2::LoadBalancer",
    Trail => "AWS::CloudTrail::Trail",
}

/// EC2 resources, which AWS names by id: `arn:PARTITION:ec2:REGION:ACCOUNT:PREFIX/ID`.
macro_rules! ec2_by_id {
    ($($kind:ty => $prefix:literal, $resource_type:literal,)*) => {$(
        impl $kind {
            pub const RESOURCE_TYPE: &'static str = $resource_type;
        }

        impl AwsResource for $kind {
            fn resource_type(&self) -> &'static str {
                Self::RESOURCE_TYPE
            }

            fn arn(&self, scope: ArnScope<'_>) -> String {
                scope.arn("ec2", &format!(concat!($prefix, "/{}"), self.id))
            }
        }
    )*};
}

ec2_by_id! {
    Instance => "instance", "AWS::EC2::Instance",
    SecurityGroup => "security-group", "AWS::EC2::SecurityGroup",
    NetworkAcl => "network-acl", "AWS::EC2::NetworkAcl",
    Volume => "volume", "AWS::EC2::Volume",
    ClientVpnEndpoint => "client-vpn-endpoint", "AWS::EC2::ClientVpnEndpoint",
    Vpc => "vpc", "AWS::EC2::VPC",
}

/// A VPC known only by its id, as an instance or a peering connection names it.
#[derive(Debug, Clone, Copy)]
pub struct VpcId<'a>(pub &'a str);

impl AwsResource for VpcId<'_> {
    fn resource_type(&self) -> &'static str {
        Vpc::RESOURCE_TYPE
    }

    fn arn(&self, scope: ArnScope<'_>) -> String {
        scope.arn("ec2", &format!("vpc/{}", self.0))
    }
}

/// The account's root user: `arn:PARTITION:iam::ACCOUNT:root`.
#[derive(Debug, Clone, Copy)]
pub struct RootUser;

impl RootUser {
    pub const RESOURCE_TYPE: &'static str = "AWS::IAM::RootUser";
}

impl AwsResource for RootUser {
    fn resource_type(&self) -> &'static str {
        Self::RESOURCE_TYPE
    }

    fn arn(&self, scope: ArnScope<'_>) -> String {
        ArnScope {
            region: GLOBAL_REGION,
            ..scope
        }
        .arn("iam", "root")
    }

    fn finding_region<'a>(&'a self, _: &'a str) -> &'a str {
        GLOBAL_REGION
    }
}

/// The account itself, the resource of account- and region-level checks:
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:account`, with no region for a global service.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    /// The service whose setting is judged (`guardduty`), or whose data is missing.
    pub service: &'a str,
}

impl Account<'_> {
    pub const RESOURCE_TYPE: &'static str = "AWS::::Account";
}

impl AwsResource for Account<'_> {
    fn resource_type(&self) -> &'static str {
        Self::RESOURCE_TYPE
    }

    fn arn(&self, scope: ArnScope<'_>) -> String {
        scope.arn(self.service, "account")
    }
}

/// A user of the credential report: the root user's row is the root user.
impl AwsResource for CredentialReportRow {
    fn resource_type(&self) -> &'static str {
        if self.is_root() {
            RootUser::RESOURCE_TYPE
        } else {
            User::RESOURCE_TYPE
        }
    }

    fn arn(&self, _: ArnScope<'_>) -> String {
        self.arn.clone()
    }
}

impl InlinePolicy {
    pub const RESOURCE_TYPE: &'static str = "AWS::IAM::InlinePolicy";

    /// Inline policies have no ARN of their own: `PRINCIPAL_ARN#POLICY_NAME` names one.
    pub fn id_within(&self, principal_arn: &str) -> String {
        format!("{principal_arn}#{}", self.name)
    }
}

impl ClassicLoadBalancer {
    pub const RESOURCE_TYPE: &'static str = "AWS::ElasticLoadBalancing::LoadBalancer";
}

impl AwsResource for ClassicLoadBalancer {
    fn resource_type(&self) -> &'static str {
        Self::RESOURCE_TYPE
    }

    fn arn(&self, scope: ArnScope<'_>) -> String {
        scope.arn(
            "elasticloadbalancing",
            &format!("loadbalancer/{}", self.name),
        )
    }
}

impl Bucket {
    pub const RESOURCE_TYPE: &'static str = "AWS::S3::Bucket";

    /// `arn:PARTITION:s3:::NAME`: bucket ARNs name no region and no account.
    pub fn arn_in(&self, partition: &str) -> String {
        format!("arn:{partition}:s3:::{}", self.name)
    }
}

impl AwsResource for Bucket {
    fn resource_type(&self) -> &'static str {
        Self::RESOURCE_TYPE
    }

    fn arn(&self, scope: ArnScope<'_>) -> String {
        self.arn_in(scope.partition)
    }

    /// Buckets are listed account-wide; each is reported in the region it lives in, or in
    /// `global` when that could not be read.
    fn finding_region<'a>(&'a self, listed_in: &'a str) -> &'a str {
        match &self.region {
            Collected::Ok(region) => region,
            Collected::Error(_) => listed_in,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";

    fn scope(region: &str) -> ArnScope<'_> {
        ArnScope {
            partition: "aws-cn",
            account: ACCOUNT,
            region,
        }
    }

    #[test]
    fn built_arns_follow_aws_formats() {
        let vpc = VpcId("vpc-0abc");
        assert_eq!(
            vpc.arn(scope("cn-north-1")),
            "arn:aws-cn:ec2:cn-north-1:123456789012:vpc/vpc-0abc"
        );
        assert_eq!(
            RootUser.arn(scope("cn-north-1")),
            "arn:aws-cn:iam::123456789012:root"
        );
        assert_eq!(
            Account { service: "s3" }.arn(scope(GLOBAL_REGION)),
            "arn:aws-cn:s3::123456789012:account"
        );
        assert_eq!(
            Account {
                service: "guardduty"
            }
            .arn(scope("cn-north-1")),
            "arn:aws-cn:guardduty:cn-north-1:123456789012:account"
        );
    }

    #[test]
    fn the_root_users_report_row_is_the_root_user() {
        let row = |user: &str, arn: &str| CredentialReportRow {
            user: user.to_owned(),
            arn: arn.to_owned(),
            password_enabled: false,
            password_last_used: None,
            mfa_active: true,
            access_keys: Vec::new(),
        };
        let root = row(
            CredentialReportRow::ROOT,
            "arn:aws-cn:iam::123456789012:root",
        );
        assert_eq!(root.resource_type(), RootUser.resource_type());
        assert_eq!(
            root.arn(scope(GLOBAL_REGION)),
            RootUser.arn(scope(GLOBAL_REGION))
        );
        let alice = row("alice", "arn:aws-cn:iam::123456789012:user/alice");
        assert_eq!(alice.resource_type(), User::RESOURCE_TYPE);
    }

    #[test]
    fn an_arn_names_its_account() {
        assert_eq!(
            arn_account("arn:aws:cloudtrail:us-east-1:111122223333:trail/org"),
            Some("111122223333")
        );
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_account("123456789012"), None);
    }
}
