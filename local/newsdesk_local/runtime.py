"""Run a function's handler in this process the way Lambda runs it: one event at a time, with a context.

Each function is imported from its own file under a module name of its own (every function's file is
called `app.py`), once, after the process environment it needs is set. A function handles one event
at a time, as one Lambda execution environment does: Powertools' resolvers keep the current event on
the class, so concurrent calls would mix requests up. Functions share this process's modules (the
newsdesk package, Powertools' loggers), so the local stack gives all of them one lock: calls never
interleave, as they could not in separate execution environments.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from newsdesk_local.functions import FunctionSpec

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The context object the Python runtime passes to handlers (awslambdaric's LambdaContext)."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    log_group_name: str
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_stream_name: str = field(
        default_factory=lambda: time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
    )
    identity: Any = None
    client_context: Any = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Invocation:
    """What an invoke returned: the handler's result, or the error Lambda would report."""

    payload: Any = None
    error_type: str | None = None
    error_message: str | None = None
    stack_trace: list[str] = field(default_factory=list)
    duration_ms: float = 0.0

    @property
    def failed(self) -> bool:
        return self.error_type is not None


class EnvironmentSwitch:
    """Sets a function's variables in os.environ.

    When every function agrees on every variable, the union is set once and calls need no lock. When
    two functions need different values for one name, each call sets its function's values under a
    process-wide lock (settings cached at first use still keep the first value they saw).
    """

    def __init__(self, environments: Mapping[str, Mapping[str, str]]) -> None:
        self.environments = {name: dict(env) for name, env in environments.items()}
        union: dict[str, str] = {}
        self.conflicts: set[str] = set()
        for env in self.environments.values():
            for key, value in env.items():
                if key in union and union[key] != value:
                    self.conflicts.add(key)
                union.setdefault(key, value)
        self._lock = threading.RLock()
        if not self.conflicts:
            os.environ.update(union)

    @contextmanager
    def applied(self, function: str) -> Iterator[None]:
        if not self.conflicts:
            yield
            return
        with self._lock:
            env = self.environments.get(function, {})
            saved = {key: os.environ.get(key) for key in env}
            os.environ.update(env)
            try:
                yield
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value


class FunctionRuntime:
    """One function: its handler, imported on first use, invoked one event at a time."""

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        function_name: str,
        function_arn: str,
        environment: EnvironmentSwitch,
        lock: threading.RLock | None = None,
    ) -> None:
        self.spec = spec
        self.function_name = function_name
        self.function_arn = function_arn
        self.environment = environment
        self._lock = lock or threading.RLock()
        self._handler: Handler | None = None

    @property
    def available(self) -> bool:
        return self.spec.module_file.is_file()

    def load(self) -> Handler:
        if self._handler is None:
            with self._lock, self.environment.applied(self.spec.logical_id):
                module = import_function_module(self.spec)
            handler = getattr(module, self.spec.handler_name, None)
            if not callable(handler):
                raise AttributeError(f"{self.spec.module_file} has no handler {self.spec.handler_name!r}")
            self._handler = handler
        return self._handler

    def context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self.function_name,
            invoked_function_arn=self.function_arn,
            memory_limit_in_mb=self.spec.memory_size,
            log_group_name=f"/aws/lambda/{self.function_name}",
            timeout_seconds=self.spec.timeout,
        )

    def invoke(self, event: dict[str, Any]) -> Invocation:
        with self._lock:
            started = time.monotonic()
            try:
                handler = self.load()
                with self.environment.applied(self.spec.logical_id):
                    payload = handler(event, self.context())
            except Exception as exc:
                return Invocation(
                    error_type=type(exc).__name__,
                    error_message=str(exc),
                    stack_trace=traceback.format_exception(exc),
                    duration_ms=(time.monotonic() - started) * 1000,
                )
            duration_ms = (time.monotonic() - started) * 1000
            if duration_ms > self.spec.timeout * 1000:
                logger.warning(
                    "%s ran %.0f ms, over its Timeout of %d s: Lambda would have stopped it",
                    self.spec.logical_id,
                    duration_ms,
                    self.spec.timeout,
                )
            return Invocation(payload=payload, duration_ms=duration_ms)


def import_function_module(spec: FunctionSpec) -> ModuleType:
    """Import <CodeUri>/<module>.py as `newsdesk_fn_<LogicalId>`, its directory first on sys.path."""
    name = f"newsdesk_fn_{spec.logical_id}"
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, spec.module_file)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot import {spec.module_file}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    code_dir = str(spec.code_uri)
    sys.path.insert(0, code_dir)
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    finally:
        sys.path.remove(code_dir)
    return module
