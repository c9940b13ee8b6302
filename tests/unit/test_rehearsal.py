"""The deploy rehearsal: the template as `sam deploy` sends it, checked as CloudFormation would order it.

Each bad template here is the project's own template with one realistic mistake put back in, so the
rehearsal is shown to catch what it exists for (and to pass the real template).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsdesk_local import rehearsal
from newsdesk_local.rehearsal import FULL_PARAMETERS, PARAMETER_SETS, Findings


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return rehearsal.load()


def rehearse(template: dict[str, Any], parameters: dict[str, str] | None = None) -> Findings:
    return rehearsal.rehearse(template, "test", parameters or {})


@pytest.mark.parametrize("parameter_set", list(PARAMETER_SETS))
def test_the_template_can_be_created_with_default_and_with_every_optional_parameter(
    template: dict[str, Any], parameter_set: str
) -> None:
    # When the template is rehearsed with the defaults, and with custom domain, alarm email and WAF rule
    findings = rehearsal.rehearse(template, parameter_set, PARAMETER_SETS[parameter_set])

    # Then CloudFormation could order it and nothing is wrong with it
    assert findings.lines() == []
    assert findings.resources > 50  # the SAM transform really ran (functions became roles, permissions ...)


def test_the_optional_parameters_add_their_resources(template: dict[str, Any]) -> None:
    # When the two sets are transformed
    default = rehearsal.kept_resources(rehearsal.sam_transform(template))
    full = rehearsal.kept_resources(rehearsal.sam_transform(template, FULL_PARAMETERS), FULL_PARAMETERS)

    # Then the WAF rule and the alarm mail exist only with every option, and the distribution gets the name
    added = set(full) - set(default)
    assert {"CommentWebAcl", "CommentWebAclAssociation", "AlarmEmailSubscription"} <= added
    config = full["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["ViewerCertificate"]["AcmCertificateArn"] == {"Ref": "SiteCertificateArn"}
    assert config["Aliases"] == [{"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "SiteUrl"}]}]}]
    assert "Aliases" not in default["SiteDistribution"]["Properties"]["DistributionConfig"]


def test_a_function_behind_the_api_that_names_the_distribution_is_a_cycle(template: dict[str, Any]) -> None:
    # Given the mistake that once made the stack impossible: every function (those behind the API too)
    # told the distribution's domain through Globals
    bad = copy.deepcopy(template)
    bad["Globals"]["Function"]["Environment"]["Variables"]["SITE_URL"] = {
        "Fn::Sub": "https://${SiteDistribution.DomainName}"
    }

    # When it is rehearsed
    findings = rehearse(bad)

    # Then the direct loops through the API are named, and every loop found runs through the API
    # (the editor API also names the scheduled-action function, which then names the distribution)
    def from_distribution(cycle: list[str]) -> list[str]:
        start = cycle.index("SiteDistribution")
        return cycle[start:] + cycle[:start]

    loops = [from_distribution(cycle) for cycle in findings.cycles]
    assert not findings.ok
    assert ["SiteDistribution", "NewsdeskApi", "CommentIntakeFunction"] in loops
    assert ["SiteDistribution", "NewsdeskApi", "EditorApiFunction"] in loops
    assert ["SiteDistribution", "NewsdeskApi", "PreviewFunction"] in loops
    assert all(loop[:2] == ["SiteDistribution", "NewsdeskApi"] for loop in loops)


def test_the_command_fails_loudly_on_a_template_with_a_cycle(
    template: dict[str, Any], tmp_path: Path
) -> None:
    # Given a template file whose queue and alarm wait for each other
    bad = copy.deepcopy(template)
    bad["Resources"]["RenderDeadLetterQueue"]["DependsOn"] = "RenderDeadLetterAlarm"
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")

    # When the rehearsal runs as `make lint` runs it
    code = rehearsal.main([str(path)])

    # Then it exits 1
    assert code == 1


def test_a_reference_to_nothing_is_found(template: dict[str, Any]) -> None:
    # Given a function that names an attribute a queue does not have, and a parameter that does not exist
    bad = copy.deepcopy(template)
    env = bad["Resources"]["CommentWorkerFunction"]["Properties"]["Environment"]["Variables"]
    env["DLQ"] = {"Fn::GetAtt": ["CommentDeadLetterQueue", "Address"]}
    env["REGION_NAME"] = {"Ref": "RegionName"}

    # When it is rehearsed
    findings = rehearse(bad)

    # Then both are reported, and nothing else
    assert findings.cycles == []
    assert findings.missing == [
        "CommentWorkerFunction -> CommentDeadLetterQueue.Address (no such attribute of AWS::SQS::Queue)",
        "CommentWorkerFunction -> RegionName",
    ]


def test_an_alarm_topic_under_the_aws_managed_key_cannot_notify(template: dict[str, Any]) -> None:
    # Given the alarm topic encrypted with the AWS-managed SNS key
    bad = copy.deepcopy(template)
    bad["Resources"]["AlarmTopic"]["Properties"]["KmsMasterKeyId"] = "alias/aws/sns"

    # When it is rehearsed
    findings = rehearse(bad)

    # Then every alarm publishing there is reported
    assert {line.split(".")[0] for line in findings.alarms} == {
        "AnnounceDeadLetterAlarm",
        "CommentDeadLetterAlarm",
        "MediaDeadLetterAlarm",
        "RebuildDeadLetterAlarm",
        "RenderDeadLetterAlarm",
        "RenderErrorsAlarm",
        "ScheduleLatenessAlarm",
        "OverdueSchedulesAlarm",
    }


def key_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    admin = {
        "Effect": "Allow",
        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
        "Action": "kms:*",
        "Resource": "*",
    }
    return {"Version": "2012-10-17", "Statement": [admin, *statements]}


def test_a_customer_key_must_let_cloudwatch_use_it(template: dict[str, Any]) -> None:
    # Given the alarm topic under a key of the stack, first without, then with CloudWatch in its policy
    bad = copy.deepcopy(template)
    bad["Resources"]["AlarmKey"] = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": key_policy()}}
    bad["Resources"]["AlarmTopic"]["Properties"]["KmsMasterKeyId"] = {"Ref": "AlarmKey"}
    good = copy.deepcopy(bad)
    good["Resources"]["AlarmKey"]["Properties"]["KeyPolicy"] = key_policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        }
    )

    # Then only the second can deliver
    assert len(rehearse(bad).alarms) == 8  # every alarm of the stack
    assert rehearse(good).alarms == []


def test_a_policy_with_an_unknown_action_is_refused_by_the_iam_linter(template: dict[str, Any]) -> None:
    # Given a function policy with a misspelt action
    bad = copy.deepcopy(template)
    statements = bad["Resources"]["CommentWorkerFunction"]["Properties"]["Policies"][0]["Statement"]
    statements.append(
        {"Effect": "Allow", "Action": "sqs:SendMesage", "Resource": {"Fn::GetAtt": ["CommentQueue", "Arn"]}}
    )

    # When it is rehearsed
    findings = rehearse(bad)

    # Then parliament's finding names the role's policy and the action
    assert len(findings.policies) == 1
    assert findings.policies[0].startswith(
        "CommentWorkerFunctionRole/CommentWorkerFunctionRolePolicy0: UNKNOWN_ACTION"
    )
    assert "SendMesage" in findings.policies[0]


def test_the_deployment_order_creates_what_is_named_before_what_names_it(template: dict[str, Any]) -> None:
    # Given the transformed template
    resources = rehearsal.kept_resources(rehearsal.sam_transform(template))

    # When it is ordered
    order = rehearsal.deployment_order(resources)

    # Then every resource comes after everything it references, the same way every time
    position = {name: i for i, name in enumerate(order)}
    assert sorted(order) == sorted(resources)
    for name, needs in rehearsal.dependencies(resources).items():
        assert all(position[need] < position[name] for need in needs), name
    assert (
        position["ArticlesTable"] < position["RendererFunction"] < position["RendererFunctionArticleChanges"]
    )
    assert rehearsal.deployment_order(resources) == order


def test_ordering_a_cycle_is_an_error() -> None:
    resources: dict[str, dict[str, Any]] = {
        "A": {"Type": "AWS::SQS::Queue", "DependsOn": "B"},
        "B": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "A"}}},
    }
    with pytest.raises(rehearsal.RehearsalError, match="cycle: A -> B -> A"):
        rehearsal.deployment_order(resources)
