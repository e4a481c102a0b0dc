"""Write BENCHMARKS.md from the result files in benchmarks/results/ (numbers are never typed by hand).

python -m benchmarks.report
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import ablation, metadata, model_load, quality, text_mode

RESULTS = Path("benchmarks/results")
SECTIONS = (
    (
        "quality.json",
        "Extraction quality (HTML pages)",
        "python -m benchmarks.quality --ablation",
        quality.markdown,
        "Bag-of-tokens precision, recall and F1 of each system's text against the gold, per document, then "
        "averaged; tokens are lower-cased `\\w+` runs counted with multiplicity. `cleaner: rules only` is "
        "cleaner's rules and DOM markers without trafilatura's verdict or the model; `cleaner: rules + "
        "trafilatura` adds trafilatura's verdict (no model); `cleaner: model only` lets the model decide every "
        "block, with no rules (trafilatura's verdict stays one of its features). ms/doc is the mean wall time "
        "per document of each system, measured side by side in the same worker processes.",
    ),
    (
        "text_mode.json",
        "Text mode (already-extracted dirty text)",
        "python -m benchmarks.text_mode",
        text_mode.markdown,
        "Dirty text built from each dev page: its full visible text (every block of the page, one per line) "
        "and trafilatura's favor_recall output (comments included). The C4-style filter keeps lines that end "
        "in terminal punctuation, have at least 3 words and mention neither cookies nor javascript.",
    ),
    (
        "metadata.json",
        "Metadata (wcxb dev)",
        "python -m benchmarks.metadata",
        metadata.markdown,
        "Exact match after normalisation (see benchmarks/metadata.py); a missing gold author or date counts as "
        "correct when the system gives none.",
    ),
    (
        "ablation.json",
        "Rule classes (ablation)",
        "python -m benchmarks.ablation",
        ablation.markdown,
        "All rules, then all rules minus each class, with everything else as shipped (trafilatura's verdict "
        "and the learned model included). A positive ΔF1 means the pipeline does better without that class.",
    ),
    (
        "ablation-run1.json",
        "Rule classes, first run (before the learned model)",
        "python -m benchmarks.ablation --out benchmarks/results/ablation-run1.json",
        ablation.markdown,
        "The first ablation, measured on the rules of commit 8974f7d (ruleset 1.1, no learned model). It showed "
        "the `sidebar` class costing F1 (a lone `widget` or `rail` class also wraps article text); after an "
        "audit on the train split, those tokens were dropped from the class and buttons from the `form` rule.",
    ),
    (
        "model_load.json",
        "Model loading",
        "python -m benchmarks.model_load",
        model_load.markdown,
        "Each measurement is a fresh Python process.",
    ),
)


def _header(report: dict, command: str) -> str:
    env = report["environment"]
    packages = ", ".join(f"{name} {ver}" for name, ver in env["packages"].items())
    return (
        f"Command: `{command}`. Run on {report['date']}, {env['machine']}, Python {env['python']}; "
        f"{report['documents']} {report['split']} documents in {report['seconds']} s. Versions: {packages}."
    )


def main() -> None:
    parts = [
        "# Benchmarks\n",
        "Every number below is read from a result file in `benchmarks/results/`, written by the command "
        "named in its section; `python -m benchmarks.report` rewrites this page from them. The data is "
        "`../shared/data` (see its README): six public boilerplate-removal datasets, scored on their dev split, "
        "without synthetic pages and without pages whose gold cannot come from the input.\n",
    ]
    for name, title, command, render, note in SECTIONS:
        path = RESULTS / name
        if not path.exists():
            continue
        report = json.loads(path.read_text(encoding="utf-8"))
        parts += [f"\n## {title}\n", _header(report, command) + "\n", note + "\n", render(report) + "\n"]
        if "notes" in report:
            parts.append("\n" + report["notes"] + "\n")
    Path("BENCHMARKS.md").write_text("\n".join(parts), encoding="utf-8")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
