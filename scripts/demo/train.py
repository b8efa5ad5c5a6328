"""A small real training script for the Lineage demo: logistic regression by gradient descent
on data/train.csv, standard library only. Metrics go to the file named by $LINEAGE_METRICS
(one JSON object per line), which `lineage run` sets.

Params come from params.yaml, then $LINEAGE_PARAMS (what `lineage run --experiment train
--set lr=0.3` passes: the params files with the overrides applied), then the command line."""
import argparse
import csv
import json
import math
import os
import random
import time

DEFAULTS = {"lr": 0.1, "epochs": 30, "seed": 0, "delay": 0.0}


def scalar(text):
    """A flat YAML scalar: number, boolean or (quoted or bare) string."""
    text = text.strip()
    if text[:1] in "'\"" and text[-1:] == text[:1]:
        return text[1:-1]
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_params(path="params.yaml"):
    """`name: value` lines of a flat params file (comments and blank lines skipped)."""
    params = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split(" #")[0].strip()
                if line and not line.startswith("#") and ":" in line:
                    key, value = line.split(":", 1)
                    params[key.strip()] = scalar(value)
    return params


params = {**DEFAULTS, **read_params(), **json.loads(os.environ.get("LINEAGE_PARAMS") or "{}")}
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=float(params["lr"]))
parser.add_argument("--epochs", type=int, default=int(params["epochs"]))
parser.add_argument("--seed", type=int, default=int(params["seed"]), help="seed of the initial weights")
parser.add_argument(
    "--delay", type=float, default=float(params["delay"]), help="seconds to sleep per epoch"
)
args = parser.parse_args()

with open(os.path.join("data", "train.csv"), newline="") as f:
    rows = [(float(r["x1"]), float(r["x2"]), int(r["label"])) for r in csv.DictReader(f)]

rng = random.Random(args.seed)
w1, w2, b = (rng.gauss(0.0, 1.0) for _ in range(3))
metrics = open(os.environ.get("LINEAGE_METRICS", os.devnull), "a")
for epoch in range(args.epochs):
    g1 = g2 = gb = loss = 0.0
    correct = 0
    for x1, x2, y in rows:
        p = 1.0 / (1.0 + math.exp(-(w1 * x1 + w2 * x2 + b)))
        loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
        correct += int((p > 0.5) == bool(y))
        g1 += (p - y) * x1
        g2 += (p - y) * x2
        gb += p - y
    n = len(rows)
    w1 -= args.lr * g1 / n
    w2 -= args.lr * g2 / n
    b -= args.lr * gb / n
    metrics.write(json.dumps({"step": epoch, "loss": round(loss / n, 6), "acc": round(correct / n, 4)}) + "\n")
    metrics.flush()
    print(f"epoch {epoch:3d}  loss {loss / n:.4f}  acc {correct / n:.3f}", flush=True)
    time.sleep(args.delay)
