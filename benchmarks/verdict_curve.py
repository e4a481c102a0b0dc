"""Taking trafilatura off the hot path: F1 per dataset against CPU time per page, with trafilatura's
main-content verdict, with the densest region's alone (:mod:`cleaner.segment.density`), with
trafilatura asked only on the pages where the region is unsure, at several bars, and
``main_content="auto"`` (which asks it where ``Region.sure`` says so).

    python -m benchmarks.verdict_curve [--data ../shared/data] [--split dev] [--jobs 2] [--limit N]
                                       [--out benchmarks/results/verdict_curve.json]

Every page is cleaned three times: with trafilatura's verdict and the model that learned from it
(``html``, the default), with the region's and its model (``html_region``), and with ``auto``. The region's
signals of doubt are read from the page: ``share``, the region's share of the page's prose, and
``rival``, the best score of an element off the region's line, against the region's. A row at a bar
takes the trafilatura run's text where the bar calls the page unsure; its time is the region run's
plus, there, the trafilatura run's (an upper bound: ``auto`` parses and segments once). The
``auto`` row is measured as it runs.

The shipped models learned from wcxb's train split; the other datasets are unseen on both splits.
"""

from __future__ import annotations

import time

from benchmarks.common import DATASETS, arguments, pages, run, score

VERDICTS = ("trafilatura", "region", "auto")
# the bars measured: (signal, bar, ...); a page is unsure when its share is under a bar, or its rival over it
GATES = (
    ("share", 0.5),
    ("share", 0.7),
    ("share", 0.9),
    ("rival", 0.5),
    ("rival", 0.7),
    ("share", 0.5, "rival", 0.5),
    ("share", 0.7, "rival", 0.5),
    ("share", 0.7, "rival", 0.7),
)


def _decisions(verdict: str):
    """html_decisions with the verdict asked for, in the default preset's front stage."""
    from cleaner import stages

    original = getattr(stages, "_original_html_decisions", stages.html_decisions)
    stages._original_html_decisions = original

    def with_verdict(*args, **kwargs):
        return original(*args, **{**kwargs, "verdict": verdict})

    stages.html_decisions = with_verdict


def _signals(html: str) -> dict | None:
    """The region's share of the page's prose and its best rival's score against its own."""
    from cleaner.rules import builtin_ruleset
    from cleaner.segment.density import densest_region
    from cleaner.segment.parse import html_page
    from cleaner.stages import _segment

    segmented = _segment(html_page(html), builtin_ruleset(), True)
    region = densest_region(segmented.blocks, segmented.boxes, segmented.box_tags)
    return {"share": region.share, "rival": region.rival} if region.boxes else None


def _one(record: dict) -> dict:
    from cleaner import clean

    out = {"dataset": record["dataset"], "id": record["id"]}
    for verdict in VERDICTS:
        _decisions(verdict)
        started = time.process_time()
        try:
            text = clean(record["html"], mode="html", url=record.get("url")).text
        except Exception:  # an error record: nothing kept
            text = ""
        out[verdict] = {"f1": score(text, record["gold"]).f1, "ms": (time.process_time() - started) * 1000}
    try:
        out["signals"] = _signals(record["html"])
    except Exception:
        out["signals"] = None
    return out


def _unsure(signals: dict | None, gate: tuple) -> bool:
    if signals is None:
        return True
    pairs = list(zip(gate[::2], gate[1::2], strict=True))
    return any(signals[name] < bar if name == "share" else signals[name] > bar for name, bar in pairs)


def summarize(results: list[dict]) -> dict:
    rows = {"trafilatura only": lambda r: True, "region only": lambda r: False}
    for gate in GATES:
        pairs = zip(gate[::2], gate[1::2], strict=True)
        name = " or ".join(f"{n} {'<' if n == 'share' else '>'} {b}" for n, b in pairs)
        rows[f"trafilatura where {name}"] = lambda r, _gate=gate: _unsure(r["signals"], _gate)
    table = {}
    for name, unsure in rows.items():
        per = {d: [] for d in DATASETS}
        asked = 0
        for r in results:
            use = unsure(r)
            asked += use
            ms = r["trafilatura"]["ms"] if name == "trafilatura only" else r["region"]["ms"]
            if use and name != "trafilatura only":
                ms += r["trafilatura"]["ms"]
            per[r["dataset"]].append((r["trafilatura" if use else "region"]["f1"], ms))
        table[name] = _row(per, asked / max(1, len(results)))
    per = {d: [] for d in DATASETS}
    for r in results:
        per[r["dataset"]].append((r["auto"]["f1"], r["auto"]["ms"]))
    asked = sum(1 for r in results if r["signals"] is None or not _sure(r["signals"]))
    table['main_content="auto" (trafilatura where Region.sure is false)'] = _row(per, asked / max(1, len(results)))
    return table


def _sure(signals: dict) -> bool:
    from cleaner.segment import density

    return signals["share"] >= density._SURE_SHARE and signals["rival"] <= density._SURE_RIVAL


def _row(per: dict, asked: float) -> dict:
    everything = [x for v in per.values() for x in v]
    return {
        "f1": {d: sum(f for f, _ in v) / len(v) for d, v in per.items() if v},
        "overall_f1": sum(f for f, _ in everything) / max(1, len(everything)),
        "trafilatura_share": asked,
        "cpu_ms_per_page": sum(m for _, m in everything) / max(1, len(everything)),
    }


def markdown(report: dict) -> str:
    rows = report["results"]
    names = list(next(iter(rows.values()))["f1"])
    lines = [
        "| verdict | trafilatura asked on | CPU ms/page | overall F1 | " + " | ".join(names) + " |",
        "|---|---:|---:|---:|" + "---:|" * len(names),
    ]
    for name, row in rows.items():
        f1 = " | ".join(f"{row['f1'][d]:.4f}" for d in names)
        share, ms, overall = row["trafilatura_share"], row["cpu_ms_per_page"], row["overall_f1"]
        lines.append(f"| {name} | {share:.0%} | {ms:.1f} | {overall:.4f} | {f1} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = arguments("F1 against time, with and without trafilatura's verdict.", "verdict_curve.json").parse_args(argv)
    report = run(_one, pages(args), args, summarize)
    print(markdown(report))


if __name__ == "__main__":
    main()
