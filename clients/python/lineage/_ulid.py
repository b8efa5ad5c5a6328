"""Run ids: lowercase ULIDs (48-bit millisecond time + 80 random bits, Crockford base32).

They sort by creation time and are unique across machines (docs/formats.md, "Runs").
"""
from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lowercase (no i, l, o, u)
_lock = threading.Lock()
_last = (0, 0)  # (ms, random) of the previous id, to stay monotonic within one millisecond


def new_ulid() -> str:
    """A new 26-character lowercase ULID; ids made by this process strictly increase."""
    global _last
    with _lock:
        ms = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big")
        if ms <= _last[0]:
            ms, rand = _last[0], _last[1] + 1
            if rand >> 80:  # 2^80 ids in one millisecond: move on to the next one
                ms, rand = ms + 1, 0
        _last = (ms, rand)
    value = (ms << 80) | rand
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))
