"""Create the transformed template's resources in an AWS endpoint (moto server, or in-process moto in tests).

`deploy(transformed, clients)` is what CloudFormation does with what `sam deploy` sends: it keeps the
resources the parameters' conditions keep, walks them in the rehearsal's deployment order
(newsdesk_local.rehearsal, so a template CloudFormation would refuse for a cycle is refused here with the
same message), resolves their intrinsics against what is already created, and creates each one with the
API calls CloudFormation would make. `deploy_template(template, clients)` transforms template.yaml first,
as `sam deploy` does.

What the emulator cannot hold is listed in NOT_HELD, type by type, with what stands in for it locally and
the names its Ref and Fn::GetAtt give. A type in neither DEPLOYERS nor NOT_HELD stops the deployment: the
local stack never makes up a resource it does not know. The result is a `Deployed`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import deployment_order, kept_resources, parameter_values, sam_transform
from newsdesk_local.template import Deployed, create_table_arguments

logger = logging.getLogger(__name__)

ClientFactory = Callable[[str], Any]
Deployer = Callable[["_Context", str, dict[str, Any]], None]


class DeployError(RuntimeError):
    """The template cannot be deployed locally (an unknown resource type, or an emulator call failed)."""


def clients_from(session: Any, endpoint_url: str | None = None) -> ClientFactory:
    """A cached client factory over a boto3 Session (and the emulator's endpoint, if given)."""
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = session.client(service, endpoint_url=endpoint_url)
        return made[service]

    return client


def deploy_template(
    template: dict[str, Any],
    session_or_clients: Any,
    *,
    stack_name: str = "newsdesk-local",
    parameters: Mapping[str, str] | None = None,
) -> Deployed:
    """Transform a SAM template as `sam deploy` does, then deploy what CloudFormation would receive."""
    transformed = sam_transform(template, parameters)
    return deploy(transformed, session_or_clients, stack_name=stack_name, parameters=parameters)


def deploy(
    transformed: dict[str, Any],
    session_or_clients: Any,
    *,
    stack_name: str = "newsdesk-local",
    parameters: Mapping[str, str] | None = None,
) -> Deployed:
    """Create the resources of a transformed template in CloudFormation's order; return what was made.

    Raises RehearsalError if CloudFormation could not order them (a cycle), DeployError if one of them
    cannot be created locally.
    """
    overrides = dict(parameters or {})
    kept = kept_resources(transformed, overrides)
    order = deployment_order(kept)
    clients = session_or_clients if callable(session_or_clients) else clients_from(session_or_clients)
    region = clients("sts").meta.region_name
    try:
        account_id = clients("sts").get_caller_identity()["Account"]
    except Exception:  # an emulator without STS: CloudFormation's own default is as good as any
        account_id = Deployed().account_id
    deployed = Deployed(
        stack_name=stack_name,
        region=region,
        account_id=account_id,
        resources=kept,
        parameters=parameter_values(transformed, overrides),
    )
    ctx = _Context(clients, deployed, Resolver(deployed))
    for logical_id in order:
        kind = kept[logical_id]["Type"]
        if kind in NOT_HELD:
            stand_in, values = NOT_HELD[kind]
            values(ctx, logical_id)
            deployed.not_held[logical_id] = stand_in
            continue
        deployer = DEPLOYERS.get(kind)
        if deployer is None:
            raise DeployError(
                f"{logical_id} ({kind}): the local stack can neither create nor stand in for this type; "
                "add it to newsdesk_local.deploy.DEPLOYERS or NOT_HELD"
            )
        props = ctx.resolver.resolve(kept[logical_id].get("Properties") or {})
        try:
            deployer(ctx, logical_id, props)
        except Exception as exc:
            raise DeployError(f"{logical_id} ({kind}) could not be created locally: {exc}") from exc
    not_held = Counter(kept[name]["Type"] for name in deployed.not_held)
    logger.info(
        "%d resources created in the emulator in CloudFormation's order; not held: %s",
        len(deployed.emulated),
        ", ".join(f"{count} {kind} ({NOT_HELD[kind][0]})" for kind, count in sorted(not_held.items())),
    )
    return deployed


# ----- context ---------------------------------------------------------------------------------------


@dataclass
class _Context:
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
        """Created in the emulator: what its Ref and Fn::GetAtt give."""
        self.stands_in(logical_id, ref, arn, **attributes)
        self.deployed.emulated.append(logical_id)

    def stands_in(self, logical_id: str, ref: str, arn: str | None = None, **attributes: str) -> None:
        """Not in the emulator (NOT_HELD): what its Ref and Fn::GetAtt give all the same."""
        self.deployed.names[logical_id] = ref
        if arn is not None:
            self.deployed.arns[logical_id] = arn
        for name, value in attributes.items():
            self.deployed.attributes[(logical_id, name)] = value


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


# ----- what the emulator cannot hold ----------------------------------------------------------------


def _function(ctx: _Context, logical_id: str) -> None:
    name = ctx.physical_name(logical_id, max_length=64)
    ctx.stands_in(logical_id, name, f"arn:aws:lambda:{ctx.region}:{ctx.account}:function:{name}")


def _layer(ctx: _Context, logical_id: str) -> None:
    name = ctx.physical_name(logical_id, max_length=140)
    ctx.stands_in(logical_id, f"arn:aws:lambda:{ctx.region}:{ctx.account}:layer:{name}:1")


def _role(ctx: _Context, logical_id: str) -> None:
    name = ctx.physical_name(logical_id, max_length=64)
    ctx.stands_in(logical_id, name, f"arn:aws:iam::{ctx.account}:role/{name}")


def _rest_api(ctx: _Context, logical_id: str) -> None:
    api_id = _short_id(ctx.deployed.stack_name, logical_id)
    ctx.stands_in(logical_id, api_id, None, RootResourceId=_short_id(api_id, "root", length=6))


def _event_rule(ctx: _Context, logical_id: str) -> None:
    name = ctx.physical_name(logical_id, max_length=64)
    ctx.stands_in(logical_id, name, f"arn:aws:events:{ctx.region}:{ctx.account}:rule/{name}")


def _named(ctx: _Context, logical_id: str) -> None:
    """A Ref to it is its name (nothing in the template asks these for more)."""
    ctx.stands_in(logical_id, ctx.physical_name(logical_id))


def _response_headers_policy(ctx: _Context, logical_id: str) -> None:
    policy_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ctx.deployed.stack_name}/{logical_id}"))
    ctx.stands_in(logical_id, policy_id, None, Id=policy_id)


def _web_acl(ctx: _Context, logical_id: str) -> None:
    name = ctx.physical_name(logical_id)
    acl_id = _short_id(name, length=36)
    arn = f"arn:aws:wafv2:{ctx.region}:{ctx.account}:regional/webacl/{name}/{acl_id}"
    ctx.stands_in(logical_id, f"{name}|{acl_id}|REGIONAL", arn, Id=acl_id)


# Type -> (what stands in for it locally, the names its Ref and Fn::GetAtt give).
NOT_HELD: dict[str, tuple[str, Callable[[_Context, str], None]]] = {
    "AWS::Lambda::Function": (
        "runs in-process (newsdesk_local.runtime), from the code folder its S3 key names",
        _function,
    ),
    "AWS::Lambda::LayerVersion": ("its code (the newsdesk package) is installed in the virtualenv", _layer),
    "AWS::Lambda::EventSourceMapping": ("played by a poller (newsdesk_local.pollers)", _named),
    "AWS::Lambda::Permission": (
        "the local API invokes its functions directly; nothing checks invoke permissions",
        _named,
    ),
    "AWS::IAM::Role": (
        "functions run in-process with the emulator's keys, and the emulator does not enforce IAM "
        "(`make lint`'s rehearsal checks the policies)",
        _role,
    ),
    "AWS::ApiGateway::RestApi": (
        "played by the local origin from its OpenAPI Body (newsdesk_local.apigateway)",
        _rest_api,
    ),
    "AWS::ApiGateway::Deployment": ("the local origin serves the API as the template is now", _named),
    "AWS::ApiGateway::Stage": (
        "the local origin serves the stage under its name; no throttling, access logs or tracing",
        _named,
    ),
    "AWS::Scheduler::Schedule": (
        "recurring schedules are not run locally (`newsdesk rebuild` re-renders everything); the one-shot "
        "schedules of articles are (newsdesk_local.schedules)",
        _named,
    ),
    "AWS::CloudFront::ResponseHeadersPolicy": (
        "moto has no response headers policies: the local origin applies the template's (newsdesk_local.cdn)",
        _response_headers_policy,
    ),
    "AWS::Events::Rule": (
        "S3 Object Created rules are played by a poller of the bucket (newsdesk_local.object_events); "
        "no other event reaches EventBridge locally",
        _event_rule,
    ),
    "AWS::Lambda::EventInvokeConfig": (
        "its retries and on-failure queue are played with the rule it serves (newsdesk_local.object_events)",
        _named,
    ),
    "AWS::WAFv2::WebACL": ("no WAF in front of the local origin: its rate rule does not apply", _web_acl),
    "AWS::WAFv2::WebACLAssociation": ("no WAF in front of the local origin", _named),
}


# ----- DynamoDB ----------------------------------------------------------------------------------------


def _table(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("TableName") or ctx.physical_name(logical_id, max_length=255)
    ddb = ctx.clients("dynamodb")
    description = ddb.create_table(**create_table_arguments(props, name))["TableDescription"]
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
        rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]} for r in rules
                ]
            },
        )
    if "LifecycleConfiguration" in props:
        rules = [_lifecycle_rule(rule) for rule in props["LifecycleConfiguration"]["Rules"]]
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    ctx.emulated(
        logical_id,
        name,
        f"arn:aws:s3:::{name}",
        DomainName=f"{name}.s3.amazonaws.com",
        RegionalDomainName=f"{name}.s3.{ctx.region}.amazonaws.com",
    )


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the shape of PutBucketLifecycleConfiguration."""
    out: dict[str, Any] = {
        "Status": rule.get("Status", "Enabled"),
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "Id" in rule:
        out["ID"] = rule["Id"]
    if "NoncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {
            k: int(v) for k, v in rule["NoncurrentVersionExpiration"].items()
        }
    return out


def _bucket_policy(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    """The policy without its conditional statements: moto has no request context to check a Condition
    against and treats every conditional statement, Allow or Deny, as a denial of all access. Statements
    for a service principal are left out too: moto cannot tell principals apart, so a Deny to CloudFront
    would deny every caller (the local CDN plays those: newsdesk_local.cdn.denied_to_cloudfront)."""
    document = dict(props["PolicyDocument"])
    statements = document.get("Statement") or []
    statements = statements if isinstance(statements, list) else [statements]

    def applicable(statement: dict[str, Any]) -> bool:
        principal = statement.get("Principal")
        return "Condition" not in statement and not (isinstance(principal, dict) and "Service" in principal)

    kept = [s for s in statements if applicable(s)]
    left_out = [str(s.get("Sid", f"#{i}")) for i, s in enumerate(statements) if not applicable(s)]
    if left_out:
        logger.info(
            "%s: statements %s (conditional, or for a service) not applied in the emulator",
            logical_id,
            ", ".join(left_out),
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
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    ctx.emulated(logical_id, url, arn, QueueName=name, QueueUrl=url)


def _queue_policy(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    for url in props["Queues"]:
        ctx.clients("sqs").set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
        )
    ctx.emulated(logical_id, ctx.physical_name(logical_id))


# ----- Cognito -----------------------------------------------------------------------------------------

_POOL_ONLY_IN_CFN = {"UserPoolName", "EnabledMfas"}


def _user_pool(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("UserPoolName") or ctx.physical_name(logical_id)
    args = {k: v for k, v in props.items() if k not in _POOL_ONLY_IN_CFN}
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
    ctx.emulated(logical_id, client["ClientId"], None, ClientId=client["ClientId"], Name=client["ClientName"])


def _user_pool_group(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("GroupName") or ctx.physical_name(logical_id)
    ctx.clients("cognito-idp").create_group(
        GroupName=name, **{k: v for k, v in props.items() if k != "GroupName"}
    )
    ctx.emulated(logical_id, name)


# ----- KMS ------------------------------------------------------------------------------------------------


def _kms_key(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    args: dict[str, Any] = {k: props[k] for k in ("Description", "KeyUsage", "KeySpec") if k in props}
    if "KeyPolicy" in props:
        args["Policy"] = json.dumps(props["KeyPolicy"])
    kms = ctx.clients("kms")
    key = kms.create_key(**args)["KeyMetadata"]
    if props.get("EnableKeyRotation"):
        kms.enable_key_rotation(KeyId=key["KeyId"])
    ctx.emulated(logical_id, key["KeyId"], key["Arn"], KeyId=key["KeyId"])


# ----- SNS and CloudWatch alarms ------------------------------------------------------------------------

_TOPIC_ATTRIBUTES = {"KmsMasterKeyId", "DisplayName", "SignatureVersion"}


def _topic(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("TopicName") or ctx.physical_name(logical_id, max_length=256)
    attributes = _string_map({k: v for k, v in props.items() if k in _TOPIC_ATTRIBUTES})
    arn = ctx.clients("sns").create_topic(Name=name, Attributes=attributes)["TopicArn"]
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


# ----- EventBridge Scheduler -------------------------------------------------------------------------


def _schedule_group(ctx: _Context, logical_id: str, props: dict[str, Any]) -> None:
    """Held in the emulator: the editor API writes its one-shot schedules there, and the local stack's
    schedule poller (newsdesk_local.schedules) fires the due ones."""
    name = props.get("Name") or ctx.physical_name(logical_id, max_length=64)
    arn = ctx.clients("scheduler").create_schedule_group(Name=name)["ScheduleGroupArn"]
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
    dist = ctx.clients("cloudfront").create_distribution(DistributionConfig=config)["Distribution"]
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
    for key in ("DefaultRootObject", "PriceClass", "HttpVersion"):
        if key in cfn:
            out[key] = cfn[key]
    if "ViewerCertificate" in cfn:
        renames = {"AcmCertificateArn": "ACMCertificateArn", "SslSupportMethod": "SSLSupportMethod"}
        out["ViewerCertificate"] = {renames.get(k, k): v for k, v in cfn["ViewerCertificate"].items()}
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
    out = {k: v for k, v in behavior.items() if k not in {"AllowedMethods", "FunctionAssociations"}}
    allowed = behavior.get("AllowedMethods") or ["GET", "HEAD"]
    out["AllowedMethods"] = {**_quantity(allowed), "CachedMethods": _quantity(["GET", "HEAD"])}
    out["FunctionAssociations"] = _quantity(behavior.get("FunctionAssociations"))
    return out


DEPLOYERS: dict[str, Deployer] = {
    "AWS::DynamoDB::Table": _table,
    "AWS::S3::Bucket": _bucket,
    "AWS::S3::BucketPolicy": _bucket_policy,
    "AWS::SQS::Queue": _queue,
    "AWS::SQS::QueuePolicy": _queue_policy,
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
    "AWS::Cognito::UserPoolGroup": _user_pool_group,
    "AWS::KMS::Key": _kms_key,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::SNS::Topic": _topic,
    "AWS::SNS::Subscription": _subscription,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::Scheduler::ScheduleGroup": _schedule_group,
    "AWS::CloudFront::OriginAccessControl": _origin_access_control,
    "AWS::CloudFront::Function": _cloudfront_function,
    "AWS::CloudFront::Distribution": _distribution,
}
