"""The Lineage repository on disk: finding it, its folders, and durable file writes."""
from __future__ import annotations

import json
import os
import re
import shutil
from typing import Any, Dict, Optional

LINEAGE_DIR = ".lineage"
CONFIG_FILE = "lineage.yaml"


# What `lineage init` keeps out of git; written here too when a standalone run creates `.lineage/`.
LINEAGE_GITIGNORE = """# Written by lineage init: local store and run records are shared through a remote, not git.
/cache/
/tmp/
/runs/
/state/
/lock
"""


class LineageError(Exception):
    """A problem Lineage reports to the user (no repository, a bad artifact path, ...)."""


class Repo:
    """Paths of one repository: the folder holding `.lineage/` (usually the git root)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.dir = os.path.join(self.root, LINEAGE_DIR)
        self.cache = os.path.join(self.dir, "cache")
        self.runs = os.path.join(self.dir, "runs")
        self.tmp = os.path.join(self.dir, "tmp")
        self.config = os.path.join(self.root, CONFIG_FILE)

    def ensure_dirs(self) -> None:
        for d in (self.cache, self.runs, self.tmp):
            os.makedirs(d, exist_ok=True)

    def relative(self, path: str) -> str:
        """`path` relative to the root with '/' separators; an error if it lies outside."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        if rel == "." or rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
            raise LineageError(f"{path}: outside the Lineage repository {self.root}")
        return rel.replace(os.sep, "/")

    def symlinks_mode(self) -> str:
        """`symlinks:` of lineage.yaml (`keep` unless set to `follow`)."""
        try:
            with open(self.config, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            return "keep"
        m = re.search(r"^symlinks:\s*['\"]?(keep|follow)['\"]?\s*(#.*)?$", text, re.MULTILINE)
        return m.group(1) if m else "keep"


def find_repo(start: Optional[str] = None) -> Repo:
    """The nearest folder at or above `start` (default: cwd) with `.lineage/` or `lineage.yaml`."""
    here = os.path.abspath(start or os.getcwd())
    d = here
    while True:
        if os.path.exists(os.path.join(d, LINEAGE_DIR)) or os.path.exists(os.path.join(d, CONFIG_FILE)):
            return Repo(d)
        parent = os.path.dirname(d)
        if parent == d:
            raise LineageError(
                f"{here}: not a Lineage repository (no {LINEAGE_DIR}/ or {CONFIG_FILE} here or above); "
                "run `lineage init`, or pass repo= to lineage.init()"
            )
        d = parent


def fsync_dir(path: str) -> None:
    """Make a rename or create inside `path` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_new_file(path: str, data: bytes, mode: int = 0o644) -> None:
    """Create `path` (it must not exist), write `data` and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes) -> None:
    """Replace `path` so readers see the old or the new content: temp file, fsync, rename, fsync dir."""
    folder = os.path.dirname(path)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.urandom(6).hex()}.tmp")
    write_new_file(tmp, data)
    try:
        os.replace(tmp, path)
    except OSError:
        os.unlink(tmp)
        raise
    fsync_dir(folder)


def run_json(value: Any) -> bytes:
    """The JSON form of run files (header, status): two-space indent, newline-terminated."""
    try:
        return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes (say, in sys.argv) as lone surrogates: escape them
        return (json.dumps(value, indent=2) + "\n").encode("ascii")


def ensure_repo_dirs(repo: Repo) -> None:
    """The store folders, and `.lineage/.gitignore` as `lineage init` writes it (if absent)."""
    fresh = not os.path.isdir(repo.dir)
    repo.ensure_dirs()
    ignore = os.path.join(repo.dir, ".gitignore")
    if fresh or not os.path.exists(ignore):
        try:
            write_new_file(ignore, LINEAGE_GITIGNORE.encode())
        except FileExistsError:
            pass


def create_run_folder(repo: Repo, run_id: str, header: Dict[str, Any]) -> str:
    """Build the folder in `.lineage/tmp/run-<id>` (files fsynced), then rename it into `runs/`, so
    a run folder never appears without its header."""
    scratch = os.path.join(repo.tmp, f"run-{run_id}")
    os.makedirs(scratch)
    try:
        write_new_file(os.path.join(scratch, "run.json"), run_json(header))
        write_new_file(os.path.join(scratch, "metrics.jsonl"), b"")
        write_new_file(os.path.join(scratch, "output.log"), b"")
        fsync_dir(scratch)
        target = os.path.join(repo.runs, run_id)
        os.rename(scratch, target)
        fsync_dir(repo.runs)
        return target
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
