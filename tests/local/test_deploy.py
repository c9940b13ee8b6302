"""deploy(): template.yaml's resources created in moto, and the functions' environments resolved."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from newsdesk_local.deploy import DeployError, deploy, deployment_order
from newsdesk_local.functions import function_environment, function_specs
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.template import ROOT, Deployed, load_template
from tests.conftest import REGION

STACK = "unit"


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture
def deployed(aws: None, template: dict[str, Any]) -> Deployed:
    return deploy(template, boto3.Session(region_name=REGION), stack_name=STACK)


def test_every_resource_is_created_in_the_emulator_or_given_a_name(
    template: dict[str, Any], deployed: Deployed
) -> None:
    # Given template.yaml with its default parameters
    resolver = Resolver(template, deployed)
    wanted = {
        name
        for name, res in template["Resources"].items()
        if "Condition" not in res or resolver.condition(res["Condition"])
    }

    # When it has been deployed (fixture)
    # Then each resource is either held by the emulator or has a name, and only code-like ones are virtual
    assert set(deployed.emulated) | set(deployed.virtual) == wanted
    virtual_types = {template["Resources"][name]["Type"] for name in deployed.virtual}
    assert virtual_types <= {
        "AWS::Serverless::Function",
        "AWS::Serverless::Api",
        "AWS::Serverless::LayerVersion",
        "AWS::CloudFront::ResponseHeadersPolicy",  # played by the local origin (newsdesk_local.cdn)
    }


def test_the_table_has_the_template_keys_indexes_and_stream(
    template: dict[str, Any], deployed: Deployed
) -> None:
    # Given the deployed template
    ddb = boto3.client("dynamodb", region_name=REGION)
    props = template["Resources"]["ArticlesTable"]["Properties"]

    # When the table is described
    table = ddb.describe_table(TableName=deployed.ref("ArticlesTable"))["Table"]
    backups = ddb.describe_continuous_backups(TableName=deployed.ref("ArticlesTable"))

    # Then it is the template's table
    assert table["KeySchema"] == props["KeySchema"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {
        i["IndexName"] for i in props["GlobalSecondaryIndexes"]
    }
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert deployed.get_att("ArticlesTable", "StreamArn") == table["LatestStreamArn"]
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"


def test_the_site_bucket_has_the_template_settings(deployed: Deployed) -> None:
    # Given the deployed template
    s3 = boto3.client("s3", region_name=REGION)
    bucket = deployed.ref("SiteBucket")

    # When its settings are read back
    versioning = s3.get_bucket_versioning(Bucket=bucket)
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    blocked = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]

    # Then they are the template's
    assert bucket == f"{STACK}-sitebucket"
    assert versioning["Status"] == "Enabled"
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(blocked.values())
    assert lifecycle[0]["ID"] == "ExpireOldPageVersions"
    assert deployed.get_att("SiteBucket", "RegionalDomainName") == f"{bucket}.s3.{REGION}.amazonaws.com"


def test_queues_have_their_redrive_policy(deployed: Deployed) -> None:
    # Given the deployed template
    sqs = boto3.client("sqs", region_name=REGION)

    # When the rebuild queue's attributes are read
    attributes = sqs.get_queue_attributes(QueueUrl=deployed.ref("RebuildQueue"), AttributeNames=["All"])[
        "Attributes"
    ]

    # Then its dead-letter queue is the template's
    assert attributes["VisibilityTimeout"] == "1800"
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == deployed.get_att("RebuildDeadLetterQueue", "Arn")
    assert int(redrive["maxReceiveCount"]) == 5


def test_the_user_pool_client_and_group_are_the_template_ones(deployed: Deployed) -> None:
    # Given the deployed template
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = deployed.ref("EditorsUserPool")

    # When they are described
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=deployed.ref("EditorsUserPoolClient")
    )
    group = cognito.get_group(UserPoolId=pool_id, GroupName=deployed.ref("EditorsGroup"))
    mfa = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)

    # Then names, policies and flows come from the template
    assert pool["Name"] == f"{STACK}-editors"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["UsernameAttributes"] == ["email"]
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert "ALLOW_USER_PASSWORD_AUTH" in client["UserPoolClient"]["ExplicitAuthFlows"]
    assert group["Group"]["GroupName"] == "editors"
    assert deployed.arns["EditorsUserPool"].endswith(f"userpool/{pool_id}")


def test_the_distribution_and_its_parts_exist(deployed: Deployed) -> None:
    # Given the deployed template
    cloudfront = boto3.client("cloudfront", region_name=REGION)

    # When the distribution is read back
    config = cloudfront.get_distribution_config(Id=deployed.ref("SiteDistribution"))["DistributionConfig"]

    # Then it has the template's origins, behaviours and error responses
    assert {o["Id"] for o in config["Origins"]["Items"]} == {"site", "api"}
    assert config["CacheBehaviors"]["Items"][0]["PathPattern"] == "/api/*"
    assert config["CustomErrorResponses"]["Quantity"] == 1
    assert deployed.get_att("SiteDistribution", "DomainName").endswith(".cloudfront.net")
    assert deployed.get_att("PrettyUrlsFunction", "FunctionMetadata.FunctionARN").endswith(
        f"{STACK}-pretty-urls"
    )


def test_log_groups_alarms_and_topic_exist(deployed: Deployed) -> None:
    # Given the deployed template
    logs = boto3.client("logs", region_name=REGION)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)

    # When they are listed
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    alarms = {a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}

    # Then the function log groups are named after the functions, with the retention parameter
    group = groups[f"/aws/lambda/{deployed.ref('EditorApiFunction')}"]
    assert group["retentionInDays"] == 30
    assert deployed.ref("RenderDeadLetterAlarm") in alarms
    assert deployed.ref("AlarmTopic").startswith("arn:aws:sns:")


def test_conditional_resources_follow_the_parameters(aws: None, template: dict[str, Any]) -> None:
    # Given an alarm email address
    parameters = {"AlarmEmail": "desk@example.com"}

    # When the template is deployed with it
    deployed = deploy(template, boto3.Session(region_name=REGION), stack_name=STACK, parameters=parameters)

    # Then the resources under its condition exist too
    assert {"AlarmEmailSubscription", "AlarmDeadLetterQueue", "AlarmDeadLetterQueuePolicy"} <= set(
        deployed.emulated
    )


def test_functions_get_the_resolved_environment(template: dict[str, Any], deployed: Deployed) -> None:
    # Given the deployed template
    # When the functions' environments are resolved
    editor = function_environment(template, "EditorApiFunction", deployed)
    renderer = function_environment(
        template, "RendererFunction", deployed, {"SiteUrl": "http://127.0.0.1:8000"}
    )
    refresh = function_environment(template, "TimeWindowsFunction", deployed)

    # Then Globals and the functions' own variables are merged, references resolved, parameters applied
    assert editor["TABLE_NAME"] == deployed.ref("ArticlesTable")
    assert editor["SITE_TIMEZONE"] == template["Parameters"]["SiteTimezone"]["Default"]
    assert "SITE_URL" not in editor  # behind the API: naming the distribution would be a cycle
    assert "SITE_BUCKET" not in editor
    assert refresh["SITE_URL"] == "https://" + deployed.get_att("SiteDistribution", "DomainName")
    assert renderer["SITE_BUCKET"] == deployed.ref("SiteBucket")
    assert renderer["DISTRIBUTION_ID"] == deployed.ref("SiteDistribution")
    assert renderer["SITE_URL"] == "http://127.0.0.1:8000"


def test_function_specs_apply_globals(template: dict[str, Any]) -> None:
    # Given template.yaml
    # When the functions are read
    specs = function_specs(template)

    # Then Globals fill what a function does not set
    assert specs["EditorApiFunction"].module_file == ROOT / "functions" / "editor_api" / "app.py"
    assert specs["EditorApiFunction"].timeout == template["Globals"]["Function"]["Timeout"]
    assert specs["RendererFunction"].timeout == 120


SNIPPET = """
Parameters:
  Prefix: {Type: String, Default: demo}
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "${Prefix} key"
      EnableKeyRotation: true
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub "alias/${Prefix}"
      TargetKeyId: !Ref Key
  Orders:
    Type: AWS::SQS::Queue
    DependsOn: Things
    Properties:
      FifoQueue: true
      ContentBasedDeduplication: true
      KmsMasterKeyId: !GetAtt Key.Arn
  Things:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: thing_id, Type: String}
"""


def test_keys_aliases_fifo_queues_and_simple_tables(aws: None, snippet: Any) -> None:
    # Given a template with a KMS key, an alias, a FIFO queue encrypted with the key and a SimpleTable
    template = snippet(SNIPPET)

    # When it is deployed
    deployed = deploy(template, boto3.Session(region_name=REGION), stack_name=STACK)

    # Then each exists, in dependency order, with resolved references
    kms = boto3.client("kms", region_name=REGION)
    key = kms.describe_key(KeyId=deployed.ref("Key"))["KeyMetadata"]
    assert key["Description"] == "demo key"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]
    assert any(a["AliasName"] == "alias/demo" for a in kms.list_aliases()["Aliases"])
    attributes = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=deployed.ref("Orders"), AttributeNames=["All"]
    )["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["KmsMasterKeyId"] == key["Arn"]
    assert deployed.get_att("Orders", "QueueName") == f"{STACK}-Orders.fifo"
    assert deployment_order(template).index("Things") < deployment_order(template).index("Orders")


def test_circular_references_are_refused(snippet: Any) -> None:
    # Given two queues that name each other as dead-letter queue
    template = snippet(
        """
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt B.Arn, maxReceiveCount: 1}}
  B:
    Type: AWS::SQS::Queue
    Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt A.Arn, maxReceiveCount: 1}}
"""
    )

    # When the order is computed
    # Then it fails, naming them
    with pytest.raises(DeployError, match="A, B"):
        deployment_order(template)
