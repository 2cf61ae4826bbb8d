"""Recomputes the report's figures from predictions.csv files with scikit-learn.

Usage: sklearn_metrics.py SPEC_JSON, where SPEC_JSON is a list of {csv, positive} (positive: the
positive class's name, or null with more than two classes). Prints a JSON list of figures, one per
file, computed from the rows whose split is "test".
"""
import csv
import json
import sys

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    cohen_kappa_score,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

BINS = 15


def figures(path, positive):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], [r for r in rows[1:] if r[1] == "test"]
    classes = [h[2:] for h in header[3:-2]]
    k = len(classes)
    y_true = np.array([classes.index(r[2]) for r in rows])
    y_pred = np.array([classes.index(r[3 + k]) for r in rows])
    probs = np.array([[float(v) for v in r[3 : 3 + k]] for r in rows])
    labels = list(range(k))
    p, r, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": p.tolist(),
        "recall": r.tolist(),
        "f1": f1.tolist(),
        "support": support.tolist(),
        "macroF1": float(np.mean(f1)),
        "kappa": cohen_kappa_score(y_true, y_pred),
    }
    if positive is not None:
        pos = classes.index(positive)
        y = (y_true == pos).astype(int)
        s = probs[:, pos]
        out["auc"] = roc_auc_score(y, s)
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
        out["roc"] = [[a, b] for a, b in zip(fpr.tolist(), tpr.tolist())]
        out["ap"] = average_precision_score(y, s)
        precision, recall, _ = precision_recall_curve(y, s)
        out["pr"] = [[a, b] for a, b in zip(recall.tolist(), precision.tolist())]
        out["brier"] = brier_score_loss(y, s)
        cal_y, cal_p = y, s
    else:
        onehot = np.eye(k)[y_true]
        out["brier"] = float(np.mean(np.sum((probs - onehot) ** 2, axis=1)))
        top = np.argmax(probs, axis=1)
        cal_y, cal_p = (top == y_true).astype(int), probs[np.arange(len(rows)), top]
    observed, predicted = calibration_curve(cal_y, cal_p, n_bins=BINS, strategy="uniform")
    edges = np.linspace(0.0, 1.0, BINS + 1)
    # calibration_curve's rule: bins closed on the right (np.histogram's are closed on the left).
    counts = np.bincount(np.searchsorted(edges[1:-1], cal_p), minlength=BINS)
    counts = counts[counts > 0]
    out["bins"] = {"observed": observed.tolist(), "predicted": predicted.tolist(), "count": counts.tolist()}
    out["ece"] = float(np.sum(counts / len(rows) * np.abs(observed - predicted)))
    return out


spec = json.loads(sys.argv[1])
print(json.dumps([figures(s["csv"], s["positive"]) for s in spec]))
