"""Seeds a moto server with principals that can, or seem to but cannot, raise their own
privileges, for ZT117's end-to-end test (the corpus under fixtures/escalation/ has the rest).

Usage: python escalation_account.py ENDPOINT_URL
Prints a JSON object with the verdict ZT117 must give each user and role.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
iam = boto3.client(
    "iam", region_name="us-east-1", endpoint_url=ENDPOINT,
    aws_access_key_id="testing", aws_secret_access_key="testing",
)
ACCOUNT = "123456789012"
expect = {}


def verdict(name, status):
    expect.setdefault("ZT117", {})[name] = status


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", condition=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def trust(principal):
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def user(name, *statements):
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=doc(*statements))


# The administrators whose rights the others could take. moto serves no AWS-managed policy
# unless told to, so the administrator policy is the account's own.
ADMIN = iam.create_policy(
    PolicyName="administrator",
    PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
)["Policy"]["Arn"]
iam.create_user(UserName="admin")
iam.attach_user_policy(UserName="admin", PolicyArn=ADMIN)
verdict("user/admin", "NOT_APPLICABLE")
iam.create_group(GroupName="admins")
iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN)
iam.create_role(RoleName="lambda-admin", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
iam.attach_role_policy(RoleName="lambda-admin", PolicyArn=ADMIN)
verdict("role/lambda-admin", "NOT_APPLICABLE")

# 1. A new default version of a policy attached to itself.
tools = iam.create_policy(
    PolicyName="dev-tools",
    PolicyDocument=doc(allow("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/dev-tools")),
)["Policy"]["Arn"]
iam.create_user(UserName="rewrites-own-policy")
iam.attach_user_policy(UserName="rewrites-own-policy", PolicyArn=tools)
verdict("user/rewrites-own-policy", "FAIL")

# …the same permission behind MFA: a path that may hold (FAIL, worded "may").
tools_mfa = iam.create_policy(
    PolicyName="dev-tools-mfa",
    PolicyDocument=doc(allow("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/dev-tools-mfa",
                             {"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
)["Policy"]["Arn"]
iam.create_user(UserName="rewrites-own-policy-with-mfa")
iam.attach_user_policy(UserName="rewrites-own-policy-with-mfa", PolicyArn=tools_mfa)
verdict("user/rewrites-own-policy-with-mfa", "FAIL")

# 2. Access keys for a more privileged user, and the look-alike scoped to itself (prowler#5731).
user("creates-keys-for-admin", allow("iam:CreateAccessKey"))
verdict("user/creates-keys-for-admin", "FAIL")
user("creates-own-keys", allow(["iam:CreateAccessKey", "iam:ListAccessKeys"], f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
verdict("user/creates-own-keys", "PASS")

# 3. Joining a more privileged group.
user("joins-admins", allow("iam:AddUserToGroup", f"arn:aws:iam::{ACCOUNT}:group/admins"))
verdict("user/joins-admins", "FAIL")

# 4. Passing a more privileged role to Lambda, and the look-alike allowed to pass it to EC2 only.
user("passes-role-to-lambda",
     allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/lambda-admin"),
     allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
verdict("user/passes-role-to-lambda", "FAIL")
user("passes-role-to-ec2-only",
     allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/lambda-admin",
           {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
     allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
verdict("user/passes-role-to-ec2-only", "PASS")

# 5. A role that attaches policies to itself, and the same role under a permissions boundary
#    that allows nothing more than it has.
boundary = iam.create_policy(
    PolicyName="attach-only-boundary",
    PolicyDocument=doc(allow(["iam:AttachRolePolicy", "logs:PutLogEvents"])),
)["Policy"]["Arn"]
for name, extra in (("attaches-to-itself", {}), ("attaches-to-itself-bounded", {"PermissionsBoundary": boundary})):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}), **extra)
    iam.put_role_policy(RoleName=name, PolicyName="own",
                        PolicyDocument=doc(allow("iam:AttachRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/{name}")))
verdict("role/attaches-to-itself", "FAIL")
verdict("role/attaches-to-itself-bounded", "PASS")

json.dump({"expect": expect}, sys.stdout, indent=1, sort_keys=True)
