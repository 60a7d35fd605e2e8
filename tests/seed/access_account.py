"""Seeds a moto server with the access paths of an account, for ztaudit's end-to-end tests:
instances reachable or not on admin ports, VPC endpoints, peered environments and a VPC that
mixes environments.

Usage: python access_account.py ENDPOINT_URL
Prints a JSON object naming every resource it made and the verdict each check must give it.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGION = "eu-west-1"
ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=ENDPOINT,
                   aws_access_key_id="testing", aws_secret_access_key="testing")
AMI = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
verdicts = {"ZT304": {}, "ZT309": {}, "ZT310": {}, "ZT311": {}}


def vpc(cidr, environment=None):
    made = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if environment:
        ec2.create_tags(Resources=[made], Tags=[{"Key": "Environment", "Value": environment}])
    subnet = ec2.create_subnet(VpcId=made, CidrBlock=cidr.replace("/16", "/24"))["Subnet"]["SubnetId"]
    return made, subnet


def group(vpc_id, name, port, cidr):
    made = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=made, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}])
    return made


def instance(subnet, groups, public, environment=None):
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Environment", "Value": environment}]}] if environment else []
    made = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro", TagSpecifications=tags,
                             NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": groups,
                                                 "AssociatePublicIpAddress": public}])
    return made["Instances"][0]["InstanceId"]


# Production: endpoints for every core service; one bastion open to the world on SSH, one web
# server open only on 443, one private instance behind the open group.
prod, prod_subnet = vpc("10.10.0.0/16", "production")
# A public subnet: moto's new VPCs, like AWS's, have no internet route until one is added.
gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=prod)
prod_main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [prod]}])["RouteTables"][0]["RouteTableId"]
ec2.create_route(RouteTableId=prod_main, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
ssh_world = group(prod, "ssh-from-anywhere", 22, "0.0.0.0/0")
https_world = group(prod, "https-from-anywhere", 443, "0.0.0.0/0")
verdicts["ZT304"][instance(prod_subnet, [ssh_world], True, "production")] = "FAIL"
verdicts["ZT304"][instance(prod_subnet, [https_world], True, "production")] = "PASS"
verdicts["ZT304"][instance(prod_subnet, [ssh_world], False, "production")] = "PASS"
route_table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [prod]}])["RouteTables"][0]["RouteTableId"]
ec2.create_vpc_endpoint(VpcId=prod, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                        RouteTableIds=[route_table])
for service in ["sts", "ssm", "kms"]:
    ec2.create_vpc_endpoint(VpcId=prod, ServiceName=f"com.amazonaws.{REGION}.{service}",
                            VpcEndpointType="Interface", SubnetIds=[prod_subnet])
verdicts["ZT309"][prod] = "PASS"

# Staging, peered with production: not separated. It mixes staging and development instances
# and has no endpoints.
staging, staging_subnet = vpc("10.20.0.0/16", "staging")
peering = ec2.create_vpc_peering_connection(VpcId=staging, PeerVpcId=prod)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering)
internal = group(staging, "internal-only", 22, "10.0.0.0/8")
instance(staging_subnet, [internal], False, "staging")
instance(staging_subnet, [internal], False, "dev")
verdicts["ZT309"][staging] = "FAIL"
verdicts["ZT310"][staging] = "FAIL"
verdicts["ZT311"][staging] = "FAIL"
verdicts["ZT311"][prod] = "PASS"

# Test, on its own.
test, _ = vpc("10.30.0.0/16", "test")
verdicts["ZT310"][test] = "PASS"
verdicts["peering"] = peering
print(json.dumps(verdicts))
