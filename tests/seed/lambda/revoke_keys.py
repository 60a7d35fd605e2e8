"""The guide's automated response: a Lambda function, invoked by an EventBridge rule on a
GuardDuty finding, that deactivates every access key of the IAM user the finding names.

Written for ztaudit's end-to-end tests of ZT701 (`tests/seed/response_account.py` zips it and
creates it in moto); the check judges whether the function's role may make these calls, so the
function never needs to run there.
"""
import boto3

iam = boto3.client("iam")


def handler(event, context):
    user = event["detail"]["resource"]["accessKeyDetails"]["userName"]
    deactivated = []
    for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
        iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Inactive")
        deactivated.append(key["AccessKeyId"])
    return {"user": user, "deactivated": deactivated}
