"""Adds to a seeded moto server a security group that admits SSH from 0.0.0.0/1 and 128.0.0.0/1:
together the whole IPv4 internet. Usage: python split_ssh_group.py ENDPOINT_URL"""
import json
import sys

import boto3

ec2 = boto3.client("ec2", region_name="eu-west-1", endpoint_url=sys.argv[1],
                   aws_access_key_id="testing", aws_secret_access_key="testing")
vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
group = ec2.create_security_group(GroupName="ssh-split-halves", Description="split", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
    "IpRanges": [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}]}])
print(json.dumps({"group": group}))
