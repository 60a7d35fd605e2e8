"""Opens two gaps in the trail that visibility_account.py made: it stops logging, and its
advanced event selectors leave out KMS's management events.

Usage: python visibility_trail_gaps.py ENDPOINT_URL (after visibility_account.py)
Prints a JSON object with the verdict ZT602 must now give each region.
"""
import json
import sys

import boto3

cloudtrail = boto3.client(
    "cloudtrail",
    region_name="us-east-1",
    endpoint_url=sys.argv[1],
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
cloudtrail.stop_logging(Name="management-events")
cloudtrail.put_event_selectors(
    TrailName="management-events",
    AdvancedEventSelectors=[
        {
            "Name": "management events but KMS",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
            ],
        }
    ],
)
print(json.dumps({"expect": {"ZT602": {r: "FAIL" for r in ["eu-west-1", "us-east-1", "ap-southeast-2"]}}}))
