"""Seeds a moto server with automated responses to GuardDuty findings, for ztaudit's
end-to-end tests of ZT701: the guide's key-revoking Lambda function
(`lambda/revoke_keys.py`, zipped here) wired to a GuardDuty finding rule in two regions, once
with a role that may list and deactivate access keys and once with a role that may only write
logs; a rule whose function does not exist; and a rule to an SQS queue that exists.


Usage: python response_account.py ENDPOINT_URL
Prints a JSON object with the verdict ZT701 must give each region.
Uses only write calls against the emulator; ztaudit itself stays read-only.
"""
import io
import json
import pathlib
import sys
import zipfile

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"
HANDLER = pathlib.Path(__file__).parent / "lambda" / "revoke_keys.py"


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def zipped_handler():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(HANDLER, "revoke_keys.py")
    return buffer.getvalue()


LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
LOGS = {
    "Effect": "Allow",
    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "*",
}
REVOKE_KEYS = {
    "Effect": "Allow",
    "Action": ["iam:ListAccessKeys", "iam:UpdateAccessKey"],
    "Resource": "*",
}
FINDINGS = json.dumps({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})

iam = client("iam")


def role(name, statements):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=LAMBDA_TRUST)["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="response",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return arn


def respond_with_lambda(region, rule, function, role_arn):
    lam = client("lambda", region)
    arn = lam.create_function(
        FunctionName=function,
        Runtime="python3.12",
        Role=role_arn,
        Handler="revoke_keys.handler",
        Code={"ZipFile": zipped_handler()},
    )["FunctionArn"]
    wire(region, rule, arn)


def wire(region, rule, target_arn):
    events = client("events", region)
    events.put_rule(Name=rule, EventPattern=FINDINGS, State="ENABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "respond", "Arn": target_arn}])


expect = {}

# eu-west-1: the guide's function with a role that may list and deactivate keys: PASS.
respond_with_lambda(
    "eu-west-1", "guardduty-revoke-keys", "revoke-keys", role("revoke-keys", [LOGS, REVOKE_KEYS])
)
expect["eu-west-1"] = "PASS"

# us-east-1: the same function, whose role may only write its logs: FAIL.
respond_with_lambda(
    "us-east-1", "guardduty-revoke-keys", "revoke-keys", role("revoke-keys-logs-only", [LOGS])
)
expect["us-east-1"] = "FAIL"

# ap-southeast-2: a rule whose function was never created (or was deleted): FAIL.
wire("ap-southeast-2", "guardduty-revoke-keys", f"arn:aws:lambda:ap-southeast-2:{ACCOUNT}:function:revoke-keys")
expect["ap-southeast-2"] = "FAIL"

# eu-central-1: a rule to an SQS queue that exists (its ARN is built from the queue URL): PASS.
queue = client("sqs", "eu-central-1").create_queue(QueueName="findings")["QueueUrl"]
wire("eu-central-1", "guardduty-to-queue", f"arn:aws:sqs:eu-central-1:{ACCOUNT}:findings")
expect["eu-central-1"] = "PASS"

print(json.dumps({"expect": {"ZT701": expect}, "queue_url": queue}))
