"""The whole system on one machine: template.yaml transformed as `sam deploy` sends it and created in
moto server in CloudFormation's order (newsdesk_local.deploy), the functions in-process, one origin playing
CloudFront and API Gateway, and pollers playing the event source mappings.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from newsdesk.clock import utc_now
from newsdesk_local.apigateway import ApiGateway, cognito_authorizers, rest_apis
from newsdesk_local.cdn import Distribution, distribution_spec
from newsdesk_local.cognito import EDITORS_GROUP, id_token, pool_names
from newsdesk_local.deploy import clients_from, deploy
from newsdesk_local.edge_cache import EdgeCache, InvalidationFeed
from newsdesk_local.event_sources import EventSourceMapping, event_source_mappings
from newsdesk_local.functions import function_environment, function_specs
from newsdesk_local.housekeeping import Housekeeper, expire_noncurrent_versions
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.object_events import ObjectEventPoller, ObjectRule, object_rules
from newsdesk_local.origin import Origin
from newsdesk_local.persistence import EmulatorServer, Saver, StackState
from newsdesk_local.pollers import PollerThread, QueuePoller, StreamPoller, sqs_failure_sender
from newsdesk_local.rehearsal import deployment_order, kept_resources, load, sam_transform
from newsdesk_local.runtime import EnvironmentSwitch, FunctionRuntime, Invocation
from newsdesk_local.samples import (
    configure_site,
    load_samples,
    publish_samples,
    table_is_empty,
    upload_media,
)
from newsdesk_local.schedules import SchedulePoller
from newsdesk_local.settings import LocalSettings
from newsdesk_local.snapshot import Snapshot, StateFile, UnreadableState
from newsdesk_local.stubs import PingStubs
from newsdesk_local.template import Deployed

logger = logging.getLogger(__name__)

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
HOUSEKEEPING_INTERVAL = 10.0  # seconds between housekeeping rounds
SCHEDULE_INTERVAL = 0.5  # seconds between looks at the due schedules (EventBridge Scheduler's one-shots)
# Seconds an SQS poller's receive waits for a message (Lambda's long poll is 20 s; shorter here so that
# stopping the stack, which waits for its pollers, stays quick).
SQS_LONG_POLL = 2


LOCAL_INDEXNOW_KEY = "newsdesk-local-indexnow-key"


class PortInUse(RuntimeError):
    pass


def lambda_process_environment(settings: LocalSettings) -> dict[str, str]:
    """What every handler finds in its environment besides its own variables: the emulator, fake keys."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": settings.aws_endpoint,
        "AWS_DEFAULT_REGION": settings.region,
        "AWS_REGION": settings.region,
        "POWERTOOLS_TRACE_DISABLED": "1",
    }


def point_process_at_emulator(settings: LocalSettings) -> None:
    """Make every boto3 client of this process (handlers included) talk to the emulator, never to AWS."""
    for name in list(os.environ):
        if name in {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"} or name.startswith(
            "AWS_ENDPOINT_URL_"
        ):
            del os.environ[name]
    os.environ.update(lambda_process_environment(settings))


def ensure_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(
                f"{what} cannot listen on {host}:{port} ({exc.strerror}); is another stack running?"
            ) from None


@dataclass
class LocalStack:
    settings: LocalSettings
    transformed: dict[str, Any] = field(default_factory=dict)
    deployed: Deployed = field(default_factory=Deployed)
    runtimes: dict[str, FunctionRuntime] = field(default_factory=dict)
    mappings: list[EventSourceMapping] = field(default_factory=list)
    object_rules: list[ObjectRule] = field(default_factory=list)
    api_prefix: str = "/api"
    fresh: bool = False  # ignore the saved state (it is moved aside) and start empty
    restored: Snapshot | None = None  # the saved state the stack started from, if any
    _stop: threading.Event = field(default_factory=threading.Event)
    _moto: Any = None
    _origin: Origin | None = None
    _pollers: list[PollerThread] = field(default_factory=list)
    _housekeeper: Housekeeper | None = None
    _clients: Any = None
    _saver: Saver | None = None
    _origin_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    # ----- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Raises RehearsalError, before anything starts, if CloudFormation would refuse the template."""
        settings = self.settings
        ensure_port_free(settings.host, settings.aws_port, "The AWS emulator")
        ensure_port_free(settings.host, settings.port, "The site and API origin")
        self.transformed = self.transformed or sam_transform(load(settings.template), self._parameters())
        deployment_order(kept_resources(self.transformed, self._parameters()))
        point_process_at_emulator(settings)
        self._start_emulator()
        import boto3

        session = boto3.Session(
            region_name=settings.region,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        self._clients = clients_from(session, settings.aws_endpoint)
        self.deployed = deploy(
            self.transformed, self._clients, stack_name=settings.stack_name, parameters=self._parameters()
        )
        state = StackState.of(self.deployed, self._clients)
        self.restore_state(state)  # before any poller: see _poller
        self._build_functions()
        self._start_pollers()
        # The announcer's services (newsdesk_local.stubs) answer on the origin, before the distribution.
        stubs = PingStubs(self._build_distribution().handle)
        self._origin = Origin(settings.host, settings.port, stubs.handle)
        self._origin.start()
        self._start_housekeeping()
        self._start_saving(state)

    def stop(self) -> None:
        self._stop.set()
        if self._moto is not None:
            self._moto.changes.activity.wake()
        for poller in self._pollers:
            poller.join(timeout=5)
        if self._housekeeper is not None:
            self._housekeeper.join(timeout=5)
        if self._origin is not None:
            self._origin.stop()
        if self._saver is not None:
            self._saver.join(timeout=30)
            self._save_on_stop(self._saver)
        if self._moto is not None:
            self._moto.stop()

    def _start_emulator(self) -> None:
        from newsdesk_local import emulator

        emulator.install()  # before the first request: see newsdesk_local.emulator
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._moto = EmulatorServer(self.settings.host, self.settings.aws_port)
        self._moto.start()

    # ----- state across restarts ---------------------------------------------------------------

    @property
    def state_file(self) -> StateFile:
        return StateFile(self.settings.state_dir)

    def restore_state(self, state: StackState) -> None:
        """Put the saved state into the emulator; move a state file that cannot be used aside."""
        file = self.state_file
        stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
        if self.fresh:
            if file.exists():
                kept = self._move_aside(file, f"before-fresh-{stamp}")
                logger.info("Starting fresh (--fresh); the previous state is kept in %s", kept)
            else:
                logger.info("Starting fresh (--fresh); there was no saved state")
            return
        try:
            snapshot = file.read(stack_name=self.settings.stack_name, region=self.settings.region)
        except (UnreadableState, OSError) as exc:
            kept = self._move_aside(file, f"unreadable-{stamp}")
            logger.warning(
                "The saved state cannot be used (%s); it was moved to %s and the stack starts empty",
                exc,
                kept,
            )
            return
        if snapshot is None:
            logger.info("No saved state in %s; the stack starts empty", file.directory)
            return
        started = time.perf_counter()
        self.restored = snapshot
        try:
            state.restore(snapshot)
        except Exception:
            logger.exception("restoring the saved state failed part way")
            kept = self._move_aside(file, f"unrestorable-{stamp}")
            logger.warning(
                "The saved state could not be restored in full; it was moved to %s and the stack starts "
                "with what was restored",
                kept,
            )
            return
        logger.info(
            "Restored the state saved %s from %s: %s (%.1f s)",
            snapshot.saved_at or "(time unknown)",
            file.path,
            snapshot.describe(),
            time.perf_counter() - started,
        )

    @staticmethod
    def _move_aside(file: StateFile, suffix: str) -> str:
        try:
            return str(file.move_aside(suffix))
        except OSError as exc:  # it stays where it is, and the next save replaces it
            logger.error(
                "The saved state %s could not be moved aside (%s); it will be overwritten", file.path, exc
            )
            return f"(nowhere: {exc})"

    def _start_saving(self, state: StackState) -> None:
        assert isinstance(self._moto, EmulatorServer)
        self._saver = Saver(state, self.state_file, self._moto.changes, self._stop)
        if self.restored is not None:
            self._saver.mark_saved()  # the emulator holds what the file holds
        self._saver.start()

    def _save_on_stop(self, saver: Saver) -> None:
        """A clean stop always writes the state: the last word, whatever the change check thinks."""
        try:
            report = saver.save(force=True)
        except Exception:
            logger.exception("saving the local state to %s failed", self.state_file.path)
            return
        if report is not None:
            logger.info(
                "State saved to %s: %s (%.2f s, %d KiB)",
                self.state_file.path,
                report.snapshot.describe(),
                report.seconds,
                report.size // 1024,
            )

    def _parameters(self) -> dict[str, str]:
        # The site lives at the local origin, so absolute links (feeds, sitemaps, canonical URLs) point there.
        # The origin secret, which the distribution sends the API and the API checks, is new every run.
        declared = load(self.settings.template).get("Parameters") or {}
        parameters = {}
        if "SiteUrl" in declared:
            parameters["SiteUrl"] = self.settings.site_url
        if "OriginSecret" in declared:
            parameters["OriginSecret"] = self._origin_secret
        # The announcer pings stand-ins on the local origin (newsdesk_local.stubs), never the real services.
        if "IndexNowEndpoint" in declared:
            parameters["IndexNowEndpoint"] = f"{self.settings.site_url}/_stub/indexnow"
        if "WebSubHub" in declared:
            parameters["WebSubHub"] = f"{self.settings.site_url}/_stub/websub"
        if "IndexNowKey" in declared:
            parameters["IndexNowKey"] = LOCAL_INDEXNOW_KEY
        return parameters

    # ----- functions, API and distribution ---------------------------------------------------------

    def _build_functions(self) -> None:
        specs = function_specs(self.deployed, self.settings.template.parent)
        environments = {name: function_environment(self.deployed, name) for name in specs}
        switch = EnvironmentSwitch(environments)
        one_at_a_time = threading.RLock()  # see newsdesk_local.runtime
        if switch.conflicts:
            logger.warning(
                "functions need different values for %s; each call sets its own under a lock",
                ", ".join(sorted(switch.conflicts)),
            )
        for name, spec in specs.items():
            runtime = FunctionRuntime(
                spec,
                function_name=self.deployed.names[name],
                function_arn=self.deployed.arns[name],
                environment=switch,
                lock=one_at_a_time,
            )
            self.runtimes[name] = runtime
            if not runtime.available:
                logger.warning("%s: %s does not exist; it is not run", name, spec.module_file)
                continue
            try:
                runtime.load()
            except Exception:
                logger.exception("%s: importing %s failed; its calls will fail", name, spec.module_file)

    def invoke(self, function: str, event: dict[str, Any]) -> Invocation:
        runtime = self.runtimes[function]
        if not runtime.available:
            return Invocation(error_type="ResourceNotFoundException", error_message=f"{function} has no code")
        return runtime.invoke(event)

    def _build_distribution(self) -> Distribution:
        resolve = Resolver(self.deployed).resolve
        spec = distribution_spec({"Resources": self.deployed.resources}, resolve=resolve)
        gateways = {}
        for name, api in rest_apis(self.deployed).items():
            gateways[name] = ApiGateway(
                api,
                api_id=self.deployed.names[name],
                deployed=self.deployed,
                invoke=self.invoke,
                authorizers=cognito_authorizers(api, self.deployed, self.settings.aws_endpoint),
            )
        for behavior in spec.behaviors:
            if behavior.path_pattern and spec.origins[behavior.origin_id].kind == "api":
                self.api_prefix = "/" + behavior.path_pattern.strip("/").rstrip("*").rstrip("/")
        buckets = {name: self.deployed.names[name] for name in self.deployed.of_type("AWS::S3::Bucket")}
        cache = EdgeCache(
            ttl_cap=self.settings.cdn_ttl_cap,
            invalidations=InvalidationFeed(self._clients("cloudfront"), self.deployed.names[spec.logical_id]),
        )
        return Distribution(
            spec,
            domain_name=self.deployed.attributes.get((spec.logical_id, "DomainName"), "localhost"),
            s3=self._clients("s3"),
            buckets=buckets,
            apis=gateways,
            cache=cache,
        )

    # ----- event sources ----------------------------------------------------------------------------

    def _start_pollers(self) -> None:
        self.mappings = event_source_mappings(self.deployed)
        for mapping in self.mappings:
            if not mapping.enabled:
                continue
            if not self.runtimes[mapping.function].available:
                logger.warning("%s: not polled, %s has no code", mapping.name, mapping.function)
                continue
            poll = self._poller(mapping)
            # a table's stream has new records after a DynamoDB write; a queue, after an SQS one
            topic = "dynamodb" if ":dynamodb:" in mapping.source_arn else "sqs"
            thread = PollerThread(
                mapping.name, poll, self.settings.poll_interval, self._stop, **self._woken(topic)
            )
            thread.start()
            self._pollers.append(thread)
        for rule in object_rules(self.deployed):
            if not self.runtimes[rule.function].available:
                logger.warning("%s: not polled, %s has no code", rule.name, rule.function)
                continue
            objects = ObjectEventPoller(
                rule,
                s3=self._clients("s3"),
                invoke=self.invoke,
                region=self.deployed.region,
                account=self.deployed.account_id,
                send_failure=self._send_to_queue,
            )
            objects.start()  # now, before the origin takes an upload
            self.object_rules.append(rule)
            interval = self.settings.poll_interval
            thread = PollerThread(
                f"{rule.name}-{rule.bucket}",
                objects.poll_once,
                interval,
                self._stop,
                **self._woken(f"s3:/{rule.bucket}/{rule.prefix}"),
            )
            thread.start()
            self._pollers.append(thread)
        for group in self.deployed.of_type("AWS::Scheduler::ScheduleGroup"):
            schedules = SchedulePoller(
                self._clients("scheduler"), self.deployed.names[group], self._invoke_arn
            )
            thread = PollerThread(f"schedules-{group}", schedules.poll_once, SCHEDULE_INTERVAL, self._stop)
            thread.start()
            self._pollers.append(thread)

    def _woken(self, topic: str) -> dict[str, Any]:
        """An idle poller sleeps until the emulator takes a write of `topic` (a queue poller's long poll
        also sees messages that come back from their visibility timeout)."""
        return {"activity": self._moto.changes.activity, "topic": topic} if self._moto is not None else {}

    def _send_to_queue(self, queue_arn: str, event: dict[str, Any]) -> None:
        """An asynchronous invocation's on-failure record, sent to its queue (by ARN)."""
        queue = self.deployed.logical_id_of_arn(queue_arn)
        record = {"requestPayload": event, "responseContext": {"functionError": "Unhandled"}}
        self._clients("sqs").send_message(QueueUrl=self.deployed.names[queue], MessageBody=json.dumps(record))

    def _invoke_arn(self, function_arn: str, event: dict[str, Any]) -> Invocation:
        """A schedule's target, by ARN (as EventBridge Scheduler names it)."""
        try:
            function = self.deployed.logical_id_of_arn(function_arn)
        except KeyError:
            function = ""
        if function not in self.runtimes:
            return Invocation(
                error_type="ResourceNotFoundException", error_message=f"no function {function_arn}"
            )
        return self.invoke(function, event)

    def _poller(self, mapping: EventSourceMapping) -> Any:
        """A poll function for one mapping. After a restore, a stream poller reads on after the records
        the restore wrote (LATEST, now): the pages they would render were restored with the bucket."""

        def invoke(event: dict[str, Any]) -> Invocation:
            return self.invoke(mapping.function, event)

        if mapping.kind == "DynamoDB":
            send_failure = None
            if mapping.on_failure_arn:
                queue = self.deployed.logical_id_of_arn(mapping.on_failure_arn)
                send_failure = sqs_failure_sender(self._clients("sqs"), self.deployed.names[queue])
            poller = StreamPoller(
                replace(mapping, starting_position="LATEST") if self.restored else mapping,
                streams=self._clients("dynamodbstreams"),
                dynamodb=self._clients("dynamodb"),
                invoke=invoke,
                send_failure=send_failure,
                function_arn=self.deployed.arns[mapping.function],
                stop=self._stop,
            )
            if self.restored:
                try:
                    poller.discover()  # now, before the origin takes a request whose records must be read
                except Exception:
                    logger.exception("%s: the stream cannot be read yet; polling will retry", mapping.name)
            return poller.poll_once
        queue = self.deployed.logical_id_of_arn(mapping.source_arn)
        return QueuePoller(
            mapping,
            sqs=self._clients("sqs"),
            queue_url=self.deployed.names[queue],
            invoke=invoke,
            region=self.deployed.region,
            wait_seconds=SQS_LONG_POLL,
        ).poll_once

    # ----- housekeeping -----------------------------------------------------------------------------

    def _start_housekeeping(self) -> None:
        """Apply the versioned buckets' lifecycle rules for noncurrent versions (see housekeeping)."""
        s3 = self._clients("s3")
        keep = self.settings.noncurrent_versions
        chores: dict[str, Callable[[], object]] = {}
        for name, bucket in self.deployed.of_type("AWS::S3::Bucket").items():
            versioning = (bucket.get("Properties") or {}).get("VersioningConfiguration") or {}
            if versioning.get("Status") != "Enabled":
                continue
            physical = self.deployed.names[name]

            def expire(bucket_name: str = physical) -> int:
                return expire_noncurrent_versions(s3, bucket_name, keep=keep)

            chores[f"noncurrent versions of {physical}"] = expire
        if chores:
            self._housekeeper = Housekeeper(
                chores, HOUSEKEEPING_INTERVAL, self._stop, busy=self._emulator_busy
            )
            self._housekeeper.start()

    def _emulator_busy(self) -> bool:
        """Has the emulator taken a write in the last second (a publish, an import under way)?"""
        return self._moto is not None and not self._moto.changes.quiet_for()

    # ----- sample content ---------------------------------------------------------------------------

    def seed_samples(self) -> list[str]:
        """Configure the site and create and publish the sample articles through the API if every table is
        empty."""
        ddb = self._clients("dynamodb")
        tables = [self.deployed.names[t] for t in self.deployed.of_type("AWS::DynamoDB::Table")]
        if not all(table_is_empty(ddb, table) for table in tables):
            return []
        site_bucket = next(iter(self.deployed.of_type("AWS::S3::Bucket")), None)
        if site_bucket is not None:
            upload_media(self._clients("s3"), self.deployed.names[site_bucket])
        token = id_token(
            self._clients("cognito-idp"),
            pool_names(self.transformed, self.settings.stack_name, self.settings.region),
            self.settings.editor_email,
            self.settings.editor_password,
            [EDITORS_GROUP],
        )
        configure_site(self.api_url, token)
        return publish_samples(self.api_url, token, load_samples(self.settings.site_url))

    # ----- what to tell the developer -----------------------------------------------------------

    @property
    def api_url(self) -> str:
        return self.settings.site_url + self.api_prefix

    def banner(self) -> str:
        s = self.settings
        lines = [
            f"Newsdesk is running locally (stack {s.stack_name}, region {s.region}).",
            "",
            f"  Site      {s.site_url}/",
            f"  API       {self.api_url}",
            f"  API docs  {self.api_url}/docs",
            f"  Emulator  {s.aws_endpoint}  (moto server; AWS_ENDPOINT_URL={s.aws_endpoint})",
            "",
            "  An editor's token:  .venv/bin/newsdesk token",
            f'  e.g. curl -H "Authorization: Bearer $(.venv/bin/newsdesk token)" {self.api_url}/articles',
            "",
        ]
        for mapping in self.mappings:
            source = self.deployed.logical_id_of_arn(mapping.source_arn)
            running = self.runtimes[mapping.function].available and mapping.enabled
            state = "" if running else "  (not polled: no code yet)"
            lines.append(f"  Event source  {source} ({mapping.kind}) → {mapping.function}{state}")
        for rule in self.object_rules:
            source = f"{rule.bucket}/{rule.prefix}*"
            lines.append(f"  Event source  {source} (S3 via EventBridge) → {rule.function}")
        lines += ["", "Press Ctrl-C to stop."]
        return "\n".join(lines)
