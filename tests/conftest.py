"""Fixtures shared by every kind of test: the clock, fake AWS, the table from template.yaml, the editor
function.

Kept generic on purpose: the end-to-end tests (tests/e2e) keep their own fixtures in their own conftest.
Only the clock is autouse: every test in this process sees the product's clock frozen (see `clock`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk import clock as product_clock
from newsdesk.clock import FrozenClock
from tests.events import SAMPLE_ORIGIN_SECRET

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ROOT = Path(__file__).resolve().parents[1]
EDITOR_API_APP = ROOT / "functions" / "editor_api" / "app.py"
REGION = "ap-south-1"
SITE_TIMEZONE = "Asia/Kolkata"
SITE_TZ = ZoneInfo(SITE_TIMEZONE)


# ----- the clock -------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to start under libfaketime, saying what to use instead.

    With CPython 3.11 and libfaketime 0.9.10, faking the monotonic clock (its default) makes every timed
    wait hang, and leaving it alone (FAKETIME_DONT_FAKE_MONOTONIC=1) makes every time.sleep fail with
    EINVAL. `make test-at WHEN=...` sets the system clock of every Python process of the run instead
    (tests/system_clock).
    """
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        pytest.exit(
            "libfaketime breaks CPython's sleeps and timed waits; to run the suite at another moment use "
            "`make test-at WHEN=2027-01-01T00:15:00+05:30`",
            returncode=4,
        )
    # In-process moto gets the corrections the local stack's emulator runs with (newsdesk_local.emulator):
    # a failed transaction changes nothing and leaves no stream record, as in DynamoDB, and moto no
    # longer deep-copies every table a transaction names (that copy took most of the handler tests' time).
    from newsdesk_local import emulator

    emulator.install()
    _make_kms_key_pairs_on_first_use()


class _KeyPairOnFirstUse:
    """Stands for the key pair moto makes for a KMS key: made when Sign, Verify or GetPublicKey first
    uses it. moto makes an RSA pair for every key, HMAC and symmetric ones too, which never use it;
    making it took a large part of each comment test's setup (two keys each)."""

    def __init__(self, make: Any, key_spec: str) -> None:
        self._make = make
        self._key_spec = key_spec
        self._pair: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._pair is None:
            self._pair = self._make(self._key_spec)
        return getattr(self._pair, name)


def _make_kms_key_pairs_on_first_use() -> None:
    from moto.kms import models as kms_models

    make = kms_models.generate_private_key
    kms_models.generate_private_key = lambda key_spec: _KeyPairOnFirstUse(make, key_spec)  # type: ignore[assignment,return-value]


# Where every test's clock stands unless the test asks for another moment: an ordinary afternoon.
TEST_NOW = dt.datetime(2026, 11, 20, 14, 0, tzinfo=SITE_TZ)

# Moments where the date in the site's zone and the date in UTC disagree, or a month or year turns:
# a quarter past midnight on the first of a year (and of a month), and a minute before midnight on the
# last day of a month. Tests whose behaviour depends on the calendar run at each of them.
BOUNDARIES = {
    "new-year-00:15": dt.datetime(2027, 1, 1, 0, 15, tzinfo=SITE_TZ),
    "first-of-month-00:15": dt.datetime(2026, 12, 1, 0, 15, tzinfo=SITE_TZ),
    "last-of-month-23:59": dt.datetime(2026, 11, 30, 23, 59, tzinfo=SITE_TZ),
    "ordinary-afternoon": TEST_NOW,
}
at_every_boundary = pytest.mark.parametrize(
    "clock", list(BOUNDARIES.values()), ids=list(BOUNDARIES), indirect=True
)


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[FrozenClock]:
    """The product's one clock, frozen for the test at TEST_NOW, at `@pytest.mark.clock("ISO 8601")`, or
    at the moment an indirect parametrization gives (`at_every_boundary`). Tests move it with
    `clock.advance(...)`; nothing in the product reads the system clock while a test runs."""
    marker = request.node.get_closest_marker("clock")
    at: dt.datetime = getattr(request, "param", None) or (
        dt.datetime.fromisoformat(marker.args[0]) if marker else TEST_NOW
    )
    frozen = FrozenClock(at)
    previous = product_clock.use(frozen)
    _running_clocks.append(frozen)
    try:
        yield frozen
    finally:
        _running_clocks.remove(frozen)
        product_clock.use(previous)


_running_clocks: list[FrozenClock] = []


def frozen_clock() -> FrozenClock:
    """The running test's clock, for helpers that move time without being handed the fixture."""
    assert _running_clocks, "no test clock is running"
    return _running_clocks[-1]


# ----- no network ------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outbound connection: unit and moto tests run in-process, with no network at all."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("This test tried to open a network connection; it must not.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ----- fake AWS --------------------------------------------------------------------------------


FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
REAL_AWS_ENV = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL")
# moto's own setting: keep boto3's default session between mocks. A fresh one per test parsed botocore's
# endpoint rules and service models again for each client (most of a handler test's setup). The session
# only ever holds the fake credentials above; every test still gets a moto world of its own.
MOTO_CONFIG: Any = {"core": {"reset_boto3_session": False}}


def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region, so that no test can ever reach a real AWS account."""
    for name in REAL_AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")]:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)


@contextlib.contextmanager
def fake_aws() -> Iterator[None]:
    """In-process moto with fake credentials, for fixtures that live longer than one test (a module's
    shared site): the same world the `aws` fixture gives a single test."""
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws(config=MOTO_CONFIG):
        fake_aws_environment(monkeypatch)
        yield


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_environment(monkeypatch)


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[None]:
    """In-process moto for the duration of the test."""
    from moto import mock_aws

    with mock_aws(config=MOTO_CONFIG):
        yield


@pytest.fixture
def table_name() -> str:
    """A table name no other test uses."""
    return f"newsdesk-articles-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def dynamodb_client(aws: None) -> DynamoDBClient:
    import boto3

    return boto3.client("dynamodb", region_name=REGION)


def create_articles_table(client: DynamoDBClient, name: str) -> str:
    """The articles table, created from template.yaml's ArticlesTable; returns its name."""
    from newsdesk_local.template import load_template, table_definition

    client.create_table(**table_definition(load_template(), "ArticlesTable", name))
    client.get_waiter("table_exists").wait(TableName=name)
    return name


@pytest.fixture
def articles_table(dynamodb_client: DynamoDBClient, table_name: str) -> str:
    """The articles table, created in moto from template.yaml's ArticlesTable; returns its name."""
    return create_articles_table(dynamodb_client, table_name)


# ----- the editor function ---------------------------------------------------------------------


@dataclass
class FakeLambdaContext:
    """The attributes of a Lambda context that Powertools reads."""

    function_name: str = "newsdesk-EditorApiFunction-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = (
        f"arn:aws:lambda:{REGION}:123456789012:function:newsdesk-EditorApiFunction-test"
    )
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/newsdesk-EditorApiFunction-test"
    log_stream_name: str = "2024/11/25/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def editor_env(monkeypatch: pytest.MonkeyPatch, aws_credentials: None, table_name: str) -> str:
    """The editor function's environment (as template.yaml's Globals give it); returns the table name."""
    monkeypatch.setenv("TABLE_NAME", table_name)
    monkeypatch.setenv("SITE_TIMEZONE", SITE_TIMEZONE)
    monkeypatch.setenv("SITE_NAME", "Newsdesk")
    monkeypatch.setenv("SITE_LANGUAGE", "en")
    monkeypatch.setenv("ORIGIN_SECRETS", SAMPLE_ORIGIN_SECRET)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "newsdesk-test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "NewsdeskTest")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "1")
    # The deployed level, so that every log call a request makes runs here too (a structured key that
    # clashes with a LogRecord attribute fails only when the record is made).
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    return table_name


def load_function(path: Path) -> ModuleType:
    """Import a function's app.py under a module name of its own (every function file is `app.py`)."""
    name = f"_newsdesk_fn_{path.parent.name}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def create_preview_link_key() -> str:
    """A KMS HMAC key as template.yaml's PreviewLinkKey (in moto); returns its ARN."""
    import boto3

    kms = boto3.client("kms", region_name=REGION)
    return kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["Arn"]


@pytest.fixture
def editor_api(editor_env: str, articles_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """functions/editor_api/app.py, imported while moto is active: its settings read from the test's
    environment, its store (`articles`) and the others made afresh (the share-link key too)."""
    monkeypatch.setenv("PREVIEW_LINK_KEY_ID", create_preview_link_key())
    module = load_function(EDITOR_API_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)
