"""Params: the values a run was configured with, and how they are flattened for the records.

Records hold params flattened to dotted keys (`optimizer.lr`) with scalar values (docs/formats.md);
the script keeps its own nested dict, with Lineage's overrides (`$LINEAGE_PARAMS`) applied to it.
"""
from __future__ import annotations

import json
import math
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple, Union

Scalar = Union[str, int, float, bool, None]


class Params(dict):  # type: ignore[type-arg]
    """A dict of params that also answers dotted keys (`params["optimizer.lr"]`) and attributes
    (`params.optimizer.lr`)."""

    def __init__(self, source: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        for key, value in (source or {}).items():
            self[str(key)] = Params(value) if isinstance(value, Mapping) else value

    def __getitem__(self, key: str) -> Any:
        if dict.__contains__(self, key) or not isinstance(key, str) or "." not in key:
            return dict.__getitem__(self, key)
        node: Any = self
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(key)
            node = node[part]
        return node

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
            return True
        except KeyError:
            return False

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def apply_overrides(params: Params, overrides: Mapping[str, Any]) -> None:
    """Apply dotted-key overrides in place: `optimizer.lr` replaces `params["optimizer"]["lr"]`
    (or a literal `"optimizer.lr"` key); unknown keys are added, nested. A float default keeps its
    type when the override is a whole number."""
    for key, value in overrides.items():
        _set_dotted(params, key, value)


def _set_dotted(node: Params, key: str, value: Any) -> None:
    if key in node.keys():
        old = dict.__getitem__(node, key)
        if isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        node[key] = value
        return
    for i, ch in enumerate(key):
        head = key[:i]
        if ch == "." and head in node.keys() and isinstance(dict.__getitem__(node, head), dict):
            return _set_dotted(dict.__getitem__(node, head), key[i + 1 :], value)
    head, dot, rest = key.partition(".")
    if dot and head and rest and head not in node.keys():
        node[head] = Params()
        _set_dotted(node[head], rest, value)
    else:
        node[key] = value


def flatten(value: Any, name: str, sep: str) -> Iterator[Tuple[str, Any]]:
    """Nested mappings to `a<sep>b` names; anything else is a leaf (like core's `flatten`)."""
    if not isinstance(value, Mapping):
        yield name, value
        return
    for key, inner in value.items():
        yield from flatten(inner, str(key) if name == "" else f"{name}{sep}{key}", sep)


def param_value(value: Any) -> Scalar:
    """A scalar as is; non-finite numbers, lists and other objects as text (like core's `paramValue`)."""
    value = _plain(value)
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _js_number_text(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)


def tag_value(value: Any) -> str:
    """A tag as a string: strings as they are, anything else as its JSON text (as core reads a
    non-string tag: `JSON.stringify`)."""
    if isinstance(value, str):
        return value
    return json.dumps(_in_list(value), separators=(",", ":"), ensure_ascii=False, default=str)


def flat_params(params: Mapping[str, Any]) -> Dict[str, Scalar]:
    """Params flattened to dotted keys with scalar values, as records hold them."""
    return {key: param_value(value) for key, value in flatten(params, "", ".")}


def _plain(value: Any) -> Any:
    """numpy/torch scalars to Python numbers, tuples to lists, whole floats inside lists to ints (so
    list text reads as JavaScript's JSON.stringify writes it), anything exotic to its str."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "size", 1) == 1:
        try:
            return _plain(item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, Mapping):
        return {str(k): _in_list(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_in_list(v) for v in value]
    return str(value)


def _in_list(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None  # JSON.stringify writes null for NaN and infinities
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


def _js_number_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"
