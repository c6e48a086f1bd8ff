"""Identifier case conversion with Weaver's word rules.

Generated code names every attribute and metric after its dotted id, so the
case filters decide whether a file compiles against the published packages.
Weaver treats a digit as part of the word it sits in (``k8s.job.name`` gives
``K8sJobName``, not ``K8SJobName``), and so do these functions.
"""

from __future__ import annotations

import re

# A word boundary is any run of separators, or a lower-case letter or digit
# followed by an upper-case letter (camelCase), or an acronym followed by a
# capitalised word (HTTPServer -> HTTP Server).
_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def split_words(text: str) -> list[str]:
    """Split ``text`` into words; digits never start a new word."""
    # str() first: a missing template value then fails as "x is undefined".
    text = str(text)
    chunks = _SEPARATORS.split(text)
    if text == text.lower():
        # No upper-case letter, no camelCase boundary: the common case, as
        # registry ids (``k8s.job.name``) are lower case.
        return [chunk for chunk in chunks if chunk]
    words: list[str] = []
    for chunk in chunks:
        words.extend(part for part in _CAMEL_BOUNDARY.split(chunk) if part)
    return words


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def snake_case(text: str) -> str:
    """``k8s.job.name`` -> ``k8s_job_name``."""
    return "_".join(word.lower() for word in split_words(text))


def screaming_snake_case(text: str) -> str:
    """``k8s.job.name`` -> ``K8S_JOB_NAME``."""
    return "_".join(word.upper() for word in split_words(text))


def kebab_case(text: str) -> str:
    """``k8s.job.name`` -> ``k8s-job-name``."""
    return "-".join(word.lower() for word in split_words(text))


def screaming_kebab_case(text: str) -> str:
    """``k8s.job.name`` -> ``K8S-JOB-NAME``."""
    return "-".join(word.upper() for word in split_words(text))


def pascal_case(text: str) -> str:
    """``k8s.job.name`` -> ``K8sJobName``."""
    return "".join(_capitalise(word) for word in split_words(text))


def camel_case(text: str) -> str:
    """``k8s.job.name`` -> ``k8sJobName``."""
    pascal = [_capitalise(word) for word in split_words(text)]
    if not pascal:
        return ""
    return pascal[0].lower() + "".join(pascal[1:])


def title_case(text: str) -> str:
    """``k8s.job.name`` -> ``K8s Job Name``."""
    return " ".join(_capitalise(word) for word in split_words(text))


def lower_case(text: str) -> str:
    """``K8s.Job`` -> ``k8s job``."""
    return " ".join(word.lower() for word in split_words(text))


def upper_case(text: str) -> str:
    """``k8s.job`` -> ``K8S JOB``."""
    return " ".join(word.upper() for word in split_words(text))


def apply_acronyms(text: str, acronyms: list[str]) -> str:
    """Respell every word of ``text`` that matches an acronym, ignoring case.

    ``CpythonGcGeneration`` with acronyms ``CPython`` and ``GC`` becomes
    ``CPythonGCGeneration``; separators between words are kept.
    """
    spelling = {acronym.lower(): acronym for acronym in acronyms}
    pieces = re.split(r"([^0-9A-Za-z]+)", text)
    out: list[str] = []
    for piece in pieces:
        if not piece or not piece[0].isalnum():
            out.append(piece)
            continue
        words = [w for w in _CAMEL_BOUNDARY.split(piece) if w]
        out.append("".join(spelling.get(w.lower(), w) for w in words))
    return "".join(out)


CASE_FILTERS = {
    "snake_case": snake_case,
    "screaming_snake_case": screaming_snake_case,
    "kebab_case": kebab_case,
    "screaming_kebab_case": screaming_kebab_case,
    "pascal_case": pascal_case,
    "camel_case": camel_case,
    "title_case": title_case,
    "lower_case": lower_case,
    "upper_case": upper_case,
}
