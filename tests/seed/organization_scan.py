"""Seeds a moto server with an AWS Organization for ztaudit's end-to-end tests of organization
scans (`ztaudit scan --organization`), shards and merge.

Usage:
    python organization_scan.py ENDPOINT_URL [EXTRA_ACCOUNTS]
        Creates the organization in moto's default account (123456789012, the management
        account): OUs Prod and Dev under the root, and five member accounts (prod-a and prod-b
        in Prod, dev-a and dev-b in Dev, sandbox at the root), tagged with their Environment and
        Team. SCPs at three levels: the root, OU Prod and the account dev-a. Weaknesses are
        planted in different accounts, each reached through sts:AssumeRole (moto keeps each
        account's state apart, and answers AssumeRole into any role ARN of it):
          - prod-a: a security group open to 0.0.0.0/0 on tcp/22 (ZT301 FAIL);
          - dev-b: a customer managed policy allowing "*" on "*" (ZT103 FAIL);
          - the management account and the others: neither.
        EXTRA_ACCOUNTS more accounts (bench-NN, in Dev), each with the prod-a weakness, for the
        benchmark (scripts/bench-org).
        Prints a JSON object with the ids.

Uses only write calls against the emulator; ztaudit itself stays read-only.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
EXTRA = int(sys.argv[2]) if len(sys.argv) > 2 else 0
MANAGEMENT = "123456789012"
REGION = "us-east-1"


def client(service, credentials=None):
    keys = credentials or {"key": "testing", "secret": "testing", "token": None}
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id=keys["key"],
        aws_secret_access_key=keys["secret"],
        aws_session_token=keys["token"],
    )


def assume(account):
    answer = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="ztaudit-seed",
    )["Credentials"]
    return {
        "key": answer["AccessKeyId"],
        "secret": answer["SecretAccessKey"],
        "token": answer["SessionToken"],
    }


organizations = client("organizations")
organization = organizations.create_organization(FeatureSet="ALL")["Organization"]
root = organizations.list_roots()["Roots"][0]["Id"]
organizations.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
prod_ou = organizations.create_organizational_unit(ParentId=root, Name="Prod")[
    "OrganizationalUnit"
]["Id"]
dev_ou = organizations.create_organizational_unit(ParentId=root, Name="Dev")[
    "OrganizationalUnit"
]["Id"]


def new_account(name, parent, tags):
    status = organizations.create_account(
        AccountName=name,
        Email=f"{name}@example.com",
        Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
    )["CreateAccountStatus"]
    account = status["AccountId"]
    if parent != root:
        organizations.move_account(
            AccountId=account, SourceParentId=root, DestinationParentId=parent
        )
    return account


accounts = {
    "prod-a": new_account("prod-a", prod_ou, {"Environment": "production", "Team": "payments"}),
    "prod-b": new_account("prod-b", prod_ou, {"Environment": "production", "Team": "search"}),
    "dev-a": new_account("dev-a", dev_ou, {"Environment": "dev", "Team": "payments"}),
    "dev-b": new_account("dev-b", dev_ou, {"Environment": "dev", "Team": "search"}),
    "sandbox": new_account("sandbox", root, {"Environment": "sandbox"}),
}
for number in range(EXTRA):
    name = f"bench-{number:02d}"
    accounts[name] = new_account(name, dev_ou, {"Environment": "dev", "Team": "bench"})


def scp(name, target, statements):
    policy = organizations.create_policy(
        Name=name,
        Description=name,
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )["Policy"]["PolicySummary"]["Id"]
    organizations.attach_policy(PolicyId=policy, TargetId=target)


scp(
    "RegionLock",
    root,
    [
        {
            "Effect": "Deny",
            "NotAction": ["iam:*", "organizations:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
        }
    ],
)
scp(
    "ProtectTrails",
    prod_ou,
    [{"Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*"}],
)
scp(
    "NoLeaving",
    accounts["dev-a"],
    [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
)


def open_ssh(account):
    ec2 = client("ec2", assume(account))
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="open-ssh", Description="ssh", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    return group


groups = {"prod-a": open_ssh(accounts["prod-a"])}
for number in range(EXTRA):
    name = f"bench-{number:02d}"
    groups[name] = open_ssh(accounts[name])
client("iam", assume(accounts["dev-b"])).create_policy(
    PolicyName="everything",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ),
)

print(
    json.dumps(
        {
            "organization": organization["Id"],
            "management": MANAGEMENT,
            "root": root,
            "ous": {"Prod": prod_ou, "Dev": dev_ou},
            "accounts": accounts,
            "open_ssh_groups": groups,
        }
    )
)
