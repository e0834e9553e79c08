"""The transform registry: name → function + parameter schema.

A transform receives a `Call` (its resolved inputs, its parameters with
defaults filled in, the read-only engine context) and returns the output
value; None means "leave the target unset". Transforms never raise for bad
data: they report a problem through `call.problem(field, message)` naming
the field, never the value (problems are logged), and still return
something sensible per their policy. Exceptions are caught by the engine as
a last resort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True)
class Param:
    kind: type | tuple[type, ...]
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] | None = None
    help: str = ""


@dataclass
class Call:
    inputs: list[Any]
    params: dict[str, Any]
    context: dict[str, Any]
    sources: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def input(self, index: int = 0) -> Any:
        return self.inputs[index] if index < len(self.inputs) else None

    def source_name(self, index: int = 0) -> str:
        return self.sources[index] if index < len(self.sources) else f"input {index + 1}"

    def problem(self, field_name: str, message: str, severity: str = WARNING) -> None:
        self.problems.append((field_name, message, severity))


TransformFunc = Callable[[Call], Any]


@dataclass(frozen=True)
class TransformSpec:
    name: str
    func: TransformFunc
    description: str
    params: dict[str, Param]
    min_inputs: int = 0
    max_inputs: int | None = None


TRANSFORMS: dict[str, TransformSpec] = {}


def transform(
    name: str,
    description: str,
    params: dict[str, Param] | None = None,
    min_inputs: int = 0,
    max_inputs: int | None = None,
) -> Callable[[TransformFunc], TransformFunc]:
    def register(func: TransformFunc) -> TransformFunc:
        TRANSFORMS[name] = TransformSpec(
            name, func, description, params or {}, min_inputs, max_inputs
        )
        return func

    return register


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", bool: "true/false", dict: "an object",
             list: "a list", float: "a number"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def validate_params(name: str, params: Any, n_inputs: int | None = None) -> list[str]:
    """Human-readable errors for a rule's transform name, parameters and input count."""
    spec = TRANSFORMS.get(name)
    if spec is None:
        known = ", ".join(sorted(TRANSFORMS))
        return [f"Unknown transform “{name}”. Choose one of: {known}."]
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return ["Parameters must be a JSON object, e.g. {\"separator\": \" \"}."]
    errors = []
    for key in params:
        if key not in spec.params:
            allowed = ", ".join(sorted(spec.params)) or "none"
            errors.append(
                f"Transform “{name}” has no parameter “{key}” (allowed: {allowed})."
            )
    for key, param in spec.params.items():
        if key not in params:
            if param.required:
                errors.append(f"Transform “{name}” needs the parameter “{key}”. {param.help}")
            continue
        value = params[key]
        kind = param.kind
        # bool is an int subclass; don't let true pass as a number.
        bad_bool = isinstance(value, bool) and bool not in (
            kind if isinstance(kind, tuple) else (kind,)
        )
        if value is not None and (bad_bool or not isinstance(value, kind)):
            errors.append(f"Parameter “{key}” of “{name}” must be {_type_name(kind)}.")
        elif param.choices is not None and value not in param.choices:
            allowed = ", ".join(str(c) for c in param.choices)
            errors.append(f"Parameter “{key}” of “{name}” must be one of: {allowed}.")
    if n_inputs is not None:
        if n_inputs < spec.min_inputs:
            errors.append(
                f"Transform “{name}” needs at least {spec.min_inputs} source field(s)."
            )
        if spec.max_inputs is not None and n_inputs > spec.max_inputs:
            errors.append(f"Transform “{name}” takes at most {spec.max_inputs} source field(s).")
    return errors


def with_defaults(spec: TransformSpec, params: dict[str, Any] | None) -> dict[str, Any]:
    merged = {key: p.default for key, p in spec.params.items()}
    merged.update(params or {})
    return merged


def text_of(value: Any) -> str:
    """A stripped string for any scalar; '' for None and containers."""
    if value is None or isinstance(value, (dict, list, tuple)):
        return ""
    return " ".join(str(value).split())
