"""Seeds a moto server with the logging, detection and response setup of a three-region account
for ztaudit's end-to-end tests of the Visibility & Analytics and Automation checks.

Usage: python visibility_account.py ENDPOINT_URL
Prints a JSON object with the verdict each check must give each trail or region.
Uses only write calls against the emulator; ztaudit itself stays read-only.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"


def client(service, region):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


expect = {check: {} for check in ["ZT602", "ZT603", "ZT604", "ZT605", "ZT606", "ZT607", "ZT701"]}

# CloudTrail: one multi-region trail homed in us-east-1 covers every region (it is listed in
# each as a shadow trail, and must be judged once); one single-region trail in eu-west-1 covers
# nothing but its own region, without validation or KMS.
s3 = client("s3", "us-east-1")
s3.create_bucket(Bucket="audit-trail-logs")
kms_key = client("kms", "us-east-1").create_key(Description="trail logs")["KeyMetadata"]["Arn"]
trail_us = client("cloudtrail", "us-east-1")
management = trail_us.create_trail(
    Name="management-events",
    S3BucketName="audit-trail-logs",
    IsMultiRegionTrail=True,
    EnableLogFileValidation=True,
    KmsKeyId=kms_key,
)["TrailARN"]
trail_us.put_event_selectors(
    TrailName="management-events",
    EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
)
trail_us.start_logging(Name="management-events")
client("s3", "eu-west-1").create_bucket(
    Bucket="eu-data-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
)
trail_eu = client("cloudtrail", "eu-west-1")
single = trail_eu.create_trail(Name="eu-single-region", S3BucketName="eu-data-trail-logs")["TrailARN"]
trail_eu.start_logging(Name="eu-single-region")
for region in ["eu-west-1", "us-east-1", "ap-southeast-2"]:
    expect["ZT602"][region] = "PASS"
expect["ZT603"][management] = "PASS"
expect["ZT603"][single] = "FAIL"
expect["ZT604"][management] = "PASS"
expect["ZT604"][single] = "FAIL"

# GuardDuty: enabled in eu-west-1, suspended in us-east-1, never enabled in ap-southeast-2.
client("guardduty", "eu-west-1").create_detector(Enable=True)
client("guardduty", "us-east-1").create_detector(Enable=False)
expect["ZT605"] = {"eu-west-1": "PASS", "us-east-1": "FAIL", "ap-southeast-2": "FAIL"}

# Security Hub: enabled in eu-west-1 only.
client("securityhub", "eu-west-1").enable_security_hub(EnableDefaultStandards=True)
expect["ZT606"] = {"eu-west-1": "PASS", "us-east-1": "FAIL", "ap-southeast-2": "FAIL"}

# AWS Config: all types recorded in eu-west-1; two types only in us-east-1; none in
# ap-southeast-2.
s3.create_bucket(Bucket="config-history")
role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
for region, group in [
    ("eu-west-1", {"allSupported": True, "includeGlobalResourceTypes": True}),
    (
        "us-east-1",
        {
            "allSupported": False,
            "includeGlobalResourceTypes": False,
            "resourceTypes": ["AWS::EC2::SecurityGroup", "AWS::S3::Bucket"],
        },
    ),
]:
    config = client("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": group}
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-history"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
expect["ZT607"] = {"eu-west-1": "PASS", "us-east-1": "FAIL", "ap-southeast-2": "FAIL"}

# EventBridge: in eu-west-1 a rule sends GuardDuty findings (matched by an `$or` with a prefix)
# to a Lambda function; in us-east-1 the Security Hub rule is disabled; in ap-southeast-2 the
# GuardDuty rule has no target, and a rule with a target matches other events only.
# The function exists, and its role may isolate an instance (ZT701 judges both).
iam = client("iam", "us-east-1")
iam.create_role(
    RoleName="isolate-instance",
    AssumeRolePolicyDocument=json.dumps(
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
    ),
)
iam.put_role_policy(
    RoleName="isolate-instance",
    PolicyName="isolate",
    PolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["ec2:ModifyInstanceAttribute", "ec2:DescribeInstances"],
                    "Resource": "*",
                }
            ],
        }
    ),
)
responder = client("lambda", "eu-west-1").create_function(
    FunctionName="isolate-instance",
    Runtime="python3.12",
    Role=f"arn:aws:iam::{ACCOUNT}:role/isolate-instance",
    Handler="index.handler",
    Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
)["FunctionArn"]
events = client("events", "eu-west-1")
events.put_rule(
    Name="guardduty-to-responder",
    EventPattern=json.dumps(
        {
            "$or": [
                {"source": [{"prefix": "aws.guard"}], "detail-type": ["GuardDuty Finding"]},
                {"source": ["aws.inspector2"]},
            ]
        }
    ),
    State="ENABLED",
)
events.put_targets(Rule="guardduty-to-responder", Targets=[{"Id": "isolate", "Arn": responder}])
events = client("events", "us-east-1")
events.put_rule(
    Name="securityhub-to-pager",
    EventPattern=json.dumps(
        {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}
    ),
    State="DISABLED",
)
events.put_targets(
    Rule="securityhub-to-pager",
    Targets=[{"Id": "pager", "Arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:pager"}],
)
events = client("events", "ap-southeast-2")
events.put_rule(
    Name="guardduty-nowhere",
    EventPattern=json.dumps({"source": ["aws.guardduty"]}),
    State="ENABLED",
)
events.put_rule(
    Name="ec2-state-changes",
    EventPattern=json.dumps({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}),
    State="ENABLED",
)
events.put_targets(
    Rule="ec2-state-changes",
    Targets=[{"Id": "log", "Arn": f"arn:aws:sns:ap-southeast-2:{ACCOUNT}:ec2-changes"}],
)
expect["ZT701"] = {"eu-west-1": "PASS", "us-east-1": "FAIL", "ap-southeast-2": "FAIL"}

print(json.dumps({"expect": expect, "trails": {"management": management, "single": single}}))
