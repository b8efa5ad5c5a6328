"""Lineage's Python client: log params, metrics and artifacts of a training run.

    import lineage

    run = lineage.init(params={"lr": 0.01, "epochs": 5})
    for epoch in range(run.params["epochs"]):
        ...
        run.log({"loss": loss, "val": {"acc": acc}})   # step 0, 1, ...; `val/acc`
    run.log_artifact("models/model.pkl")
    run.finish()                                        # or `with lineage.init(...) as run:`

Under `lineage run -- python train.py` the client appends to the run Lineage records; run as plain
`python train.py` inside a Lineage repository it records a run of its own. Standard library only;
see README.md beside this package, and docs/formats.md for what is written.
"""
from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from ._repo import LineageError
from ._run import Run, _active_runs

__all__ = [
    "LineageError",
    "Run",
    "active_run",
    "finish",
    "init",
    "log",
    "log_artifact",
    "log_image",
    "log_params",
    "set_tags",
]
__version__ = "0.1.0"


def init(
    params: Optional[Mapping[str, Any]] = None,
    name: Optional[str] = None,
    experiment: Optional[str] = None,
    tags: Optional[Mapping[str, Any]] = None,
    repo: Optional[str] = None,
) -> Run:
    """Start a run and make it the active one (a run still active is finished first).

    params: the script's defaults; `run.params` holds them with Lineage's overrides applied
        (`lineage run --set lr=0.1`, passed as `$LINEAGE_PARAMS`).
    name, experiment: recorded in a standalone run's header (under `lineage run`, the recorder's
        header already names the run).
    tags: string labels (`{"model": "resnet"}`).
    repo: where to look for the Lineage repository (standalone; default: the working directory and
        its parents).
    """
    while _active_runs:
        _active_runs[-1].finish()
    run = Run(params=params, name=name, experiment=experiment, tags=tags, repo=repo)
    _active_runs.append(run)
    return run


def active_run() -> Optional[Run]:
    """The run started by the last init(), until it is finished."""
    return _active_runs[-1] if _active_runs else None


def _run() -> Run:
    """The active run; one is started with defaults if there is none."""
    return active_run() or init()


def log(data: Mapping[str, Any], step: Optional[int] = None) -> None:
    """`Run.log` on the active run."""
    _run().log(data, step=step)


def log_params(params: Mapping[str, Any]) -> None:
    """`Run.log_params` on the active run."""
    _run().log_params(params)


def set_tags(tags: Mapping[str, Any]) -> None:
    """`Run.set_tags` on the active run."""
    _run().set_tags(tags)


def log_artifact(path: "os.PathLike[str] | str", name: Optional[str] = None) -> None:
    """`Run.log_artifact` on the active run."""
    _run().log_artifact(path, name=name)


def log_image(path: "os.PathLike[str] | str", name: Optional[str] = None) -> None:
    """`Run.log_image` on the active run."""
    _run().log_image(path, name=name)


def finish(exit_code: Optional[int] = None) -> None:
    """Finish the active run, if any."""
    run = active_run()
    if run is not None:
        run.finish(exit_code)
