"""The generalization gate: every dataset scored only by models that never saw it, beside the strongest anchors.

    python -m benchmarks.gate [--split dev] [--jobs 2] [--limit N] [--out benchmarks/results/gate.json]
    python -m benchmarks.gate --split train --train-folds /tmp/folds   # train two half models, then score
    python -m benchmarks.gate --split train --folds /tmp/folds         # score with folds trained before

The shipped model learned from wcxb's train split alone, so on the dev split it has seen no page
of any dataset. On the train split the other datasets are still unseen, and wcxb's train pages are
scored by two-fold models: each half by a model trained (``cleaner train``) on the other half.

Per dataset: cleaner's F1 and its fast preset's beside each anchor at its strongest setting
(``anchors.STRONGEST``), the best anchor, and the *collapses*: pages where cleaner's F1 is under
0.5 while the best anchor's is 0.8 or more, and the reverse. ``errors`` counts the pages that
cleaner turned into an error record while trafilatura (no comments) extracted 100 words or more.
This is the table that decides every change; it heads BENCHMARKS.md.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks import anchors
from benchmarks.common import DATASETS, Score, arguments, mean, pages, run, score, tokens

CLEANER, FAST = "cleaner", "cleaner (fast)"
SYSTEMS = (CLEANER, FAST, *anchors.STRONGEST)
COLLAPSE, HOLDS = 0.5, 0.8  # a page collapses under COLLAPSE F1 where the other side holds at least HOLDS
ERROR_WORDS = 100
TRAINED_ON = "wcxb"  # the dataset whose train split the shipped model learned from
FOLDS: Path | None = None


def fold(record_id: str) -> int:
    """Which half of the trained-on dataset a page falls in (stable, independent of the dev split's byte)."""
    return hashlib.sha1(record_id.encode("utf-8")).digest()[1] % 2


def _use_model(folder: Path | None) -> None:
    """Score with the models in ``folder`` (None: the shipped ones). Benchmark-only: cleaning reads ``load(kind)``."""
    from cleaner import model

    original = getattr(model, "_shipped_load", model.load)
    model._shipped_load = original
    model.load = original if folder is None else (lambda kind, _folder=folder: original(kind, _folder))


def _model_for(record: dict) -> Path | None:
    if FOLDS is None or record["dataset"] != TRAINED_ON or record["split"] != "train":
        return None
    return FOLDS / str(fold(record["id"]))


def _one(record: dict) -> dict:
    from cleaner import clean

    _use_model(_model_for(record))
    out = {"id": record["id"], "dataset": record["dataset"], "f1": {}, "p": {}, "r": {}, "seconds": {}}
    for system in SYSTEMS:
        started = time.perf_counter()
        if system in (CLEANER, FAST):
            doc = clean(record["html"], mode="html", preset="fast" if system == FAST else "default")
            text = doc.text
            if system == CLEANER:
                out["error"] = doc.error
        else:
            text = anchors.run(system, record["html"])
            if system == anchors.STRONGEST[0]:
                out["anchor_words"] = len(tokens(text))
        out["seconds"][system] = time.perf_counter() - started
        result = score(text, record["gold"])
        out["p"][system], out["r"][system], out["f1"][system] = result.precision, result.recall, result.f1
    return out


def summarize(results: list[dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for result in results:
        groups[result["dataset"]].append(result)
    table = {}
    for group in [d for d in DATASETS if d in groups] + ["overall"]:
        items = groups[group] if group != "overall" else results
        table[group] = _row(items, groups)
    # each page's F1 per system, for finding the pages behind a change (precision, recall and times are in the means)
    pages = [
        {"id": r["id"], "f1": {s: round(v, 4) for s, v in r["f1"].items()}, "error": r.get("error")} for r in results
    ]
    return {"datasets": table, "pages": pages}


def _row(items: list[dict], groups: dict[str, list[dict]]) -> dict:
    """One dataset's (or all datasets') line: mean scores, the best anchor, collapses both ways."""
    systems = {}
    for system in SYSTEMS:
        average = mean([Score(i["p"][system], i["r"][system], i["f1"][system]) for i in items])
        seconds = sum(i["seconds"][system] for i in items) / max(1, len(items))
        systems[system] = {**average.__dict__, "ms_per_doc": 1000 * seconds}
    best = max(anchors.STRONGEST, key=lambda s: systems[s]["f1"])
    collapses = {CLEANER: [], "best anchor": []}
    # each page is judged against the anchor that is best on its own dataset
    best_of = {dataset: _best_anchor(groups[dataset]) for dataset in {item["dataset"] for item in items}}
    for item in items:
        ours, theirs = item["f1"][CLEANER], item["f1"][best_of[item["dataset"]]]
        if ours < COLLAPSE and theirs >= HOLDS:
            collapses[CLEANER].append(item["id"])
        if theirs < COLLAPSE and ours >= HOLDS:
            collapses["best anchor"].append(item["id"])
    errors = [i["id"] for i in items if i.get("error") and i.get("anchor_words", 0) >= ERROR_WORDS]
    return {
        "documents": len(items),
        "systems": systems,
        "best_anchor": best,
        "collapses": collapses,
        "errors_where_trafilatura_extracts": errors,
    }


def _best_anchor(items: list[dict]) -> str:
    return max(anchors.STRONGEST, key=lambda s: sum(i["f1"][s] for i in items))


def markdown(report: dict) -> str:
    short = {
        CLEANER: "cleaner",
        FAST: "fast",
        "trafilatura (no comments)": "trafilatura",
        "trafilatura (no comments, favor_precision)": "trafilatura precision",
        "rs-trafilatura (no comments)": "rs-trafilatura",
    }
    head = [short[s] for s in SYSTEMS]
    lines = [
        "| dataset | pages | "
        + " | ".join(head)
        + " | cleaner − best anchor | collapses: cleaner / best anchor | errors |",
        "|---|---:|" + "---:|" * len(head) + "---:|---:|---:|",
    ]
    for group, row in report["datasets"].items():
        f1 = {s: row["systems"][s]["f1"] for s in SYSTEMS}
        best = max(f1[s] for s in anchors.STRONGEST)
        cells = [f"**{f1[s]:.3f}**" if s == CLEANER else f"{f1[s]:.3f}" for s in SYSTEMS]
        collapses = row["collapses"]
        name = f"**{group}**" if group == "overall" else group
        lines.append(
            f"| {name} | {row['documents']} | "
            + " | ".join(cells)
            + f" | {f1[CLEANER] - best:+.3f} | {len(collapses[CLEANER])} / {len(collapses['best anchor'])}"
            + f" | {len(row['errors_where_trafilatura_extracts'])} |"
        )
    return "\n".join(lines)


def train_folds(data: Path, out: Path, jobs: int) -> None:
    """Two models, each trained on one half of the trained-on dataset's train split (as shipped otherwise)."""
    from cleaner.model.train import read_records, train

    records = [r for r in read_records([data / f"{TRAINED_ON}.jsonl.gz"]) if r["split"] == "train"]
    with tempfile.TemporaryDirectory() as scratch:
        for half in (0, 1):
            path = Path(scratch) / f"half{half}.jsonl.gz"
            with gzip.open(path, "wt", encoding="utf-8") as sink:
                for record in records:
                    if fold(record["id"]) != half:  # the model of fold ``half`` never sees that half
                        sink.write(json.dumps(record) + "\n")
            train(path, out / str(half), datasets=(TRAINED_ON,), jobs=jobs)


def main(argv: list[str] | None = None) -> None:
    parser = arguments("The generalization gate: unseen data, the strongest anchors, collapses.", "gate.json")
    parser.add_argument("--folds", type=Path, help="folder of the two half models (0/, 1/) for --split train")
    parser.add_argument("--train-folds", type=Path, help="train the two half models into this folder first")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS, help="only these datasets")
    args = parser.parse_args(argv)
    global FOLDS
    if args.train_folds:
        train_folds(args.data, args.train_folds, args.jobs)
        args.folds = args.train_folds
    if args.split == "train" and args.folds is None and TRAINED_ON in args.datasets:
        parser.error("the train split needs --folds (or --train-folds): the shipped model saw wcxb's train pages")
    FOLDS = args.folds
    report = run(_one, pages(args, tuple(args.datasets)), args, summarize, packages=anchors.PACKAGES)
    print(markdown(report["results"]))


if __name__ == "__main__":
    main()
