"""WeaverGen engine.

The validation oracle is exported here: it is what every tier's answer must
pass (see :mod:`weavergen.engine.validate`).
"""

from weavergen.engine.facts import Fact, expected_facts
from weavergen.engine.reference import reference_code
from weavergen.engine.validate import (
    Validation,
    ValidationItem,
    validate,
    validate_many,
)

__all__ = [
    "Fact",
    "Validation",
    "ValidationItem",
    "expected_facts",
    "reference_code",
    "validate",
    "validate_many",
]
