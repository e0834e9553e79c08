"""Run one transform the way the engine does."""

from __future__ import annotations

from typing import Any

from mappings.transforms import TRANSFORMS, Call, with_defaults


def run(name: str, inputs: list[Any], params: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None) -> tuple[Any, list[tuple[str, str, str]]]:
    spec = TRANSFORMS[name]
    call = Call(list(inputs), with_defaults(spec, params), context or {},
                [f"field_{i}" for i in range(len(inputs))])
    return spec.func(call), call.problems
