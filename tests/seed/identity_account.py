"""Seeds a moto server with IAM principals for ztaudit's identity tests.

Usage: python identity_account.py ENDPOINT_URL
Prints a JSON object with the verdict each identity check must give each user, role or policy.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
iam = boto3.client(
    "iam", region_name="us-east-1", endpoint_url=ENDPOINT,
    aws_access_key_id="testing", aws_secret_access_key="testing",
)
ec2 = boto3.client(
    "ec2", region_name="eu-west-1", endpoint_url=ENDPOINT,
    aws_access_key_id="testing", aws_secret_access_key="testing",
)
ACCOUNT = "123456789012"
expect = {}


def verdict(check, name, status):
    expect.setdefault(check, {})[name] = status


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
READ_ONLY = doc({"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get*"], "Resource": "*"})

# alice: console password without MFA, an inline admin policy, an access key.
iam.create_user(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Str0ng-Passw0rd!")
iam.create_access_key(UserName="alice")
iam.put_user_policy(UserName="alice", PolicyName="admin", PolicyDocument=ADMIN)
verdict("ZT107", "alice", "FAIL")
verdict("ZT106", "alice", "FAIL")
verdict("ZT113", "alice", "FAIL")
verdict("ZT112", "alice", "PASS")  # a key created just now is young
verdict("ZT111", "alice", "PASS")  # …and not yet stale

# bob: console password with a virtual MFA device, permissions only through a group.
iam.create_user(UserName="bob")
iam.create_login_profile(UserName="bob", Password="Str0ng-Passw0rd!")
serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="bob", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
iam.create_group(GroupName="readers")
iam.put_group_policy(GroupName="readers", PolicyName="read", PolicyDocument=READ_ONLY)
iam.add_user_to_group(UserName="bob", GroupName="readers")
verdict("ZT107", "bob", "PASS")
verdict("ZT106", "bob", "PASS")
verdict("ZT113", "bob", "FAIL")

# carol: no password, no key: a shell kept for its resources.
iam.create_user(UserName="carol")
iam.add_user_to_group(UserName="carol", GroupName="readers")
verdict("ZT113", "carol", "PASS")
verdict("ZT106", "carol", "PASS")

# dave: a managed policy attached directly.
iam.create_user(UserName="dave")
policy_arn = iam.create_policy(PolicyName="reader", PolicyDocument=READ_ONLY)["Policy"]["Arn"]
iam.attach_user_policy(UserName="dave", PolicyArn=policy_arn)
verdict("ZT106", "dave", "FAIL")

# Instances: one with a role, one without.
trust = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)
profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]
iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
with_role = ec2.run_instances(
    ImageId=image, MinCount=1, MaxCount=1, IamInstanceProfile={"Arn": profile["Arn"]}
)["Instances"][0]["InstanceId"]
without_role = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
verdict("ZT114", with_role, "PASS")
verdict("ZT114", without_role, "FAIL")

# erin: admin behind the classic Bool guard, which long-term keys slip past.
BOOL_GUARD = {"Sid": "DenyWithoutMfa", "Effect": "Deny", "NotAction": ["iam:ListMFADevices", "iam:EnableMFADevice"],
              "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
iam.create_user(UserName="erin")
iam.put_user_policy(UserName="erin", PolicyName="admin", PolicyDocument=ADMIN)
iam.put_user_policy(UserName="erin", PolicyName="require-mfa", PolicyDocument=doc(BOOL_GUARD))
verdict("ZT101", "erin", "FAIL")
verdict("ZT102", "user/erin#require-mfa", "FAIL")

# frank: admin behind a BoolIfExists guard, which holds for every MFA-less request.
IF_EXISTS_GUARD = dict(BOOL_GUARD, Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
iam.create_user(UserName="frank")
iam.put_user_policy(UserName="frank", PolicyName="admin", PolicyDocument=ADMIN)
iam.put_user_policy(UserName="frank", PolicyName="require-mfa", PolicyDocument=doc(IF_EXISTS_GUARD))
verdict("ZT101", "frank", "PASS")
verdict("ZT102", "user/frank#require-mfa", "PASS")

# Customer-managed policies too broad in other ways.
wildcard = iam.create_policy(PolicyName="key-admin", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))["Policy"]["Arn"]
not_action = iam.create_policy(PolicyName="all-but-iam", PolicyDocument=doc(
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))["Policy"]["Arn"]
verdict("ZT104", "policy/key-admin", "FAIL")
verdict("ZT104", "policy/reader", "PASS")
verdict("ZT105", "policy/all-but-iam", "FAIL")
verdict("ZT105", "policy/reader", "PASS")
verdict("ZT103", "user/alice#admin", "FAIL")
verdict("ZT103", "policy/reader", "PASS")
verdict("ZT101", "policy/key-admin", "FAIL")  # kms:ScheduleKeyDeletion without MFA
verdict("ZT101", "policy/reader", "PASS")

# Roles: open to the world, to a partner without an external id, to a partner with one.
def role(name, principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(statement))

role("open-to-all", {"AWS": "*"})
role("partner-no-external-id", {"AWS": "arn:aws:iam::210987654321:root"})
role("partner-with-external-id", {"AWS": "arn:aws:iam::210987654321:root"},
     {"StringEquals": {"sts:ExternalId": "7f3c9d"}})
role("own-account-admins", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
     {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
iam.attach_role_policy(RoleName="partner-no-external-id", PolicyArn=wildcard)
verdict("ZT115", "role/open-to-all", "FAIL")
verdict("ZT115", "role/partner-no-external-id", "FAIL")
verdict("ZT115", "role/partner-with-external-id", "PASS")
verdict("ZT115", "role/own-account-admins", "PASS")
verdict("ZT115", "role/app", "PASS")
verdict("ZT101", "role/partner-no-external-id", "FAIL")
verdict("ZT101", "role/own-account-admins", "PASS")
verdict("ZT101", "role/app", "NOT_APPLICABLE")

# moto's account has no root MFA and no root keys.
verdict("ZT108", "root", "FAIL")
verdict("ZT109", "root", "FAIL")
verdict("ZT110", "root", "PASS")

json.dump({"expect": expect}, sys.stdout, indent=1, sort_keys=True)
