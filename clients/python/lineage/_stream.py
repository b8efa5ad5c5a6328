"""The metric stream `metrics.jsonl` (docs/formats.md): writing lines, and summarizing a stream.

Writing: one JSON object per line, each line in a single `os.write` on an `O_APPEND` descriptor,
so several writers (processes, threads) never interleave inside a line, and a reader tailing the
file sees every line as soon as it is written.

Reading: `summarize` computes exactly what core/runs/metrics.ts `MetricStreamReader` computes (the
per-metric last/min/max/step/count, lastStep, logged params, tags and artifact/image references),
so a standalone run's status.json agrees with what Lineage itself would write.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

MAX_LINE = 1024 * 1024
_MAX_PROBLEMS = 10
_RESERVED = frozenset(("step", "time", "params", "tags", "artifact", "image"))
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


class MetricWriter:
    """Appends lines to a metric stream. Not locked itself: the run serializes calls."""

    def __init__(self, path: str) -> None:
        self.path = path
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        self.fd: Optional[int] = os.open(path, flags, 0o644)
        # A writer killed mid-line (not one of ours: our lines are single writes) leaves a partial
        # line; start on a fresh one so our first line is not glued to it.
        self._prefix = b"\n" if _ends_mid_line(path) else b""
        self._names: Dict[str, str] = {}

    def write(self, record: Dict[str, Any]) -> None:
        """Append one record as one line."""
        self._append(_ENCODER.encode(record).encode())

    def write_metrics(self, step: int, when: float, values: Dict[str, Any]) -> None:
        """Append `{"step": step, "time": when, **values}`; values are finite ints and floats (whose
        repr is their JSON). The fast path of Run.log: no JSON encoder, names encoded once."""
        names = self._names
        parts = [f'{{"step":{step},"time":{when!r}']
        for name, value in values.items():
            key = names.get(name)
            if key is None:
                key = names[name] = _ENCODER.encode(name)
            parts.append(f",{key}:{value!r}")
        parts.append("}")
        self._append("".join(parts).encode())

    def _append(self, line: bytes) -> None:
        if self.fd is None:
            raise RuntimeError("the run is finished; start a new one with lineage.init()")
        data = self._prefix + line + b"\n"
        if len(data) > MAX_LINE:
            raise ValueError(f"a metric line may not exceed {MAX_LINE} bytes (this one has {len(data)})")
        self._prefix = b""
        written = os.write(self.fd, data)
        while written < len(data):  # only on a full disk or the like: finish the line regardless
            written += os.write(self.fd, data[written:])

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _ends_mid_line(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() == 0:
                return False
            f.seek(-1, os.SEEK_END)
            return f.read(1) != b"\n"
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# Reading: a line-by-line port of core/runs/metrics.ts.


def summarize(text: str, complete: bool = True) -> Dict[str, Any]:
    """Summarize a whole stream. An unterminated last line counts when `complete` (the writers have
    exited), else only if it is already a whole JSON value (a live stream's write in progress)."""
    reader = StreamReader()
    lines = text.split("\n")
    tail = lines.pop()
    for line in lines:
        reader.line(line)
    if complete or (tail != "" and _is_json(tail)):
        if _js_trim(tail) != "":
            reader.line(tail)
    return reader.summary


class StreamReader:
    """Keeps the running summary of a stream, one line at a time (MetricStreamReader's rules)."""

    def __init__(self) -> None:
        self.summary: Dict[str, Any] = {
            "metrics": {},
            "lastStep": None,
            "params": {},
            "tags": {},
            "refs": [],
            "problems": [],
        }
        self._line_number = 0
        self._next_step = 0

    def _report(self, message: str) -> None:
        problems: List[str] = self.summary["problems"]
        if len(problems) < _MAX_PROBLEMS:
            problems.append(f"line {self._line_number}: {message}")

    def line(self, line: str) -> None:
        self._line_number += 1
        if _js_trim(line) == "":
            return
        if _utf16_length(line) > MAX_LINE:
            return self._report(f"longer than {MAX_LINE} bytes")
        try:
            record = json.loads(line, parse_constant=_reject_constant)
        except ValueError:
            return self._report("not a JSON object")
        if not isinstance(record, dict):
            return self._report("not a JSON object")
        raw_step: Any = record.get("step")
        raw_time = record.get("time")
        has_step = "step" in record
        if has_step and not _is_step(raw_step):
            return self._report("'step' must be a non-negative integer")
        if "time" in record and not _finite(raw_time):
            return self._report("'time' must be a number (seconds since the epoch)")
        values: List[Tuple[str, Any]] = []
        metric_line = False
        for key, value in _js_entries(record):
            if key in _RESERVED:
                continue
            metric_line = True
            for name, v in _flatten(value, key, "/"):
                if _finite(v):
                    values.append((name, _number(v)))
                elif v is not None:
                    self._report(f"'{name}' is not a finite number")
        current = self.summary["lastStep"] if self.summary["lastStep"] is not None else 0
        if has_step:
            step = int(raw_step)
        else:
            step = self._next_step if metric_line else current
        if metric_line or has_step:
            self.summary["lastStep"] = step
            self._next_step = step + 1
        for name, value in values:
            self._observe(name, step, value)
        self._reserved(record, step)

    def _observe(self, name: str, step: int, value: Any) -> None:
        metrics = self.summary["metrics"]
        m = metrics.get(name)
        if m is None:
            metrics[name] = {"last": value, "min": value, "max": value, "step": step, "count": 1}
        else:
            m["last"] = value
            m["step"] = step
            if value < m["min"]:
                m["min"] = value
            if value > m["max"]:
                m["max"] = value
            m["count"] += 1

    def _reserved(self, record: Dict[str, Any], step: int) -> None:
        if "params" in record:
            params = record["params"]
            if not isinstance(params, dict):
                self._report("'params' must be an object")
            else:
                for key, value in _flatten(params, "", "."):
                    self.summary["params"][key] = _param(value)
        if "tags" in record:
            tags = record["tags"]
            if not isinstance(tags, dict):
                self._report("'tags' must be an object")
            else:
                for key, value in _js_entries(tags):
                    self.summary["tags"][key] = value if isinstance(value, str) else _js_stringify(value)
        for kind in ("artifact", "image"):
            if kind not in record:
                continue
            ref = record[kind]
            if not isinstance(ref, dict) or not isinstance(ref.get("path"), str) or ref["path"] == "":
                self._report(f"'{kind}' must be {{\"path\": \"...\", \"name\": \"...\"}}")
            else:
                entry: Dict[str, Any] = {"kind": kind, "path": ref["path"], "step": step}
                if isinstance(ref.get("name"), str):
                    entry["name"] = ref["name"]
                self.summary["refs"].append(entry)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _is_json(text: str) -> bool:
    try:
        json.loads(text, parse_constant=_reject_constant)
        return True
    except ValueError:
        return False


def _is_step(value: Any) -> bool:
    if type(value) is int:
        return value >= 0
    return type(value) is float and math.isfinite(value) and value.is_integer() and value >= 0


def _finite(value: Any) -> bool:
    """`typeof value === 'number' && Number.isFinite(value)` for a parsed JSON value."""
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is int:
        try:
            return math.isfinite(float(value))
        except OverflowError:  # JavaScript reads such a literal as Infinity
            return False
    return False


def _number(value: Any) -> Any:
    """Ints stay ints unless a JavaScript number could not hold them exactly; -0.0 is written 0.0
    (JSON.stringify writes -0 as 0)."""
    if type(value) is float:
        return value + 0.0
    return float(value) if abs(value) > 2**53 else value


def _param(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)):
        return _number(value) if _finite(value) else None  # JSON.stringify writes null for those
    return _js_stringify(value)


def _is_index(key: str) -> bool:
    """An array-index-like key, which JavaScript objects enumerate first, in numeric order."""
    return key.isdigit() and key.isascii() and (key == "0" or key[0] != "0") and int(key) < 4294967295


def _js_entries(obj: Dict[str, Any]) -> Iterable[Tuple[str, Any]]:
    """`Object.entries` order of a parsed JSON object."""
    indices = [k for k in obj if k[:1].isdigit() and _is_index(k)]
    if not indices:
        return obj.items()
    indices.sort(key=int)
    return [(k, obj[k]) for k in indices] + [(k, v) for k, v in obj.items() if not _is_index(k)]


def _flatten(value: Any, name: str, sep: str) -> Iterator[Tuple[str, Any]]:
    if not isinstance(value, dict):
        yield name, value
        return
    for key, inner in _js_entries(value):
        yield from _flatten(inner, key if name == "" else name + sep + key, sep)


def _js_stringify(value: Any) -> str:
    """`JSON.stringify` of a parsed JSON value (whole floats print as integers)."""
    return json.dumps(_js_value(value), separators=(",", ":"), ensure_ascii=False)


def _js_value(value: Any) -> Any:
    if type(value) is float:
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, list):
        return [_js_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _js_value(v) for k, v in _js_entries(value)}
    return value


# JavaScript's String.prototype.trim: WhiteSpace and LineTerminator code points.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _js_trim(text: str) -> str:
    return text.strip(_JS_SPACE)


def _utf16_length(text: str) -> int:
    if len(text) * 2 <= MAX_LINE:  # cannot exceed the limit even if every character is astral
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
