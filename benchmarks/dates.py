"""Publication dates on wcxb: recall and precision of cleaner's presets beside trafilatura's.

    python -m benchmarks.dates [--data ../shared/data] [--split dev] [--jobs 2] [--limit N]
                               [--out benchmarks/results/dates.json]

A date is correct when its YYYY-MM-DD equals the gold's (its YYYY-MM, where the gold gives only a
month). Recall: correct dates over the pages whose gold has a date. Precision: correct dates over the
dates given, on every page, those whose gold has none included: a date given there is wrong.

ms/page is the whole call's wall time (``clean()``, or trafilatura's ``extract`` with its metadata).
The date step's own time is measured by wrapping cleaner's functions from outside, as
benchmarks.profile does: the publication date (``html_date``, ``head_date``) and, beside it, the
declared date that each preset's metadata step still reads (``declared_date``), which was the whole
date step before.
"""

from __future__ import annotations

import json
import time

from benchmarks.common import arguments, pages, run

SYSTEMS = (("cleaner", "default"), ("cleaner", "fast"), ("trafilatura", "-"))
# the functions whose time is the date step: (module, name, what it is)
STEPS = (
    ("cleaner.stages", "html_date", "date"),
    ("cleaner.stages", "head_date", "date"),
    ("cleaner.metadata.page", "declared_date", "declared"),
    ("cleaner.metadata.head", "declared_date", "declared"),
)
_spent = {"date": 0.0, "declared": 0.0}
_WARM_UP = "<html><body><h1>A page</h1><p>" + "Words of a first page, to load the models. " * 5 + "</p></body></html>"


def _timed(function, what: str):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[what] += time.perf_counter() - started

    return wrapper


def _wrap() -> None:
    """Time the date step's functions in this worker, and load the models before the first timed page
    (once: a worker scores many pages)."""
    import importlib

    from cleaner import clean

    for module_name, name, what in STEPS:
        module = importlib.import_module(module_name)
        function = getattr(module, name)
        if not getattr(function, "_dates_timed", False):
            wrapped = _timed(function, what)
            wrapped._dates_timed = True
            setattr(module, name, wrapped)
            if name == "html_date":
                for preset in ("default", "fast"):
                    clean(_WARM_UP, mode="html", preset=preset)


def _cleaner(html: str, url: str | None, preset: str) -> str | None:
    from cleaner import clean

    return clean(html, mode="html", url=url, preset=preset).date


def _trafilatura(html: str, url: str | None) -> str | None:
    import trafilatura

    out = trafilatura.extract(html, url=url, include_comments=False, with_metadata=True, output_format="json")
    return json.loads(out).get("date") if out else None


def correct(date: str | None, gold: str | None) -> bool:
    """The date matches the gold to the gold's precision (a day, or a month)."""
    return bool(date and gold and date[: len(gold)] == gold)


def _one(record: dict) -> dict:
    _wrap()
    html, url = record["html"], record.get("url")
    out = {"gold": record["gold_date"]}
    for tool, preset in SYSTEMS:
        for what in _spent:
            _spent[what] = 0.0
        started = time.perf_counter()
        try:
            date = _trafilatura(html, url) if tool == "trafilatura" else _cleaner(html, url, preset)
        except Exception:  # a page a tool fails on gives no date
            date = None
        out[f"{tool}/{preset}"] = {
            "date": date,
            "ms": (time.perf_counter() - started) * 1000,
            "date_ms": _spent["date"] * 1000,
            "declared_ms": _spent["declared"] * 1000,
        }
    return out


def summarize(results: list[dict]) -> dict:
    with_gold = sum(1 for r in results if r["gold"])
    table = {}
    for tool, preset in SYSTEMS:
        key = f"{tool}/{preset}"
        given = [r for r in results if r[key]["date"]]
        right = sum(correct(r[key]["date"], r["gold"]) for r in given)
        n = max(1, len(results))
        table[key] = {
            "tool": tool,
            "preset": preset,
            "recall": right / max(1, with_gold),
            "precision": right / max(1, len(given)),
            "returned": len(given),
            "correct": right,
            "pages_with_date": with_gold,
            "ms_per_page": sum(r[key]["ms"] for r in results) / n,
            "date_step_ms": sum(r[key]["date_ms"] for r in results) / n if tool == "cleaner" else None,
            "declared_step_ms": sum(r[key]["declared_ms"] for r in results) / n if tool == "cleaner" else None,
        }
    return table


def markdown(report: dict) -> str:
    rows = report["results"]
    first = next(iter(rows.values()))
    lines = [
        f"\nwcxb {report['split']}, {report['documents']} pages, {first['pages_with_date']} with a gold date:\n",
        "| tool | preset | recall | precision | dates returned | ms/page | date step ms/page (declared date) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows.values():
        step = f"{row['date_step_ms']:.2f} ({row['declared_step_ms']:.2f})" if row["date_step_ms"] is not None else "-"
        lines.append(
            f"| {row['tool']} | {row['preset']} | {row['recall']:.3f} | {row['precision']:.3f} | {row['returned']} "
            f"| {row['ms_per_page']:.1f} | {step} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = arguments("Publication dates on wcxb: recall and precision.", "dates.json").parse_args(argv)
    report = run(_one, pages(args, ("wcxb",)), args, summarize)
    print(markdown(report))


if __name__ == "__main__":
    main()
