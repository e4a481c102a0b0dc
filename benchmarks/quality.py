"""Extraction quality on the dev split, cleaner beside the open-source anchors, in one run.

    python -m benchmarks.quality [--data ../shared/data] [--split dev] [--jobs 2] [--limit N]
                                 [--systems NAME ...] [--out benchmarks/results/quality.json]

Per dataset and overall: precision, recall and F1 of the bag-of-tokens overlap between each
system's text and the gold (lower-cased ``\\w+`` tokens counted with multiplicity, per document,
then averaged), and the mean time per document. Synthetic pages and pages whose gold cannot come
from the input (``sanity:`` notes) are left out.
"""

from __future__ import annotations

import time
from collections import defaultdict

from benchmarks import anchors
from benchmarks.common import DATASETS, Score, arguments, mean, pages, run, score
from cleaner import clean

CLEANER = "cleaner"
FAST = "cleaner (fast)"  # clean(..., preset="fast"): resiliparse's main content and the rules
# cleaner's parts on their own: what each adds (rules and DOM markers, trafilatura's verdict, the model)
PARTS = {
    "cleaner: rules only": {"trafilatura": False, "rules": True, "model": False},
    "cleaner: rules + trafilatura": {"trafilatura": True, "rules": True, "model": False},
    "cleaner: model only": {"trafilatura": True, "rules": False, "model": True},
}
ABLATION = False
ONLY: list[str] = []  # --systems: run only these


def _systems() -> list[str]:
    every = [CLEANER, FAST, *(PARTS if ABLATION else ()), *anchors.ANCHORS]
    return [s for s in every if s in ONLY] if ONLY else every


def _run(system: str, html: str) -> str:
    if system == CLEANER:
        return clean(html, mode="html").text
    if system == FAST:
        return clean(html, mode="html", preset="fast").text
    if system in PARTS:
        return _part(html, **PARTS[system])
    return anchors.run(system, html)


def _part(html: str, *, trafilatura: bool, rules: bool, model: bool) -> str:
    from cleaner import model as learned
    from cleaner.input.decode import InputError
    from cleaner.output.assemble import body_text
    from cleaner.rules import RuleSet, builtin_ruleset
    from cleaner.stages import html_decisions

    ruleset = builtin_ruleset() if rules else RuleSet((), "none")
    try:
        decisions = html_decisions(html, None, ruleset, use_trafilatura=trafilatura)[0]
    except InputError:
        return ""
    return body_text(learned.refine(decisions, "html") if model else decisions)


def _one(record: dict) -> dict:
    out = {"dataset": record["dataset"], "id": record["id"], "scores": {}, "seconds": {}}
    out["page_type"] = record.get("page_type")
    for system in _systems():
        started = time.perf_counter()
        text = _run(system, record["html"])
        out["seconds"][system] = time.perf_counter() - started
        out["scores"][system] = score(text, record["gold"]).__dict__
    return out


def summarize(results: list[dict]) -> dict:
    table: dict = {}
    groups = defaultdict(list)
    for result in results:
        groups[result["dataset"]].append(result)
        if result.get("page_type"):
            groups[f"{result['dataset']}: {result['page_type']}"].append(result)
    groups["overall"] = results
    for group, items in groups.items():
        table[group] = {}
        for system in _systems():
            scores = [Score(**item["scores"][system]) for item in items]
            seconds = sum(item["seconds"][system] for item in items) / max(1, len(items))
            table[group][system] = {**mean(scores).__dict__, "ms_per_doc": 1000 * seconds, "documents": len(items)}
    return table


def markdown(report: dict) -> str:
    subgroups = sorted(g for g in report["results"] if ": " in g)
    order = [d for d in (*DATASETS, "overall") if d in report["results"]] + subgroups
    lines = []
    for group in order:
        rows = report["results"][group]
        count = next(iter(rows.values()))["documents"]
        lines += [f"\n**{group}** ({count} documents)\n", "| system | precision | recall | F1 | ms/doc |"]
        lines += ["|---|---:|---:|---:|---:|"]
        for system, row in sorted(rows.items(), key=lambda item: -item[1]["f1"]):
            name = f"**{system}**" if system == CLEANER else system
            lines.append(
                f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['ms_per_doc']:.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Extraction quality on the dev split, beside the anchors.", "quality.json")
    parser.add_argument("--ablation", action="store_true", help="also run cleaner's parts on their own")
    parser.add_argument(
        "--systems", nargs="+", default=[], metavar="NAME", help="only these systems (names as in the tables)"
    )
    args = parser.parse_args(argv)
    global ABLATION, ONLY
    ABLATION = args.ablation
    ONLY = args.systems
    known = [CLEANER, FAST, *PARTS, *anchors.ANCHORS]
    if unknown := [s for s in ONLY if s not in known]:
        parser.error(f"unknown systems {unknown}; known: {known}")
    ABLATION = ABLATION or any(s in PARTS for s in ONLY)
    print(markdown(run(_one, pages(args), args, summarize, packages=anchors.PACKAGES)))


if __name__ == "__main__":
    main()
