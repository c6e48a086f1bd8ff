"""The Typer application and the one place errors become messages.

Command modules register themselves on :data:`app` (or on a sub-app such as
:data:`registry_app`); :func:`main` turns every :class:`WeaverGenError` into a
one-line message on stderr and exit code 1 or 2, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

# Typer >= 0.20 vendors Click instead of depending on it, so its usage errors
# are only importable from here; `import click` fails in our venv.
from typer._click.exceptions import ClickException

from weavergen.errors import WeaverGenError

app = typer.Typer(
    name="weavergen",
    help="Generate code, docs and instrumentation from semantic conventions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
registry_app = typer.Typer(
    help="Check, resolve, inspect and render a registry.", no_args_is_help=True
)
app.add_typer(registry_app, name="registry")

EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """Options given before the command name (``weavergen --quiet report``)."""

    state_dir: Path | None = None
    quiet: bool = False
    verbose: int = 0


@app.callback()
def _global_options(
    ctx: typer.Context,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            help="State folder (spans, cache); default $WEAVERGEN_STATE_DIR "
            "or ./.weavergen",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress, warnings only.")
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="-v info, -vv debug.")
    ] = 0,
) -> None:
    ctx.obj = GlobalOptions(state_dir, quiet, verbose)
    _set_log_levels(quiet, verbose)


def global_options(ctx: typer.Context) -> GlobalOptions:
    """The options given before the command, or defaults."""
    options = ctx.find_root().obj
    return options if isinstance(options, GlobalOptions) else GlobalOptions()


_LOGGERS = ("weavergen", "opentelemetry")


def _set_log_levels(quiet: bool, verbose: int) -> None:
    if quiet or verbose:
        levels = {1: logging.INFO}
        level = logging.ERROR if quiet else levels.get(verbose, logging.DEBUG)
        logging.getLogger("weavergen").setLevel(level)
    # The OTLP exporter logs every retry; our telemetry already warns once per
    # failing exporter, so its own lines only show at -vv.
    otel_level = logging.DEBUG if verbose >= 2 else logging.CRITICAL
    logging.getLogger("opentelemetry").setLevel(otel_level)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def run_app(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become messages."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    # -q/-v change logger levels for this run only, so that calling run_app
    # from a test or the service leaves the caller's logging as it was.
    saved = {name: logging.getLogger(name).level for name in _LOGGERS}
    try:
        return _run(argv)
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _run(argv: list[str] | None) -> int:
    try:
        # Without standalone mode, Click returns typer.Exit's code instead of
        # raising it; a command's own return value is None.
        returned = app(args=argv, standalone_mode=False)
    except WeaverGenError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except ClickException as exc:  # usage errors: unknown option, missing arg
        typer.echo(f"error: {usage_message(exc)}", err=True)
        return int(exc.exit_code)
    return returned if isinstance(returned, int) else 0


def usage_message(exc: ClickException) -> str:
    """Click's message folded onto one line, with where to find the usage."""
    message = " ".join(exc.format_message().split())
    context = getattr(exc, "ctx", None)
    if context is None:
        return message
    return f"{message} (see '{context.command_path} --help')"


def main() -> None:
    """Console-script entry point."""
    sys.exit(run_app())
