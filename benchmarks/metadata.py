"""Metadata accuracy on wcxb's dev pages: title, author and date, exact match after normalisation.

    python -m benchmarks.metadata [--data ../shared/data] [--split dev] [--jobs 2]
                                  [--out benchmarks/results/metadata.json]

Normalisation: titles and authors are case-folded with whitespace collapsed and surrounding
punctuation stripped; several authors are compared as a sorted set of names. Dates compare
as YYYY-MM-DD (or YYYY-MM where the gold has only a month). A page whose gold has no author
(or date) counts as correct when the system gives none.
"""

from __future__ import annotations

import re

from benchmarks.common import arguments, pages, run
from cleaner import clean

FIELDS = ("title", "author", "date")
SYSTEMS = ("cleaner", "cleaner (fast)", "trafilatura", "newspaper4k", "goose3")
_SPLIT_AUTHORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*", re.I)


def _text(value) -> str | None:
    if not value:
        return None
    value = " ".join(str(value).split()).casefold().strip(" .,:;|-–—\"'“”")
    return value or None


def _authors(value) -> str | None:
    if not value:
        return None
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    names = sorted(filter(None, (_text(n) for n in _SPLIT_AUTHORS.split(str(value)))))
    return ", ".join(names) or None


def _date(value, gold: str | None) -> str | None:
    if not value:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    found = re.search(r"\d{4}-\d{2}(-\d{2})?", text)
    if not found:
        return None
    return found.group(0)[: len(gold)] if gold else found.group(0)[:10]


def _cleaner(html: str, url: str | None) -> dict:
    doc = clean(html, mode="html", url=url)
    return {"title": doc.title, "author": doc.author, "date": doc.date}


def _cleaner_fast(html: str, url: str | None) -> dict:
    doc = clean(html, mode="html", url=url, preset="fast")
    return {"title": doc.title, "author": doc.author, "date": doc.date}


def _trafilatura(html: str, url: str | None) -> dict:
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(html, default_url=url)
    return {"title": found.title, "author": found.author, "date": found.date}


def _newspaper(html: str, url: str | None) -> dict:
    from newspaper import Article

    article = Article(url or "http://example.invalid/")
    article.download(input_html=html)
    article.parse()
    return {"title": article.title, "author": article.authors, "date": article.publish_date}


def _goose(html: str, url: str | None) -> dict:
    from goose3 import Goose

    with Goose({"enable_image_fetching": False}) as goose:
        article = goose.extract(raw_html=html)
    return {"title": article.title, "author": article.authors, "date": article.publish_date}


EXTRACTORS = {
    "cleaner": _cleaner,
    "cleaner (fast)": _cleaner_fast,
    "trafilatura": _trafilatura,
    "newspaper4k": _newspaper,
    "goose3": _goose,
}


def _one(record: dict) -> dict:
    gold = {
        "title": _text(record["gold_title"]),
        "author": _authors(record["gold_author"]),
        "date": record["gold_date"],
    }
    out = {}
    for system, extract in EXTRACTORS.items():
        try:
            found = extract(record["html"], record.get("url"))
        except Exception:  # an extractor that fails on a page gets nothing right there
            found = {}
        predicted = {
            "title": _text(found.get("title")),
            "author": _authors(found.get("author")),
            "date": _date(found.get("date"), gold["date"]),
        }
        out[system] = {field: predicted[field] == gold[field] for field in FIELDS}
    return out


def summarize(results: list[dict]) -> dict:
    return {
        system: {field: sum(r[system][field] for r in results) / max(1, len(results)) for field in FIELDS}
        for system in SYSTEMS
    }


def main(argv: list[str] | None = None) -> None:
    args = arguments("Metadata accuracy on wcxb's dev pages.", "metadata.json").parse_args(argv)
    report = run(_one, pages(args, ("wcxb",)), args, summarize, packages=("newspaper4k", "goose3"))
    print(markdown(report))


def markdown(report: dict) -> str:
    lines = [f"\nwcxb {report['split']}, {report['documents']} pages, exact match after normalisation:\n"]
    lines += ["| system | title | author | date |", "|---|---:|---:|---:|"]
    for system, row in report["results"].items():
        name = f"**{system}**" if system == "cleaner" else system
        lines.append(f"| {name} | {row['title']:.3f} | {row['author']:.3f} | {row['date']:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
