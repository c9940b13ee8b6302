"""Cold-import cost of each function's handler module, against `import boto3` alone.

Target (the issue): each handler imports, from exactly what SAM ships, in under 1.8x the time of
`import boto3` alone.

How it is measured, and why so:

* In a fresh interpreter per sample (`-I -S -B`: no site-packages, no user paths, no .pyc written), of
  the Python version of the functions' runtime (pyenv's python3.13 when present), with `sys.path` laid out
  as in Lambda: the function's folder (/var/task), the layer's `python/` (/opt/python), the standard
  library, then the runtime's own boto3 (/var/lang/lib/python3.13/site-packages).
* The real build is arm64 and this machine is not, so each layer is a *mirror* of what SAM ships, built
  the same way for this machine. A layer with `BuildMethod: makefile` (NewsdeskLayer: shared/Makefile) is
  built by its own Makefile target, run as SAM runs it (in a scratch copy of the ContentUri, with
  ARTIFACTS_DIR), with only the wheel platform tags (LAYER_PLATFORMS) and the interpreter (LAYER_PYTHON)
  swapped for this machine's: the same packages removed (the runtime's boto3 & co.), the same
  `compileall --invalidation-mode unchecked-hash` by the runtime's Python version. A layer built by SAM's
  python builder is mirrored as that builder ships it: `pip install --target --no-compile` plus the
  layer's sources, without .pyc, so every cold start compiles it (the layer is read-only in Lambda).
  Built layers are cached under bench/.cache/imports/, keyed by a hash of their inputs and the interpreter.
  The functions' own folders are copied as SAM's python builder ships them (no .pyc).
* The "runtime" part is the venv's boto3, botocore, s3transfer, jmespath, dateutil, urllib3 and six,
  copied and byte-compiled, since Lambda's runtime ships its boto3 compiled. Nothing else from the venv.
  A layer that carries one of those packages would shadow the runtime's, as in Lambda, where
  /opt/python comes before the runtime's site-packages: the benchmark reports any it finds (target 0).
* The environment is the function's from template.yaml, plus what Lambda sets (LAMBDA_TASK_ROOT,
  AWS_LAMBDA_FUNCTION_NAME, AWS_EXECUTION_ENV, the X-Ray daemon address ...), so Powertools behaves as it
  does in Lambda (tracing on). POWERTOOLS_TRACE_DISABLED and AWS_XRAY_SDK_ENABLED are not set.
* The runtime's bootstrap has already imported json, logging and traceback when it imports the handler;
  each sample imports those first, outside the timed part. The timed part is the import statement alone.

Diagnose a slow handler with `python -m bench.bench_imports --importtime [FUNCTION]`: it runs
`-X importtime` in the same mirror and prints the heaviest imports.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bench import CACHE_DIR, ROOT, Result

TARGET_RATIO = 1.8
REPEATS = int(os.environ.get("BENCH_IMPORT_REPEATS", "15"))
# What a Lambda Python runtime ships besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
# Imported by the runtime's bootstrap (awslambdaric) before it imports the handler.
BOOTSTRAP_MODULES = ("json", "logging", "traceback")
REGION = "ap-south-1"
MIRROR_DIR = CACHE_DIR / "imports"


# ----- the functions, as template.yaml declares them ----------------------------------------------


@dataclass(frozen=True)
class LayerSpec:
    logical_id: str
    content_dir: Path
    build_method: str  # Metadata BuildMethod: "makefile", "python3.13" ...


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str  # "app.lambda_handler"
    runtime: str  # "python3.13"
    memory: int
    environment: dict[str, str]
    layers: tuple[LayerSpec, ...]

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]


ACCOUNT = "123456789012"
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::StackName": "newsdesk",
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/newsdesk/6a3b1c40-0f1e-11f1",
    "AWS::URLSuffix": "amazonaws.com",
}


class Placeholders:
    """Deployed-looking values for the intrinsics of template.yaml, enough to fill in environments.

    Parameters take their Default and conditions are evaluated; a resource's Ref or GetAtt becomes a
    made-up name, URL or ARN shaped like the real one (a queue's Ref is its URL, a bucket's a valid name).
    """

    def __init__(self, template: dict[str, Any]) -> None:
        self.template = template
        self.resources: dict[str, Any] = template.get("Resources", {})
        self.parameters = {k: v.get("Default", "") for k, v in template.get("Parameters", {}).items()}
        # A required parameter a deploy must set (the template's rules refuse it empty).
        if "OriginSecret" in self.parameters:
            self.parameters["OriginSecret"] = "bench-origin-secret-0123456789abcdefgh"

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: self(v) for k, v in value.items()}
        ((kind, arg),) = value.items()
        if kind == "Ref":
            return self.ref(arg)
        if kind == "Condition":
            return self.condition(arg)
        if kind == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
            return self.get_att(logical_id, attribute)
        if kind == "Fn::Sub":
            text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self(arg[1]))
            return re.sub(
                r"\$\{([^}!]+)\}", lambda m: str(extra.get(m.group(1)) or self._sub(m.group(1))), text
            )
        if kind == "Fn::If":
            name, when_true, when_false = arg
            return self(when_true if self.condition(name) else when_false)
        if kind == "Fn::Join":
            return str(arg[0]).join(str(self(v)) for v in self(arg[1]))
        if kind == "Fn::Split":
            return str(self(arg[1])).split(str(arg[0]))
        if kind == "Fn::Select":
            return self(arg[1])[int(self(arg[0]))]
        if kind == "Fn::Equals":
            return str(self(arg[0])) == str(self(arg[1]))
        if kind == "Fn::Not":
            return not self(arg[0])
        if kind == "Fn::And":
            return all(self(v) for v in arg)
        if kind == "Fn::Or":
            return any(self(v) for v in arg)
        return {kind: self(arg)}

    def condition(self, name: str) -> bool:
        return bool(self(self.template.get("Conditions", {})[name]))

    def _sub(self, name: str) -> str:
        return str(self.get_att(*name.split(".", 1)) if "." in name else self.ref(name))

    def ref(self, name: str) -> str:
        if name in self.parameters:
            return str(self.parameters[name])
        if name in PSEUDO:
            return PSEUDO[name]
        kind = self.resources.get(name, {}).get("Type", "")
        physical = f"newsdesk-{name.lower()}-bench0123"
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}"
        if kind in ("AWS::SNS::Topic", "AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            return self.get_att(name, "Arn")
        if kind == "AWS::CloudFront::Distribution":
            return "E2BENCH0123456"
        return physical

    def get_att(self, logical_id: str, attribute: str) -> str:
        if attribute.endswith("Arn"):
            service = self.resources.get(logical_id, {}).get("Type", "AWS::Bench::X").split("::")[1].lower()
            return f"arn:aws:{service}:{REGION}:{ACCOUNT}:newsdesk-{logical_id.lower()}"
        if attribute.endswith("DomainName"):
            return f"{logical_id.lower()}-bench.example.net"
        return f"{logical_id}-{attribute}-bench"


def _ref(value: Any) -> str | None:
    return value.get("Ref") if isinstance(value, dict) else None


def lambda_functions() -> list[FunctionSpec]:
    """Every Python AWS::Serverless::Function of template.yaml, with Globals applied."""
    from newsdesk_local.template import load_template

    template = load_template(ROOT / "template.yaml")
    placeholders = Placeholders(template)
    resources = template.get("Resources", {})
    glob = template.get("Globals", {}).get("Function", {})
    specs = []
    for logical_id, res in resources.items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        own = res.get("Properties", {})
        props = {**glob, **own}
        runtime = str(props.get("Runtime", ""))
        if not runtime.startswith("python"):
            continue
        variables = {
            **glob.get("Environment", {}).get("Variables", {}),
            **own.get("Environment", {}).get("Variables", {}),
        }
        layer_ids = [_ref(x) for x in [*glob.get("Layers", []), *own.get("Layers", [])]]
        layers = tuple(
            LayerSpec(
                lid,
                ROOT / resources[lid]["Properties"]["ContentUri"],
                str(resources[lid].get("Metadata", {}).get("BuildMethod", "")),
            )
            for lid in dict.fromkeys(layer_ids)
            if lid and resources.get(lid, {}).get("Type") == "AWS::Serverless::LayerVersion"
        )
        specs.append(
            FunctionSpec(
                logical_id=logical_id,
                code_dir=ROOT / props["CodeUri"],
                handler=props["Handler"],
                runtime=runtime,
                memory=int(props.get("MemorySize", 128)),
                environment={k: str(placeholders(v)) for k, v in variables.items()},
                layers=layers,
            )
        )
    return specs


# ----- the interpreter and the mirror -------------------------------------------------------------


@cache
def interpreter(runtime: str) -> Path:
    """The runtime's Python (BENCH_PYTHON, else pyenv's newest pythonX.Y, else this interpreter)."""
    if os.environ.get("BENCH_PYTHON"):
        return Path(os.environ["BENCH_PYTHON"])
    version = runtime.removeprefix("python")
    candidates: list[Path] = []
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False).stdout.strip()
        found = Path(root, "versions").glob(f"{version}.*/bin/python{version}")
        candidates += sorted(
            found, key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])], reverse=True
        )
    candidates.append(Path(sys.executable))
    for candidate in candidates:
        if _python_version(candidate) == version:
            return candidate
    return Path(sys.executable)


@cache
def _python_version(python: Path) -> str:
    out = subprocess.run(
        [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


def _full_version(python: Path) -> str:
    code = "import platform; print(platform.python_version(), platform.machine())"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _ignore_pycache(_dir: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith(".pyc")}


def built_layer(layer: LayerSpec, python: Path) -> Path:
    """The layer's `python/` folder, built for this machine as SAM builds it for Lambda; cached.

    `BuildMethod: makefile`: the layer's own Makefile target, with this machine's wheel platform tags and
    `python` as the interpreter. Otherwise SAM's python builder: the requirements, `--no-compile`, then
    the layer's sources (no .pyc).
    """
    if layer.build_method == "makefile":
        return _made_layer(layer, python)
    target = layer_dependencies(layer, python)
    out = MIRROR_DIR / f"{target.name}-src-{_tree_digest(layer.content_dir)}"
    if not (out / ".complete").exists():
        _prune(MIRROR_DIR.glob(f"{target.name}-src-*"))
        shutil.copytree(target, out / "python", copy_function=os.link, ignore=_ignore_complete)
        shutil.copytree(layer.content_dir, out / "python", dirs_exist_ok=True, ignore=_ignore_pycache)
        (out / ".complete").touch()
    return out / "python"


def _made_layer(layer: LayerSpec, python: Path) -> Path:
    """`make build-<LayerId>` of the layer's Makefile, as `sam build` runs it, for this machine."""
    machine = _full_version(python).split()[-1]
    key = _digest(_tree_digest(layer.content_dir), _full_version(python))
    target = MIRROR_DIR / f"layer-{layer.logical_id}-make-{key}"
    if (target / ".complete").exists():
        return target / "python"
    _prune(MIRROR_DIR.glob(f"layer-{layer.logical_id}-*"))
    print(f"bench: building {layer.logical_id} with its Makefile for {machine}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="scratch-", dir=MIRROR_DIR) as scratch:
        # SAM runs make in a scratch copy of the ContentUri (build_in_source is off by default).
        source = Path(scratch, layer.content_dir.name)
        shutil.copytree(layer.content_dir, source)
        target.mkdir(parents=True)
        proc = subprocess.run(
            [
                "make",
                "--no-print-directory",
                "-f",
                str(source / "Makefile"),
                f"build-{layer.logical_id}",
                f"ARTIFACTS_DIR={target}",
                f"LAYER_PYTHON={python}",
                f"LAYER_PLATFORMS=manylinux2014_{machine} manylinux_2_28_{machine}",
            ],
            cwd=source,
            env={**os.environ, "ARTIFACTS_DIR": str(target)},
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise RuntimeError(f"building {layer.logical_id} failed:\n{proc.stderr[-4000:]}")
    (target / ".complete").touch()
    return target / "python"


def _tree_digest(folder: Path) -> str:
    """A hash of the files of `folder` (paths and contents), byte-code left out."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(f"{path.relative_to(folder)}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def _prune(stale: Iterator[Path]) -> None:
    """Remove superseded cached builds (each holds a whole layer)."""
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _ignore_complete(_dir: str, names: list[str]) -> set[str]:
    return {".complete"} & set(names)


def layer_dependencies(layer: LayerSpec, python: Path) -> Path:
    """The layer's requirements installed for `python`, as SAM does but for this machine; cached."""
    requirements = layer.content_dir / "requirements.txt"
    text = requirements.read_text(encoding="utf-8") if requirements.exists() else ""
    target = MIRROR_DIR / f"layer-{layer.logical_id}-{_digest(text, _full_version(python))}"
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if text.strip():
        print(
            f"bench: installing {layer.logical_id} requirements into {target.relative_to(ROOT)}",
            file=sys.stderr,
        )
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--root-user-action=ignore",
                "--no-compile",
                "--only-binary=:all:",
                "--target",
                str(target),
                "-r",
                str(requirements),
            ],
            check=True,
        )
    (target / ".complete").write_text(text, encoding="utf-8")
    return target


def runtime_packages(python: Path) -> Path:
    """The venv's copies of what the Lambda runtime ships (boto3 and its dependencies), byte-compiled."""
    sources = []
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed in this environment; `make install` first")
        origin = Path(spec.origin)
        sources.append(origin.parent if origin.name == "__init__.py" else origin)
    versions = [_version_of(name) for name in RUNTIME_PACKAGES]
    target = MIRROR_DIR / f"runtime-{_digest(*versions, _full_version(python))}"
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for source in sources:
        if source.is_dir():
            shutil.copytree(source, target / source.name, ignore=_ignore_pycache)
        else:
            shutil.copy2(source, target / source.name)
    subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", str(target)], check=True)
    (target / ".complete").write_text("\n".join(versions), encoding="utf-8")
    return target


def _version_of(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, packages_distributions, version

    dists = packages_distributions().get(name, [name])
    try:
        return f"{dists[0]}=={version(dists[0])}"
    except PackageNotFoundError:
        return f"{name}==?"


@dataclass(frozen=True)
class Staged:
    """One function as Lambda would see it: sys.path entries before and after the standard library."""

    spec: FunctionSpec
    task_root: Path
    front: tuple[Path, ...]  # /var/task, /opt/python
    back: tuple[Path, ...]  # the runtime's site-packages


@contextmanager
def staged(specs: list[FunctionSpec], python: Path) -> Iterator[list[Staged]]:
    """A throw-away copy of each function's folder and layers, laid out as SAM ships them."""
    runtime = runtime_packages(python)
    MIRROR_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="run-", dir=MIRROR_DIR) as tmp:
        layers: dict[str, Path] = {}
        out = []
        for spec in specs:
            for layer in spec.layers:
                if layer.logical_id in layers:
                    continue
                python_dir = Path(tmp, "opt", layer.logical_id, "python")
                # Hard links: the cached build is never written to (-B, and read-only in Lambda).
                shutil.copytree(built_layer(layer, python), python_dir, copy_function=os.link)
                layers[layer.logical_id] = python_dir
            task_root = Path(tmp, "task", spec.logical_id)
            shutil.copytree(spec.code_dir, task_root, ignore=_ignore_pycache)
            front = (task_root, *(layers[layer.logical_id] for layer in spec.layers))
            out.append(Staged(spec, task_root, front, (runtime,)))
        yield out


def layer_contents(python_dir: Path, python: Path) -> dict[str, Any]:
    """What a built layer holds that matters to cold starts: runtime packages it shadows, missing .pyc."""
    shadowing = sorted(
        name
        for name in RUNTIME_PACKAGES
        if (python_dir / name).is_dir() or (python_dir / f"{name}.py").is_file()
    )
    tag = _cache_tag(python)
    sources = [path for path in python_dir.rglob("*.py") if "__pycache__" not in path.parts]
    uncompiled = [
        path for path in sources if not (path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc").is_file()
    ]
    return {"shadowing": shadowing, "sources": len(sources), "uncompiled": len(uncompiled), "cache_tag": tag}


@cache
def _cache_tag(python: Path) -> str:
    """The interpreter's byte-code tag, e.g. "cpython-313" (`__pycache__/<module>.<tag>.pyc`)."""
    code = "import sys; print(sys.implementation.cache_tag)"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


# ----- one sample ---------------------------------------------------------------------------------

_CHILD = """
import sys
front, back, module, attr = {front!r}, {back!r}, {module!r}, {attr!r}
sys.path[:0] = front
sys.path.extend(back)
for name in {bootstrap!r}:
    __import__(name)
before = set(sys.modules)
from time import perf_counter
t0 = perf_counter()
__import__(module)
seconds = perf_counter() - t0
handler = getattr(sys.modules[module], attr) if attr else None
import json
botocore = sys.modules.get("botocore")
print(json.dumps({{
    "seconds": seconds,
    "boto3": "boto3" in sys.modules,
    # Powertools imports the bare botocore package (a few lines) for its user-agent hook; count the rest.
    "botocore": sum(name.startswith("botocore.") for name in sys.modules),
    "botocore_from": getattr(botocore, "__file__", None),
    "modules": len(set(sys.modules) - before),
    "handler": callable(handler) if attr else None,
}}))
"""


def lambda_environment(staged_fn: Staged | None, python: Path) -> dict[str, str]:
    """What Lambda puts in the environment of a python function, plus the template's variables."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": ":UTC"}
    if staged_fn is None:
        return env
    spec = staged_fn.spec
    name = f"newsdesk-{spec.logical_id}-BENCH0123456"
    env.update(
        {
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "ASIABENCHMARKONLY000",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
            "_AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129",
            "_AWS_XRAY_DAEMON_PORT": "2000",
            "LAMBDA_TASK_ROOT": str(staged_fn.task_root),
            "LAMBDA_RUNTIME_DIR": str(staged_fn.back[0]),
            "_HANDLER": spec.handler,
        }
    )
    env.update(spec.environment)
    return env


def sample(
    python: Path, staged_fn: Staged | None, runtime: Path, *, importtime: bool = False
) -> dict[str, Any]:
    """Import the handler module of `staged_fn` (or boto3 alone when None) in a fresh interpreter."""
    if staged_fn is None:
        front: tuple[str, ...] = ()
        back: tuple[str, ...] = (str(runtime),)
        module, attr = "boto3", ""
    else:
        front = tuple(map(str, staged_fn.front))
        back = tuple(map(str, staged_fn.back))
        module, _, attr = staged_fn.spec.handler.rpartition(".")
    code = _CHILD.format(front=front, back=back, module=module, attr=attr, bootstrap=BOOTSTRAP_MODULES)
    args = [str(python), "-I", "-S", "-B", *(["-X", "importtime"] if importtime else []), "-c", code]
    cwd = staged_fn.task_root if staged_fn else runtime
    proc = subprocess.run(
        args, cwd=cwd, env=lambda_environment(staged_fn, python), capture_output=True, text=True
    )
    if proc.returncode != 0:
        what = staged_fn.spec.logical_id if staged_fn else "boto3"
        raise RuntimeError(f"importing {what} failed:\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    if importtime:
        result["importtime"] = proc.stderr
    return result


_CLIENT_CHILD = """
import sys
sys.path[:0] = {front!r}
sys.path.append({runtime!r})
for name in {bootstrap!r}:
    __import__(name)
from time import perf_counter
t0 = perf_counter()
import boto3
boto3.client("dynamodb")
print(perf_counter() - t0)
"""


def first_client_sample(python: Path, layers: tuple[Path, ...], runtime: Path) -> float:
    """Seconds to `import boto3` and make a DynamoDB client, with `layers` ahead of the runtime's."""
    code = _CLIENT_CHILD.format(
        front=tuple(map(str, layers)), runtime=str(runtime), bootstrap=BOOTSTRAP_MODULES
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "ASIABENCHMARKONLY000",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
    proc = subprocess.run(
        [str(python), "-I", "-S", "-B", "-c", code], cwd=runtime, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"making a boto3 client failed:\n{proc.stderr[-4000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def _origin(path: str | None, front: tuple[Path, ...]) -> str | None:
    """Whether a module file came from the function's folder, a layer or the runtime."""
    if not path:
        return None
    if Path(path).is_relative_to(front[0]):
        return "function"
    return "layer" if any(Path(path).is_relative_to(p) for p in front[1:]) else "runtime"


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[8] if len(samples) > 1 else samples[0]


# ----- the benchmark ------------------------------------------------------------------------------


def run() -> list[Result]:
    specs = lambda_functions()
    failed: dict[str, str] = {}
    for spec in specs:
        if not (spec.code_dir / f"{spec.module.replace('.', '/')}.py").exists():
            failed[spec.logical_id] = f"no {spec.module}.py in {spec.code_dir.relative_to(ROOT)}"
    specs = [s for s in specs if s.logical_id not in failed]
    if not specs:
        return _failures(failed)
    python = interpreter(specs[0].runtime)
    version = _full_version(python)
    runtime = runtime_packages(python)
    times: dict[str, list[float]] = {"boto3": []}
    last: dict[str, dict[str, Any]] = {}
    origins: dict[str, str | None] = {}
    with staged(specs, python) as fns:
        series = {fn.spec.logical_id: fn for fn in fns}
        sample(python, None, runtime)  # warm the page cache; not counted
        for fn in list(series.values()):
            try:
                sample(python, fn, runtime)
            except RuntimeError as exc:
                failed[fn.spec.logical_id] = str(exc)
                print(f"bench: {exc}", file=sys.stderr)
        series = {key: fn for key, fn in series.items() if fn.spec.logical_id not in failed}
        layers = tuple(dict.fromkeys(p for fn in fns for p in fn.front[1:]))
        contents = {path.parent.name: layer_contents(path, python) for path in layers}
        for _ in range(REPEATS):  # interleaved, so drift affects every series alike
            times["boto3"].append(sample(python, None, runtime)["seconds"])
            for key, fn in series.items():
                last[key] = sample(python, fn, runtime)
                times.setdefault(key, []).append(last[key]["seconds"])
            times.setdefault("client", []).append(first_client_sample(python, (), runtime))
            if layers:
                times.setdefault("client+layer", []).append(first_client_sample(python, layers, runtime))
        for key, fn in series.items():
            origins[key] = _origin(last[key]["botocore_from"], fn.front)

    base = statistics.median(times["boto3"])
    results = [
        Result(
            "import boto3 (runtime's)",
            base * 1000,
            "ms",
            comment=f"median; p90 {_p90(times['boto3']) * 1000:.0f} ms; python {version}; n={REPEATS}",
            details={"samples_s": times["boto3"], "python": str(python), "python_version": version},
        )
    ]
    for key, info in last.items():
        median = statistics.median(times[key])
        sdk = [m for m in ("boto3", "botocore") if info[m]]
        sdk_note = (
            f"imports {'+'.join(sdk)} ({info['botocore']} botocore modules, from the {origins[key]})"
            if sdk
            else "no boto3/botocore beyond the bare package"
        )
        results.append(
            Result(
                f"import {key}",
                median * 1000,
                "ms",
                comment=f"median; p90 {_p90(times[key]) * 1000:.0f} ms; {info['modules']} modules; "
                + sdk_note,
                details={
                    "samples_s": times[key],
                    "modules_imported": info["modules"],
                    "boto3_at_import": info["boto3"],
                    "botocore_modules_at_import": info["botocore"],
                    "botocore_from": origins[key],
                },
            )
        )
        results.append(
            Result(
                f"{key} / boto3",
                median / base,
                "x",
                target=TARGET_RATIO,
                comment="median handler import / median import boto3; layer and function as SAM builds them",
            )
        )
    results.append(
        Result(
            "first boto3 client, runtime's botocore",
            statistics.median(times["client"]) * 1000,
            "ms",
            comment="median import boto3 + boto3.client('dynamodb'), the first AWS call's set-up",
            details={"samples_s": times["client"]},
        )
    )
    if "client+layer" in times:
        results.append(
            Result(
                "first boto3 client, with the layer",
                statistics.median(times["client+layer"]) * 1000,
                "ms",
                comment="the same with the layers ahead of the runtime, as from a function; equal unless a "
                "layer shadows the runtime's SDK",
                details={"samples_s": times["client+layer"]},
            )
        )
    for layer_id, content in contents.items():
        results.append(
            Result(
                f"{layer_id}: runtime packages it shadows",
                len(content["shadowing"]),
                "",
                target=0,
                comment=", ".join(content["shadowing"])
                or f"none of {', '.join(RUNTIME_PACKAGES)}: the runtime's SDK is used",
                details=content,
            )
        )
        results.append(
            Result(
                f"{layer_id}: modules without .pyc",
                content["uncompiled"],
                "",
                target=0,
                comment=f"of {content['sources']} .py; byte-code {content['cache_tag']} (compiled at every "
                "cold start otherwise: the layer is read-only)",
                details=content,
            )
        )
    return results + _failures(failed)


def _failures(failed: dict[str, str]) -> list[Result]:
    if not failed:
        return []
    return [
        Result(
            "handlers that failed to import",
            len(failed),
            "",
            target=0,
            comment=", ".join(sorted(failed)),
            details={"errors": failed},
        )
    ]


# ----- diagnosis ----------------------------------------------------------------------------------


def importtime_report(function: str | None, top: int) -> None:
    specs = [s for s in lambda_functions() if function in (None, s.logical_id)]
    if not specs:
        raise SystemExit(f"no function {function!r} in template.yaml")
    python = interpreter(specs[0].runtime)
    runtime = runtime_packages(python)
    with staged(specs, python) as fns:
        for fn in fns:
            sample(python, fn, runtime)  # warm-up
            result = sample(python, fn, runtime, importtime=True)
            rows = []
            for line in result["importtime"].splitlines():
                match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
                if match:
                    rows.append(
                        (int(match.group(2)), int(match.group(1)), len(match.group(3)) // 2, match.group(4))
                    )
            print(
                f"{fn.spec.logical_id}: {result['seconds'] * 1000:.0f} ms, {result['modules']} modules "
                f"(boto3 {result['boto3']}, {result['botocore']} botocore submodules)"
            )
            print(f"  {'cumulative':>10}  {'self':>7}  module (heaviest {top}, depth shown by indent)")
            for cumulative, own, depth, name in sorted(rows, reverse=True)[:top]:
                print(f"  {cumulative / 1000:8.1f}ms  {own / 1000:5.1f}ms  {'  ' * depth}{name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_imports", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--importtime", action="store_true", help="show the heaviest imports of each handler")
    parser.add_argument("function", nargs="?", help="logical id of one function (default: all)")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    if args.importtime:
        importtime_report(args.function, args.top)
        return 0
    from bench.__main__ import print_table

    print_table([("imports", r) for r in run()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
