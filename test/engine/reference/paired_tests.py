"""DeLong's test by Sun and Xu's fast midrank algorithm (IEEE Signal Processing Letters 2014),
and McNemar's exact test by scipy's binomial test: an implementation independent of the one
under test. Input (argv[1], JSON): {positive: [0/1], a: [scores], b: [scores], onlyA, onlyB}."""
import json
import sys

import numpy as np
from scipy.stats import binomtest, norm


def midrank(x):
    order = np.argsort(x, kind="mergesort")
    z = x[order]
    n = len(x)
    t = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and z[j] == z[i]:
            j += 1
        t[i:j] = 0.5 * (i + j - 1)
        i = j
    out = np.empty(n)
    out[order] = t + 1
    return out


def fast_delong(preds, m):
    n = preds.shape[1] - m
    pos, neg = preds[:, :m], preds[:, m:]
    tx = np.array([midrank(r) for r in pos])
    ty = np.array([midrank(r) for r in neg])
    tz = np.array([midrank(r) for r in preds])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    cov = np.cov(v01) / m + np.cov(v10) / n
    return aucs, cov


spec = json.loads(sys.argv[1])
y = np.array(spec["positive"])
preds = np.array([spec["a"], spec["b"]])
order = np.argsort(-y, kind="mergesort")  # positives first
m = int(y.sum())
aucs, cov = fast_delong(preds[:, order], m)
var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
diff = aucs[1] - aucs[0]
z = diff / np.sqrt(var)
n = spec["onlyA"] + spec["onlyB"]
p_mcnemar = binomtest(min(spec["onlyA"], spec["onlyB"]), n, 0.5).pvalue if n else 1.0
print(json.dumps({"aucA": aucs[0], "aucB": aucs[1], "z": z, "p": 2 * norm.sf(abs(z)), "se": float(np.sqrt(var)), "mcnemar": p_mcnemar}))
