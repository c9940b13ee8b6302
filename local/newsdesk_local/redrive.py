"""`newsdesk redrive`: replay the dead-letter queues, on the local stack or a deployed one.

Locally the redrive runs in this process, against the emulator, with the environment the template gives
RedriveFunction: the resources it names are found in the emulator by the names the local deploy gives
them (`{stack}-{LogicalId}`; the distribution by its comment, the KMS keys by their description). On a
deployed stack it invokes RedriveFunction (named in the stack's outputs).
"""

from __future__ import annotations

import json
from typing import Any

from newsdesk_local.functions import function_environment
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import kept_resources, parameter_values, sam_transform
from newsdesk_local.template import Deployed

FUNCTION = "RedriveFunction"


def find_resources(
    template: dict[str, Any],
    clients: dict[str, Any],
    *,
    stack_name: str,
    region: str,
    parameters: dict[str, str],
) -> Deployed:
    """What the local deploy made of the transformed template's tables, buckets, queues, KMS keys and
    distribution, found in the emulator by the names the deploy gives them."""
    transformed = sam_transform(template, parameters)
    kept = kept_resources(transformed, parameters)
    deployed = Deployed(
        stack_name=stack_name,
        region=region,
        resources=kept,
        parameters=parameter_values(transformed, parameters),
    )

    def of_type(type_name: str) -> dict[str, dict[str, Any]]:
        return deployed.of_type(type_name)

    for logical_id in of_type("AWS::DynamoDB::Table"):
        name = f"{stack_name}-{logical_id}"
        table = clients["dynamodb"].describe_table(TableName=name)["Table"]
        deployed.names[logical_id] = name
        deployed.arns[logical_id] = table["TableArn"]
        if "LatestStreamArn" in table:
            deployed.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]
    for logical_id in of_type("AWS::S3::Bucket"):
        deployed.names[logical_id] = f"{stack_name}-{logical_id}".lower()[:63]
    for logical_id in of_type("AWS::SQS::Queue"):
        url = clients["sqs"].get_queue_url(QueueName=f"{stack_name}-{logical_id}")["QueueUrl"]
        arn = clients["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        deployed.names[logical_id] = url
        deployed.arns[logical_id] = arn["QueueArn"]
        deployed.attributes[(logical_id, "QueueUrl")] = url
    keys = [
        clients["kms"].describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        for k in clients["kms"].list_keys().get("Keys", [])
    ]
    for logical_id, key in of_type("AWS::KMS::Key").items():
        description = (key.get("Properties") or {}).get("Description")
        for metadata in keys:
            if metadata.get("Description") == description and metadata.get("KeyState") == "Enabled":
                deployed.names[logical_id] = metadata["KeyId"]
                deployed.arns[logical_id] = metadata["Arn"]
    resolver = Resolver(deployed)
    distributions = clients["cloudfront"].list_distributions().get("DistributionList", {}).get("Items", [])
    for logical_id, dist in of_type("AWS::CloudFront::Distribution").items():
        comment = resolver.resolve(
            ((dist.get("Properties") or {}).get("DistributionConfig") or {}).get("Comment")
        )
        for summary in distributions:
            if summary.get("Comment") == comment:
                deployed.names[logical_id] = summary["Id"]
                deployed.attributes[(logical_id, "DomainName")] = summary["DomainName"]
    return deployed


def redrive_environment(
    template: dict[str, Any], clients: dict[str, Any], *, stack_name: str, region: str, site_url: str
) -> dict[str, str]:
    """RedriveFunction's environment in the running local stack (its site at `site_url`)."""
    parameters = {"SiteUrl": site_url} if "SiteUrl" in (template.get("Parameters") or {}) else {}
    deployed = find_resources(template, clients, stack_name=stack_name, region=region, parameters=parameters)
    return function_environment(deployed, FUNCTION)


def run_local(environment: dict[str, str]) -> dict[str, Any]:
    """Run the redrive in this process, with the function's environment (boto3 pointed at the emulator)."""
    from newsdesk.wiring.redrive import Redrive
    from newsdesk.wiring.settings import RedriveSettings

    settings = RedriveSettings.from_env({k.upper(): v for k, v in environment.items()})
    return Redrive.from_settings(settings).run().to_dict()


def run_deployed(clients: dict[str, Any], *, stack_name: str) -> dict[str, Any]:
    """Invoke the deployed stack's RedriveFunction and return its report."""
    stack = clients["cloudformation"].describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    response = clients["lambda"].invoke(
        FunctionName=outputs["RedriveFunctionName"], InvocationType="RequestResponse", Payload=b"{}"
    )
    payload: dict[str, Any] = json.loads(response["Payload"].read())
    if response.get("FunctionError"):
        raise RuntimeError(f"the redrive function failed: {payload}")
    return payload


def describe(report: dict[str, Any]) -> str:
    """The report in a few lines, per queue: what was replayed, what is left and why."""
    lines = []
    for part in ("render", "comments"):
        queue = report[part]
        line = f"{part}: {queue['replayed']} replayed, {queue['left']} left"
        if queue["items"]:
            line += f" ({', '.join(queue['items'])})"
        lines.append(line)
        lines += [f"  not replayed {message}: {why}" for message, why in queue["not_replayed"].items()]
        if queue["more"]:
            lines.append("  more messages are waiting: run `newsdesk redrive` again")
    if all(report[p]["replayed"] == 0 and report[p]["left"] == 0 for p in ("render", "comments")):
        lines.append("Nothing to replay: the dead-letter queues are empty.")
    return "\n".join(lines)
