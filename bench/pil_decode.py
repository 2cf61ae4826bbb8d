"""Baseline for the decode bench: the plain loop a Python user would write with PIL.

Usage: python3 pil_decode.py <file-with-one-path-per-line> <size>
Prints {"images": n, "seconds": s, "cpuSeconds": c} as JSON; interpreter start-up is not timed.
"""
import json
import sys
import time

import numpy as np
from PIL import Image


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    size = int(sys.argv[2])
    start = time.perf_counter()
    cpu = time.process_time()
    arrays = []
    for p in paths:
        with Image.open(p) as im:
            arrays.append(np.asarray(im.convert("L").resize((size, size))))
    batch = np.stack(arrays)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    print(json.dumps({"images": int(batch.shape[0]), "seconds": seconds, "cpuSeconds": cpu_seconds}))


if __name__ == "__main__":
    main()
