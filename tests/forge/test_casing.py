"""Case filters follow Weaver: a digit never starts a new word."""

from __future__ import annotations

import pytest

from weavergen.forge.casing import (
    apply_acronyms,
    camel_case,
    kebab_case,
    pascal_case,
    screaming_snake_case,
    snake_case,
    split_words,
    title_case,
)


@pytest.mark.parametrize(
    ("convert", "expected"),
    [
        (pascal_case, "K8sJobName"),
        (camel_case, "k8sJobName"),
        (snake_case, "k8s_job_name"),
        (screaming_snake_case, "K8S_JOB_NAME"),
        (kebab_case, "k8s-job-name"),
        (title_case, "K8s Job Name"),
    ],
)
def test_digit_stays_inside_its_word(convert: object, expected: str) -> None:
    """``k8s.job.name`` keeps ``k8s`` as one word in every case style."""
    assert callable(convert)
    assert convert("k8s.job.name") == expected


def test_camel_case_input_is_split_at_capitals() -> None:
    """An identifier already in camelCase splits where a capital starts a word."""
    assert split_words("httpRequestMethod") == ["http", "Request", "Method"]
    assert snake_case("HTTPServer.name") == "http_server_name"


def test_separators_of_any_kind_are_word_boundaries() -> None:
    """Dots, underscores, dashes and spaces all separate words."""
    assert screaming_snake_case("gen_ai.request-model x") == "GEN_AI_REQUEST_MODEL_X"


def test_acronyms_respell_matching_words_only() -> None:
    """Acronyms replace whole words ignoring case, leaving others alone."""
    assert (
        apply_acronyms("CpythonGcGeneration", ["CPython", "GC"])
        == "CPythonGCGeneration"
    )
    assert apply_acronyms("GcpRegion", ["GC"]) == "GcpRegion"


def test_empty_text_gives_empty_names() -> None:
    """No words in, empty identifier out (no stray separators)."""
    assert camel_case("..") == ""
    assert snake_case("") == ""


def test_non_text_input_is_converted_first() -> None:
    """Numbers are spelled as text rather than failing inside the regex."""
    assert snake_case(42) == "42"  # type: ignore[arg-type]
