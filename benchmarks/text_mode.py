"""Text mode on dirty text built from the dev pages, against the unchanged input and a C4-style filter.

    python -m benchmarks.text_mode [--data ../shared/data] [--split dev] [--jobs 2] [--limit N]
                                   [--out benchmarks/results/text_mode.json]

Three dirty inputs per page: its full visible text (every block of the page, one per line),
trafilatura's favor_recall output, and a plain text extraction (lxml's ``text_content()``, which,
like BeautifulSoup's ``get_text()``, keeps the text of scripts and style sheets and runs blocks
together where the markup has no line breaks). Scores as in benchmarks.quality. cleaner runs with
each ``favor``: the default (balanced), precision and recall.
"""

from __future__ import annotations

import re
from collections import defaultdict

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from benchmarks.common import DATASETS, Score, arguments, mean, pages, run, score
from cleaner import clean
from cleaner.model.train import visible_text

INPUTS = ("visible text", "trafilatura favor_recall", "plain text extraction")
SYSTEMS = ("cleaner", "cleaner (favor precision)", "cleaner (favor recall)", "unchanged input", "C4-style line filter")
_TERMINAL = re.compile(r"[.!?\"”’]$")


def c4_filter(text: str) -> str:
    """Lines that end like a sentence, have at least 3 words, and mention neither cookies nor javascript."""
    kept = []
    for line in text.split("\n"):
        line = line.strip()
        lowered = line.lower()
        if (
            _TERMINAL.search(line)
            and len(line.split()) >= 3
            and "cookie" not in lowered
            and "javascript" not in lowered
        ):
            kept.append(line)
    return "\n".join(kept)


def plain_text(html: str) -> str:
    """What a scraper gets from ``lxml.html.fromstring(page).text_content()``: every text node, scripts included."""
    try:
        return lxml_html.fromstring(html).text_content()
    except (etree.ParserError, ValueError):
        return ""


def _one(record: dict) -> dict:
    html = record["html"]
    inputs = {
        "visible text": visible_text(html),
        "trafilatura favor_recall": trafilatura.extract(html, favor_recall=True, include_comments=True) or "",
        "plain text extraction": plain_text(html),
    }
    out = {"dataset": record["dataset"], "scores": {}}
    for name, text in inputs.items():
        if not text.strip():
            continue
        out["scores"][name] = {
            "cleaner": score(clean(text, mode="text").text, record["gold"]).__dict__,
            "cleaner (favor precision)": score(
                clean(text, mode="text", favor="precision").text, record["gold"]
            ).__dict__,
            "cleaner (favor recall)": score(clean(text, mode="text", favor="recall").text, record["gold"]).__dict__,
            "unchanged input": score(text, record["gold"]).__dict__,
            "C4-style line filter": score(c4_filter(text), record["gold"]).__dict__,
        }
    return out


def summarize(results: list[dict]) -> dict:
    table: dict = {}
    for name in INPUTS:
        groups = defaultdict(list)
        for result in results:
            if name in result["scores"]:
                groups[result["dataset"]].append(result["scores"][name])
                groups["overall"].append(result["scores"][name])
        table[name] = {
            group: {
                system: {**mean([Score(**item[system]) for item in items]).__dict__, "documents": len(items)}
                for system in SYSTEMS
            }
            for group, items in groups.items()
        }
    return table


def markdown(report: dict) -> str:
    lines = []
    for name in INPUTS:
        lines += [
            f"\n**Input: {name}**\n",
            "| dataset | system | precision | recall | F1 |",
            "|---|---|---:|---:|---:|",
        ]
        groups = report["results"][name]
        for group in [d for d in (*DATASETS, "overall") if d in groups]:
            for system in SYSTEMS:
                row = groups[group][system]
                label = f"**{system}**" if system == "cleaner" else system
                lines.append(
                    f"| {group} ({row['documents']}) | {label} | {row['precision']:.3f} | {row['recall']:.3f} "
                    f"| {row['f1']:.3f} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = arguments("Text mode on dirty text built from the dev pages.", "text_mode.json").parse_args(argv)
    print(markdown(run(_one, pages(args), args, summarize)))


if __name__ == "__main__":
    main()
