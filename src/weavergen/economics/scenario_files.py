"""Reading the economics' YAML inputs: the shipped defaults or a user's file.

Structures, tiers, claims and projections are all YAML files that ship in
``scenarios/`` and can be replaced by the user's own; one reader gives every
one of them the same error messages (file, line, key, what was expected).
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from weavergen.errors import ConfigError


def read_scenario(path: Path | None, builtin: str, what: str) -> tuple[Any, str]:
    """Parsed YAML and where it came from: ``path``, or the shipped ``builtin``."""
    if path is None:
        shipped = resources.files(__package__).joinpath("scenarios", builtin)
        return yaml.safe_load(shipped.read_text("utf-8")), f"the built-in {builtin}"
    if not path.is_file():
        raise ConfigError(f"{path}: no such {what} file")
    return read_yaml(path), str(path)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax and I/O errors into ConfigError."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML ({exc})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start} is 0x{bad:02x})"
        ) from exc


def require_mapping(data: Any, source: str, where: str) -> dict[str, Any]:
    """Return ``data`` if it is a mapping, else a ConfigError naming ``where``."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: {where} must be a mapping of keys to values")
    return data


# Beyond this no price, volume or count is plausible, and products of two such
# figures would leave the range where floats still hold whole cents.
LARGEST = 1e15


def require_number(
    mapping: dict[str, Any], key: str, source: str, where: str = ""
) -> float:
    """Read ``key`` as a finite number, or raise a ConfigError naming file and key."""
    value = mapping.get(key)
    place = f"{where}.{key}" if where else key
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{source}: '{place}' must be a number, got {value!r}")
    if not math.isfinite(value) or abs(value) > LARGEST:
        raise ConfigError(
            f"{source}: '{place}' must be a finite number of at most {LARGEST:g}, "
            f"got {value!r}"
        )
    return float(value)


def require_amount(
    mapping: dict[str, Any], key: str, source: str, where: str = ""
) -> float:
    """Read ``key`` as a number of at least 0 (a cost or an allocation)."""
    value = require_number(mapping, key, source, where)
    if value < 0:
        place = f"{where}.{key}" if where else key
        raise ConfigError(f"{source}: '{place}' must be 0 or more, got {value:g}")
    return value


def require_price(
    mapping: dict[str, Any], key: str, source: str, where: str = ""
) -> float:
    """Read ``key`` as a number above 0: a margin is a fraction of this price."""
    value = require_number(mapping, key, source, where)
    if value <= 0:
        place = f"{where}.{key}" if where else key
        raise ConfigError(
            f"{source}: '{place}' must be above 0 (a margin is a fraction of the "
            f"price; mark a tier without a list price 'custom: true'), got {value:g}"
        )
    return value


def require_count(
    mapping: dict[str, Any], key: str, source: str, where: str = "", least: int = 1
) -> int:
    """Read ``key`` as a whole number of at least ``least`` (volumes, customers)."""
    value = require_number(mapping, key, source, where)
    if value != int(value) or value < least:
        place = f"{where}.{key}" if where else key
        raise ConfigError(
            f"{source}: '{place}' must be a whole number of at least {least}, "
            f"got {value:g}"
        )
    return int(value)
