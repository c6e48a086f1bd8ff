"""The forge: render a target's Jinja templates over a resolved registry.

This is the compiled-pattern tier of DESIGN.md: CPU-only generation that
every other tier is measured against. A target is a folder with a Weaver
style ``weaver.yaml`` and templates (built-ins: ``python``, ``markdown``).
"""

from weavergen.forge.output import write_rendered
from weavergen.forge.render import RenderedFile, render_target
from weavergen.forge.target import (
    Target,
    TemplateSpec,
    builtin_target_names,
    load_target,
    parse_define,
)

__all__ = [
    "RenderedFile",
    "Target",
    "TemplateSpec",
    "builtin_target_names",
    "load_target",
    "parse_define",
    "render_target",
    "write_rendered",
]
