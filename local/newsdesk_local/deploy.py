"""Create template.yaml's resources in an AWS endpoint (moto server, or in-process moto in tests).

`deploy(template, clients)` walks the resources in dependency order, resolves their intrinsics against
what is already deployed, and creates each one the emulator can hold with the API calls CloudFormation
would make. Resources the emulator cannot hold (functions, the API, layers, ...) get a deterministic
name and ARN, so `!Ref` and `!GetAtt` to them still resolve. The result is a `Deployed`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk_local.intrinsics import Resolver, references
from newsdesk_local.template import Deployed, table_definition

logger = logging.getLogger(__name__)

ClientFactory = Callable[[str], Any]
Deployer = Callable[["_Context", str, dict[str, Any]], None]


class DeployError(RuntimeError):
    """The template cannot be deployed locally (a cycle, or an emulator call failed)."""


def clients_from(session: Any, endpoint_url: str | None = None) -> ClientFactory:
    """A cached client factory over a boto3 Session (and the emulator's endpoint, if given)."""
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = session.client(service, endpoint_url=endpoint_url)
        return made[service]

    return client


def deploy(
    template: dict[str, Any],
    session_or_clients: Any,
    *,
    stack_name: str = "newsdesk-local",
    parameters: Mapping[str, Any] | None = None,
) -> Deployed:
    """Create every resource of the template the emulator can hold; return what was made, by logical id."""
    clients = session_or_clients if callable(session_or_clients) else clients_from(session_or_clients)
    region = clients("sts").meta.region_name
    try:
        account_id = clients("sts").get_caller_identity()["Account"]
    except Exception:  # an emulator without STS: CloudFormation's own default is as good as any
        account_id = Deployed().account_id
    deployed = Deployed(stack_name=stack_name, region=region, account_id=account_id)
    resolver = Resolver(template, deployed, parameters)
    ctx = _Context(template, clients, deployed, resolver)
    for logical_id in deployment_order(template):
        resource = template["Resources"][logical_id]
        if "Condition" in resource and not resolver.condition(resource["Condition"]):
            continue
        kind = resource["Type"]
        deployer = DEPLOYERS.get(kind)
        if deployer is None:
            _virtual(ctx, logical_id, kind)
            continue
        props = resolver.resolve(resource.get("Properties") or {})
        try:
            deployer(ctx, logical_id, props)
        except Exception as exc:
            raise DeployError(f"{logical_id} ({kind}) could not be created locally: {exc}") from exc
    _implicit_sam_resources(ctx)
    return deployed


def deployment_order(template: dict[str, Any]) -> list[str]:
    """Logical ids, each after everything it refers to (template order where there is no dependency)."""
    resources: dict[str, Any] = template.get("Resources") or {}
    needs: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn") or []
        depends = [depends] if isinstance(depends, str) else list(depends)
        found = set(references(resource.get("Properties") or {})) | set(depends)
        needs[logical_id] = {name for name in found if name in resources and name != logical_id}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(resources):
        ready = [lid for lid in resources if lid not in done and needs[lid] <= done]
        if not ready:
            cycle = sorted(lid for lid in resources if lid not in done)
            raise DeployError(f"Circular references between {', '.join(cycle)}")
        order.append(ready[0])
        done.add(ready[0])
    return order


# ----- context ---------------------------------------------------------------------------------------


@dataclass
class _Context:
    template: dict[str, Any]
    clients: ClientFactory
    deployed: Deployed
    resolver: Resolver

    @property
    def region(self) -> str:
        return self.deployed.region

    @property
    def account(self) -> str:
        return self.deployed.account_id

    def physical_name(self, logical_id: str, *, max_length: int = 128, lower: bool = False) -> str:
        """A name like CloudFormation's `{stack}-{logical id}`, without the random suffix."""
        name = f"{self.deployed.stack_name}-{logical_id}"[:max_length]
        return name.lower() if lower else name

    def emulated(self, logical_id: str, ref: str, arn: str | None = None, **attributes: str) -> None:
        self.deployed.names[logical_id] = ref
        if arn is not None:
            self.deployed.arns[logical_id] = arn
        for name, value in attributes.items():
            self.deployed.attributes[(logical_id, name)] = value
        self.deployed.emulated.append(logical_id)


def _short_id(*parts: str, length: int = 10) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return digest[:length]


def _string_map(values: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            out[key] = json.dumps(value)
        else:
            out[key] = str(value)
    return out


def _tags(tags: Any) -> dict[str, str]:
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t["Value"]) for t in tags or []}


# ----- resources the emulator does not hold ---------------------------------------------------------


def _virtual(ctx: _Context, logical_id: str, kind: str) -> None:
    d = ctx.deployed
    region, account = ctx.region, ctx.account
    if kind == "AWS::Serverless::Function" or kind == "AWS::Lambda::Function":
        name = ctx.physical_name(logical_id, max_length=64)
        d.names[logical_id] = name
        d.arns[logical_id] = f"arn:aws:lambda:{region}:{account}:function:{name}"
        d.virtual[logical_id] = "runs in-process in the local stack"
    elif kind in {"AWS::Serverless::Api", "AWS::ApiGateway::RestApi", "AWS::Serverless::HttpApi"}:
        api_id = _short_id(d.stack_name, logical_id)
        d.names[logical_id] = api_id
        d.attributes[(logical_id, "RootResourceId")] = _short_id(api_id, "root", length=6)
        d.virtual[logical_id] = "played by the local origin (newsdesk_local.apigateway)"
    elif kind in {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}:
        d.names[logical_id] = f"arn:aws:lambda:{region}:{account}:layer:{ctx.physical_name(logical_id)}:1"
        d.virtual[logical_id] = "its code is importable from the virtualenv"
    elif kind == "AWS::CloudFront::ResponseHeadersPolicy":  # moto has no response headers policies
        policy_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{d.stack_name}/{logical_id}"))
        d.names[logical_id] = policy_id
        d.attributes[(logical_id, "Id")] = policy_id
        d.virtual[logical_id] = "played by the local origin (newsdesk_local.cdn)"
    else:
        d.names[logical_id] = ctx.physical_name(logical_id)
        d.virtual[logical_id] = f"{kind} is not emulated"


def _implicit_sam_resources(ctx: _Context) -> None:
    """SAM's implicit API (`ServerlessRestApi`) when an Api event names no RestApiId."""
    for resource in (ctx.template.get("Resources") or {}).values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") == "Api" and "RestApiId" not in (event.get("Properties") or {}):
                if "ServerlessRestApi" not in ctx.deployed.names:
                    _virtual(ctx, "ServerlessRestApi", "AWS::Serverless::Api")
                return


# ----- DynamoDB ----------------------------------------------------------------------------------------


def _table(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("TableName") or ctx.physical_name(logical_id, max_length=255)
    ddb = ctx.clients("dynamodb")
    description = ddb.create_table(**table_definition(ctx.template, logical_id, name, ctx.resolver.resolve))[
        "TableDescription"
    ]
    pitr = (props.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")
    if pitr:
        ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
        )
    extra = {"StreamArn": description["LatestStreamArn"]} if "LatestStreamArn" in description else {}
    ctx.emulated(logical_id, name, description["TableArn"], **extra)


def _simple_table(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    kind = {"String": "S", "Number": "N", "Binary": "B"}[key.get("Type", "String")]
    name = props.get("TableName") or ctx.physical_name(logical_id, max_length=255)
    args: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": kind}],
    }
    if "ProvisionedThroughput" in props:
        args["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    else:
        args["BillingMode"] = "PAY_PER_REQUEST"
    description = ctx.clients("dynamodb").create_table(**args)["TableDescription"]
    ctx.emulated(logical_id, name, description["TableArn"])


# ----- S3 ------------------------------------------------------------------------------------------------


def _bucket(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("BucketName") or ctx.physical_name(logical_id, max_length=63, lower=True)
    s3 = ctx.clients("s3")
    create: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    s3.create_bucket(**create)
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    if "OwnershipControls" in props:
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=props["OwnershipControls"])
    if "BucketEncryption" in props:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    _encryption_rule(r)
                    for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                ]
            },
        )
    if "LifecycleConfiguration" in props:
        rules = [_lifecycle_rule(rule) for rule in props["LifecycleConfiguration"]["Rules"]]
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    if "CorsConfiguration" in props:
        s3.put_bucket_cors(
            Bucket=name,
            CORSConfiguration={"CORSRules": [_cors_rule(r) for r in props["CorsConfiguration"]["CorsRules"]]},
        )
    if "WebsiteConfiguration" in props:
        s3.put_bucket_website(Bucket=name, WebsiteConfiguration=_website(props["WebsiteConfiguration"]))
    if "Tags" in props:
        s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in _tags(props["Tags"]).items()]}
        )
    ctx.emulated(
        logical_id,
        name,
        f"arn:aws:s3:::{name}",
        DomainName=f"{name}.s3.amazonaws.com",
        RegionalDomainName=f"{name}.s3.{ctx.region}.amazonaws.com",
        DualStackDomainName=f"{name}.s3.dualstack.{ctx.region}.amazonaws.com",
        WebsiteURL=f"http://{name}.s3-website-{ctx.region}.amazonaws.com",
    )


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the shape of PutBucketLifecycleConfiguration."""
    out: dict[str, Any] = {"Status": rule.get("Status", "Enabled")}
    if "Id" in rule:
        out["ID"] = rule["Id"]
    prefix = rule.get("Prefix")
    out["Filter"] = {"Prefix": prefix} if prefix is not None else {"Prefix": ""}
    if "ExpirationInDays" in rule or "ExpirationDate" in rule:
        out["Expiration"] = (
            {"Days": int(rule["ExpirationInDays"])}
            if "ExpirationInDays" in rule
            else {"Date": rule["ExpirationDate"]}
        )
    if "NoncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {
            k: int(v) for k, v in rule["NoncurrentVersionExpiration"].items()
        }
    elif "NoncurrentVersionExpirationInDays" in rule:
        out["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["NoncurrentVersionExpirationInDays"])
        }
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return out


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    renames = {"ServerSideEncryptionByDefault": "ApplyServerSideEncryptionByDefault"}
    return {renames.get(k, k): v for k, v in rule.items()}


def _cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    renames = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
    return {renames.get(k, k): v for k, v in rule.items()}


def _website(config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "IndexDocument" in config:
        out["IndexDocument"] = {"Suffix": config["IndexDocument"]}
    if "ErrorDocument" in config:
        out["ErrorDocument"] = {"Key": config["ErrorDocument"]}
    return out


def _bucket_policy(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    """The policy without its conditional statements: moto has no request context to check a Condition
    against and treats every conditional statement, Allow or Deny, as a denial of all access."""
    document = dict(props["PolicyDocument"])
    statements = document.get("Statement") or []
    statements = statements if isinstance(statements, list) else [statements]
    kept = [s for s in statements if "Condition" not in s]
    left_out = [str(s.get("Sid", f"#{i}")) for i, s in enumerate(statements) if "Condition" in s]
    if left_out:
        logger.info(
            "%s: conditional statements %s not applied in the emulator", logical_id, ", ".join(left_out)
        )
    if kept:
        ctx.clients("s3").put_bucket_policy(
            Bucket=props["Bucket"], Policy=json.dumps({**document, "Statement": kept})
        )
    ctx.emulated(logical_id, props["Bucket"])


# ----- SQS --------------------------------------------------------------------------------------------


def _queue(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    fifo = bool(props.get("FifoQueue"))
    name = props.get("QueueName") or ctx.physical_name(logical_id, max_length=75) + (".fifo" if fifo else "")
    attributes = _string_map({k: v for k, v in props.items() if k not in {"QueueName", "Tags"}})
    sqs = ctx.clients("sqs")
    args: dict[str, Any] = {"QueueName": name, "Attributes": attributes}
    if "Tags" in props:
        args["tags"] = _tags(props["Tags"])
    url = sqs.create_queue(**args)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    ctx.emulated(logical_id, url, arn, QueueName=name, QueueUrl=url)


def _queue_policy(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    for url in props["Queues"]:
        ctx.clients("sqs").set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
        )
    ctx.emulated(logical_id, ctx.physical_name(logical_id))


# ----- Cognito -----------------------------------------------------------------------------------------

_POOL_ONLY_IN_CFN = {"UserPoolName", "EnabledMfas", "UserPoolTags"}


def _user_pool(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("UserPoolName") or ctx.physical_name(logical_id)
    args = {k: v for k, v in props.items() if k not in _POOL_ONLY_IN_CFN}
    if "UserPoolTags" in props:
        args["UserPoolTags"] = _tags(props["UserPoolTags"])
    cognito = ctx.clients("cognito-idp")
    pool = cognito.create_user_pool(PoolName=name, **args)["UserPool"]
    if "SOFTWARE_TOKEN_MFA" in (props.get("EnabledMfas") or []):
        cognito.set_user_pool_mfa_config(
            UserPoolId=pool["Id"],
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration=props.get("MfaConfiguration", "OFF"),
        )
    provider = f"cognito-idp.{ctx.region}.amazonaws.com/{pool['Id']}"
    ctx.emulated(
        logical_id,
        pool["Id"],
        pool["Arn"],
        UserPoolId=pool["Id"],
        ProviderName=provider,
        ProviderURL=f"https://{provider}",
    )


def _user_pool_client(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    args = {k: v for k, v in props.items() if k not in {"UserPoolId", "ClientName"}}
    client = ctx.clients("cognito-idp").create_user_pool_client(
        UserPoolId=props["UserPoolId"], ClientName=props.get("ClientName") or logical_id, **args
    )["UserPoolClient"]
    extra = {"ClientSecret": client["ClientSecret"]} if client.get("ClientSecret") else {}
    ctx.emulated(
        logical_id, client["ClientId"], None, ClientId=client["ClientId"], Name=client["ClientName"], **extra
    )


def _user_pool_group(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("GroupName") or ctx.physical_name(logical_id)
    ctx.clients("cognito-idp").create_group(
        GroupName=name, **{k: v for k, v in props.items() if k != "GroupName"}
    )
    ctx.emulated(logical_id, name)


# ----- KMS ------------------------------------------------------------------------------------------------


def _kms_key(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    args: dict[str, Any] = {
        k: props[k] for k in ("Description", "KeyUsage", "KeySpec", "MultiRegion") if k in props
    }
    if "KeyPolicy" in props:
        args["Policy"] = json.dumps(props["KeyPolicy"])
    if "Tags" in props:
        args["Tags"] = [{"TagKey": k, "TagValue": v} for k, v in _tags(props["Tags"]).items()]
    kms = ctx.clients("kms")
    key = kms.create_key(**args)["KeyMetadata"]
    if props.get("EnableKeyRotation"):
        kms.enable_key_rotation(KeyId=key["KeyId"])
    if props.get("Enabled") is False:
        kms.disable_key(KeyId=key["KeyId"])
    ctx.emulated(logical_id, key["KeyId"], key["Arn"], KeyId=key["KeyId"])


def _kms_alias(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    ctx.clients("kms").create_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
    ctx.emulated(logical_id, props["AliasName"])


# ----- SNS and CloudWatch alarms ------------------------------------------------------------------------

_TOPIC_ATTRIBUTES = {
    "KmsMasterKeyId",
    "FifoTopic",
    "ContentBasedDeduplication",
    "DisplayName",
    "SignatureVersion",
}


def _topic(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    fifo = bool(props.get("FifoTopic"))
    name = props.get("TopicName") or ctx.physical_name(logical_id, max_length=250) + (".fifo" if fifo else "")
    attributes = _string_map({k: v for k, v in props.items() if k in _TOPIC_ATTRIBUTES})
    sns = ctx.clients("sns")
    arn = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
    for subscription in props.get("Subscription") or []:
        sns.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
    ctx.emulated(logical_id, arn, arn, TopicArn=arn, TopicName=name)


def _subscription(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    attributes = _string_map(
        {k: v for k, v in props.items() if k in {"RedrivePolicy", "FilterPolicy", "RawMessageDelivery"}}
    )
    arn = ctx.clients("sns").subscribe(
        TopicArn=props["TopicArn"],
        Protocol=props["Protocol"],
        Endpoint=props["Endpoint"],
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    ctx.emulated(logical_id, arn, arn)


def _alarm(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("AlarmName") or ctx.physical_name(logical_id, max_length=255)
    args = {k: v for k, v in props.items() if k != "AlarmName"}
    for key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
        if key in args:
            args[key] = int(args[key])
    if "Threshold" in args:
        args["Threshold"] = float(args["Threshold"])
    cloudwatch = ctx.clients("cloudwatch")
    cloudwatch.put_metric_alarm(AlarmName=name, **args)
    arn = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]
    ctx.emulated(logical_id, name, arn)


# ----- CloudWatch Logs --------------------------------------------------------------------------------


def _log_group(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("LogGroupName") or ctx.physical_name(logical_id, max_length=512)
    logs = ctx.clients("logs")
    logs.create_log_group(logGroupName=name)
    if "RetentionInDays" in props:
        logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    ctx.emulated(logical_id, name, f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:{name}:*")


# ----- CloudFront -------------------------------------------------------------------------------------


def _origin_access_control(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    oac = ctx.clients("cloudfront").create_origin_access_control(
        OriginAccessControlConfig=props["OriginAccessControlConfig"]
    )["OriginAccessControl"]
    ctx.emulated(logical_id, oac["Id"], None, Id=oac["Id"])


def _cloudfront_function(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    cloudfront = ctx.clients("cloudfront")
    created = cloudfront.create_function(
        Name=props["Name"],
        FunctionConfig={k: v for k, v in props["FunctionConfig"].items() if k in {"Comment", "Runtime"}},
        FunctionCode=props["FunctionCode"].encode(),
    )
    arn = created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
    stage = "DEVELOPMENT"
    if props.get("AutoPublish"):
        try:
            cloudfront.publish_function(Name=props["Name"], IfMatch=created["ETag"])
            stage = "LIVE"
        except Exception as exc:  # moto has no PublishFunction; the local origin plays the function anyway
            logger.debug("cloudfront publish_function is not emulated: %s", exc)
    ctx.emulated(logical_id, arn, arn, FunctionARN=arn, Stage=stage, **{"FunctionMetadata.FunctionARN": arn})


def _distribution(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    config = distribution_config(
        props["DistributionConfig"], caller_reference=f"{ctx.deployed.stack_name}-{logical_id}"
    )
    try:
        dist = ctx.clients("cloudfront").create_distribution(DistributionConfig=config)["Distribution"]
    except Exception as exc:  # best effort: the local origin does the distribution's work either way
        logger.warning("CloudFront distribution %s not created in the emulator: %s", logical_id, exc)
        dist_id = _short_id(ctx.deployed.stack_name, logical_id, length=14).upper()
        ctx.deployed.names[logical_id] = dist_id
        ctx.deployed.attributes[(logical_id, "DomainName")] = f"d{dist_id.lower()}.cloudfront.net"
        ctx.deployed.attributes[(logical_id, "Id")] = dist_id
        ctx.deployed.virtual[logical_id] = f"played by the local origin; the emulator refused it: {exc}"
        return
    ctx.emulated(logical_id, dist["Id"], dist["ARN"], DomainName=dist["DomainName"], Id=dist["Id"])


def _quantity(items: list[Any] | None) -> dict[str, Any]:
    items = list(items or [])
    return {"Quantity": len(items), "Items": items} if items else {"Quantity": 0}


def distribution_config(cfn: dict[str, Any], *, caller_reference: str) -> dict[str, Any]:
    """A CloudFormation DistributionConfig in the shape of the CloudFront API (Quantity/Items lists)."""
    out: dict[str, Any] = {
        "CallerReference": caller_reference,
        "Comment": cfn.get("Comment", ""),
        "Enabled": bool(cfn.get("Enabled", True)),
        "Origins": _quantity([_origin(o) for o in cfn["Origins"]]),
        "DefaultCacheBehavior": _behavior(cfn["DefaultCacheBehavior"]),
    }
    if "CacheBehaviors" in cfn:
        out["CacheBehaviors"] = _quantity([_behavior(b) for b in cfn["CacheBehaviors"]])
    if "CustomErrorResponses" in cfn:
        out["CustomErrorResponses"] = _quantity(
            [
                {
                    **{k: v for k, v in e.items() if k != "ResponseCode"},
                    **({"ResponseCode": str(e["ResponseCode"])} if "ResponseCode" in e else {}),
                }
                for e in cfn["CustomErrorResponses"]
            ]
        )
    if "Aliases" in cfn:
        out["Aliases"] = _quantity(cfn["Aliases"])
    if "IPV6Enabled" in cfn:
        out["IsIPV6Enabled"] = bool(cfn["IPV6Enabled"])
    for key in ("DefaultRootObject", "PriceClass", "HttpVersion", "WebACLId", "ViewerCertificate", "Logging"):
        if key in cfn:
            out[key] = cfn[key]
    geo = (cfn.get("Restrictions") or {}).get("GeoRestriction")
    if geo:
        locations = geo.get("Locations") or []
        out["Restrictions"] = {
            "GeoRestriction": {"RestrictionType": geo["RestrictionType"], **_quantity(locations)}
        }
    return out


def _origin(origin: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in origin.items() if k not in {"CustomOriginConfig", "OriginCustomHeaders"}}
    out.setdefault("OriginPath", "")
    if "OriginCustomHeaders" in origin:
        out["CustomHeaders"] = _quantity(origin["OriginCustomHeaders"])
    if "CustomOriginConfig" in origin:
        custom = dict(origin["CustomOriginConfig"])
        protocols = custom.pop("OriginSSLProtocols", ["TLSv1.2"])
        out["CustomOriginConfig"] = {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            **custom,
            "OriginSslProtocols": _quantity(protocols),
        }
    return out


def _behavior(behavior: dict[str, Any]) -> dict[str, Any]:
    out = {
        k: v
        for k, v in behavior.items()
        if k not in {"AllowedMethods", "CachedMethods", "FunctionAssociations", "LambdaFunctionAssociations"}
    }
    allowed = behavior.get("AllowedMethods") or ["GET", "HEAD"]
    out["AllowedMethods"] = {
        **_quantity(allowed),
        "CachedMethods": _quantity(behavior.get("CachedMethods") or ["GET", "HEAD"]),
    }
    out["FunctionAssociations"] = _quantity(behavior.get("FunctionAssociations"))
    out["LambdaFunctionAssociations"] = _quantity(behavior.get("LambdaFunctionAssociations"))
    if "ForwardedValues" in behavior:
        forwarded = dict(behavior["ForwardedValues"])
        for key in ("Headers", "QueryStringCacheKeys"):
            if key in forwarded:
                forwarded[key] = _quantity(forwarded[key])
        out["ForwardedValues"] = forwarded
    return out


DEPLOYERS: dict[str, Deployer] = {
    "AWS::DynamoDB::Table": _table,
    "AWS::Serverless::SimpleTable": _simple_table,
    "AWS::S3::Bucket": _bucket,
    "AWS::S3::BucketPolicy": _bucket_policy,
    "AWS::SQS::Queue": _queue,
    "AWS::SQS::QueuePolicy": _queue_policy,
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
    "AWS::Cognito::UserPoolGroup": _user_pool_group,
    "AWS::KMS::Key": _kms_key,
    "AWS::KMS::Alias": _kms_alias,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::SNS::Topic": _topic,
    "AWS::SNS::Subscription": _subscription,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::CloudFront::OriginAccessControl": _origin_access_control,
    "AWS::CloudFront::Function": _cloudfront_function,
    "AWS::CloudFront::Distribution": _distribution,
}
