"""Every rule's precision: the share of the words it removes that are not in the gold.

    python -m benchmarks.rule_precision [--split train] [--jobs 2] [--limit N] [--write]

Each page is decided by the rules alone (no model: ``html_decisions`` for the page,
``text_decisions`` for its two text inputs, as training reads them), and every block a rule removed
is labeled with the gold as training labels it (:func:`cleaner.model.train.labels`). A heading
rule's count includes the region it opened.

Per dataset (benchmarks/results/rule_precision.json) and, with ``--write``, the figures of the
data the shipped rules may be tuned on (wcxb's train split, whose licence allows it) into
``cleaner/rules/precision.json``, which ``cleaner rules list`` shows and which decides whether a
text rule removes alone (precision at least ``cleaner.rules.DECIDES_ALONE``) or is only evidence.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from pathlib import Path

from benchmarks.common import DATASETS, arguments, pages, run

SHIPPED_FROM = "wcxb"
PRECISION_FILE = Path(__file__).resolve().parent.parent / "cleaner" / "rules" / "precision.json"


def _one(record: dict) -> dict:
    from cleaner.input.decode import InputError
    from cleaner.model.train import labels, text_inputs
    from cleaner.rules import builtin_ruleset
    from cleaner.stages import html_decisions, text_decisions

    ruleset = builtin_ruleset()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    try:
        runs = [html_decisions(record["html"], record.get("url"), ruleset, open_hidden=False)[0]]
        runs += [text_decisions(text, ruleset)[0] for text in text_inputs(record["html"])]
    except InputError:
        runs = []
    for decisions in runs:
        for decision, label in zip(decisions, labels(decisions, record["gold"]), strict=True):
            if decision.keep or decision.rule is None or decision.rule == "trafilatura":
                continue
            count = counts[decision.rule]
            count[0] += decision.block.words
            count[1] += decision.block.words * (1 - label)
    return {"dataset": record["dataset"], "counts": dict(counts)}


def summarize(results: list[dict]) -> dict:
    table: dict[str, dict[str, list[int]]] = {}
    pages_of: dict[str, int] = defaultdict(int)
    for result in results:
        for group in (result["dataset"], "all"):
            pages_of[group] += 1
            rules = table.setdefault(group, {})
            for rule, (words, boilerplate) in result["counts"].items():
                count = rules.setdefault(rule, [0, 0])
                count[0] += words
                count[1] += boilerplate
    out: dict = {
        group: {
            rule: {"words": w, "boilerplate_words": b, "precision": round(b / w, 4) if w else None}
            for rule, (w, b) in sorted(rules.items())
        }
        for group, rules in table.items()
    }
    out["pages"] = dict(pages_of)
    return out


def markdown(report: dict) -> str:
    groups = [d for d in (*DATASETS, "all") if d in report and d != "pages"]
    rules = sorted({rule for group in groups for rule in report[group]})
    lines = ["| rule | " + " | ".join(groups) + " |", "|---|" + "---:|" * len(groups)]
    for rule in rules:
        cells = []
        for group in groups:
            row = report[group].get(rule)
            cells.append("" if row is None else f"{row['precision']:.3f} ({row['words']:,})")
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Each rule's precision on the gold, per dataset.", "rule_precision.json")
    parser.set_defaults(split="train")
    parser.add_argument("--write", action="store_true", help=f"write {SHIPPED_FROM}'s figures to {PRECISION_FILE}")
    args = parser.parse_args(argv)
    report = run(_one, pages(args), args, summarize)
    print(markdown(report["results"]))
    if args.write:
        shipped = report["results"][SHIPPED_FROM]
        payload = {
            "measured_on": f"{SHIPPED_FROM} {args.split} split, {report['results']['pages'][SHIPPED_FROM]} pages",
            "date": datetime.date.today().isoformat(),
            "command": "python -m benchmarks.rule_precision --write",
            "rules": shipped,
        }
        PRECISION_FILE.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
