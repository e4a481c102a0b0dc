"""Page types and confidence: how often cleaner names wcxb's page type, and whether its confidence means something.

    python -m benchmarks.page_type [--data ../shared/data] [--split dev] [--jobs 2] [--limit N]
                                   [--out benchmarks/results/page_type.json]

Page types: wcxb's pages of the split (its ``page_type`` field), cleaner's ``page_type`` (default
preset, with the page's URL) beside rs-trafilatura's classifier (``rs_trafilatura.extract(html,
url=url).page_type``, the type its extraction used) on the same pages: accuracy, per-type precision
and recall, and both confusion matrices (rows: the gold type; columns: the predicted one).

Confidence: every page of the split of all six datasets, cleaned with the defaults and the page's
URL, scored against its gold with the gate's bag-of-tokens F1 (:func:`benchmarks.common.score`),
grouped in bins of ``confidence``: pages, mean F1, precision and recall per bin. A confidence that
means something has F1 rising from bin to bin.
"""

from __future__ import annotations

import itertools
from collections import Counter

from benchmarks.common import arguments, pages, run, score
from cleaner.model.page_type import TYPES

BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def _one(record: dict) -> dict:
    from cleaner import clean

    doc = clean(record["html"], mode="html", url=record.get("url"))
    result = score(doc.text, record["gold"])
    out = {
        "id": record["id"],
        "dataset": record["dataset"],
        "gold_type": record.get("page_type"),
        "cleaner": doc.page_type,
        "confidence": doc.confidence,
        "f1": result.f1,
        "p": result.precision,
        "r": result.recall,
    }
    if record.get("page_type"):
        import rs_trafilatura

        try:
            out["rs_trafilatura"] = rs_trafilatura.extract(record["html"], url=record.get("url")).page_type
        except Exception as err:  # an anchor's failure is its own: counted as no type
            out["rs_trafilatura"] = f"error: {type(err).__name__}"
    return out


def _types(results: list[dict], system: str) -> dict:
    typed = [r for r in results if r["gold_type"]]
    right = sum(r[system] == r["gold_type"] for r in typed)
    per_type = {}
    for kind in TYPES:
        predicted = sum(r[system] == kind for r in typed)
        actual = sum(r["gold_type"] == kind for r in typed)
        hits = sum(r[system] == kind == r["gold_type"] for r in typed)
        per_type[kind] = {
            "pages": actual,
            "precision": round(hits / predicted, 3) if predicted else None,
            "recall": round(hits / actual, 3) if actual else None,
        }
    confusion = Counter((r["gold_type"], r[system]) for r in typed)
    return {
        "pages": len(typed),
        "accuracy": round(right / max(1, len(typed)), 3),
        "per_type": per_type,
        "confusion": {gold: {kind: confusion[gold, kind] for kind in TYPES} for gold in TYPES},
    }


def _bins(results: list[dict]) -> list[dict]:
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = [r for r in results if r["confidence"] is not None and low <= r["confidence"] < high]
        n = max(1, len(inside))
        rows.append(
            {
                "confidence": f"{low:.1f}-{min(high, 1.0):.1f}",
                "pages": len(inside),
                "f1": round(sum(r["f1"] for r in inside) / n, 3),
                "precision": round(sum(r["p"] for r in inside) / n, 3),
                "recall": round(sum(r["r"] for r in inside) / n, 3),
            }
        )
    rows.append({"confidence": "none (error)", "pages": sum(r["confidence"] is None for r in results)})
    return rows


def table(results: list[dict]) -> dict:
    return {
        "page_type": {system: _types(results, system) for system in ("cleaner", "rs_trafilatura")},
        "confidence_bins": _bins(results),
    }


def markdown(results: dict) -> str:
    lines = []
    for system, found in results["page_type"].items():
        lines += [f"{system}: accuracy {found['accuracy']:.3f} on {found['pages']} wcxb pages", ""]
        lines += ["| type | pages | precision | recall |", "|---|---:|---:|---:|"]
        for kind, row in found["per_type"].items():
            p, r = (f"{row[k]:.3f}" if row[k] is not None else "-" for k in ("precision", "recall"))
            lines.append(f"| {kind} | {row['pages']} | {p} | {r} |")
        lines += ["", "| gold \\ predicted | " + " | ".join(TYPES) + " |", "|---" * (len(TYPES) + 1) + "|"]
        for gold, row in found["confusion"].items():
            lines.append(f"| {gold} | " + " | ".join(str(row[kind]) for kind in TYPES) + " |")
        lines.append("")
    lines += ["| confidence | pages | F1 | precision | recall |", "|---|---:|---:|---:|---:|"]
    for row in results["confidence_bins"]:
        if "f1" in row:
            lines.append(
                f"| {row['confidence']} | {row['pages']} | {row['f1']} | {row['precision']} | {row['recall']} |"
            )
        else:
            lines.append(f"| {row['confidence']} | {row['pages']} | | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], "page_type.json").parse_args(argv)
    report = run(_one, pages(args), args, table, packages=("rs-trafilatura",))
    print(markdown(report["results"]))


if __name__ == "__main__":
    main()
