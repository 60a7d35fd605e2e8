"""Seeds a moto server with an AWS Organization for ztaudit's end-to-end tests of the governance
checks (ZT801-ZT805).

Usage:
    python organization.py ENDPOINT_URL
        Creates the organization in moto's default account (123456789012, the management
        account): OUs Workloads/Prod and Workloads/Dev, three member accounts, SCPs at the root,
        an OU and an account, account tags, and GuardDuty and Security Hub delegated to the
        security account. Prints a JSON object with the ids and, for each member, credentials
        from sts:AssumeRole into it (moto keeps each account's state apart, and a member is
        reached only that way).
    python organization.py ENDPOINT_URL security-hub-auto-enable ACCOUNT_ID true|false
        As the security account ACCOUNT_ID, sets Security Hub's AutoEnable.

Uses only write calls against the emulator; ztaudit itself stays read-only.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
MANAGEMENT = "123456789012"
REGION = "us-east-1"

GUARDRAIL_ACTIONS = [
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "guardduty:DeleteDetector",
    "guardduty:UpdateDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount",
    "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount",
    "securityhub:DisassociateFromMasterAccount",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "organizations:LeaveOrganization",
]


def client(service, region=REGION, credentials=None):
    keys = credentials or {"key": "testing", "secret": "testing", "token": None}
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id=keys["key"],
        aws_secret_access_key=keys["secret"],
        aws_session_token=keys["token"],
    )


def assume(account):
    """Credentials of `account`: moto answers AssumeRole into any role ARN of it."""
    answer = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="ztaudit-seed",
    )["Credentials"]
    return {
        "key": answer["AccessKeyId"],
        "secret": answer["SecretAccessKey"],
        "token": answer["SessionToken"],
    }


if len(sys.argv) > 2 and sys.argv[2] == "security-hub-auto-enable":
    account, enabled = sys.argv[3], sys.argv[4] == "true"
    client("securityhub", credentials=assume(account)).update_organization_configuration(
        AutoEnable=enabled
    )
    print(json.dumps({"security_hub_auto_enable": enabled}))
    sys.exit(0)

organizations = client("organizations")
organization = organizations.create_organization(FeatureSet="ALL")["Organization"]
root = organizations.list_roots()["Roots"][0]["Id"]
# moto creates the root without policy types; AWS organizations enable SCPs this way too.
organizations.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")

workloads = organizations.create_organizational_unit(ParentId=root, Name="Workloads")[
    "OrganizationalUnit"
]["Id"]
prod_ou = organizations.create_organizational_unit(ParentId=workloads, Name="Prod")[
    "OrganizationalUnit"
]["Id"]
dev_ou = organizations.create_organizational_unit(ParentId=workloads, Name="Dev")[
    "OrganizationalUnit"
]["Id"]


def new_account(name, parent, tags):
    status = organizations.create_account(
        AccountName=name,
        Email=f"{name}@example.com",
        Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
    )["CreateAccountStatus"]
    account = status["AccountId"]
    organizations.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    return account


prod = new_account("workload-prod", prod_ou, {"Environment": "production", "Team": "payments"})
dev = new_account("workload-dev", dev_ou, {"Environment": "dev", "Team": "payments"})
security = new_account("security-tooling", workloads, {"Team": "security"})


def scp(name, statements):
    return organizations.create_policy(
        Name=name,
        Description=name,
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )["Policy"]["PolicySummary"]["Id"]


# The guardrails, on OU Prod: every guardrail action denied but to a break-glass role.
guardrails = scp(
    "ProtectSecurityServices",
    [
        {
            "Sid": "DenySecurityChanges",
            "Effect": "Deny",
            "Action": GUARDRAIL_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}},
        }
    ],
)
organizations.attach_policy(PolicyId=guardrails, TargetId=prod_ou)
# At the root, a region lock: it denies CloudTrail and the rest only outside two regions, which
# a caller avoids by using one of them; it guards nothing.
region_lock = scp(
    "RegionLock",
    [
        {
            "Sid": "DenyOutsideTwoRegions",
            "Effect": "Deny",
            "NotAction": ["iam:*", "organizations:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
        }
    ],
)
organizations.attach_policy(PolicyId=region_lock, TargetId=root)
# On the dev account itself, a deny of leaving the organization that exempts every role.
leaving = scp(
    "NoLeavingButRoles",
    [
        {
            "Effect": "Deny",
            "Action": "organizations:LeaveOrganization",
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
        }
    ],
)
organizations.attach_policy(PolicyId=leaving, TargetId=dev)

# GuardDuty and Security Hub delegated to the security account, in us-east-1 only. AWS
# registers the administrator in Organizations when a service delegates; moto does not, and
# refuses securityhub.amazonaws.com as a delegated administrator's principal, so only
# GuardDuty's registration is made here.
for principal in ["guardduty.amazonaws.com", "securityhub.amazonaws.com"]:
    organizations.enable_aws_service_access(ServicePrincipal=principal)
organizations.register_delegated_administrator(
    AccountId=security, ServicePrincipal="guardduty.amazonaws.com"
)
client("guardduty").enable_organization_admin_account(AdminAccountId=security)
client("securityhub").enable_organization_admin_account(AdminAccountId=security)

members = {name: assume(account) for name, account in [("prod", prod), ("dev", dev), ("security", security)]}
security_hub = client("securityhub", credentials=members["security"])
security_hub.enable_security_hub()
security_hub.update_organization_configuration(AutoEnable=True)

# Workloads: the prod account's VPC is production; the dev account's (wrongly) production too.
client("ec2", credentials=members["prod"]).create_vpc(
    CidrBlock="10.10.0.0/16",
    TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Environment", "Value": "production"}]}
    ],
)
client("ec2", credentials=members["dev"]).create_vpc(
    CidrBlock="10.20.0.0/16",
    TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Environment", "Value": "prod"}]}],
)

print(
    json.dumps(
        {
            "organization": organization["Id"],
            "root": root,
            "ous": {"Workloads": workloads, "Prod": prod_ou, "Dev": dev_ou},
            "accounts": {"prod": prod, "dev": dev, "security": security},
            "credentials": members,
        }
    )
)
