"""Ask each language's own compiler whether generated code parses.

Generated code is never run in our process: each check writes the code to a
scratch folder and runs the real toolchain there, in its own process group,
under a time limit. What the machine lacks is said, not hidden: a missing
toolchain, a timeout or a crashed compiler gives a :class:`CheckOutcome` with
a structural check (balanced brackets, closed strings) and a lower
confidence, never an exception. Errors that only say an imported package or
symbol is unknown (the artifact uses a library this machine lacks) count as
parsed, with slightly lower confidence.

Median time of one check on the development machine (2 shared cores), for the
ground truth of registry.http plus one metric / of the whole v1.44.0 registry
(``.venv/bin/python benchmarks/bench_validate.py``): python 0.03 / 0.08 s,
node 0.06 / 0.07 s, rustc 0.03 / 0.12 s, javac 0.60 / 1.3 s (JVM start
dominates: 20 files in one javac run took 0.6 s, in 20 runs 11.6 s).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from weavergen.engine.declarations import UnreadableSource, read_declarations, tokenize

log = logging.getLogger(__name__)

CONFIDENCE_TOOLCHAIN = 1.0
CONFIDENCE_UNRESOLVED = 0.9
CONFIDENCE_STRUCTURAL = 0.8
CONFIDENCE_FALLBACK = 0.6
DETAIL_LIMIT = 1500
_PY_COMPILE = (
    "import sys; p = sys.argv[1]; "
    "compile(open(p, 'rb').read(), p, 'exec', dont_inherit=True)"
)
_JVM_FAST_START = ("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto")
_JAVA_PUBLIC_TYPE = re.compile(
    r"^public\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\s+)*"
    r"(?:class|interface|enum|record|@interface)\s+([A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_JAVA_TOP_TYPE = re.compile(
    r"^(?:[a-z-]+\s+)*(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_JAVA_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Toolchain:
    """A compiler or checker found on this machine for one target."""

    target: str
    program: str
    path: str
    version: str

    def describe(self) -> str:
        """Say which tool this is, e.g. ``javac 17.0.15``."""
        return f"{self.program} {self.version}".strip()


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """Whether code parsed, by what, how sure, and what the tool said.

    ``transient`` marks outcomes that may differ next time (timeout, crash),
    so callers do not memoise them.
    """

    parsed: bool
    toolchain: str
    confidence: float
    detail: str = ""
    elapsed_s: float = 0.0
    transient: bool = False


@dataclass(frozen=True, slots=True)
class _Spec:
    program: str
    filename: str
    timeout_s: float
    error_line: re.Pattern[str] | None = None
    unresolved: re.Pattern[str] | None = None


_SPECS: dict[str, _Spec] = {
    "python": _Spec("python", "artifact.py", 10.0),
    "javascript": _Spec("node", "artifact.mjs", 10.0),
    "typescript": _Spec(
        "tsc",
        "artifact.ts",
        30.0,
        re.compile(r"error TS\d+:"),
        re.compile(r"error TS(2307|2304|2305|2503|2552|2792):"),
    ),
    "java": _Spec(
        "javac",
        "Artifact.java",
        30.0,
        re.compile(r"\.java:\d+: error: "),
        re.compile(
            r"error: (package \S+ does not exist|cannot find symbol|cannot access)"
        ),
    ),
    "rust": _Spec(
        "rustc",
        "artifact.rs",
        20.0,
        re.compile(r"\.rs:\d+:\d+: error(\[E\d+\])?: "),
        re.compile(r"error\[E0(432|433|412|425|463|405|422|531|423)\]"),
    ),
    "go": _Spec("gofmt", "artifact.go", 10.0),
}


@functools.cache
def find_toolchain(target: str) -> Toolchain | None:
    """Find the toolchain of ``target`` on PATH, or None if this machine lacks it."""
    spec = _SPECS.get(target)
    if spec is None:
        return None
    if target == "python":
        version = ".".join(str(part) for part in sys.version_info[:3])
        return Toolchain(target, "python", sys.executable, version)
    path = shutil.which(spec.program)
    if path is None:
        log.info(
            "no %s on PATH: %s code gets a structural check only", spec.program, target
        )
        return None
    return Toolchain(target, spec.program, path, _version(path, spec.program))


def _version(path: str, program: str) -> str:
    flag = "-version" if program == "javac" else "--version"
    if program == "gofmt":
        return ""
    try:
        done = subprocess.run(
            [path, flag], capture_output=True, text=True, timeout=15, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "?"
    words = (done.stdout or done.stderr).split()
    numbers = [w for w in words if w[:1].isdigit() or w[:1] == "v"]
    return numbers[0].lstrip("v") if numbers else "?"


def available_toolchains() -> dict[str, str]:
    """Say, per target, which toolchain checks it here (``none`` if missing)."""
    found = {target: find_toolchain(target) for target in _SPECS}
    described = {t: (tc.describe() if tc else "none") for t, tc in found.items()}
    return {**described, "markdown": "builtin"}


def check_syntax(
    code: str, target: str, *, timeout_s: float | None = None
) -> CheckOutcome:
    """Check that ``code`` parses as ``target``, with the best tool available."""
    if not code.strip():
        return CheckOutcome(
            False, "none", CONFIDENCE_TOOLCHAIN, "the artifact is empty"
        )
    if target == "markdown":
        return structural_check(code, target, "builtin", CONFIDENCE_TOOLCHAIN)
    toolchain = find_toolchain(target)
    if toolchain is None:
        return structural_check(code, target, "none", CONFIDENCE_STRUCTURAL)
    spec = _SPECS[target]
    with tempfile.TemporaryDirectory(prefix="weavergen-check-") as scratch:
        folder = Path(scratch)
        source = folder / _source_name(code, target, spec)
        source.write_text(code, encoding="utf-8")
        command = _command(toolchain, [source], folder)
        run = _run(command, folder, timeout_s or spec.timeout_s)
    return _judge(code, target, toolchain, run)


def _source_name(code: str, target: str, spec: _Spec) -> str:
    if target != "java":
        return spec.filename
    match = _JAVA_PUBLIC_TYPE.search(code)
    return f"{match.group(1)}.java" if match else spec.filename


def _command(toolchain: Toolchain, sources: Sequence[Path], scratch: Path) -> list[str]:
    files = [str(path) for path in sources]
    builders: dict[str, Callable[[], list[str]]] = {
        "python": lambda: [toolchain.path, "-I", "-S", "-c", _PY_COMPILE, *files],
        "javascript": lambda: [toolchain.path, "--check", *files],
        "typescript": lambda: [
            toolchain.path,
            "--noEmit",
            "--skipLibCheck",
            "--target",
            "es2022",
            "--module",
            "esnext",
            *files,
        ],
        "java": lambda: [
            toolchain.path,
            *_JVM_FAST_START,
            "-d",
            str(scratch / "classes"),
            "-encoding",
            "UTF-8",
            "-proc:none",
            "-nowarn",
            "-Xlint:none",
            *files,
        ],
        "rust": lambda: [
            toolchain.path,
            "--crate-type",
            "lib",
            "--crate-name",
            "artifact",
            "--emit=metadata",
            "--edition",
            "2021",
            "--cap-lints",
            "allow",
            "--error-format",
            "short",
            "-o",
            str(scratch / "artifact.rmeta"),
            *files,
        ],
        "go": lambda: [toolchain.path, "-e", "-l", *files],
    }
    return builders[toolchain.target]()


@dataclass(frozen=True, slots=True)
class _Run:
    returncode: int | None
    output: str
    elapsed_s: float
    problem: str = ""


def _run(command: list[str], cwd: Path, timeout_s: float) -> _Run:
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=_child_env(),
        )
    except OSError as exc:
        return _Run(None, "", time.perf_counter() - start, f"could not start: {exc}")
    try:
        raw, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return _Run(
            None, "", time.perf_counter() - start, f"timed out after {timeout_s:g} s"
        )
    output = raw.decode("utf-8", errors="replace")
    return _Run(proc.returncode, output, time.perf_counter() - start)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # The checker ran in its own session: end its whole group, nothing else.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _child_env() -> dict[str, str]:
    # NODE_OPTIONS could preload arbitrary modules into the checker.
    return {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}


def _judge(code: str, target: str, toolchain: Toolchain, run: _Run) -> CheckOutcome:
    name = toolchain.describe()
    if run.returncode is None or run.returncode < 0 or _crashed(run):
        log.warning(
            "%s could not check %s code: %s",
            name,
            target,
            run.problem or run.output[-200:],
        )
        fallback = structural_check(code, target, name, CONFIDENCE_FALLBACK)
        problem = run.problem or "crashed"
        detail = f"{name} {problem}; structural check only. {fallback.detail}"
        return CheckOutcome(
            fallback.parsed,
            name,
            CONFIDENCE_FALLBACK,
            detail.strip(),
            run.elapsed_s,
            True,
        )
    detail = run.output.strip()[-DETAIL_LIMIT:]
    if run.returncode == 0:
        return CheckOutcome(True, name, CONFIDENCE_TOOLCHAIN, detail, run.elapsed_s)
    if _only_unresolved(run.output, _SPECS[target]):
        return CheckOutcome(True, name, CONFIDENCE_UNRESOLVED, detail, run.elapsed_s)
    return CheckOutcome(False, name, CONFIDENCE_TOOLCHAIN, detail, run.elapsed_s)


def _crashed(run: _Run) -> bool:
    """A compiler panic (rustc exits 101) or a JVM failure says nothing of the code."""
    return run.returncode == 101 or "internal compiler error" in run.output


def _only_unresolved(output: str, spec: _Spec) -> bool:
    """True when every error says only that an import or symbol is unknown."""
    if spec.unresolved is None or spec.error_line is None:
        return False
    errors = [line for line in output.splitlines() if spec.error_line.search(line)]
    return bool(errors) and all(spec.unresolved.search(line) for line in errors)


def structural_check(
    code: str, target: str, toolchain: str, confidence: float
) -> CheckOutcome:
    """Check what can be checked without a compiler: strings close, brackets balance."""
    try:
        read_declarations(code, target)
        if target not in ("python", "markdown"):
            _check_brackets(code, target)
    except UnreadableSource as exc:
        return CheckOutcome(
            False, toolchain, confidence, f"structural check failed: {exc}"
        )
    return CheckOutcome(True, toolchain, confidence, "structural check passed")


_PAIRS = {")": "(", "]": "[", "}": "{"}


def _check_brackets(code: str, target: str) -> None:
    stack: list[str] = []
    for token in tokenize(code, target):
        if token.kind != "punct":
            continue
        if token.text in "([{":
            stack.append(token.text)
        elif token.text in _PAIRS and (not stack or stack.pop() != _PAIRS[token.text]):
            raise UnreadableSource(f"unbalanced {token.text!r}")
    if stack:
        raise UnreadableSource(f"{len(stack)} bracket(s) never closed")


def check_java_batch(
    codes: Sequence[str], *, timeout_s: float | None = None
) -> list[CheckOutcome]:
    """Check many Java artifacts with as few ``javac`` runs as possible.

    One JVM start costs most of a javac check, so files go in together.
    Files declaring the same top-level type go in separate runs; after a run
    with errors, the files without errors are checked again, because javac
    skips type checking everywhere once any file fails to parse.
    """
    toolchain = find_toolchain("java")
    if toolchain is None or len(codes) < 2:
        return [check_syntax(code, "java", timeout_s=timeout_s) for code in codes]
    results: dict[int, CheckOutcome] = {}
    pending = [i for i, code in enumerate(codes) if code.strip()]
    for index in set(range(len(codes))) - set(pending):
        results[index] = check_syntax(codes[index], "java")
    while pending:
        batch = _first_round(codes, pending)
        outcomes, final = _javac_together(toolchain, codes, batch, timeout_s)
        failed = {i for i, outcome in outcomes.items() if outcome.detail}
        done = failed if failed and not final else set(batch)
        results.update({i: outcomes[i] for i in done})
        pending = [i for i in pending if i not in done]
    return [results[i] for i in range(len(codes))]


def _first_round(codes: Sequence[str], pending: list[int]) -> list[int]:
    taken: set[str] = set()
    batch = []
    for index in pending:
        names = _java_type_names(codes[index])
        if not names & taken:
            batch.append(index)
            taken |= names
    return batch


def _java_type_names(code: str) -> set[str]:
    package = _JAVA_PACKAGE.search(code)
    prefix = package.group(1) + "." if package else ""
    return {prefix + name for name in _JAVA_TOP_TYPE.findall(code)} or {prefix}


def _javac_together(
    toolchain: Toolchain,
    codes: Sequence[str],
    batch: list[int],
    timeout_s: float | None,
) -> tuple[dict[int, CheckOutcome], bool]:
    """Run one javac over ``batch``; True with the outcomes when they are final."""
    with tempfile.TemporaryDirectory(prefix="weavergen-javac-") as scratch:
        folder = Path(scratch)
        sources = {}
        for index in batch:
            source = (
                folder
                / f"f{index}"
                / _source_name(codes[index], "java", _SPECS["java"])
            )
            source.parent.mkdir()
            source.write_text(codes[index], encoding="utf-8")
            sources[index] = source
        run = _run(
            _command(toolchain, list(sources.values()), folder),
            folder,
            timeout_s or _SPECS["java"].timeout_s,
        )
        per_file = _split_diagnostics(run.output, sources)
    if (
        run.returncode is None
        or per_file is None
        or (run.returncode and not any(per_file.values()))
    ):
        alone = {i: check_syntax(codes[i], "java", timeout_s=timeout_s) for i in batch}
        return alone, True
    share_s = run.elapsed_s / len(batch)
    return {i: _file_outcome(toolchain, per_file[i], share_s) for i in batch}, False


def _split_diagnostics(output: str, sources: dict[int, Path]) -> dict[int, str] | None:
    """Give each file its own diagnostics; None if some belong to no file."""
    blocks: dict[int, list[str]] = {i: [] for i in sources}
    owner: int | None = None
    for line in output.splitlines():
        starts = [i for i, path in sources.items() if line.startswith(f"{path}:")]
        if starts:
            owner = starts[0]
        elif line.startswith("error:"):
            return None
        if owner is not None:
            blocks[owner].append(line)
    return {i: "\n".join(lines) for i, lines in blocks.items()}


def _file_outcome(
    toolchain: Toolchain, diagnostics: str, elapsed_s: float
) -> CheckOutcome:
    name = toolchain.describe()
    spec = _SPECS["java"]
    if spec.error_line is None or not spec.error_line.search(diagnostics):
        return CheckOutcome(True, name, CONFIDENCE_TOOLCHAIN, "", elapsed_s)
    detail = diagnostics[-DETAIL_LIMIT:]
    if _only_unresolved(diagnostics, spec):
        return CheckOutcome(True, name, CONFIDENCE_UNRESOLVED, detail, elapsed_s)
    return CheckOutcome(False, name, CONFIDENCE_TOOLCHAIN, detail, elapsed_s)
