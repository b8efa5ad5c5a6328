"""A small real training script for the Lineage demo: logistic regression by gradient descent
on data/train.csv, standard library only. Metrics go to the file named by $LINEAGE_METRICS
(one JSON object per line), which `lineage run` sets."""
import argparse
import csv
import json
import math
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--delay", type=float, default=0.0, help="seconds to sleep per epoch")
args = parser.parse_args()

with open(os.path.join("data", "train.csv"), newline="") as f:
    rows = [(float(r["x1"]), float(r["x2"]), int(r["label"])) for r in csv.DictReader(f)]

w1 = w2 = b = 0.0
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
