"""Seeds a moto server with the data-protection side of an account, for ztaudit's end-to-end
tests: S3 buckets, RDS, KMS, load balancers and Secrets Manager, each passing and failing.

Usage: python data_account.py ENDPOINT_URL [--account-bpa full|partial]
Prints a JSON object naming every resource it made and the verdict each check must give it.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT_BPA = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--account-bpa" else "partial"
ACCOUNT = "123456789012"


def client(service, region="eu-west-1"):
    made = boto3.client(service, region_name=region, endpoint_url=ENDPOINT,
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    if service == "s3control":
        # S3 Control's endpoint rules put the account id in front of the host, which cannot
        # resolve on loopback; moto routes the request by its path.
        def unprefixed(request, **_):
            request.url = request.url.replace(f"//{ACCOUNT}.", "//")
        made.meta.events.register("before-send.s3-control", unprefixed)
    return made


verdicts = {}

# S3. The account's Block Public Access: fully on, or only the ACL switches.
s3control = client("s3control", "us-east-1")
full = ACCOUNT_BPA == "full"
s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True,
    "BlockPublicPolicy": full, "RestrictPublicBuckets": full})
verdicts["ZT504"] = "PASS" if full else "FAIL"

s3_eu, s3_us = client("s3"), client("s3", "us-east-1")
s3_eu.create_bucket(Bucket="zt-pass-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3_eu.put_bucket_encryption(Bucket="zt-pass-bucket", ServerSideEncryptionConfiguration={"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                            "KMSMasterKeyID": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/s3"}}]})
s3_eu.put_public_access_block(Bucket="zt-pass-bucket", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3_eu.put_bucket_policy(Bucket="zt-pass-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::zt-pass-bucket", "arn:aws:s3:::zt-pass-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
s3_us.create_bucket(Bucket="zt-fail-bucket")
s3_us.put_bucket_encryption(Bucket="zt-fail-bucket", ServerSideEncryptionConfiguration={"Rules": [
    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
verdicts["buckets"] = {
    "zt-pass-bucket": {"ZT503": "PASS", "ZT505": "PASS", "ZT506": "PASS"},
    "zt-fail-bucket": {"ZT503": "FAIL", "ZT505": "PASS" if full else "FAIL", "ZT506": "FAIL"},
}

# RDS: one encrypted and one plain instance, one encrypted and one plain Aurora cluster.
rds = client("rds")
for name, encrypted in [("zt-pass-db", True), ("zt-fail-db", False)]:
    rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="not-a-secret-1",
                           StorageEncrypted=encrypted)
for name, encrypted in [("zt-pass-cluster", True), ("zt-fail-cluster", False)]:
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="not-a-secret-1", StorageEncrypted=encrypted)
verdicts["rds"] = {"zt-pass-db": "PASS", "zt-fail-db": "FAIL", "zt-pass-cluster": "PASS", "zt-fail-cluster": "FAIL"}

# KMS: a customer key that rotates and one that does not.
kms = client("kms")
rotating = kms.create_key(Description="rotating")["KeyMetadata"]["KeyId"]
kms.enable_key_rotation(KeyId=rotating)
static = kms.create_key(Description="static")["KeyMetadata"]["KeyId"]
verdicts["kms"] = {rotating: "PASS", static: "FAIL"}

# Load balancers: a good ALB (HTTP redirects, HTTPS with ACM and a TLS 1.3 policy) and a bad one
# (HTTP forwards, HTTPS with an IAM server certificate and the 2016 policy); a classic ELB on HTTP.
ec2 = client("ec2")
vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
elbv2 = client("elbv2")
acm_arn = client("acm").request_certificate(DomainName="app.example.com")["CertificateArn"]
iam_cert = client("iam", "us-east-1").upload_server_certificate(
    ServerCertificateName="legacy", CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    PrivateKey="-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----")["ServerCertificateMetadata"]["Arn"]
target = elbv2.create_target_group(Name="app", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
forward = [{"Type": "forward", "TargetGroupArn": target}]
good = elbv2.create_load_balancer(Name="zt-pass-alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
elbv2.create_listener(LoadBalancerArn=good, Protocol="HTTP", Port=80, DefaultActions=[
    {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
elbv2.create_listener(LoadBalancerArn=good, Protocol="HTTPS", Port=443, DefaultActions=forward,
                      SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", Certificates=[{"CertificateArn": acm_arn}])
bad = elbv2.create_load_balancer(Name="zt-fail-alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
elbv2.create_listener(LoadBalancerArn=bad, Protocol="HTTP", Port=80, DefaultActions=forward)
elbv2.create_listener(LoadBalancerArn=bad, Protocol="HTTPS", Port=443, DefaultActions=forward,
                      SslPolicy="ELBSecurityPolicy-2016-08", Certificates=[{"CertificateArn": iam_cert}])
client("elb").create_load_balancer(LoadBalancerName="zt-fail-classic", AvailabilityZones=["eu-west-1a"],
                                   Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
verdicts["load_balancers"] = {"zt-pass-alb": "PASS", "zt-fail-alb": "FAIL", "zt-fail-classic": "FAIL"}

# Secrets Manager: one secret rotating every 30 days, one never rotated.
secrets = client("secretsmanager")
secrets.create_secret(Name="zt-pass-secret", SecretString="generated")
secrets.rotate_secret(SecretId="zt-pass-secret", RotationRules={"AutomaticallyAfterDays": 30})
secrets.create_secret(Name="zt-fail-secret", SecretString="static")
verdicts["secrets"] = {"zt-pass-secret": "PASS", "zt-fail-secret": "FAIL"}

print(json.dumps(verdicts))
