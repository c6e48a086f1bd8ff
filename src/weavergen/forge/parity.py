"""Compare the python target's output with the published semconv package.

The built-in ``python`` target is meant to reproduce
``opentelemetry-semantic-conventions`` file for file. This module counts the
byte-identical files and, beyond bytes, checks that every constant, enum
member and metric factory has the same name and value, so a whitespace slip
and a wrong value are told apart.

Run ``python -m weavergen.forge.parity OUT`` on a folder rendered with the
python target, or ``python -m weavergen.forge.parity --registry MODEL`` to
render into a temporary folder first.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from weavergen.errors import WeaverGenError
from weavergen.forge.output import write_rendered
from weavergen.forge.render import render_target
from weavergen.forge.target import load_target

PUBLISHED_FOLDERS = (
    "attributes",
    "_incubating/attributes",
    "metrics",
    "_incubating/metrics",
)

Facts = dict[str, str]


@dataclass
class ParityReport:
    """Which published files we reproduce exactly, differ from, or lack."""

    identical: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    fact_mismatches: dict[str, list[str]] = field(default_factory=dict)

    @property
    def published_count(self) -> int:
        """How many generated files the published package has."""
        return len(self.identical) + len(self.differing) + len(self.missing)

    def summary(self) -> str:
        """A few lines for people: the figure, then what differs."""
        lines = [
            f"{len(self.identical)} of {self.published_count} files byte-identical",
            f"{len(self.differing)} differ, {len(self.missing)} missing, "
            f"{len(self.extra)} extra, {len(self.fact_mismatches)} with wrong facts",
        ]
        lines += [f"differs: {name}" for name in self.differing]
        lines += [f"missing: {name}" for name in self.missing]
        lines += [f"extra: {name}" for name in self.extra]
        for name, problems in sorted(self.fact_mismatches.items()):
            lines += [f"facts: {name}: {problem}" for problem in problems[:5]]
        return "\n".join(lines)


def published_package_root() -> Path:
    """Where the installed ``opentelemetry.semconv`` package lives."""
    spec = importlib.util.find_spec("opentelemetry.semconv")
    if spec is None or not spec.submodule_search_locations:
        raise WeaverGenError(
            "opentelemetry-semantic-conventions is not installed "
            "(pip install 'weavergen[test]')"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def generated_files(root: Path) -> list[str]:
    """Relative paths of the generated modules under ``root`` (no ``__init__``)."""
    return sorted(
        f"{folder}/{path.name}"
        for folder in PUBLISHED_FOLDERS
        for path in (root / folder).glob("*.py")
        if path.name != "__init__.py"
    )


def _literal(node: ast.expr | None) -> str:
    return ast.unparse(node) if node is not None else ""


def _class_facts(node: ast.ClassDef) -> Facts:
    facts = {f"{node.name}": ",".join(_literal(d) for d in node.decorator_list)}
    for item in node.body:
        if isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name):
            facts[f"{node.name}.{item.targets[0].id}"] = _literal(item.value)
    return facts


def _function_facts(node: ast.FunctionDef) -> Facts:
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    body = "; ".join(_literal(call) for call in calls)
    return {f"{node.name}()": f"{_literal(node.returns)} <- {body}"}


def module_facts(source: str) -> Facts:
    """Every constant, enum member and factory of a module, name -> value text."""
    facts: Facts = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            facts[node.target.id] = _literal(node.value)
        elif isinstance(node, ast.ClassDef):
            facts.update(_class_facts(node))
        elif isinstance(node, ast.FunctionDef):
            facts.update(_function_facts(node))
    return facts


def fact_differences(ours: Facts, theirs: Facts) -> list[str]:
    """Names missing, extra or with another value, one line each."""
    problems = [f"missing {name}" for name in sorted(theirs.keys() - ours.keys())]
    problems += [f"extra {name}" for name in sorted(ours.keys() - theirs.keys())]
    problems += [
        f"{name}: {ours[name]} != {theirs[name]}"
        for name in sorted(ours.keys() & theirs.keys())
        if ours[name] != theirs[name]
    ]
    return problems


def compare_trees(rendered: Path, published: Path | None = None) -> ParityReport:
    """Compare every generated module of ``published`` with ``rendered``."""
    published = published or published_package_root()
    report = ParityReport()
    ours = set(generated_files(rendered))
    for name in generated_files(published):
        if name not in ours:
            report.missing.append(name)
            continue
        _compare_file(rendered / name, published / name, name, report)
    report.extra = sorted(ours - set(generated_files(published)))
    return report


def _compare_file(ours: Path, theirs: Path, name: str, report: ParityReport) -> None:
    our_bytes, their_bytes = ours.read_bytes(), theirs.read_bytes()
    if our_bytes == their_bytes:
        report.identical.append(name)
        return
    report.differing.append(name)
    problems = fact_differences(
        module_facts(our_bytes.decode("utf-8")),
        module_facts(their_bytes.decode("utf-8")),
    )
    if problems:
        report.fact_mismatches[name] = problems


def render_python_target(registry_path: str, output_dir: Path) -> None:
    """Render ``registry_path`` with the python target into ``output_dir``."""
    # Imported here so comparing an existing folder needs no registry code.
    from weavergen.registry import load_registry  # noqa: PLC0415

    registry = load_registry(registry_path)
    files = render_target(registry, load_target("python"), output_dir, {})
    write_rendered(files, output_dir)


def main(argv: list[str] | None = None) -> int:
    """Print the parity figure; exit 1 when any fact differs."""
    parser = argparse.ArgumentParser(prog="python -m weavergen.forge.parity")
    parser.add_argument("out", nargs="?", help="folder rendered with the python target")
    parser.add_argument(
        "--registry", help="render this registry first (into OUT or a temp dir)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="weavergen-parity-") as tmp:
        out = Path(args.out or tmp)
        try:
            if args.registry:
                render_python_target(args.registry, out)
            report = compare_trees(out)
        except WeaverGenError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 2
    sys.stdout.write(report.summary() + "\n")
    return 1 if report.fact_mismatches or report.missing else 0


if __name__ == "__main__":
    sys.exit(main())
