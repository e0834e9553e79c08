"""Transforms by name. Importing this package registers every transform."""

from __future__ import annotations

from mappings.transforms import addresses, money, phones, text, times  # noqa: F401
from mappings.transforms.base import (
    ERROR,
    TRANSFORMS,
    WARNING,
    Call,
    Param,
    TransformSpec,
    validate_params,
    with_defaults,
)

__all__ = [
    "ERROR", "TRANSFORMS", "WARNING", "Call", "Param", "TransformSpec", "validate_params",
    "with_defaults",
]
