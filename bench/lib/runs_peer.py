"""The peer of `lineage runs --filter … --sort …` in bench/runs.mjs: what MLflow's file store does
for a search, on Lineage's run folders. MLflow (mlflow/store/tracking/file_store.py, search_runs)
lists every run folder, reads each run's files (meta.yaml, one file per param, one file per metric
holding its whole history, from which it takes the latest value), then filters and sorts the runs
in Python. Here: run.json (header and params), status.json (status, end), and in `mlflow` mode the
whole metrics.jsonl (every logged value, the last one kept per metric, like MLflow's latest-metric
read); in `summaries` mode the metric summaries of status.json instead (a cheaper peer: Lineage's
own files, no index).

usage: runs_peer.py <runs folder> <mode: mlflow | summaries> '<json query>'
query: {"where": [[kind, name, op, value], ...], "order": [[kind, name, descending], ...]}
kind: field | param | metric; op: == != < <= > >=. Prints {"runs": N, "count": M, "ids": [...]}.
"""
import json
import os
import sys

OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def flatten(value, name, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{name}/{k}" if name else k, out)
    else:
        out[name] = value


def last_metrics(path):
    """The latest value of every metric in a metric stream (MLflow reads each metric's history)."""
    latest = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                flat = {}
                for key, value in record.items():
                    if key in ("step", "time", "params", "tags", "artifact", "image"):
                        continue
                    flatten(value, key, flat)
                for name, value in flat.items():
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        latest[name] = value
    except FileNotFoundError:
        pass
    return latest


def read_run(folder, mode):
    with open(os.path.join(folder, "run.json")) as f:
        header = json.load(f)
    try:
        with open(os.path.join(folder, "status.json")) as f:
            end = json.load(f)
    except FileNotFoundError:
        end = None
    params = dict(header.get("params") or {})
    if end:
        params.update(end.get("params") or {})
    if mode == "mlflow":
        metrics = last_metrics(os.path.join(folder, "metrics.jsonl"))
    else:
        metrics = {k: v["last"] for k, v in ((end or {}).get("metrics") or {}).items()}
    fields = {
        "id": header["id"],
        "name": header["name"],
        "status": end["status"] if end else "running",
        "experiment": header.get("experiment"),
        "commit": header.get("commit"),
        "branch": header.get("branch"),
    }
    return {"fields": fields, "param": params, "metric": metrics}


MISSING = object()


def value(run, kind, name):
    return run[kind].get(name, MISSING)


def main():
    runs_dir, mode, query = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    ids = sorted((d for d in os.listdir(runs_dir) if len(d) == 26), reverse=True)
    runs = [read_run(os.path.join(runs_dir, i), mode) for i in ids]
    for run in runs:
        run["field"] = run.pop("fields")

    def keep(run):
        for kind, name, op, target in query["where"]:
            v = value(run, kind, name)
            if v is MISSING or v is None:
                return False
            try:
                if not OPS[op](v, target):
                    return False
            except TypeError:
                return False
        return True

    matched = [r for r in runs if keep(r)]
    # Stable passes from the least significant key; runs missing a key go last for that key.
    for kind, name, descending in reversed(query["order"]):
        present = [r for r in matched if value(r, kind, name) not in (MISSING, None)]
        missing = [r for r in matched if value(r, kind, name) in (MISSING, None)]
        present.sort(key=lambda r: value(r, kind, name), reverse=descending)
        matched = present + missing
    print(json.dumps({"runs": len(runs), "count": len(matched), "ids": [r["field"]["id"] for r in matched]}))


if __name__ == "__main__":
    main()
