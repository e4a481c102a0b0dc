"""Rule ablation: precision and recall with all rules, and with all rules minus each class.

    python -m benchmarks.ablation [--data ../shared/data] [--split dev] [--jobs 2]
                                  [--out benchmarks/results/ablation.json]

Two inputs per dev page: the HTML page itself, and already-extracted dirty text (trafilatura's
favor_recall output for the page, which keeps much of the boilerplate), cleaned in text mode.
Scores are bag-of-tokens precision, recall and F1 against the gold, per document, then averaged.
"""

from __future__ import annotations

import trafilatura

from benchmarks.common import Score, arguments, mean, pages, run, score
from cleaner import clean
from cleaner.rules import builtin_ruleset

ALL = "all rules"


def _configurations() -> dict[str, object]:
    rules = builtin_ruleset()
    configs = {ALL: rules}
    for cls in rules.classes:
        configs[f"minus {cls}"] = rules.without([cls])
    return configs


def _one(record: dict) -> dict:
    configs = _configurations()
    dirty = trafilatura.extract(record["html"], favor_recall=True, include_comments=True) or ""
    out = {"dataset": record["dataset"], "html": {}, "text": {}}
    for name, rules in configs.items():
        out["html"][name] = score(clean(record["html"], mode="html", rules=rules).text, record["gold"])
        out["text"][name] = score(clean(dirty, mode="text", rules=rules).text, record["gold"]) if dirty else None
    return out


def summarize(results: list[dict]) -> dict:
    table: dict = {}
    for mode in ("html", "text"):
        table[mode] = {}
        for name in _configurations():
            scores = [r[mode][name] for r in results if r[mode][name] is not None]
            table[mode][name] = {**mean(scores).__dict__, "documents": len(scores)}
    return table


def main(argv: list[str] | None = None) -> None:
    args = arguments("Rule ablation on the dev split.", "ablation.json").parse_args(argv)
    print(markdown(run(_one, pages(args), args, summarize)))


def markdown(report: dict) -> str:
    lines = []
    for mode, label in (("html", "HTML pages"), ("text", "dirty text (trafilatura favor_recall output)")):
        rows = report["results"][mode]
        base = Score(**{k: rows[ALL][k] for k in ("precision", "recall", "f1")})
        lines += [f"\n{label}, {rows[ALL]['documents']} dev documents:\n"]
        lines += ["| rules | precision | recall | F1 | ΔP | ΔR | ΔF1 |", "|---|---:|---:|---:|---:|---:|---:|"]
        for name, row in rows.items():
            delta = (row["precision"] - base.precision, row["recall"] - base.recall, row["f1"] - base.f1)
            shown = " | ".join(f"{d:+.4f}" for d in delta) if name != ALL else " |  | "
            lines.append(f"| {name} | {row['precision']:.4f} | {row['recall']:.4f} | {row['f1']:.4f} | {shown} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
