"""Handler tests: lambda_handler driven with the sample events, against the table in in-process moto."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

from tests.handlers.client import EditorApi


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """moto runs in-process: nothing here needs the network."""


@pytest.fixture
def api(editor_api: ModuleType, lambda_context: Any) -> EditorApi:
    return EditorApi(editor_api.lambda_handler, lambda_context)


@dataclass
class CallRecorder:
    """DynamoDB operations made through one client, with their parameters, in order."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, copy.deepcopy(params)))

    @property
    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]

    def clear(self) -> None:
        self.calls.clear()

    def attach(self, client: Any) -> CallRecorder:
        client.meta.events.register("provide-client-params.dynamodb", self)
        return self


@pytest.fixture
def dynamodb_calls(editor_api: ModuleType) -> CallRecorder:
    """Every DynamoDB call the editor function's store makes during the test."""
    return CallRecorder().attach(editor_api.articles.client)
