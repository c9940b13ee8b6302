"""deploy(): the transformed template's resources created in moto in CloudFormation's order, and the
functions' code and environments found from them."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from newsdesk_local.deploy import NOT_HELD, DeployError, deploy, deploy_template
from newsdesk_local.functions import function_environment, function_specs
from newsdesk_local.rehearsal import (
    RehearsalError,
    deployment_order,
    kept_resources,
    load,
    transformed_template,
)
from newsdesk_local.template import ROOT, Deployed
from tests.conftest import REGION

STACK = "unit"
LOCAL_SITE = {"SiteUrl": "http://127.0.0.1:8000"}


@pytest.fixture
def template() -> dict[str, Any]:
    return transformed_template()


@pytest.fixture
def deployed(aws: None, template: dict[str, Any]) -> Deployed:
    return deploy(template, boto3.Session(region_name=REGION), stack_name=STACK)


def test_every_resource_is_created_in_cloudformation_order_or_listed_as_not_held(
    template: dict[str, Any], deployed: Deployed
) -> None:
    # Given the transformed template with its default parameters
    kept = kept_resources(template)
    order = deployment_order(kept)

    # When it has been deployed (fixture)
    # Then each resource CloudFormation would create is either in the emulator, created in the rehearsal's
    # order, or stood in for by a type NOT_HELD says how
    assert set(deployed.emulated) | set(deployed.not_held) == set(kept)
    assert not set(deployed.emulated) & set(deployed.not_held)
    assert deployed.emulated == [name for name in order if name in deployed.emulated]
    assert {kept[name]["Type"] for name in deployed.not_held} <= set(NOT_HELD)
    assert {kept[name]["Type"] for name in deployed.emulated}.isdisjoint(NOT_HELD)
    assert "AWS::Serverless::Function" not in {r["Type"] for r in kept.values()}


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
    assert [b["PathPattern"] for b in config["CacheBehaviors"]["Items"]] == ["/media/*", "/api/*"]
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


def test_conditional_resources_and_branches_follow_the_parameters(aws: None) -> None:
    # Given an alarm email address and the local origin as the site's URL
    parameters = {"AlarmEmail": "desk@example.com", **LOCAL_SITE}

    # When the template is transformed and deployed with them
    deployed = deploy_template(
        load(),
        boto3.Session(region_name=REGION),
        stack_name=STACK,
        parameters=parameters,
    )

    # Then the resources under their condition exist too, and the functions take the branch for SiteUrl
    assert {"AlarmEmailSubscription", "AlarmDeadLetterQueue", "AlarmDeadLetterQueuePolicy"} <= set(
        deployed.emulated
    )
    assert function_environment(deployed, "RendererFunction")["SITE_URL"] == LOCAL_SITE["SiteUrl"]


def test_functions_get_the_resolved_environment(template: dict[str, Any], deployed: Deployed) -> None:
    # Given the deployed template
    # When the functions' environments are resolved
    editor = function_environment(deployed, "EditorApiFunction")
    renderer = function_environment(deployed, "RendererFunction")
    refresh = function_environment(deployed, "TimeWindowsFunction")

    # Then Globals and the functions' own variables are merged, references resolved, parameters applied
    assert editor["TABLE_NAME"] == deployed.ref("ArticlesTable")
    assert editor["SITE_TIMEZONE"] == template["Parameters"]["SiteTimezone"]["Default"]
    assert editor["COMMENTS_DATA_KEY_ID"] == deployed.get_att("CommentDataKey", "Arn")
    assert "SITE_URL" not in editor  # behind the API: naming the distribution would be a cycle
    assert editor["SITE_BUCKET"] == deployed.ref("SiteBucket")  # it signs uploads of images (/api/media)
    assert refresh["SITE_URL"] == "https://" + deployed.get_att("SiteDistribution", "DomainName")
    assert renderer["SITE_BUCKET"] == deployed.ref("SiteBucket")
    assert renderer["DISTRIBUTION_ID"] == deployed.ref("SiteDistribution")


def test_functions_map_back_to_their_code_folders(deployed: Deployed) -> None:
    # Given the deployed template
    # When the functions are read from it
    specs = function_specs(deployed)

    # Then each runs the code folder its CodeUri named, with Globals applied by the transform
    assert specs["EditorApiFunction"].module_file == ROOT / "functions" / "editor_api" / "app.py"
    assert specs["TimeWindowsFunction"].module_file == ROOT / "functions" / "renderer" / "app.py"
    assert specs["TimeWindowsFunction"].handler_name == "refresh"
    assert specs["EditorApiFunction"].timeout == 10
    assert specs["RendererFunction"].timeout == 120
    assert all(spec.module_file.is_file() for spec in specs.values())


def test_what_the_emulator_cannot_hold_still_has_names(deployed: Deployed) -> None:
    # Given the deployed template
    # When the resources that are not in the emulator are looked at
    # Then each says what stands in for it, and its Ref gives a name the rest of the stack can use
    assert deployed.not_held["EditorApiFunction"] == NOT_HELD["AWS::Lambda::Function"][0]
    assert deployed.ref("EditorApiFunction") == f"{STACK}-EditorApiFunction"
    assert deployed.get_att("EditorApiFunctionRole", "Arn").endswith(f":role/{STACK}-EditorApiFunctionRole")
    assert "NewsdeskApiliveStage" in deployed.not_held


SNIPPET = """
Parameters:
  Prefix: {Type: String, Default: demo}
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "${Prefix} key"
      EnableKeyRotation: true
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


def test_a_sam_snippet_is_transformed_then_created_in_order(aws: None, snippet: Any) -> None:
    # Given a SAM template with a KMS key, a FIFO queue encrypted with it and a SimpleTable
    template = snippet(SNIPPET)

    # When it is deployed
    deployed = deploy_template(template, boto3.Session(region_name=REGION), stack_name=STACK)

    # Then each exists, the SimpleTable as the DynamoDB table SAM makes of it, with resolved references
    kms = boto3.client("kms", region_name=REGION)
    key = kms.describe_key(KeyId=deployed.ref("Key"))["KeyMetadata"]
    assert key["Description"] == "demo key"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]
    attributes = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=deployed.ref("Orders"), AttributeNames=["All"]
    )["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["KmsMasterKeyId"] == key["Arn"]
    assert deployed.get_att("Orders", "QueueName") == f"{STACK}-Orders.fifo"
    assert deployed.resources["Things"]["Type"] == "AWS::DynamoDB::Table"
    assert deployed.emulated.index("Things") < deployed.emulated.index("Orders")


def test_a_type_the_local_stack_does_not_know_is_refused_not_invented(aws: None, snippet: Any) -> None:
    # Given a template with a resource type neither created nor stood in for locally
    template = snippet(
        """
Resources:
  Key:
    Type: AWS::KMS::Key
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/demo, TargetKeyId: !Ref Key}
"""
    )

    # When it is deployed
    # Then it fails, naming the resource and its type
    with pytest.raises(DeployError, match=r"KeyAlias \(AWS::KMS::Alias\)"):
        deploy_template(template, boto3.Session(region_name=REGION), stack_name=STACK)


def test_a_cycle_is_refused_with_the_rehearsal_message_before_anything_is_created(
    aws: None, snippet: Any
) -> None:
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

    # When it is deployed
    # Then it fails as the rehearsal does, and no queue was made
    with pytest.raises(RehearsalError, match="cycle: A -> B -> A"):
        deploy_template(template, boto3.Session(region_name=REGION), stack_name=STACK)
    assert "QueueUrls" not in boto3.client("sqs", region_name=REGION).list_queues()
