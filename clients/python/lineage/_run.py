"""A run: what `lineage.init()` returns.

Launched by Lineage (`lineage run -- python train.py`, `$LINEAGE_METRICS` set): the run only appends
lines to the metric stream; the recorder owns the run folder, stores artifacts and writes the status.

Standalone (plain `python train.py`): the run creates its own folder exactly as the recorder would
(header, environment.json, metric stream, output.log), and writes status.json when it ends: at
finish(), at the end of a `with` block, at exit (finished, or failed after an uncaught exception),
or on SIGTERM/SIGHUP (killed). A run killed outright (SIGKILL) has no status: Lineage shows it
`crashed` once its process is gone.
"""
from __future__ import annotations

import atexit
import datetime
import functools
import json
import math
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections import abc
from types import TracebackType
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple, Type

from ._env import environment
from ._git import git_info
from ._lock import LockTimeout, repo_lock
from ._params import Params, apply_overrides, flat_params, tag_value
from ._output import OutputLog, Tee, untee
from ._repo import LINEAGE_DIR, LineageError, Repo, create_run_folder, ensure_repo_dirs, find_repo, run_json, write_atomic
from ._store import ObjectStore
from ._stream import MetricWriter, summarize
from ._ulid import new_ulid

_RESERVED = frozenset(("step", "time", "params", "tags", "artifact", "image"))
_ENV_KEYS = ("LINEAGE_RUN_ID", "LINEAGE_RUN_DIR", "LINEAGE_METRICS", "LINEAGE_REPO")


class Run:
    """One run. Create it with `lineage.init()`; use it as a context manager to finish it."""

    def __init__(
        self,
        params: Optional[Mapping[str, Any]] = None,
        name: Optional[str] = None,
        experiment: Optional[str] = None,
        tags: Optional[Mapping[str, Any]] = None,
        repo: Optional[str] = None,
    ) -> None:
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._next_step = 0
        self._last_step: Optional[int] = None
        self._warned: Set[str] = set()
        self._finished = False
        self._closing = False
        self._pending_signal: Optional[int] = None
        self._outcome: Optional[Tuple[str, Optional[int], Optional[str]]] = None  # status, exitCode, signal
        self._hooks: List[Callable[[], None]] = []  # undo functions, run at the end
        self._env_thread: Optional[threading.Thread] = None
        self._output: Optional[OutputLog] = None
        self._said = ""  # the closing message, printed once output.log is closed

        #: The run id (a lowercase ULID), its folder `.lineage/runs/<id>`, its name, the repository,
        #: the working directory artifact paths are relative to, and the metric stream.
        self.id: Optional[str] = None
        self.dir: Optional[str] = None
        self.name: Optional[str] = None
        self.repo: Optional[Repo] = None
        self.cwd = os.getcwd()
        self.metrics_path = ""
        #: The params: init's, with Lineage's overrides (`$LINEAGE_PARAMS`, dotted keys) applied.
        self.params = Params(params or {})
        apply_overrides(self.params, _env_params())
        #: Tags given to init or set_tags.
        self.tags: Dict[str, str] = {str(k): tag_value(v) for k, v in (tags or {}).items()}
        #: True when Lineage launched this process (`lineage run`); False for a standalone run.
        self.launched = bool(os.environ.get("LINEAGE_METRICS"))
        if self.launched:
            self._start_launched()
        else:
            self._start_standalone(name, experiment, repo)

    # -- starting --------------------------------------------------------------------------------

    def _start_launched(self) -> None:
        env = os.environ
        self.metrics_path = env["LINEAGE_METRICS"]
        self.dir = env.get("LINEAGE_RUN_DIR") or None
        self.id = env.get("LINEAGE_RUN_ID") or None
        root = env.get("LINEAGE_REPO") or (_repo_of_run_dir(self.dir) if self.dir else None)
        self.repo = Repo(root) if root else None
        header = _read_json(os.path.join(self.dir, "run.json")) if self.dir else None
        self.name = header.get("name") if header else None
        if header and self.repo and isinstance(header.get("cwd"), str):
            self.cwd = os.path.normpath(os.path.join(self.repo.root, header["cwd"]))
        self._writer = MetricWriter(self.metrics_path)
        params = flat_params(self.params)
        if params:
            self._write({"params": params})
        if self.tags:
            self._write({"tags": self.tags})
        atexit.register(self._at_exit)
        self._hooks.append(lambda: atexit.unregister(self._at_exit))

    def _start_standalone(self, name: Optional[str], experiment: Optional[str], repo: Optional[str]) -> None:
        self.repo = find_repo(repo)
        ensure_repo_dirs(self.repo)
        self.id = new_ulid()
        command = [sys.executable] + sys.argv
        self.name = name or command_label(command)
        header: Dict[str, Any] = {"schema": 1, "id": self.id, "name": self.name, "command": command,
                                  "cwd": _relative_cwd(self.repo.root, self.cwd)}
        extra: Dict[str, Any] = {"experiment": experiment} if experiment is not None else {}
        params = flat_params(self.params)
        if params:
            extra["params"] = params
        if self.tags:
            extra["tags"] = self.tags

        def start() -> str:
            assert self.repo is not None and self.id is not None
            git = git_info(self.cwd, self.repo.tmp, self.repo.dir)
            patch = ObjectStore(self.repo).put_bytes(git.patch) if git.patch else None
            header.update(commit=git.commit, branch=git.branch, dirty=git.dirty, patch=patch,
                          startedAt=_now_iso(), host=socket.gethostname(), pid=os.getpid(), **extra)
            return create_run_folder(self.repo, self.id, header)

        # Under the repository lock, so gc never sees the patch object unreferenced.
        self.dir = _locked(self.repo, "start a run", start, start)
        self.metrics_path = os.path.join(self.dir, "metrics.jsonl")
        self._writer = MetricWriter(self.metrics_path)
        self._env_thread = threading.Thread(target=self._write_environment, name="lineage-environment", daemon=True)
        self._env_thread.start()
        self._install_hooks()

    def _write_environment(self) -> None:
        try:
            write_atomic(os.path.join(self.dir or "", "environment.json"), run_json(environment()))
        except Exception as err:  # the run goes on without it
            print(f"lineage: cannot write environment.json: {err}", file=sys.stderr)

    def _install_hooks(self) -> None:
        """Standalone only: end the run at exit, on an uncaught exception or a signal; tee output;
        let child processes log into this run (they see it as launched)."""
        atexit.register(self._at_exit)
        self._hooks.append(lambda: atexit.unregister(self._at_exit))

        previous_hook = sys.excepthook

        def excepthook(kind: Type[BaseException], value: BaseException, tb: Optional[TracebackType]) -> None:
            previous_hook(kind, value, tb)  # prints the traceback, into output.log too
            self._close(*_outcome_of(value))

        sys.excepthook = excepthook
        self._hooks.append(lambda: _restore(sys, "excepthook", excepthook, previous_hook))

        real_exit = sys.exit

        def exit_hook(status: Any = None) -> None:  # sys.exit(n): the exit code atexit cannot see
            self._outcome = _outcome_of(SystemExit(status))
            real_exit(status)

        sys.exit = exit_hook  # type: ignore[assignment]
        self._hooks.append(lambda: _restore(sys, "exit", exit_hook, real_exit))

        if threading.current_thread() is threading.main_thread():
            for name in ("SIGTERM", "SIGHUP", "SIGINT"):
                signum = getattr(signal, name, None)
                if signum is None or signal.getsignal(signum) is not signal.SIG_DFL:
                    continue  # SIGINT keeps Python's KeyboardInterrupt; the user's handlers stay
                signal.signal(signum, self._on_signal)
                self._hooks.append(functools.partial(_restore_signal, signum, self._on_signal))

        assert self.dir is not None
        self._output = OutputLog(os.path.join(self.dir, "output.log"))
        for stream in ("stdout", "stderr"):
            original = getattr(sys, stream)
            if original is not None:
                tee = Tee(original, self._output)
                setattr(sys, stream, tee)
                self._hooks.append(functools.partial(untee, stream, tee, original))

        saved = {key: os.environ.get(key) for key in _ENV_KEYS}
        os.environ.update(
            LINEAGE_RUN_ID=self.id or "",
            LINEAGE_RUN_DIR=self.dir,
            LINEAGE_METRICS=self.metrics_path,
            LINEAGE_REPO=self.repo.root if self.repo else "",
        )
        self._hooks.append(lambda: _restore_env(saved))

    # -- logging ---------------------------------------------------------------------------------

    def log(self, data: Mapping[str, Any], step: Optional[int] = None) -> None:
        """Log metrics at a step (default: the previous step + 1, 0 first). Nested dicts become
        `a/b` names. Values must be numbers; None is skipped, and so are NaN, infinities and
        non-numbers (with a warning)."""
        if type(data) is not dict and not isinstance(data, abc.Mapping):
            raise TypeError(f"log() takes a dict of metric names to numbers, not {type(data).__name__}")
        values: Dict[str, Any] = {}
        self._collect(data, "", values)
        with self._lock:
            if step is None:
                step = self._next_step
            else:
                step = _step(step)
            self._next_step = step + 1
            self._last_step = step
            if values:
                if self._finished:
                    raise RuntimeError("this run is finished; start a new one with lineage.init()")
                self._writer.write_metrics(step, time.time(), values)

    def _collect(self, data: Mapping[str, Any], prefix: str, out: Dict[str, Any]) -> None:
        for key, value in data.items():
            name = key if type(key) is str else str(key)
            if prefix:
                name = prefix + "/" + name
            elif name in _RESERVED:
                raise ValueError(f"'{name}' is reserved in the metric stream; pass the step as log(..., step=n)")
            kind = type(value)
            if kind is float:
                if math.isfinite(value):
                    out[name] = value
                else:
                    self._skip(name, f"{value} cannot be logged")
            elif kind is int:
                out[name] = value
            elif kind is dict or isinstance(value, abc.Mapping):
                self._collect(value, name, out)
            elif value is not None:
                number = _as_number(value)
                if number is None:
                    self._skip(name, f"{type(value).__name__} is not a number")
                elif math.isfinite(number):
                    out[name] = number
                else:
                    self._skip(name, f"{number} cannot be logged")

    def _skip(self, name: str, why: str) -> None:
        if name not in self._warned:
            self._warned.add(name)
            print(f"lineage: metric '{name}' skipped: {why} (said once per metric)", file=sys.stderr)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record more params (e.g. ones computed by the script); nested dicts become dotted keys."""
        with self._lock:
            for key, value in params.items():
                self.params[str(key)] = Params(value) if isinstance(value, Mapping) else value
            self._write({"params": flat_params(params)})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        """Set tags (string values; others are converted)."""
        clean = {str(k): tag_value(v) for k, v in tags.items()}
        with self._lock:
            self.tags.update(clean)
            self._write({"tags": clean})

    def log_artifact(self, path: "os.PathLike[str] | str", name: Optional[str] = None) -> None:
        """Keep a file or folder (a model, a report) with the run: it is hashed into the store when the
        run ends, in the state it has then, and listed in the run's outputs."""
        self._log_ref("artifact", path, name)

    def log_image(self, path: "os.PathLike[str] | str", name: Optional[str] = None) -> None:
        """Like log_artifact, for an image (or a folder of images) the UI shows as such."""
        self._log_ref("image", path, name)

    def _log_ref(self, kind: str, path: "os.PathLike[str] | str", name: Optional[str]) -> None:
        abs_path = os.path.abspath(os.fspath(path))
        if not os.path.lexists(abs_path):
            raise FileNotFoundError(f"lineage: cannot log {kind} {os.fspath(path)!r}: no such file or folder")
        if self.repo is not None:
            rel = self.repo.relative(abs_path)  # an error if outside the repository
            if rel.split("/")[0] in (LINEAGE_DIR, ".git"):
                raise LineageError(f"{abs_path}: cannot log a path inside {rel.split('/')[0]}/")
            shown = os.path.relpath(abs_path, self.cwd).replace(os.sep, "/")
        else:
            shown = abs_path
        ref: Dict[str, Any] = {"path": shown}
        if name is not None:
            ref["name"] = str(name)
        with self._lock:
            record: Dict[str, Any] = {} if self._last_step is None else {"step": self._last_step}
            record[kind] = ref
            self._write(record)

    def _write(self, record: Dict[str, Any]) -> None:
        with self._lock:
            if self._finished:
                raise RuntimeError("this run is finished; start a new one with lineage.init()")
            self._writer.write(record)

    # -- ending ----------------------------------------------------------------------------------

    def finish(self, exit_code: Optional[int] = None) -> None:
        """End the run: `finished`, or `failed` with a non-zero `exit_code`. Launched by Lineage, this
        only closes the stream (the recorder writes the status when the process exits)."""
        code = exit_code or 0
        self._close("finished" if code == 0 else "failed", code, None)

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, kind: Optional[type], value: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        if value is None:
            self.finish()
            return
        if self._output is not None and not isinstance(value, (SystemExit, KeyboardInterrupt)):
            self._output.write("".join(traceback.format_exception(type(value), value, tb)))
        self._close(*_outcome_of(value))

    def _at_exit(self) -> None:
        self._close(*(self._outcome or ("finished", 0, None)))

    def _on_signal(self, signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if self._closing:  # already ending (e.g. storing artifacts at exit): die when it is done
            self._pending_signal = signum
            self._outcome = ("killed", None, name)
            return
        self._close("killed", None, name)
        _die(signum)

    def _close(self, status: str, exit_code: Optional[int], signal_name: Optional[str]) -> None:
        with self._lock:
            if self._finished or self._closing:
                return
            self._closing = True
        try:
            if not self.launched and os.getpid() == self._pid:
                self._write_status(status, exit_code, signal_name)
        finally:
            with self._lock:
                self._finished = True
                self._writer.close()
            for undo in reversed(self._hooks):
                undo()
            self._hooks.clear()
            if self._output is not None:
                self._output.close()
            _forget(self)
        if self._said:
            print(self._said, file=sys.stderr)
        if self._pending_signal is not None:
            _die(self._pending_signal)

    def _write_status(self, status: str, exit_code: Optional[int], signal_name: Optional[str]) -> None:
        assert self.dir is not None and self.repo is not None
        with open(self.metrics_path, "rb") as f:
            summary = summarize(f.read().decode("utf-8", "replace"), complete=True)
        for problem in summary["problems"]:
            print(f"lineage: {self.metrics_path}: {problem}", file=sys.stderr)
        if self._env_thread is not None:
            self._env_thread.join(timeout=30)

        def end(outputs: List[Dict[str, Any]]) -> None:
            self._write_end(summary, outputs, status, exit_code, signal_name)

        # Outputs are stored and named by status.json under one lock hold, so gc never sees them
        # unreferenced; without the lock the status is written with no outputs (as the recorder does).
        _locked(self.repo, "finish a run", lambda: end(self._store_outputs(summary["refs"])), lambda: end([]))

    def _write_end(self, summary: Dict[str, Any], outputs: List[Dict[str, Any]], status: str,
                   exit_code: Optional[int], signal_name: Optional[str]) -> None:
        assert self.dir is not None
        if self._pending_signal is not None and self._outcome:
            status, exit_code, signal_name = self._outcome
        end: Dict[str, Any] = {
            "schema": 1,
            "status": status,
            "exitCode": exit_code,
            "signal": signal_name,
            "endedAt": _now_iso(),
            "metrics": summary["metrics"],
            "lastStep": summary["lastStep"],
        }
        if summary["params"]:
            end["params"] = summary["params"]
        if summary["tags"]:
            end["tags"] = summary["tags"]
        if outputs:
            end["outputs"] = outputs
        write_atomic(os.path.join(self.dir, "status.json"), run_json(end))
        self._said = f"lineage: run {self.id} {status}"

    def _store_outputs(self, refs: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Hash logged artifacts and images into the store (the last reference to a path wins)."""
        assert self.repo is not None
        store = ObjectStore(self.repo)
        symlinks = self.repo.symlinks_mode()
        latest: Dict[Tuple[str, str], Dict[str, Any]] = {}
        for ref in refs:
            abs_path = os.path.normpath(os.path.join(self.cwd, ref["path"]))
            latest.pop((ref["kind"], abs_path), None)
            latest[(ref["kind"], abs_path)] = ref
        outputs = []
        for (kind, abs_path), ref in latest.items():
            try:
                rel = self.repo.relative(abs_path)
                if rel.split("/")[0] in (LINEAGE_DIR, ".git"):
                    raise LineageError(f"{abs_path}: inside {rel.split('/')[0]}/")
                stored = store.store_path(abs_path, symlinks)
            except (LineageError, OSError) as err:
                print(f"lineage: {kind} {ref['path']} not stored: {err}", file=sys.stderr)
                continue
            entry: Dict[str, Any] = {"kind": kind, "path": rel, **stored}
            if "name" in ref:
                entry["name"] = ref["name"]
            outputs.append(entry)
        return outputs


# -- helpers ---------------------------------------------------------------------------------------

_active_runs: List[Run] = []


def _forget(run: Run) -> None:
    if run in _active_runs:
        _active_runs.remove(run)


def command_label(argv: List[str]) -> str:
    """A short name for a command: `python train.py --lr 1` → `train.py` (as core's commandLabel)."""
    first = os.path.basename(argv[0]) if argv else "run"
    if not re.fullmatch(r"python[\d.]*|node|bash|sh|Rscript|julia|ruby|deno|bun", first):
        return first
    if "-m" in argv[1:]:
        i = argv.index("-m")
        if i + 1 < len(argv) and argv[i + 1]:
            return argv[i + 1]
    script = next((a for a in argv[1:] if not a.startswith("-")), None)
    return os.path.basename(script) if script and "-c" not in argv else first


def _env_params() -> Dict[str, Any]:
    text = os.environ.get("LINEAGE_PARAMS")
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        print("lineage: $LINEAGE_PARAMS is not a JSON object; ignored", file=sys.stderr)
        return {}
    return value


def _step(step: Any) -> int:
    try:
        value: int = step.__index__()  # ints, numpy ints; not floats
    except AttributeError:
        if isinstance(step, float) and step.is_integer():
            value = int(step)
        else:
            raise TypeError(f"step must be a non-negative integer, not {step!r}") from None
    if isinstance(step, bool) or value < 0:
        raise ValueError(f"step must be a non-negative integer, not {step!r}")
    return value


def _as_number(value: Any) -> Optional[float]:
    """bools, numpy/torch scalars, Decimals and the like as a number; None if not a number."""
    if isinstance(value, bool):
        return int(value)
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "size", 1) == 1:
        try:
            value = item()
        except (TypeError, ValueError):
            return None
        if type(value) is int or type(value) is float:
            return float(value) if type(value) is float else int(value)
    if isinstance(value, (str, bytes)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _outcome_of(error: BaseException) -> Tuple[str, Optional[int], Optional[str]]:
    """Status, exit code and signal of a run ended by `error`."""
    if isinstance(error, KeyboardInterrupt):
        return "killed", None, "SIGINT"
    if isinstance(error, SystemExit):
        code = error.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            code = 1  # sys.exit("message") prints it and exits with 1
        return ("finished" if code == 0 else "failed"), code, None
    return "failed", 1, None


def _die(signum: int) -> None:
    """Die by the signal, as the process would have without our handler."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _restore(owner: object, attr: str, ours: object, previous: object) -> None:
    if getattr(owner, attr) is ours:
        setattr(owner, attr, previous)


def _restore_signal(signum: int, ours: Callable[..., None]) -> None:
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signum) == ours:
        signal.signal(signum, signal.SIG_DFL)


def _restore_env(saved: Dict[str, Optional[str]]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _now_iso() -> str:
    """Like JavaScript's toISOString(): UTC, milliseconds, `Z`."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _relative_cwd(root: str, cwd: str) -> str:
    rel = os.path.relpath(cwd, root)
    return "" if rel == "." else rel.replace(os.sep, "/")


def _repo_of_run_dir(run_dir: str) -> Optional[str]:
    """`<root>/.lineage/runs/<id>` → `<root>`."""
    runs = os.path.dirname(os.path.abspath(run_dir))
    lineage_dir = os.path.dirname(runs)
    if os.path.basename(runs) == "runs" and os.path.basename(lineage_dir) == LINEAGE_DIR:
        return os.path.dirname(lineage_dir)
    return None


def _read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
        return value if isinstance(value, dict) else None
    except (OSError, ValueError):
        return None


def _locked(repo: Repo, what: str, locked: Callable[[], Any], unlocked: Callable[[], Any]) -> Any:
    """`locked()` while holding the repository lock; `unlocked()` (with a warning) if it stays taken."""
    try:
        with repo_lock(repo, what, timeout=60):
            return locked()
    except LockTimeout as err:
        print(f"lineage: {err}; going on without it", file=sys.stderr)
        return unlocked()
