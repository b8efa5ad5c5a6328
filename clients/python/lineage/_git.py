"""Git facts for a run header: commit, branch, dirtiness, and the uncommitted changes as a patch.

Everything goes through the `git` command line, the way the recorder (core/runs/snapshot.ts) does
it, so both write the same patch for the same work tree. Neither the user's index nor git's object
database is touched: untracked files enter the diff as intent-to-add entries of a private copy of
the index (`GIT_INDEX_FILE`), and `git diff --binary HEAD` through that index is the patch.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Dict, List, Optional

# Untracked files larger than this are left out of the patch (as the recorder does), and named.
PATCH_FILE_LIMIT = 8 * 1024 * 1024

# A plain, applicable patch whatever the user's configuration says.
_DIFF = [
    "-c", "core.quotePath=off",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "diff", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", "HEAD",
]


class GitInfo:
    """What the header records: `commit`, `branch`, `dirty`, and the patch bytes (None when clean)."""

    def __init__(self) -> None:
        self.commit: Optional[str] = None
        self.branch: Optional[str] = None
        self.dirty = False
        self.patch: Optional[bytes] = None
        self.left_out: List[str] = []


def git_info(cwd: str, scratch: str, lineage_dir: str) -> GitInfo:
    """Git facts of the work tree holding `cwd`; all empty outside a git repository or without git.
    `scratch` is a folder for the temporary index; untracked files in `lineage_dir` never count."""
    info = GitInfo()
    if shutil.which("git") is None:
        return info
    top_out = _git(cwd, ["rev-parse", "--show-toplevel"])
    if top_out is None:
        return info
    top = os.fsdecode(top_out.rstrip(b"\n"))
    info.commit = _text(_git(top, ["rev-parse", "--verify", "--quiet", "HEAD"]))
    info.branch = _text(_git(top, ["symbolic-ref", "--quiet", "--short", "HEAD"]))
    index = os.path.join(scratch, f"patch-index-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        user_index = _text(_git(top, ["rev-parse", "--git-path", "index"]))
        if user_index and os.path.isfile(os.path.join(top, user_index)):
            # copy2 keeps the times: a fresh mtime would hide edits made in the index's own second
            shutil.copy2(os.path.join(top, user_index), index)
        env = {"GIT_INDEX_FILE": index}
        if not os.path.exists(index) and info.commit:
            _git(top, ["read-tree", "HEAD"], env)  # no index yet: start from HEAD's tree
        # Tracked files that differ from HEAD, staged or not (untracked files do not count). Any
        # index refresh git makes here lands in the copy.
        status = _git(top, ["status", "--porcelain", "--untracked-files=no"], env)
        info.dirty = bool(status and status.strip())
        if info.commit is None:
            return info  # nothing to diff against (as the recorder: no patch before the first commit)
        own = os.path.relpath(lineage_dir, top).replace(os.sep, "/") + "/"
        untracked = _git(top, ["ls-files", "-z", "--others", "--exclude-standard"], env) or b""
        included: List[bytes] = []
        for name in filter(None, untracked.split(b"\0")):
            shown = os.fsdecode(name)
            if shown.startswith(own):
                continue  # Lineage's own folder (its lock, say) never belongs to the code
            try:
                size = os.lstat(os.path.join(top, shown)).st_size
            except OSError:
                continue
            if size > PATCH_FILE_LIMIT:
                info.left_out.append(shown)
            else:
                included.append(name)
        if included:
            add = ["--literal-pathspecs", "add", "--intent-to-add", "--pathspec-from-file=-", "--pathspec-file-nul"]
            _git(top, add, env, stdin=b"\0".join(included))
        info.patch = _git(top, _DIFF, env) or None
    finally:
        for leftover in (index, index + ".lock"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    if info.left_out:
        print(f"lineage: left out of the run's patch (untracked and over {PATCH_FILE_LIMIT >> 20} MiB): "
              + ", ".join(info.left_out), file=sys.stderr)
    return info


def _text(out: Optional[bytes]) -> Optional[str]:
    return (os.fsdecode(out).strip() or None) if out is not None else None


def _git(cwd: str, args: List[str], env: Optional[Dict[str, str]] = None,
         stdin: Optional[bytes] = None) -> Optional[bytes]:
    """Run git; its stdout, or None when it fails."""
    full_env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", **(env or {}))
    try:
        result = subprocess.run(["git", *args], cwd=cwd, env=full_env, input=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None
