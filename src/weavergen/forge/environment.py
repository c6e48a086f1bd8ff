"""The sandboxed Jinja environment that runs a target's templates.

Templates come from users, so they run in Jinja's sandbox: no access to
dunder attributes, no imports, no file system beyond the target's own
folder (for ``include``). One environment is built per target and reused,
so every template is compiled once per process.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from weavergen.errors import TemplateError
from weavergen.forge.filters import (
    TESTS,
    make_acronym_filter,
    make_comment_filter,
    make_map_text_filter,
    static_filters,
)
from weavergen.forge.target import Target

# Keyed by id(target); the target is kept alongside so its id cannot be
# reused by another object while the entry lives.
_ENVIRONMENTS: dict[int, tuple[Target, SandboxedEnvironment]] = {}
# ``file_name`` expressions are rendered once per output file; compiling
# each once per environment saved a third of the python target's render time.
_STRING_TEMPLATES: dict[
    tuple[int, str], tuple[SandboxedEnvironment, jinja2.Template]
] = {}
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", "<template>")
# A filter fed the wrong kind of value fails with one of these; the user
# must see the template line, not a Python traceback.
_RENDER_ERRORS = (
    jinja2.TemplateError,
    TypeError,
    ValueError,
    KeyError,
    AttributeError,
    IndexError,
    ZeroDivisionError,
    RecursionError,
    # The sandbox's range() refuses more than MAX_RANGE items this way.
    OverflowError,
    # A size our caps do not foresee (a filter padding to 10**10) may still
    # fail to allocate; that is a template bug to report, not a crash.
    MemoryError,
    re.error,
)
# Largest string or list a template may build with ``*`` (characters or items);
# the biggest published output file is well under a megabyte.
MAX_REPEAT_LENGTH = 10_000_000
# Largest result of ``**`` in bits: far above any real need, far below a hang.
MAX_POWER_BITS = 100_000


# Names a plain dict answers to as attributes (its methods); any other
# ``obj.name`` on a dict can only be the item ``obj["name"]``.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class RegistrySandbox(SandboxedEnvironment):
    """Jinja's sandbox, answering ``item.key`` on a plain dict directly.

    Templates read every field of every attribute as ``attribute.name``. The
    sandbox first tries Python's getattr, which fails with an exception, and
    then the item; for a plain dict the outcome is known beforehand, so the
    item is looked up straight away. Everything else goes the sandbox's way.

    ``*`` and ``**`` are checked before they run: ``'a' * 10**10`` would
    otherwise allocate ten gigabytes and ``9 ** 9 ** 9`` never finish.
    """

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        """Run ``left operator right`` unless its result would be too large."""
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**":
            _check_power(left, right)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` in a template: an item of a dict, else the sandbox's."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _check_repeat(sequence: Any, count: Any) -> None:
    repeatable = isinstance(sequence, str | list | tuple) and isinstance(count, int)
    if repeatable and len(sequence) * count > MAX_REPEAT_LENGTH:
        raise OverflowError(
            f"repeating a {type(sequence).__name__} of length {len(sequence)} "
            f"{count} times exceeds the sandbox limit of {MAX_REPEAT_LENGTH}"
        )


def _check_power(base: Any, exponent: Any) -> None:
    integers = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if integers and abs(base) > 1 and base.bit_length() * exponent > MAX_POWER_BITS:
        raise OverflowError(
            f"{base} ** {exponent} exceeds the sandbox limit of {MAX_POWER_BITS} bits"
        )


class LenientStrictUndefined(jinja2.StrictUndefined):
    """Missing values are falsy in ``if`` but fail loudly when printed or iterated.

    Weaver templates test optional fields (``{% if attribute.note %}``)
    constantly; anything else touching a missing value is a template bug
    that must be reported with its line.
    """

    def __bool__(self) -> bool:  # type: ignore[override]
        return False


def environment_for(target: Target) -> SandboxedEnvironment:
    """The target's environment, built on first use and then reused."""
    entry = _ENVIRONMENTS.get(id(target))
    if entry is None or entry[0] is not target:
        entry = (target, build_environment(target))
        _ENVIRONMENTS[id(target)] = entry
    return entry[1]


def build_environment(target: Target) -> SandboxedEnvironment:
    """A sandbox over the target folder with Weaver's filters and tests."""
    whitespace = target.whitespace
    env = RegistrySandbox(
        loader=jinja2.FileSystemLoader(str(target.root)),
        undefined=LenientStrictUndefined,
        autoescape=False,
        trim_blocks=whitespace.get("trim_blocks", True),
        lstrip_blocks=whitespace.get("lstrip_blocks", True),
        keep_trailing_newline=whitespace.get("keep_trailing_newline", True),
        auto_reload=False,
    )
    env.filters.update(static_filters())
    env.filters["acronym"] = make_acronym_filter(target.acronyms)
    env.filters["map_text"] = make_map_text_filter(target.text_maps)
    env.filters["comment"] = make_comment_filter(
        target.comment_formats, target.default_comment_format
    )
    env.tests.update(TESTS)
    return env


def render_string(
    env: SandboxedEnvironment, source: str, where: str, context: dict[str, Any]
) -> str:
    """Render a one-off template string (``file_name`` expressions)."""
    try:
        return _compiled_string(env, source).render(context)
    except _RENDER_ERRORS as exc:
        raise_template_error(exc, where)


def _compiled_string(env: SandboxedEnvironment, source: str) -> jinja2.Template:
    """``source`` compiled in ``env``, compiled only on first use."""
    entry = _STRING_TEMPLATES.get((id(env), source))
    if entry is None or entry[0] is not env:
        entry = (env, env.from_string(source))
        _STRING_TEMPLATES[(id(env), source)] = entry
    return entry[1]


def render_file(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    """Render one of the target's template files with ``context``."""
    try:
        return env.get_template(name).render(context)
    except _RENDER_ERRORS as exc:
        raise_template_error(exc, name)


def _template_line(exc: BaseException, where: str) -> str:
    """Where in the templates it failed, as ``file:line``.

    When the failing line is inside a macro or an included template, the
    line that called it is added: the macro's own line alone does not say
    which use of it failed.
    """
    lineno = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if lineno:
        return f"{filename or where}:{lineno}"
    frames = _template_frames(exc, where)
    if not frames:
        return where
    if frames[0] == frames[-1]:
        return frames[-1]
    return f"{frames[-1]} (called from {frames[0]})"


def _template_frames(exc: BaseException, where: str) -> list[str]:
    """The template frames of the traceback, outermost first, as ``file:line``."""
    frames: list[str] = []
    tb = exc.__traceback__
    while tb is not None:
        code_file = tb.tb_frame.f_code.co_filename
        if code_file.endswith(_TEMPLATE_SUFFIXES):
            name = where if code_file == "<template>" else Path(code_file).name
            frames.append(f"{name}:{tb.tb_lineno}")
        tb = tb.tb_next
    return frames


def raise_template_error(exc: Exception, where: str) -> NoReturn:
    """Translate a rendering error into TemplateError saying file, line and what."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"no template {message!r} in the target folder"
    raise TemplateError(f"{_template_line(exc, where)}: {message}") from exc
