"""How long the shipped models take to load, in a fresh process each time.

    python -m benchmarks.model_load [--repeat 5]

Reports the import of LightGBM and the loading of both model files separately (median of fresh
processes), and the size of the files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from cleaner import model

_PROBE = """
import time, json
t0 = time.perf_counter()
import lightgbm, numpy
t1 = time.perf_counter()
from cleaner import model
model.load("html"); model.load("text")
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, check=True, text=True).stdout)
        for _ in range(args.repeat)
    ]
    sizes = {kind: (model.HERE / f"{kind}.txt").stat().st_size for kind in ("html", "text")}
    print(
        f"lightgbm+numpy import {1000 * statistics.median(r['import'] for r in runs):.0f} ms, "
        f"both models load {1000 * statistics.median(r['load'] for r in runs):.0f} ms "
        f"(median of {args.repeat} fresh processes); html.txt {sizes['html'] / 1e6:.2f} MB, "
        f"text.txt {sizes['text'] / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
