"""How long the shipped models take to load, in a fresh process each time.

    python -m benchmarks.model_load [--repeat 5]

Reports the import of numpy (the models' rows and probabilities are numpy arrays; the core reads
and evaluates the trees; LightGBM is imported only to train) and the loading of both model files
separately (median of fresh processes), their sum against the 200 ms target, and the size of the files;
then start-up as a user meets it (import, models and rules loaded, first page cleaned) against 300 ms.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import environment, write_report
from cleaner import model

_PROBE = """
import time, json
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
from cleaner import model
t2 = time.perf_counter()
model.load("html"); model.load("text")
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "package": t2 - t1, "load": t3 - t2}))
"""

# start-up as a user meets it: the import, the models and rules loaded on first use, the first page cleaned
_STARTUP = """
import time, json
t0 = time.perf_counter()
from cleaner import clean
clean("<html><body><h1>Start</h1><p>" + "The first sentence of the first page cleaned. " * 8 + "</p></body></html>")
print(json.dumps({"startup": time.perf_counter() - t0}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/model_load.json"))
    args = parser.parse_args()
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, check=True, text=True).stdout)
        for _ in range(args.repeat)
    ]
    startups = [
        json.loads(subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, check=True, text=True).stdout)
        for _ in range(args.repeat)
    ]
    sizes = {kind: (model.HERE / f"{kind}.txt").stat().st_size for kind in ("html", "text")}
    report = {
        "date": datetime.date.today().isoformat(),
        "split": "-",
        "documents": 0,
        "seconds": round(sum(r["import"] + r["package"] + r["load"] for r in runs), 2),
        "environment": environment(extra=("numpy",)),
        "results": {
            "repeat": args.repeat,
            "import_ms": 1000 * statistics.median(r["import"] for r in runs),
            "load_ms": 1000 * statistics.median(r["load"] for r in runs),
            "package_ms": 1000 * statistics.median(r["package"] for r in runs),
            "startup_ms": 1000 * statistics.median(r["startup"] for r in startups),
            "bytes": sizes,
        },
    }
    write_report(args.out, report)
    print(markdown(report))


def markdown(report: dict) -> str:
    r = report["results"]
    return (
        f"Importing NumPy takes {r['import_ms']:.0f} ms and loading both models, each with its class model "
        f"(and the text model's context model), {r['load_ms']:.0f} ms: "
        f"{r['import_ms'] + r['load_ms']:.0f} ms in all (median of {r['repeat']} fresh processes; "
        "cleaning never imports LightGBM). Importing the rest of cleaner (trafilatura, lxml and the "
        f"rules) takes another {r.get('package_ms', 0):.0f} ms, paid once per process whether or not the model "
        "is used. html.txt is "
        f"{r['bytes']['html'] / 1e6:.2f} MB, text.txt {r['bytes']['text'] / 1e6:.2f} MB."
        + (
            f" Start-up as a user meets it (importing cleaner, the model and rules loaded, the first page "
            f"cleaned): {r['startup_ms']:.0f} ms."
            if "startup_ms" in r
            else ""
        )
    )


if __name__ == "__main__":
    main()
