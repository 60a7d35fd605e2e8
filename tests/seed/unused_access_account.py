"""Seeds a moto server with users and roles for the unused-access tests (ZT118) and the call
count the README reports.

Usage: python unused_access_account.py ENDPOINT_URL [COUNT]
Creates COUNT roles and COUNT users (default 5 each), every one with an inline policy granting
two services. Prints the counts.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 5

iam = boto3.client(
    "iam", region_name="us-east-1", endpoint_url=ENDPOINT,
    aws_access_key_id="testing", aws_secret_access_key="testing",
)

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:GetItem"], "Resource": "*"}]})

for i in range(COUNT):
    iam.create_role(RoleName=f"app-{i:03}", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=f"app-{i:03}", PolicyName="data", PolicyDocument=POLICY)
    iam.create_user(UserName=f"person-{i:03}")
    iam.put_user_policy(UserName=f"person-{i:03}", PolicyName="data", PolicyDocument=POLICY)

print(json.dumps({"roles": COUNT, "users": COUNT}))
