"""`environment.json` of a run: machine, Python and GPUs (docs/formats.md, "Runs").

`python -m lineage._env` prints the `python` part as JSON. A run asks a child interpreter for it
rather than importing importlib.metadata itself: imports in the run's process after a Ctrl-C would
make CPython exit with status 1 instead of dying by SIGINT as it should.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
from typing import Any, Dict, List, Optional

# Python's names for machines, as Node's os.arch() spells them (what the recorder writes).
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64", "i386": "ia32",
         "i686": "ia32", "x86": "ia32", "armv7l": "arm", "ppc64le": "ppc64", "s390x": "s390x"}


def environment() -> Dict[str, Any]:
    """The whole record: schema, os, host, cpus, memory, python, and gpus when nvidia-smi answers."""
    env: Dict[str, Any] = {
        "schema": 1,
        "os": {
            "platform": sys.platform,  # linux, darwin, win32: the same names as Node's os.platform()
            "release": platform.release(),
            "arch": _ARCH.get(platform.machine().lower(), platform.machine().lower()),
        },
        "host": socket.gethostname(),
        "cpus": {"model": _cpu_model(), "count": os.cpu_count() or 0},
        "memory": _memory() or 0,
        "python": _probe_python(),
    }
    gpus = _gpus()
    if gpus is not None:
        env["gpus"] = gpus
    return env


def python_info() -> Dict[str, Any]:
    """The interpreter and the installed distributions (name → version, first on sys.path wins)."""
    packages: Dict[str, str] = {}
    try:
        from importlib import metadata

        for dist in metadata.distributions():
            name = dist.metadata["Name"]
            if name and name not in packages:
                packages[name] = dist.version
    except Exception:  # a broken distribution must not stop a run
        pass
    return {
        "executable": sys.executable,
        "version": sys.version.split()[0],
        "packages": dict(sorted(packages.items(), key=lambda kv: kv[0].lower())),
    }


def _probe_python() -> Dict[str, Any]:
    """python_info() of this interpreter, computed by a child process."""
    if sys.executable:
        client = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        path = os.pathsep.join(p for p in (client, os.environ.get("PYTHONPATH")) if p)
        try:
            done = subprocess.run([sys.executable, "-m", "lineage._env"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=path), timeout=60)
            if done.returncode == 0:
                info: Dict[str, Any] = json.loads(done.stdout)
                info["executable"] = sys.executable
                return info
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    return {"executable": sys.executable, "version": sys.version.split()[0], "packages": {}}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name") or line.startswith("Model"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        out = _run(["sysctl", "-n", "machdep.cpu.brand_string"])
        if out:
            return out.strip()
    return platform.processor() or platform.machine()


def _memory() -> Optional[int]:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        pass
    if sys.platform == "darwin":
        out = _run(["sysctl", "-n", "hw.memsize"])
        if out and out.strip().isdigit():
            return int(out)
    return None


def _gpus() -> Optional[List[Dict[str, Any]]]:
    if shutil.which("nvidia-smi") is None:
        return None
    out = _run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"])
    if out is None:
        return None
    gpus = []
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3:
            memory = int(float(parts[1])) if parts[1].replace(".", "", 1).isdigit() else 0
            gpus.append({"name": parts[0], "memoryMiB": memory, "driver": parts[2]})
    return gpus


def _run(argv: List[str]) -> Optional[str]:
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


if __name__ == "__main__":
    print(json.dumps(python_info(), indent=2))
