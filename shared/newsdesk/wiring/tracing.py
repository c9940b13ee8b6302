"""X-Ray tracing that stays off the cold-start path.

Powertools' `Tracer()` patches every library X-Ray supports as soon as it is created, in Lambda. Patching
botocore imports `botocore.client` and, through it, botocore's waiter and documentation machinery: a few
hundred milliseconds of a cold start, before the handler knows whether it will call AWS at all (health,
OpenAPI and refused requests never do). `lazy_tracer()` patches botocore instead when the first botocore
session is created, i.e. right before the first boto3 client exists, so every AWS call is still traced.
"""

from __future__ import annotations

from typing import Any

import botocore  # the bare package; `import aws_lambda_powertools` has imported it already
from aws_lambda_powertools import Tracer

_pending: list[Tracer] = []
_registered = False


def _patch_botocore(_session: Any) -> None:
    """botocore session initializer: instrument botocore before the first session makes a client."""
    while _pending:
        _pending.pop().patch(["botocore"])  # a no-op when tracing is disabled; X-Ray never patches twice


def lazy_tracer() -> Tracer:
    """The function's Tracer, patching botocore for X-Ray on first use instead of at import."""
    global _registered
    tracer = Tracer(auto_patch=False)
    if not hasattr(botocore, "register_initializer"):  # botocore too old for initializers: patch now
        tracer.patch(["botocore"])
        return tracer
    _pending.append(tracer)
    if not _registered:
        botocore.register_initializer(_patch_botocore)
        _registered = True
    return tracer
