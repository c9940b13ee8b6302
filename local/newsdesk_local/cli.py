"""The `newsdesk` command line.

Each subcommand is one function decorated with @subcommand, which names it, documents it and declares
its arguments; the function gets the parsed arguments and the local settings and returns the exit code.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from newsdesk_local.cognito import EDITORS_GROUP
from newsdesk_local.settings import PREFIX, LocalSettings, SettingsError, local_settings

Command = Callable[[argparse.Namespace, LocalSettings], int]


@dataclass(frozen=True)
class Argument:
    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Argument:
    return Argument(flags, options)


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: tuple[Argument, ...]
    run: Command


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str, help: str, *arguments: Argument) -> Callable[[Command], Command]:
    def register(run: Command) -> Command:
        SUBCOMMANDS[name] = Subcommand(name, help, arguments, run)
        return run

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Newsdesk on your machine.",
        epilog=settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in SUBCOMMANDS.values():
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        for argument in command.arguments:
            sub.add_argument(*argument.flags, **argument.options)
    return parser


def settings_help() -> str:
    lines = ["settings (environment variables):"]
    for name, field in LocalSettings.model_fields.items():
        default = field.default if name != "editor_password" else "(a fixed local password)"
        lines.append(f"  {PREFIX}{name.upper():<16} {field.description or ''} [{default}]".rstrip())
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = local_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return SUBCOMMANDS[args.command].run(args, settings)


def configure_console_logging() -> None:
    """The stack's own messages at INFO on stderr; other libraries' at WARNING.

    The stack's logger gets a handler of its own: Powertools filters records of loggers whose name
    contains its service name ("newsdesk") out of the root logger's handlers.
    """
    line = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    logging.basicConfig(level=logging.WARNING, format=line)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(line))
    own = logging.getLogger("newsdesk_local")
    own.addHandler(handler)
    own.setLevel(logging.INFO)
    own.propagate = False


# ----- dev ------------------------------------------------------------------------------------------


@subcommand(
    "dev",
    "Run the whole system locally: emulated AWS from template.yaml, site and API on one origin, "
    "event sources, sample content (in a fresh stack); what it holds is kept between runs.",
    arg("--no-samples", action="store_true", help="Do not create the sample articles."),
    arg(
        "--fresh",
        action="store_true",
        help="Start empty: the saved state (NEWSDESK_STATE_DIR) is moved aside, not restored.",
    ),
)
def dev(args: argparse.Namespace, settings: LocalSettings) -> int:
    from newsdesk_local.rehearsal import RehearsalError
    from newsdesk_local.stack import LocalStack, PortInUse

    configure_console_logging()
    # The handler only records the signal, and the main thread looks every 0.2 s. A handler that set a
    # threading.Event could find the Event's lock held by the very thread it interrupts (the main thread,
    # waiting on that Event) and hang for ever; and a main thread blocked in Event.wait() with no timeout
    # may never run the handler at all when the kernel gives the signal to another thread. Both left a
    # stack running after Ctrl-C until it was killed (the restart end-to-end test saw -9).
    stop_requested: list[int] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop_requested.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack = LocalStack(settings, fresh=args.fresh)
    try:
        stack.start()
    except PortInUse as exc:
        print(exc, file=sys.stderr)
        return 1
    except RehearsalError as exc:  # CloudFormation would refuse the template: so does the local stack
        print(f"{settings.template.name} cannot be deployed: {exc}", file=sys.stderr)
        stack.stop()
        return 1
    except Exception:
        logging.getLogger(__name__).exception("the local stack failed to start")
        stack.stop()
        return 1
    try:
        fresh = stack.restored is None  # sample content goes into a fresh stack only
        if settings.samples and not args.no_samples and fresh and not stop_requested:
            try:
                published = stack.seed_samples()
            except Exception:
                logging.getLogger(__name__).exception("the sample articles could not be created")
            else:
                for url in published:
                    print(f"  sample article: {settings.site_url}{url}", flush=True)
        settle_heap()
        print("\n" + stack.banner() + "\n", flush=True)
        while not stop_requested:
            time.sleep(0.2)
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
    print("Stopped.", flush=True)
    return 0


def settle_heap() -> None:
    """Keep the cyclic garbage collector off the objects a running stack holds for its whole life.

    The stack's one process holds moto's backends, every function's modules and the SDK's service
    models: millions of objects. Python's collector walked all of them at every full collection, which
    paused every thread for 90 to 650 ms, about ten times a minute while articles were published (the
    outliers of `bench live`). Once the stack is up they are frozen (gc.freeze: left out of later
    collections; reference counting still frees them), and a young collection runs every 10,000
    allocations instead of 700, so full collections are rarer too.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


# ----- token ----------------------------------------------------------------------------------------


@subcommand(
    "token",
    "Print an ID token of a user of the running stack's user pool (an editor unless told otherwise) "
    "on the last line of stdout.",
    arg(
        "--group",
        default=None,
        help="Put the user in this group only: editors (the default) or writers (create, edit their "
        "own drafts, submit for review).",
    ),
    arg("--no-group", action="store_true", help="A signed-in user in no group (not an editor)."),
    arg("--email", default=None, help="The user (default: NEWSDESK_EDITOR_EMAIL, or one per group)."),
)
def token(args: argparse.Namespace, settings: LocalSettings) -> int:
    import boto3

    from newsdesk_local.cognito import SignInError, id_token, pool_names
    from newsdesk_local.stack import FAKE_CREDENTIALS
    from newsdesk_local.template import load_template

    groups = [] if args.no_group else [args.group or EDITORS_GROUP]
    email = args.email or _default_email(settings.editor_email, groups)
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=settings.aws_endpoint,
        region_name=settings.region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    names = pool_names(load_template(settings.template), settings.stack_name, settings.region)
    try:
        value = id_token(cognito, names, email, settings.editor_password, groups)
    except SignInError as exc:
        print(exc, file=sys.stderr)
        return 1
    except Exception as exc:  # botocore's connection errors have no common base worth importing here
        print(
            f"Cannot reach the emulator at {settings.aws_endpoint} ({exc}); is `newsdesk dev` running?",
            file=sys.stderr,
        )
        return 1
    print(f"ID token of {email} (groups: {', '.join(groups) or 'none'}), valid for an hour:", file=sys.stderr)
    print(value, flush=True)
    return 0


def _default_email(editor_email: str, groups: list[str]) -> str:
    """The editor's address for editors; a distinct user per other group, so tokens never mix roles."""
    if groups == [EDITORS_GROUP]:
        return editor_email
    local, _, domain = editor_email.partition("@")
    return f"{local}+{groups[0] if groups else 'nogroup'}@{domain}"


# ----- rebuild --------------------------------------------------------------------------------------


@subcommand(
    "rebuild",
    "Re-render every page of the site (after a template change, say), fanned out in chunks through the "
    "rebuild queue. Local stack by default; --stack NAME for a deployed one (AWS credentials from the "
    "environment).",
    arg("--stack", default=None, help="A deployed CloudFormation stack instead of the local stack."),
    arg("--timeout", type=float, default=900.0, help="Give up waiting after this many seconds."),
)
def rebuild(args: argparse.Namespace, settings: LocalSettings) -> int:
    import boto3

    from newsdesk_local.rebuild import follow, start_deployed, start_local
    from newsdesk_local.stack import FAKE_CREDENTIALS
    from newsdesk_local.template import load_template

    try:
        if args.stack:
            session = boto3.session.Session()
            clients: dict[str, Any] = {n: session.client(n) for n in ("cloudformation", "lambda", "dynamodb")}
            status, target = start_deployed(clients, stack_name=args.stack)
        else:
            session = boto3.session.Session(
                region_name=settings.region,
                aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
            clients = {
                name: session.client(name, endpoint_url=settings.aws_endpoint) for name in ("sqs", "dynamodb")
            }
            zone = load_template(settings.template)["Parameters"]["SiteTimezone"]["Default"]
            status, target = start_local(clients, stack_name=settings.stack_name, tz=ZoneInfo(zone))
    except Exception as exc:  # connection and service errors alike end the command with their message
        where = args.stack or f"the local stack at {settings.aws_endpoint} (is `newsdesk dev` running?)"
        print(f"Cannot start a rebuild on {where}: {exc}", file=sys.stderr)
        return 1
    print(f"Rebuild {status.rebuild_id}: {status.total} chunks", file=sys.stderr)
    final = follow(status, target, timeout=args.timeout)
    if not final.complete:
        print(f"Rebuild {final.rebuild_id} is still running ({final.done}/{final.total}).", file=sys.stderr)
        return 1
    print(f"Rebuild {final.rebuild_id} finished: {final.total} chunks.", file=sys.stderr)
    return 0


# ----- redrive --------------------------------------------------------------------------------------


@subcommand(
    "redrive",
    "Replay the render and comment dead-letter queues, once what made them fail is repaired: re-render what "
    "the render failures name, send the failed comments to the comment queue again. Says what it did; a "
    "second run finds nothing. Local stack by default; --stack NAME for a deployed one.",
    arg("--stack", default=None, help="A deployed CloudFormation stack instead of the local stack."),
    arg("--json", action="store_true", help="Print the report as JSON."),
)
def redrive(args: argparse.Namespace, settings: LocalSettings) -> int:
    import json

    import boto3

    from newsdesk_local.redrive import describe, redrive_environment, run_deployed, run_local
    from newsdesk_local.stack import point_process_at_emulator
    from newsdesk_local.template import load_template

    try:
        if args.stack:
            session = boto3.session.Session()
            report = run_deployed(
                {n: session.client(n) for n in ("cloudformation", "lambda")}, stack_name=args.stack
            )
        else:
            point_process_at_emulator(settings)
            clients = {n: boto3.client(n) for n in ("dynamodb", "sqs", "kms", "cloudfront")}
            environment = redrive_environment(
                load_template(settings.template),
                clients,
                stack_name=settings.stack_name,
                region=settings.region,
                site_url=settings.site_url,
            )
            report = run_local(environment)
    except Exception as exc:  # connection and service errors alike end the command with their message
        where = args.stack or f"the local stack at {settings.aws_endpoint} (is `newsdesk dev` running?)"
        print(f"Cannot redrive on {where}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else describe(report), flush=True)
    return 0 if not (report["render"]["left"] or report["comments"]["left"]) else 3


# ----- retention ------------------------------------------------------------------------------------


def _moment(value: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2030-01-31T00:00Z")
    return moment


@subcommand(
    "retention",
    "Remove the sender's email and IP from spam and rejected comments whose period "
    "(CommentPersonalDataDays) is over, as the daily schedule does on AWS; the comments' text stays. "
    "Local stack by default; --stack NAME for a deployed one (AWS credentials from the environment).",
    arg("--stack", default=None, help="A deployed CloudFormation stack instead of the local stack."),
    arg(
        "--as-of",
        default=None,
        type=_moment,
        metavar="ISO",
        help="Local stack only: remove what is due by this moment (e.g. 2030-01-31T00:00Z) instead of now.",
    ),
)
def retention(args: argparse.Namespace, settings: LocalSettings) -> int:
    import boto3

    from newsdesk.clock import utc_now
    from newsdesk_local.retention import run_deployed, run_local
    from newsdesk_local.stack import FAKE_CREDENTIALS

    if args.stack and args.as_of:
        print("--as-of applies to the local stack only.", file=sys.stderr)
        return 2
    try:
        if args.stack:
            session = boto3.session.Session()
            clients = {n: session.client(n) for n in ("cloudformation", "lambda")}
            report = run_deployed(clients, stack_name=args.stack)
        else:
            dynamodb = boto3.client(
                "dynamodb",
                endpoint_url=settings.aws_endpoint,
                region_name=settings.region,
                aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
            report = run_local(dynamodb, stack_name=settings.stack_name, now=args.as_of or utc_now())
    except Exception as exc:  # connection and service errors alike end the command with their message
        where = args.stack or f"the local stack at {settings.aws_endpoint} (is `newsdesk dev` running?)"
        print(f"Cannot remove personal data on {where}: {exc}", file=sys.stderr)
        return 1
    print(
        f"Personal data removed from {report.removed} comments "
        f"({report.due} due, {report.skipped} changed since).",
        file=sys.stderr,
    )
    return 0


# ----- editor commands (login, push, import, list, show, publish ...) ---------------------------------

import newsdesk_local.editor.commands  # noqa: E402, F401  (they register in SUBCOMMANDS above)

if __name__ == "__main__":
    # As `python -m newsdesk_local.cli` this file runs as __main__, and the editor commands registered in
    # the module newsdesk_local.cli: its main() knows every command.
    from newsdesk_local.cli import main as main_with_every_command

    sys.exit(main_with_every_command())
