"""Check that every compiled module in a `sam build` output is built for the functions' architecture.

    python -m bench.check_arch .aws-sam/build [--arch aarch64]

Walks each function and layer folder of the build (every directory next to the built template.yaml),
reads the ELF header of every shared object (`*.so`, `*.so.N`) and checks its `e_machine`. It also reads
the tags of every platform wheel installed there (`*.dist-info/WHEEL` with `Root-Is-Purelib: false`).
Exits 1, listing the offenders, when any shared object or platform wheel is for another machine, or
when a file that looks like a compiled module is not an ELF object at all (e.g. a macOS `.dylib`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
# e_machine values (System V ABI, elf.h) for the machines Lambda runs and the ones that sneak in.
MACHINES = {3: "i386", 40: "arm", 62: "x86_64", 183: "aarch64"}
EM_BY_NAME = {name: number for number, name in MACHINES.items()}
# Wheel platform tags name the machine as the last part, e.g. manylinux_2_17_aarch64.
WHEEL_ARCH_ALIASES = {"aarch64": ("aarch64", "arm64"), "x86_64": ("x86_64", "amd64")}
FOREIGN_SUFFIXES = (".dylib", ".pyd", ".dll")


class NotElf(ValueError):
    """The file is named like a shared object but has no ELF header."""


def elf_machine(path: Path) -> int:
    """The `e_machine` field of an ELF file's header (offset 18, 2 bytes, in the file's byte order)."""
    with path.open("rb") as fh:
        header = fh.read(20)
    if len(header) < 20 or header[:4] != ELF_MAGIC:
        raise NotElf(f"{path} is not an ELF file")
    # EI_DATA (byte 5): 1 = little-endian, 2 = big-endian.
    return int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")


def machine_name(number: int) -> str:
    return MACHINES.get(number, f"e_machine={number}")


def _is_shared_object(name: str) -> bool:
    return name.endswith(".so") or ".so." in name


@dataclass
class Artifact:
    name: str
    path: Path
    machines: dict[str, int] = field(default_factory=dict)  # machine name -> count of .so files
    problems: list[str] = field(default_factory=list)
    platform_wheels: list[str] = field(default_factory=list)  # "dist-info: tag"

    @property
    def shared_objects(self) -> int:
        return sum(self.machines.values())


def artifacts(build_dir: Path) -> Iterator[Path]:
    """The function and layer folders of a build: every directory beside the built template."""
    for child in sorted(build_dir.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            yield child


def _wheel_tags(wheel_file: Path) -> tuple[bool, list[str]]:
    purelib = True
    tags: list[str] = []
    for line in wheel_file.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Root-Is-Purelib":
            purelib = value.strip().lower() == "true"
        elif key.strip() == "Tag":
            tags.append(value.strip())
    return purelib, tags


def inspect(folder: Path, arch: str) -> Artifact:
    artifact = Artifact(folder.name, folder)
    aliases = WHEEL_ARCH_ALIASES.get(arch, (arch,))
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            rel = path.relative_to(folder)
            if name.endswith(FOREIGN_SUFFIXES):
                artifact.problems.append(f"{rel}: not a Linux shared object")
            elif name == "WHEEL" and root.endswith(".dist-info"):
                purelib, tags = _wheel_tags(path)
                if purelib:
                    continue
                dist = Path(root).name
                artifact.platform_wheels.append(f"{dist}: {', '.join(tags)}")
                if not any(tag.endswith(aliases) for tag in tags):
                    artifact.problems.append(f"{dist}: wheel tags {', '.join(tags)} are not {arch}")
            elif _is_shared_object(name) and not path.is_symlink():
                try:
                    machine = machine_name(elf_machine(path))
                except NotElf:
                    artifact.problems.append(f"{rel}: named like a shared object but not ELF")
                    continue
                artifact.machines[machine] = artifact.machines.get(machine, 0) + 1
                if machine != arch:
                    artifact.problems.append(f"{rel}: {machine}, not {arch}")
    return artifact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check_arch", description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=Path, nargs="?", default=Path(".aws-sam/build"))
    parser.add_argument("--arch", default="aarch64", choices=sorted(EM_BY_NAME), help="expected machine")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list the platform wheels")
    args = parser.parse_args(argv)

    build_dir: Path = args.build_dir
    if not build_dir.is_dir():
        print(f"check_arch: {build_dir} does not exist; run `make build` first", file=sys.stderr)
        return 2
    found = [inspect(folder, args.arch) for folder in artifacts(build_dir)]
    if not found:
        print(f"check_arch: {build_dir} holds no function or layer folders", file=sys.stderr)
        return 2

    width = max(len(a.name) for a in found)
    for a in found:
        kinds = ", ".join(f"{n} {m}" for m, n in sorted(a.machines.items())) or "none"
        wheels = f"; {len(a.platform_wheels)} platform wheels" if a.platform_wheels else ""
        print(f"  {a.name:<{width}}  {a.shared_objects:3d} .so ({kinds}){wheels}")
        if args.verbose:
            for wheel in a.platform_wheels:
                print(f"  {'':<{width}}    {wheel}")

    problems = [(a.name, p) for a in found for p in a.problems]
    total = sum(a.shared_objects for a in found)
    if problems:
        print(f"check_arch: {len(problems)} problem(s); the build is not all {args.arch}:", file=sys.stderr)
        for artifact_name, problem in problems:
            print(f"  {artifact_name}/{problem}", file=sys.stderr)
        return 1
    print(f"check_arch: {total} .so in {len(found)} artifacts, all {args.arch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
