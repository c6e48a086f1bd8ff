"""Tests for the complexity score: its edges and each part's direction."""

from __future__ import annotations

from tests.engine.engine_fakes import GROUPS
from weavergen.engine.classify import SliceShape, complexity, slice_shape

EMPTY = SliceShape(0, 0, 0)
HUGE = SliceShape(10_000, 10_000, 10_000)


def test_templated_attributes_over_nothing_score_the_pattern_base() -> None:
    """The easiest request scores its pattern base and nothing more."""
    assert complexity("attributes", EMPTY, has_template=True) == 0.05


def test_score_is_clamped_to_one() -> None:
    """Every hardness at its maximum stays at 1.0."""
    words = " ".join(["word"] * 100)
    score = complexity("free", HUGE, has_template=False, intent=words, novelty=5.0)
    assert score == 1.0


def test_missing_template_adds_its_weight() -> None:
    """No compiled template raises the score by 0.10."""
    with_t = complexity("metrics", EMPTY, has_template=True)
    without = complexity("metrics", EMPTY, has_template=False)
    assert round(without - with_t, 6) == 0.10


def test_size_saturates_at_two_hundred_attributes() -> None:
    """200 and 2000 attributes add the same 0.15."""
    at_limit = complexity("attributes", SliceShape(200, 0, 0), has_template=True)
    beyond = complexity("attributes", SliceShape(2000, 0, 0), has_template=True)
    assert at_limit == beyond == 0.2


def test_novelty_without_intent_counts_nothing() -> None:
    """Novelty only matters when there is an intent."""
    assert complexity("docs", EMPTY, has_template=True, novelty=1.0) == 0.2


def test_novel_long_intent_adds_up_to_a_quarter() -> None:
    """A 40-word novel intent adds 0.10 + 0.15."""
    intent = " ".join(["x"] * 40)
    score = complexity("docs", EMPTY, has_template=True, intent=intent, novelty=1.0)
    assert score == 0.45


def test_slice_shape_counts_distinct_attributes_and_enum_members() -> None:
    """Shared attributes count once; enum members are summed."""
    assert slice_shape(GROUPS) == SliceShape(3, 1, 0)


def test_same_input_gives_same_score() -> None:
    """The score is a pure function of its inputs."""
    shape = SliceShape(17, 4, 2)
    scores = {
        complexity("spans", shape, has_template=False, intent="a b") for _ in range(5)
    }
    assert len(scores) == 1
