"""Deploy rehearsal: would CloudFormation create the stack that `sam deploy` sends?

Nothing here reaches AWS. The template is transformed with AWS's SAM translator exactly as `sam deploy`
does (after `sam build` and `sam package` have turned every CodeUri/ContentUri into an S3 location), once
per parameter set (the defaults, and every optional parameter set), and then checked the way
CloudFormation would order it:

- the resources that the parameter set's conditions keep form a dependency graph (Ref, Fn::GetAtt,
  Fn::Sub and DependsOn, in the Fn::If branches the conditions take) with no cycle;
- every Ref and Fn::GetAtt names a resource, parameter or pseudo parameter that exists, and every
  Fn::GetAtt names an attribute that resource type has (cfn-lint's resource schemas);
- every alarm can notify: a topic it publishes to is unencrypted or encrypted with a key of the stack
  whose policy lets CloudWatch use it (the AWS-managed `alias/aws/sns` key cannot be used by CloudWatch);
- every IAM policy the stack creates passes parliament, a maintained IAM policy linter.

What the rehearsal cannot prove (service quotas, names already taken in the account, what AWS itself
refuses at create time) only a real `sam deploy` shows; the README says so.

`python -m newsdesk_local.rehearsal [TEMPLATE]` prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import re
import sys
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from newsdesk_local.template import TEMPLATE_PATH, TemplateError, load_template

REGION = "us-east-1"
ACCOUNT = "123456789012"
ARTIFACT_BUCKET = "newsdesk-sam-artifacts"
PSEUDO_PARAMETERS: dict[str, Any] = {
    "AWS::AccountId": ACCOUNT,
    "AWS::NotificationARNs": [],
    "AWS::NoValue": None,
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/newsdesk/0d1c2b3a-4e5f-6a7b-8c9d",
    "AWS::StackName": "newsdesk",
    "AWS::URLSuffix": "amazonaws.com",
}

# Every optional parameter set, as an operator with a custom domain, an alarm address and the WAF rule
# would deploy it. The defaults are the other set.
FULL_PARAMETERS = {
    "SiteUrl": "https://news.example.com",
    "SiteCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0d1c2b3a-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    "AlarmEmail": "newsroom-ops@example.com",
    "CommentRateLimit": "100",
}
PARAMETER_SETS: dict[str, dict[str, str]] = {
    "default parameters": {},
    "every optional parameter": FULL_PARAMETERS,
}

# Code locations as `sam package` leaves them for `sam deploy`.
_CODE_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


class RehearsalError(RuntimeError):
    """The template cannot even be loaded or transformed."""


@dataclass
class Findings:
    """What the rehearsal found, for one parameter set."""

    parameter_set: str
    cycles: list[list[str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    resources: int = 0

    def lines(self) -> list[str]:
        out = [f"cycle: {' -> '.join(c + c[:1])}" for c in self.cycles]
        out += [f"missing: {m}" for m in self.missing]
        out += [f"alarm: {a}" for a in self.alarms]
        out += [f"iam: {p}" for p in self.policies]
        return [f"[{self.parameter_set}] {line}" for line in out]

    @property
    def ok(self) -> bool:
        return not (self.cycles or self.missing or self.alarms or self.policies)


# ----- loading and transforming ------------------------------------------------------------------


def load(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as cfn-lint's decoder reads it (a copy: transforming it must not change the cache)."""
    try:
        return copy.deepcopy(load_template(path))
    except TemplateError as exc:
        raise RehearsalError(str(exc)) from exc


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam build` + `sam package` hand it to `sam deploy`: code in S3, not in folders.

    The object key is the code's folder (`functions/editor_api/` → `functions/editor_api.zip`), where
    `sam package` would use a digest of its contents: code_folder() leads the local stack back to it.
    """
    out = copy.deepcopy(template)
    for resource in (out.get("Resources") or {}).values():
        prop = _CODE_PROPERTIES.get(resource.get("Type", ""))
        props = resource.setdefault("Properties", {})
        if prop and prop in props and isinstance(props[prop], str):
            folder = PurePosixPath(props[prop]).as_posix()
            props[prop] = f"s3://{ARTIFACT_BUCKET}/{folder}.zip"
    return out


def code_folder(s3_key: str) -> str:
    """The folder (relative to the template) whose code packaged() put at this object key."""
    return s3_key.removesuffix(".zip")


def parameter_values(template: dict[str, Any], overrides: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if name in overrides:
            values[name] = overrides[name]
        elif "Default" in spec:
            values[name] = spec["Default"]
    unknown = set(overrides) - set(template.get("Parameters") or {})
    if unknown:
        raise RehearsalError(f"the template has no parameter {', '.join(sorted(unknown))}")
    return values


def sam_transform(template: dict[str, Any], parameters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What CloudFormation receives from `sam deploy`: the SAM translator's output for this template."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # feature-toggle chatter, not findings
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        """Named managed policies would be looked up in IAM; the template uses inline statements only."""

        def load(self) -> dict[str, str]:
            return {}

    values = {**parameter_values(template, parameters or {}), **PSEUDO_PARAMETERS}
    try:
        return transform(packaged(template), values, NoManagedPolicies())
    except Exception as exc:  # the translator raises its own exception types, with the reasons inside
        raise RehearsalError(f"the SAM transform refuses the template: {exc}") from exc


@cache
def transformed_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as `sam deploy` sends it with the default parameters, transformed once per process
    (for tests and tools that only read it: do not change the dict)."""
    return sam_transform(load(path))


# ----- conditions ----------------------------------------------------------------------------------


class Conditions:
    """Evaluates Conditions and Fn::If for one set of parameter values, as CloudFormation does first."""

    def __init__(self, template: dict[str, Any], values: Mapping[str, Any]) -> None:
        self.template = template
        self.values = {**PSEUDO_PARAMETERS, **values}
        self._cache: dict[str, bool] = {}

    def holds(self, name: str) -> bool:
        if name not in self._cache:
            definition = (self.template.get("Conditions") or {}).get(name)
            if definition is None:
                raise RehearsalError(f"Condition {name} is not defined")
            self._cache[name] = bool(self._value(definition))
        return self._cache[name]

    def _value(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.values.get(arg)
            if key == "Condition":
                return self.holds(arg)
            if key == "Fn::Equals":
                left, right = (self._value(a) for a in arg)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self._value(arg[0])
            if key == "Fn::And":
                return all(self._value(a) for a in arg)
            if key == "Fn::Or":
                return any(self._value(a) for a in arg)
            if key == "Fn::If":
                name, then, otherwise = arg
                return self._value(then if self.holds(name) else otherwise)
        return node

    def prune(self, node: Any) -> Any:
        """`node` with every Fn::If replaced by the branch taken (AWS::NoValue removed)."""
        if isinstance(node, dict):
            if set(node) == {"Fn::If"}:
                name, then, otherwise = node["Fn::If"]
                return self.prune(then if self.holds(name) else otherwise)
            if node == {"Ref": "AWS::NoValue"}:
                return _NO_VALUE
            pruned = {k: self.prune(v) for k, v in node.items()}
            return {k: v for k, v in pruned.items() if v is not _NO_VALUE}
        if isinstance(node, list):
            return [v for v in (self.prune(x) for x in node) if v is not _NO_VALUE]
        return node


_NO_VALUE: Any = object()


def kept_resources(
    template: dict[str, Any], overrides: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """The resources CloudFormation creates with these parameters (the rest at their defaults), with the
    Fn::If branches they take."""
    conditions = Conditions(template, parameter_values(template, overrides or {}))
    kept = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        condition = resource.get("Condition")
        if condition is None or conditions.holds(condition):
            kept[logical_id] = conditions.prune(resource)
    return kept


# ----- references and order ----------------------------------------------------------------------


def references(node: Any) -> Iterator[tuple[str, str | None]]:
    """(name, attribute) for every Ref (attribute None), Fn::GetAtt and ${...} of Fn::Sub under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield value, None
            elif key == "Fn::GetAtt":
                parts = value if isinstance(value, list) else str(value).split(".", 1)
                yield str(parts[0]), ".".join(str(p) for p in parts[1:]) or None
            elif key == "Fn::Sub":
                text, local = (value, {}) if isinstance(value, str) else (value[0], value[1])
                for variable in _SUB_VARIABLE.findall(text):
                    name, _, attribute = variable.partition(".")
                    if name not in local:
                        yield name, attribute or None
                yield from references(local)
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def dependencies(resources: Mapping[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Logical id -> the resources it must wait for (its references and DependsOn)."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        body = {k: v for k, v in resource.items() if k not in {"DependsOn", "Condition", "Type"}}
        needs = {name for name, _ in references(body) if name in resources}
        depends_on = resource.get("DependsOn") or []
        needs |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        graph[logical_id] = needs
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of resources that wait for each other (Tarjan), each as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def closed_walks(group: list[str], graph: Mapping[str, set[str]]) -> list[list[str]]:
    """For each edge leaving a member of a strongly connected group, the shortest way back: the loops a
    reader can follow (A -> B -> C -> A), each once."""
    members = set(group)
    walks: list[list[str]] = []
    for start in group:
        for first in sorted(graph[start] & members):
            trail = _shortest_path(first, start, graph, members)
            walk = [start, *trail[:-1]]
            turned = walk[walk.index(min(walk)) :] + walk[: walk.index(min(walk))]
            if turned not in walks:
                walks.append(turned)
    return walks


def _shortest_path(source: str, target: str, graph: Mapping[str, set[str]], members: set[str]) -> list[str]:
    previous: dict[str, str | None] = {source: None}
    queue = [source]
    while queue:
        node = queue.pop(0)
        if node == target:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in sorted(graph[node] & members):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return [target]


def deployment_order(resources: Mapping[str, dict[str, Any]]) -> list[str]:
    """The order CloudFormation could create the resources in (each after what it waits for); ties by
    name, so the order is the same every time. Raises RehearsalError on a cycle."""
    graph = dependencies(resources)
    found = cycles(graph)
    if found:
        walks = [walk for group in found for walk in closed_walks(group, graph)]
        raise RehearsalError("; ".join(f"cycle: {' -> '.join(w + w[:1])}" for w in walks))
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(graph):
        ready = sorted(n for n, needs in graph.items() if n not in done and needs <= done)
        order += ready
        done |= set(ready)
    return order


def missing_references(
    resources: Mapping[str, dict[str, Any]], parameters: set[str], outputs: Mapping[str, Any] | None = None
) -> list[str]:
    """References to nothing: an unknown resource, parameter or pseudo parameter, or an attribute the
    resource's type does not have."""
    problems = []
    places: list[tuple[str, Any]] = list(resources.items())
    places += [(f"Outputs.{name}", body) for name, body in (outputs or {}).items()]
    for where, body in places:
        depends_on = body.get("DependsOn") if isinstance(body, dict) else None
        problems += [f"{where} DependsOn {n}" for n in _as_list(depends_on) if n not in resources]
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k != "DependsOn"}
        for name, attribute in references(body):
            if name in resources:
                kind = resources[name]["Type"]
                if attribute is not None and not _has_attribute(kind, attribute):
                    problems.append(f"{where} -> {name}.{attribute} (no such attribute of {kind})")
            elif attribute is not None or (name not in parameters and name not in PSEUDO_PARAMETERS):
                problems.append(f"{where} -> {name}{'.' + attribute if attribute else ''}")
    return sorted(set(problems))


def _has_attribute(type_name: str, attribute: str) -> bool:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, type_name)
    except Exception:  # a type cfn-lint has no schema for: nothing to check against
        return True
    attributes = schema.get_atts
    return attribute in attributes or any(
        re.fullmatch(name.replace(".", r"\.").replace("*", ".*"), attribute) for name in attributes
    )


# ----- alarms that can be delivered ------------------------------------------------------------------


def undeliverable_alarms(resources: Mapping[str, dict[str, Any]]) -> list[str]:
    """Alarms whose actions publish to a topic that CloudWatch cannot use."""
    problems = []
    for name, resource in sorted(resources.items()):
        if resource.get("Type") != "AWS::CloudWatch::Alarm":
            continue
        props = resource.get("Properties") or {}
        for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            for action in props.get(key) or []:
                topic = _topic_of(action, resources)
                if topic is None:
                    continue
                reason = _topic_refuses_cloudwatch(topic, resources)
                if reason:
                    problems.append(f"{name}.{key} -> {topic}: {reason}")
    return problems


def _topic_of(action: Any, resources: Mapping[str, dict[str, Any]]) -> str | None:
    refs = [n for n, _ in references(action) if resources.get(n, {}).get("Type") == "AWS::SNS::Topic"]
    return refs[0] if refs else None


def _topic_refuses_cloudwatch(topic: str, resources: Mapping[str, dict[str, Any]]) -> str | None:
    key = (resources[topic].get("Properties") or {}).get("KmsMasterKeyId")
    if key is None:
        return None
    if isinstance(key, str):
        return f"encrypted with {key}, a key whose policy CloudWatch cannot be added to"
    key_names = [n for n, _ in references(key) if resources.get(n, {}).get("Type") == "AWS::KMS::Key"]
    if not key_names:
        return "encrypted with a key outside the stack; the rehearsal cannot read its policy"
    policy = (resources[key_names[0]].get("Properties") or {}).get("KeyPolicy") or {}
    for statement in _as_list(policy.get("Statement")):
        principal = statement.get("Principal") or {}
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        actions = {a.lower() for a in _as_list(statement.get("Action"))}
        grants = statement.get("Effect") == "Allow" and "cloudwatch.amazonaws.com" in services
        if (
            grants
            and {"kms:decrypt"} <= actions
            and any(a.startswith("kms:generatedatakey") for a in actions)
        ):
            return None
    return (
        f"key {key_names[0]} does not let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*)"
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ----- IAM policies --------------------------------------------------------------------------------

# What a Ref and a GetAtt give, by resource type, with the physical name `{name}` the rehearsal makes up.
_REF = {
    "AWS::SQS::Queue": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{{name}}",
    "AWS::SNS::Topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:{{name}}",
    "AWS::Lambda::LayerVersion": f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{{name}}:1",
    "AWS::KMS::Key": "0d1c2b3a-4e5f-6a7b-8c9d-{name12}",
    "AWS::CloudFront::Distribution": "E{NAME12}",
    "AWS::ApiGateway::RestApi": "{name10}",
}
_ARN = {
    "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{{name}}",
    "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{{name}}",
    "AWS::KMS::Key": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0d1c2b3a-4e5f-6a7b-8c9d-{{name12}}",
    "AWS::S3::Bucket": "arn:aws:s3:::{name}",
    "AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{{name}}",
    "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT}:role/{{name}}",
    "AWS::Cognito::UserPool": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_{{name10}}",
    "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{{name}}:*",
    "AWS::WAFv2::WebACL": f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/{{name}}/{{name12}}",
    "AWS::Scheduler::ScheduleGroup": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/{{name}}",
}
_ATTRIBUTES = {
    (
        "AWS::DynamoDB::Table",
        "StreamArn",
    ): f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{{name}}/stream/2026-01-01T00:00:00.000",
    ("AWS::SQS::Queue", "QueueName"): "{name}",
    ("AWS::SQS::Queue", "QueueUrl"): f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{{name}}",
    ("AWS::SNS::Topic", "TopicArn"): f"arn:aws:sns:{REGION}:{ACCOUNT}:{{name}}",
}


def _physical(logical_id: str, pattern: str) -> str:
    lower = re.sub(r"[^a-z0-9]", "", logical_id.lower())
    digest = (lower * 3)[:12].ljust(12, "0")
    return (
        pattern.replace("{name12}", digest)
        .replace("{NAME12}", digest.upper())
        .replace("{name10}", digest[:10])
        .replace("{name}", f"newsdesk-{logical_id}")
    )


def placeholder(resources: Mapping[str, dict[str, Any]], name: str, attribute: str | None) -> str:
    """A realistic value for a Ref or GetAtt of the stack, so a policy linter sees real-looking ARNs."""
    if name in PSEUDO_PARAMETERS:
        return str(PSEUDO_PARAMETERS[name])
    type_name = resources.get(name, {}).get("Type", "")
    if attribute is None:
        return _physical(name, _REF.get(type_name, "{name}"))
    if attribute == "Arn" and type_name in _ARN:
        return _physical(name, _ARN[type_name])
    return _physical(name, _ATTRIBUTES.get((type_name, attribute), "{name}-" + attribute.lower()))


def resolve_for_policy(node: Any, resources: Mapping[str, dict[str, Any]], values: Mapping[str, Any]) -> Any:
    """Intrinsics in a policy document, replaced by placeholder values (parameters by their values)."""
    if isinstance(node, dict):
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return str(values[arg]) if arg in values else placeholder(resources, arg, None)
            if key == "Fn::GetAtt":
                parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
                return placeholder(resources, parts[0], ".".join(parts[1:]))
            if key == "Fn::Sub":
                text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

                def variable(match: re.Match[str]) -> str:
                    name, _, attribute = match.group(1).partition(".")
                    if name in local:
                        return str(resolve_for_policy(local[name], resources, values))
                    if name in values and not attribute:
                        return str(values[name])
                    return placeholder(resources, name, attribute or None)

                return _SUB_VARIABLE.sub(variable, text)
            if key == "Fn::Join":
                separator, items = arg
                return separator.join(str(resolve_for_policy(i, resources, values)) for i in items)
        return {k: resolve_for_policy(v, resources, values) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_for_policy(v, resources, values) for v in node]
    return node


def policy_documents(resources: Mapping[str, dict[str, Any]]) -> Iterator[tuple[str, Any]]:
    """(where, document) for every identity policy the stack creates."""
    for name, resource in sorted(resources.items()):
        props = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind == "AWS::IAM::Role":
            for policy in props.get("Policies") or []:
                yield f"{name}/{policy.get('PolicyName', '?')}", policy.get("PolicyDocument")
        elif kind in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
            yield name, props.get("PolicyDocument")


# The policies SAM writes itself for event sources and schedules (`<Function><Event>...Policy`) carry no
# Version; without policy variables in them, the 2008 default version means the same, and the template
# cannot change them. Policies the template writes (`<Function>RolePolicy<N>`) must say 2012-10-17.
_SAM_WRITTEN = re.compile(r"/(?!.*RolePolicy\d+$).+Policy$")


def _accepted(where: str, issue: str, document: Any) -> bool:
    return issue == "NO_VERSION" and bool(_SAM_WRITTEN.search(where)) and "${aws:" not in json.dumps(document)


def policy_findings(resources: Mapping[str, dict[str, Any]], values: Mapping[str, Any]) -> list[str]:
    with warnings.catch_warnings():  # parliament still imports pkg_resources (setuptools < 81 is pinned)
        warnings.simplefilter("ignore", UserWarning)
        import parliament

    problems = []
    for where, document in policy_documents(resources):
        concrete = resolve_for_policy(document, resources, {**PSEUDO_PARAMETERS, **values})
        analysed = parliament.analyze_policy_string(json.dumps(concrete), include_community_auditors=False)
        for finding in analysed.findings:
            if _accepted(where, finding.issue, document):
                continue
            detail = json.dumps(finding.detail, default=str, sort_keys=True) if finding.detail else ""
            problems.append(f"{where}: {finding.issue} {detail}".rstrip())
    return problems


# ----- the rehearsal ---------------------------------------------------------------------------------


def rehearse(template: dict[str, Any], parameter_set: str, overrides: Mapping[str, str]) -> Findings:
    """Transform the template with these parameters and check it as CloudFormation would."""
    transformed = sam_transform(template, overrides)
    values = parameter_values(transformed, overrides)
    resources = kept_resources(transformed, overrides)
    outputs = Conditions(transformed, values).prune(transformed.get("Outputs") or {})
    findings = Findings(parameter_set, resources=len(resources))
    graph = dependencies(resources)
    findings.cycles = [walk for group in cycles(graph) for walk in closed_walks(group, graph)]
    findings.missing = missing_references(resources, set(transformed.get("Parameters") or {}), outputs)
    findings.alarms = undeliverable_alarms(resources)
    findings.policies = policy_findings(resources, values)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsdesk_local.rehearsal", description=__doc__.splitlines()[0]
    )
    parser.add_argument("template", nargs="?", type=Path, default=TEMPLATE_PATH)
    args = parser.parse_args(argv)
    try:
        template = load(args.template)
        results = [rehearse(template, name, overrides) for name, overrides in PARAMETER_SETS.items()]
    except RehearsalError as exc:
        print(f"rehearsal: FAIL {exc}")
        return 1
    for findings in results:
        for line in findings.lines():
            print(line)
    bad = [f for f in results if not f.ok]
    summary = ", ".join(f"{f.parameter_set}: {f.resources} resources" for f in results)
    if bad:
        print(
            f"rehearsal: FAIL {args.template.name} as `sam deploy` sends it ({summary}): "
            "CloudFormation would refuse it"
        )
        return 1
    print(
        f"rehearsal: ok {args.template.name} as `sam deploy` sends it ({summary}): no cycle, no reference to "
        "nothing, alarms deliverable, IAM policies clean"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
