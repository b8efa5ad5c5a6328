"""The content-addressed object store and tree objects (docs/formats.md, docs/architecture.md).

Objects live at `.lineage/cache/sha256/ab/cdef...`, read-only, named by the SHA-256 of their bytes.
New objects are written to a staging folder `.lineage/tmp/stage-<pid>-<random>/` (the bytes hashed
are exactly the bytes written), fsynced, then published under their name with a hard link, which
never replaces an existing object; every file object is published before the trees naming it.
A folder becomes one tree object per directory: canonical JSON, entries sorted by UTF-8 bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat as stat_mod
from typing import Any, Dict, List, Set, Tuple

from ._repo import LineageError, Repo, fsync_dir, write_new_file

_CHUNK = 1024 * 1024
_OBJECT_NAME = re.compile(r"sha256/([0-9a-f]{2})/([0-9a-f]{62})$")
_HASH = re.compile(r"^[0-9a-f]{64}$")

Entry = Dict[str, Any]


def encode_tree(entries: List[Entry]) -> bytes:
    """Canonical bytes of a tree object: entries sorted by the UTF-8 bytes of their names, keys in a
    fixed order, no spaces (the same bytes as core/datasets/tree.ts `encodeTree`)."""
    canonical = []
    for e in sorted(entries, key=lambda e: e["name"].encode("utf-8")):
        if e["type"] == "file":
            keys: Tuple[str, ...] = ("name", "type", "hash", "size", "exec")
        elif e["type"] == "dir":
            keys = ("name", "type", "hash", "size", "files")
        else:
            keys = ("name", "type", "target")
        canonical.append({k: e[k] for k in keys})
    text = json.dumps({"schema": 1, "entries": canonical}, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


class ObjectStore:
    """Writes objects into one repository's store."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.objects = os.path.join(repo.cache, "sha256")

    def object_path(self, digest: str) -> str:
        if not _HASH.match(digest):
            raise ValueError(f"not a SHA-256 object id: {digest!r}")
        return os.path.join(self.objects, digest[:2], digest[2:])

    def has(self, digest: str) -> bool:
        return os.path.exists(self.object_path(digest))

    def put_bytes(self, data: bytes) -> str:
        """Store one small object (a patch, a tree) durably; returns its hash."""
        digest = hashlib.sha256(data).hexdigest()
        if self.has(digest):
            return digest
        with _Staging(self.repo.tmp) as staging:
            tmp = staging.next()
            write_new_file(tmp, data, 0o444)
            self._publish([(tmp, digest)])
        return digest

    def store_path(self, path: str, symlinks: str = "keep") -> Dict[str, Any]:
        """Hash a file or folder into the store. Returns `{type, sha256, size, files}`: the file object,
        or the root tree object of the folder. A link given as `path` itself is followed."""
        abs_path = os.path.abspath(path)
        real = os.path.realpath(abs_path)
        if not os.path.exists(real):
            raise LineageError(f"{path}: no such file or directory")
        if not (_inside(abs_path, self.repo.root) or _inside(real, os.path.realpath(self.repo.root))):
            raise LineageError(f"{path}: outside the Lineage repository {self.repo.root}")
        start = real if os.path.islink(abs_path) else abs_path
        with _Staging(self.repo.tmp) as staging:
            walker = _TreeBuilder(self, staging, symlinks)
            st = os.stat(real)
            if stat_mod.S_ISREG(st.st_mode):
                digest, size = walker.stage_file(start)
                self._publish(walker.files)
                return {"type": "file", "sha256": digest, "size": size, "files": 1}
            if not stat_mod.S_ISDIR(st.st_mode):
                raise LineageError(f"{path}: not a regular file or folder")
            node = walker.directory(start)
            self._publish(walker.files)  # every file object before any tree that names it
            self._publish(walker.trees)  # children before parents: the order they were built in
            return {"type": "dir", "sha256": node["hash"], "size": node["size"], "files": node["files"]}

    def _publish(self, items: List[Tuple[str, str]]) -> None:
        """Move fsynced staged files to their object paths, never replacing an existing object."""
        folders: Set[str] = set()
        for tmp, digest in items:
            dest = self.object_path(digest)
            folder = os.path.dirname(dest)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            if not os.path.exists(dest):
                try:
                    os.link(tmp, dest)  # fails if the object appeared meanwhile: never overwritten
                except FileExistsError:
                    pass
                except OSError:  # no hard links on this file system
                    if not os.path.exists(dest):
                        os.rename(tmp, dest)
            if os.path.exists(tmp):
                os.unlink(tmp)
        for folder in folders:
            fsync_dir(folder)
        if folders:
            fsync_dir(self.objects)


class _Staging:
    """A folder `.lineage/tmp/stage-<pid>-<random>/` for one operation's objects-to-be."""

    def __init__(self, tmp_dir: str) -> None:
        self.dir = os.path.join(tmp_dir, f"stage-{os.getpid()}-{os.urandom(4).hex()}")
        self.count = 0

    def __enter__(self) -> "_Staging":
        os.makedirs(self.dir)
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def next(self) -> str:
        self.count += 1
        return os.path.join(self.dir, str(self.count))


class _TreeBuilder:
    """Walks a folder the way core/datasets/walk.ts does, staging file and tree objects."""

    def __init__(self, store: ObjectStore, staging: _Staging, symlinks: str) -> None:
        self.store = store
        self.staging = staging
        self.symlinks = symlinks
        self.root = store.repo.root
        self.real_root = os.path.realpath(self.root)
        self.files: List[Tuple[str, str]] = []
        self.trees: List[Tuple[str, str]] = []
        self.file_hashes: Set[str] = set()
        self.tree_hashes: Set[str] = set()
        self.ancestors: Set[str] = set()

    def stage_file(self, path: str) -> Tuple[str, int]:
        """Copy a file into staging while hashing the bytes copied; refuse it if it changes meanwhile."""
        try:
            src = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except PermissionError:
            raise LineageError(f"{path}: permission denied") from None
        try:
            before = os.fstat(src)
            tmp = self.staging.next()
            dst = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o444)
            h = hashlib.sha256()
            size = 0
            try:
                while True:
                    chunk = os.read(src, _CHUNK)
                    if not chunk:
                        break
                    h.update(chunk)
                    size += len(chunk)
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(dst, view):]
                os.fsync(dst)
            finally:
                os.close(dst)
            after = os.fstat(src)
        finally:
            os.close(src)
        if size != after.st_size or (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
            raise LineageError(f"{path}: file changed while it was being read; log it when it is complete")
        digest = h.hexdigest()
        if digest in self.file_hashes or self.store.has(digest):
            os.unlink(tmp)
        else:
            self.files.append((tmp, digest))
            self.file_hashes.add(digest)
        return digest, size

    def directory(self, path: str) -> Entry:
        """Hash one folder (recursively); returns a `dir` entry without its name."""
        real = os.path.realpath(path) if self.symlinks == "follow" else path
        if real in self.ancestors:
            raise LineageError(f"{path}: symbolic links form a cycle here")
        self.ancestors.add(real)
        try:
            names = os.listdir(path)
        except PermissionError:
            raise LineageError(f"{path}: permission denied") from None
        entries: List[Entry] = []
        size = files = 0
        for name in names:
            child = os.path.join(path, name)
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                shown = os.fsencode(name).decode("latin-1")
                raise LineageError(f"{path}: contains a file name that is not valid UTF-8 ({shown!r}); rename it") from None
            if "\\" in name:
                raise LineageError(f"{child}: a name with a backslash cannot be stored in a tree")
            entry = self.node(child)
            entry["name"] = name
            entries.append(entry)
            if entry["type"] == "symlink":
                files += 1
            else:
                size += entry["size"]
                files += entry.get("files", 1)
        self.ancestors.discard(real)
        data = encode_tree(entries)
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self.tree_hashes and not self.store.has(digest):
            tmp = self.staging.next()
            write_new_file(tmp, data, 0o444)
            self.trees.append((tmp, digest))
            self.tree_hashes.add(digest)
        return {"type": "dir", "hash": digest, "size": size, "files": files}

    def node(self, path: str) -> Entry:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            raise LineageError(f"{path}: disappeared while the folder was being read") from None
        if stat_mod.S_ISLNK(st.st_mode):
            target = os.readlink(os.fsencode(path)).decode("utf-8", "replace")  # as Node reads it
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
            if not (_inside(resolved, self.root) or _inside(resolved, self.real_root)):
                raise LineageError(f"{path}: symbolic link points outside the repository (to {target})")
            if _inside(resolved, self.store.repo.cache):
                m = _OBJECT_NAME.search(resolved.replace(os.sep, "/"))
                obj = os.stat(resolved) if m and os.path.isfile(resolved) else None
                if m and obj:  # a link placed by checkout: it stands for the object's content
                    exe = bool(obj.st_mode & 0o111)
                    return {"type": "file", "hash": m.group(1) + m.group(2), "size": obj.st_size, "exec": exe}
            if self.symlinks == "keep":
                return {"type": "symlink", "target": target}
            try:
                st = os.stat(path)
            except OSError as err:
                code = getattr(err, "strerror", None) or "error"
                raise LineageError(f"{path}: symbolic link is broken ({code})") from None
            real = os.path.realpath(path)
            if not _inside(real, self.real_root):
                raise LineageError(f"{path}: symbolic link points outside the repository (to {real})")
        if stat_mod.S_ISREG(st.st_mode):
            digest, size = self.stage_file(path)
            return {"type": "file", "hash": digest, "size": size, "exec": bool(st.st_mode & 0o111)}
        if stat_mod.S_ISDIR(st.st_mode):
            return self.directory(path)
        raise LineageError(
            f"{path}: not a regular file, folder or symbolic link (a socket, FIFO or device); it cannot be stored"
        )


def _inside(path: str, root: str) -> bool:
    rel = os.path.relpath(path, root)
    return rel == "." or not (rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel))

