"""Tests for the words a model is given about a target's naming."""

from __future__ import annotations

from weavergen.engine.naming import plan_names
from weavergen.engine.prompt import NAMING, build_prompt
from weavergen.engine.slices import Attribute, Member, Metric, SliceView


def test_go_naming_hint_shows_the_names_validation_expects() -> None:
    """Every Go name the hint shows is the one the naming plan gives."""
    view = SliceView(
        (
            Attribute("http.request.method", "enum", members=(Member("get", "GET"),)),
            Attribute("url.full", "string"),
            Attribute("db.system.name", "string"),
            Attribute("k8s.pod.name", "string"),
        ),
        (Metric("http.server.request.duration", "histogram", "s"),),
        (),
    )
    plan = plan_names(view, "go")
    shown = [a.name for a in plan.attributes]
    shown += [plan.attributes[0].members[0].name, plan.metrics[0].name]
    assert [name for name in shown if name not in NAMING["go"]] == []


def test_system_text_carries_the_target_naming() -> None:
    """The go request's system text includes the go naming hint verbatim."""
    prompt = build_prompt([], "go", "attributes", None, complexity=0.1, seed_key="k")
    assert NAMING["go"] in prompt.system
