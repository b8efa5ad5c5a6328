"""`output.log` of a standalone run: what the script prints to stdout and stderr, copied as it comes.

The recorder captures a launched command's output itself; a standalone run replaces sys.stdout and
sys.stderr with tees that pass everything on unchanged and append it to the log, line by line.
Output written straight to the file descriptors (by C extensions or child processes) is not seen.
"""
from __future__ import annotations

import sys
import threading
from typing import Any, List, Optional


class OutputLog:
    """`output.log` of a standalone run: what the script prints, flushed line by line."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._file: Any = open(path, "a", encoding="utf-8", errors="backslashreplace", newline="", buffering=1)

    def write(self, text: str) -> None:
        with self._lock:
            if self._file is not None:
                self._file.write(text)

    def flush(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


class Tee:
    """sys.stdout / sys.stderr, also copied to output.log."""

    def __init__(self, stream: Any, log: OutputLog) -> None:
        self._stream = stream
        self._log: Optional[OutputLog] = log

    def write(self, text: str) -> int:
        n: int = self._stream.write(text)
        log = self._log
        if log is not None:
            try:
                log.write(text)
            except (OSError, ValueError, TypeError):
                pass
        return n

    def writelines(self, lines: List[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()
        if self._log is not None:
            self._log.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def untee(name: str, tee: Tee, original: Any) -> None:
    tee._log = None  # still someone's sys.stdout, perhaps: it just passes through now
    if getattr(sys, name) is tee:
        setattr(sys, name, original)
