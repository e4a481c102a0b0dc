"""Shared pieces of the benchmarks: the gold data, the tokenization and the scores.

The data is read by path (default ../shared/data) and never copied into the repository.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import platform
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from multiprocessing import Pool
from pathlib import Path

DATASETS = ("cleanportaleval", "cleaneval", "dragnet", "pagesignal", "readability", "wcxb")
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lower-cased runs of Unicode word characters (``\\w+``): the unit every score counts."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def score(predicted: str, gold: str) -> Score:
    """Bag-of-tokens overlap of one document: shared tokens counted with multiplicity."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    if not g:
        return Score(1.0, 1.0, 1.0) if not p else Score(0.0, 1.0, 0.0)
    if not p:
        return Score(0.0, 0.0, 0.0)
    overlap = sum((p & g).values())
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return Score(precision, recall, f1)


def mean(scores: list[Score]) -> Score:
    n = max(1, len(scores))
    return Score(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n)


def records(data_dir: Path, split: str = "dev", datasets: tuple[str, ...] = DATASETS) -> Iterator[dict]:
    """Evaluation records: the split asked for, without synthetic pages and without pages whose gold
    cannot be derived from the input (the data README's ``sanity:`` notes)."""
    for name in datasets:
        path = Path(data_dir) / f"{name}.jsonl.gz"
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["split"] != split or record["synthetic"]:
                    continue
                if any(note.startswith("sanity:") for note in record["notes"]):
                    continue
                yield record


def environment(extra: tuple[str, ...] = ()) -> dict:
    """Machine and package versions, for the report."""
    import os

    from cleaner.version import __version__

    packages = {"cleaner": __version__}  # this checkout's, whatever distribution holds it
    for name in ("trafilatura", "lxml", "regex", *extra):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "packages": packages,
    }


def arguments(description: str, out: str) -> argparse.ArgumentParser:
    """The options every benchmark takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each dataset")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results") / out)
    return parser


def pages(args: argparse.Namespace, datasets: tuple[str, ...] = DATASETS) -> list[dict]:
    chosen: list[dict] = []
    for dataset in datasets:
        found = list(records(args.data, args.split, (dataset,)))
        chosen += found[: args.limit] if args.limit else found
    return chosen


def run(one: Callable[[dict], dict], chosen: list[dict], args: argparse.Namespace, table: Callable, **extra) -> dict:
    """Score every page in worker processes, summarize, write the JSON report and return it."""
    started = time.time()
    with Pool(args.jobs) as pool:
        results = pool.map(one, chosen, chunksize=2)
    report = {
        "date": datetime.date.today().isoformat(),
        "split": args.split,
        "documents": len(chosen),
        "seconds": round(time.time() - started, 1),
        "environment": environment(extra=extra.get("packages", ())),
        "results": table(results),
    }
    write_report(args.out, report)
    return report


def write_report(path: Path, report: dict) -> None:
    """The JSON result file that ``benchmarks.report`` turns into BENCHMARKS.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
