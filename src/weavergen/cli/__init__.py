"""Command-line interface: ``weavergen registry ...``, ``generate``, ``report``.

Each command lives in its own module and registers itself on the app when
imported; this module imports them all, in the order ``--help`` lists them.
"""

from weavergen.cli import (  # noqa: F401  (imported for registration)
    economics_cmd,
    generate_cmd,
    registry_cmd,
    report_cmd,
    simulate_cmd,
)
from weavergen.cli.app import app, main, run_app

__all__ = ["app", "main", "run_app"]
