"""The newsdesk command line: subcommands, settings, console logging."""

from __future__ import annotations

import copy
import datetime as dt
import io
import logging
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from newsdesk_local.cli import SUBCOMMANDS, _default_email, build_parser, configure_console_logging
from newsdesk_local.settings import LocalSettings, SettingsError
from newsdesk_local.template import load_template


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    own = logging.getLogger("newsdesk_local")
    saved = (list(own.handlers), own.level, own.propagate, list(logging.root.handlers))
    configure_console_logging()
    stream = io.StringIO()
    own.handlers[-1].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        own.handlers, own.level, own.propagate = saved[0], saved[1], saved[2]
        logging.root.handlers = saved[3]


def test_the_stack_logs_survive_powertools_root_filter(console: io.StringIO) -> None:
    # Given a Powertools logger for the service "newsdesk", as every handler creates on import
    from aws_lambda_powertools import Logger

    Logger(service="newsdesk")

    # When the stack logs a request
    logging.getLogger("newsdesk_local.origin").info("GET / 200")

    # Then it reaches the console (Powertools drops records of loggers named like its service from root)
    assert "GET / 200" in console.getvalue()


def test_subcommands_are_registered_with_their_arguments() -> None:
    # Given the parser
    parser = build_parser()

    # When a token for a reader is asked for
    args = parser.parse_args(["token", "--group", "readers"])

    # Then dev and token exist, and the arguments are parsed
    assert {"dev", "token"} <= set(SUBCOMMANDS)
    assert (args.command, args.group, args.no_group) == ("token", "readers", False)


def test_users_other_than_editors_get_their_own_address() -> None:
    assert _default_email("ed@x.test", ["editors"]) == "ed@x.test"
    assert _default_email("ed@x.test", ["readers"]) == "ed+readers@x.test"
    assert _default_email("ed@x.test", []) == "ed+nogroup@x.test"


def test_settings_come_from_newsdesk_variables() -> None:
    # Given NEWSDESK_* variables
    settings = LocalSettings.from_env({"NEWSDESK_PORT": "9000", "NEWSDESK_SAMPLES": "0", "OTHER": "x"})

    # Then they are read, with defaults for the rest, and malformed ones are named
    assert (settings.port, settings.samples, settings.aws_port) == (9000, False, 4566)
    assert settings.api_url == "http://127.0.0.1:9000/api"
    with pytest.raises(SettingsError, match="NEWSDESK_AWS_PORT"):
        LocalSettings.from_env({"NEWSDESK_AWS_PORT": "nope"})


def test_dev_refuses_a_template_cloudformation_would_refuse(
    console: io.StringIO, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given template.yaml with the mistake that once made the stack impossible: every function (those
    # behind the API too) told the distribution's domain
    bad = copy.deepcopy(load_template())
    bad["Globals"]["Function"]["Environment"]["Variables"]["SITE_URL"] = {
        "Fn::Sub": "https://${SiteDistribution.DomainName}"
    }
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    settings = LocalSettings(
        template=path, port=free_port(), aws_port=free_port(), state_dir=tmp_path / "state"
    )
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    # When `newsdesk dev` starts with it
    try:
        code = SUBCOMMANDS["dev"].run(build_parser().parse_args(["dev"]), settings)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    # Then it refuses with the rehearsal's message, having started nothing (nor saved any state)
    assert code == 1
    assert not settings.state_dir.exists()
    refusal = capsys.readouterr().err
    assert "template.yaml cannot be deployed: cycle: " in refusal
    assert "EditorApiFunction -> SiteDistribution -> NewsdeskApi -> EditorApiFunction" in refusal
    assert "Newsdesk is running" not in refusal
    for port in (settings.port, settings.aws_port):
        with socket.socket() as probe:
            assert probe.connect_ex((settings.host, port)) != 0


def test_retention_takes_an_aware_moment_and_refuses_a_naive_one(capsys: pytest.CaptureFixture[str]) -> None:
    # Given the parser
    parser = build_parser()

    # When the retention is asked for as of a moment with and without a time zone
    args = parser.parse_args(["retention", "--as-of", "2030-01-31T00:00Z"])
    with pytest.raises(SystemExit):
        parser.parse_args(["retention", "--as-of", "2030-01-31T00:00"])

    # Then the first is parsed, the second refused with the reason
    assert args.as_of == dt.datetime(2030, 1, 31, tzinfo=dt.UTC) and args.stack is None
    assert "give a time zone" in capsys.readouterr().err
