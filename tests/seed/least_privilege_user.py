"""Creates an IAM user holding only the given policy (a file with a policy document, or the ARN of
a managed policy) and prints its access key as JSON; then turns on moto's IAM enforcement.

Usage: python least_privilege_user.py ENDPOINT_URL (POLICY_FILE | POLICY_ARN)
"""
import json
import sys
import urllib.request

import boto3

ENDPOINT, POLICY = sys.argv[1], sys.argv[2]
iam = boto3.client(
    "iam", region_name="us-east-1", endpoint_url=ENDPOINT,
    aws_access_key_id="testing", aws_secret_access_key="testing",
)
name = "ztaudit-scanner"
iam.create_user(UserName=name)
if POLICY.startswith("arn:"):
    iam.attach_user_policy(UserName=name, PolicyArn=POLICY)
else:
    with open(POLICY) as document:
        iam.put_user_policy(UserName=name, PolicyName="ztaudit", PolicyDocument=document.read())
key = iam.create_access_key(UserName=name)["AccessKey"]
# From here on moto checks every request against the caller's IAM policies.
urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}))
print(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
