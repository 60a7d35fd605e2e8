"""Seeds a moto server with a large account for the scan benchmark (scripts/bench-scan).

Usage: python scale_account.py ENDPOINT_URL SCALE
At SCALE 1: 1,000 IAM roles, each with an attached customer-managed policy (1,000 policies), and
1,000 security groups with one ingress rule in each of the three regions. Prints the counts.
"""
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3

ENDPOINT, SCALE = sys.argv[1], float(sys.argv[2])
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"]
COUNT = max(1, round(1000 * SCALE))


def client(service, region="us-east-1"):
    return boto3.client(
        service, region_name=region, endpoint_url=ENDPOINT,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def role(i):
    iam = client("iam")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": f"arn:aws:s3:::bucket-{i}/*"}]})
    arn = iam.create_policy(PolicyName=f"app-{i}", PolicyDocument=policy)["Policy"]["Arn"]
    iam.create_role(RoleName=f"app-{i}", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName=f"app-{i}", PolicyArn=arn)


def groups(region):
    ec2 = client("ec2", region)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for i in range(COUNT):
        group = ec2.create_security_group(GroupName=f"web-{i}", Description="bench", VpcId=vpc)
        cidr = "0.0.0.0/0" if i % 10 == 0 else "10.0.0.0/8"
        ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}])


# moto's IAM answers 500 to concurrent writes at this volume: roles one by one; the regions'
# security groups in parallel (each region is its own backend).
for i in range(COUNT):
    role(i)
with ThreadPoolExecutor(max_workers=len(REGIONS)) as pool:
    list(pool.map(groups, REGIONS))
print(json.dumps({"roles": COUNT, "policies": COUNT, "security_groups_per_region": COUNT,
                  "regions": REGIONS}))
