"""The repository lock `.lineage/lock`, taken exactly as core/store/lock.ts takes it.

Writers of the store hold it; a standalone run holds it while it stores its patch and creates its
folder, and while it stores its outputs and writes its status, so `lineage gc` never sees those
objects unreferenced. The owner text (host, pid) is written to a temp file that is then hard-linked
to `lock`: the link fails while someone holds it. A lock whose process is dead on this host is
broken by whoever holds `lock.break`, and only if it still holds that dead owner's text.
"""
from __future__ import annotations

import datetime
import json
import os
import socket
import time
from contextlib import contextmanager
from typing import Iterator, Optional, Tuple

from ._repo import LineageError, Repo

_POLL = 0.1


class LockTimeout(LineageError):
    """The lock stayed taken by another process."""


_BREAK_STALE = 5.0


@contextmanager
def repo_lock(repo: Repo, what: str, timeout: float = 10.0) -> Iterator[None]:
    """Hold the repository lock for the block; LockTimeout if another process holds it for `timeout` s."""
    file = os.path.join(repo.dir, "lock")
    os.makedirs(repo.dir, exist_ok=True)
    since = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    mine = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "what": what, "since": since},
                      separators=(",", ":"))
    started = time.monotonic()
    while not _try_take(file, mine):
        text = _read(file)
        owner = _owner(text) if text is not None else None
        if text is not None and owner and owner[0] == socket.gethostname() and not _alive(owner[1]):
            _break_stale(file, text)
            continue
        if time.monotonic() - started > timeout:
            who = f"pid {owner[1]} on {owner[0]} ({owner[2]})" if owner else "another process"
            raise LockTimeout(f"{file}: the repository is locked by {who}; wait for it or remove the lock "
                               "file if it is gone")
        time.sleep(_POLL)
    try:
        yield
    finally:
        if _read(file) == mine:
            os.unlink(file)


def _try_take(file: str, text: str) -> bool:
    tmp = f"{file}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        os.link(tmp, file)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def _break_stale(file: str, stale: str) -> None:
    breaker = file + ".break"
    try:
        fd = os.open(breaker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        try:
            if time.time() - os.stat(breaker).st_mtime > _BREAK_STALE:
                os.unlink(breaker)
        except OSError:
            pass
        time.sleep(_POLL / 4)
        return
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        if _read(file) == stale:
            os.unlink(file)
    finally:
        try:
            os.unlink(breaker)
        except OSError:
            pass


def _read(file: str) -> Optional[str]:
    try:
        with open(file, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _owner(text: str) -> Optional[Tuple[str, int, str]]:
    try:
        owner = json.loads(text)
    except ValueError:
        return None  # not a lock we understand: treat it as held
    if isinstance(owner, dict) and isinstance(owner.get("host"), str) and type(owner.get("pid")) is int:
        return owner["host"], owner["pid"], str(owner.get("what", ""))
    return None


def _alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # no signal 0 there: never break a lock on Windows
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
