"""The Typer application and the one place errors become messages.

Command modules register themselves on :data:`app` (or on a sub-app such as
:data:`registry_app`); :func:`main` turns every :class:`WeaverGenError` into a
one-line message on stderr and exit code 1 or 2, never a traceback.
"""

from __future__ import annotations

import logging
import sys

import typer

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


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def run_app(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become messages."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        app(args=argv, standalone_mode=False)
    except WeaverGenError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:  # click's usage errors arrive here
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run_app())
