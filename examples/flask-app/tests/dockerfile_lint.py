"""A small Dockerfile parser and the policy checks the tests apply to it.

No Docker daemon is needed. The parser handles what this project's
Dockerfiles use: parser directives and comments, backslash line
continuations (with comment lines inside them), ``--flag=value`` options,
exec (JSON) and shell forms, ``ARG`` defaults substituted into ``FROM``,
``FROM ... AS name`` stages, and both ``ENV`` forms. It refuses what it
does not understand (heredocs, a non-default escape character) instead of
guessing.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Optional

_DIRECTIVE_RE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$")
_VAR_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
_FULL_VERSION_RE = re.compile(r"\d+\.\d+\.\d+")


class DockerfileError(ValueError):
    pass


@dataclass
class Instruction:
    keyword: str  # upper case
    args: str  # the text after the keyword and the flags
    flags: dict[str, str]
    lineno: int
    raw: str

    def exec_form(self) -> Optional[list[str]]:
        """The JSON array form of the arguments, or None for shell form."""
        text = self.args.strip()
        if not text.startswith("["):
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None


@dataclass
class Stage:
    index: int
    base: str
    name: Optional[str]
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Optional[Instruction]:
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self) -> dict[str, str]:
        """ENV values set in this stage (later ones win)."""
        result: dict[str, str] = {}
        for instruction in self.all("ENV"):
            result.update(parse_env(instruction.args))
        return result


@dataclass
class Dockerfile:
    directives: dict[str, str]
    global_args: dict[str, str]
    stages: list[Stage]

    @property
    def final(self) -> Stage:
        if not self.stages:
            raise DockerfileError("no FROM instruction")
        return self.stages[-1]

    def stage_names(self) -> set[str]:
        return {s.name for s in self.stages if s.name}


def _logical_lines(text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    directives: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    # Parser directives: only at the very top, before any other line.
    while index < len(lines):
        match = _DIRECTIVE_RE.match(lines[index])
        if not match:
            break
        directives[match.group(1).lower()] = match.group(2)
        index += 1
    if directives.get("escape", "\\") != "\\":
        raise DockerfileError("only the default escape character is supported")

    result: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines[index:], start=index + 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue  # comments, also inside continuations
        if not current and not stripped:
            continue
        if not current:
            start = number
        if line.rstrip().endswith("\\"):
            current.append(line.rstrip()[:-1])
            continue
        current.append(line)
        result.append((start, " ".join(part.strip() for part in current).strip()))
        current = []
    if current:
        result.append((start, " ".join(part.strip() for part in current).strip()))
    return directives, result


def _split_flags(rest: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    while rest.startswith("--"):
        token, _, remainder = rest.partition(" ")
        name, _, value = token[2:].partition("=")
        flags[name] = value
        rest = remainder.lstrip()
    return flags, rest


def substitute(text: str, variables: dict[str, str]) -> str:
    return _VAR_RE.sub(lambda m: variables.get(m.group(1) or m.group(2), ""), text)


def parse_env(args: str) -> dict[str, str]:
    tokens = shlex.split(args, posix=True)
    if not tokens:
        raise DockerfileError("ENV without arguments")
    if "=" not in tokens[0]:
        # Legacy form: ENV key value with spaces
        key, _, value = args.strip().partition(" ")
        return {key: value.strip()}
    result = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            raise DockerfileError(f"ENV token without '=': {token!r}")
        result[key] = value
    return result


def parse(text: str) -> Dockerfile:
    directives, lines = _logical_lines(text)
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for lineno, line in lines:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()
        if "<<" in rest and keyword in {"RUN", "COPY"}:
            raise DockerfileError(f"line {lineno}: heredocs are not supported")
        flags, args = _split_flags(rest)
        instruction = Instruction(keyword, args, flags, lineno, line)
        if keyword == "FROM":
            tokens = substitute(args, global_args).split()
            if not tokens:
                raise DockerfileError(f"line {lineno}: FROM without an image")
            name = None
            if len(tokens) == 3 and tokens[1].upper() == "AS":
                name = tokens[2]
            elif len(tokens) != 1:
                raise DockerfileError(f"line {lineno}: cannot parse FROM {args!r}")
            stages.append(Stage(len(stages), tokens[0], name, [instruction]))
        elif not stages:
            if keyword != "ARG":
                raise DockerfileError(f"line {lineno}: {keyword} before the first FROM")
            key, _, value = args.partition("=")
            global_args[key.strip()] = value.strip().strip('"')
        else:
            stages[-1].instructions.append(instruction)
    return Dockerfile(directives, global_args, stages)


# --------------------------------------------------------------------------
# Image references


@dataclass
class ImageRef:
    repository: str
    tag: Optional[str]
    digest: Optional[str]


def parse_image(reference: str) -> ImageRef:
    name, _, digest = reference.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        name = name[: len(name) - len(tag) - 1]
    return ImageRef(name, tag or None, digest or None)


def is_under_tmp(path: str) -> bool:
    normal = re.sub(r"/+", "/", path.strip()).rstrip("/")
    parts = normal.split("/")
    return normal.startswith("/tmp") and (normal == "/tmp" or normal.startswith("/tmp/")) and ".." not in parts


# --------------------------------------------------------------------------
# Policy checks: each returns a list of problems (empty when it passes).


def check_base_images_pinned(dockerfile: Dockerfile) -> list[str]:
    problems = []
    earlier: set[str] = set()
    for stage in dockerfile.stages:
        base = stage.base
        if base in earlier or base == "scratch":
            pass
        else:
            ref = parse_image(base)
            if ref.tag == "latest":
                problems.append(f"stage {stage.index}: {base!r} uses the 'latest' tag")
            elif ref.digest is not None and not _DIGEST_RE.match(ref.digest):
                problems.append(f"stage {stage.index}: {base!r} has a malformed digest")
            elif ref.digest is None and not (ref.tag and _FULL_VERSION_RE.search(ref.tag)):
                problems.append(
                    f"stage {stage.index}: {base!r} is not pinned to a full version tag or a digest"
                )
        if stage.name:
            earlier.add(stage.name)
    return problems


def final_user(dockerfile: Dockerfile) -> Optional[str]:
    instruction = dockerfile.final.last("USER")
    return instruction.args.strip() if instruction else None


def check_final_user(dockerfile: Dockerfile, minimum: int = 10000) -> list[str]:
    user = final_user(dockerfile)
    if user is None:
        return ["the final stage has no USER instruction (it would run as root)"]
    problems = []
    for part, what in zip(user.split(":"), ("uid", "gid")):
        if not part.isdigit():
            problems.append(f"USER {user!r}: {what} {part!r} is not numeric")
        elif int(part) < minimum:
            problems.append(f"USER {user!r}: {what} {part} is below {minimum}")
    return problems


# Variables that tell software where to write at run time.
WRITE_LOCATION_VARS = ("PROMETHEUS_MULTIPROC_DIR", "HOME", "TMPDIR", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME")


def check_runtime_writes_under_tmp(dockerfile: Dockerfile) -> list[str]:
    stage = dockerfile.final
    env = stage.env()
    problems = []
    if "PROMETHEUS_MULTIPROC_DIR" not in env:
        problems.append("PROMETHEUS_MULTIPROC_DIR is not set in the final stage")
    for name in WRITE_LOCATION_VARS:
        if name in env and not is_under_tmp(env[name]):
            problems.append(f"ENV {name}={env[name]!r} is outside /tmp")
    if env.get("PYTHONDONTWRITEBYTECODE") != "1":
        problems.append("PYTHONDONTWRITEBYTECODE=1 is not set (Python would write __pycache__)")
    for instruction in stage.all("VOLUME"):
        paths = instruction.exec_form() or instruction.args.split()
        for path in paths:
            if not is_under_tmp(path):
                problems.append(f"VOLUME {path!r} is outside /tmp")
    return problems


def check_no_risky_instructions(dockerfile: Dockerfile) -> list[str]:
    problems = []
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            words = re.findall(r"[A-Za-z0-9_.+-]+", instruction.args)
            if instruction.keyword == "ADD":
                problems.append(f"line {instruction.lineno}: ADD (use COPY)")
            if instruction.keyword == "RUN":
                if "sudo" in words:
                    problems.append(f"line {instruction.lineno}: sudo")
                if "curl" in words or "wget" in words:
                    problems.append(f"line {instruction.lineno}: downloads with curl/wget")
                if "apt-get" in words and "install" in words:
                    if "--no-install-recommends" not in instruction.args:
                        problems.append(f"line {instruction.lineno}: apt-get install without --no-install-recommends")
                    if "/var/lib/apt/lists" not in instruction.args:
                        problems.append(f"line {instruction.lineno}: apt lists not cleaned up")
    return problems
