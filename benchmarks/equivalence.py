"""Check that a speedup changed nothing: cleaner's output on a fixed sample, saved once, compared after.

    python -m benchmarks.equivalence --save  [--data ../shared/data] [--per-split 25] [--out PATH]
    python -m benchmarks.equivalence --check [--data ../shared/data] [--out PATH]

The sample is the first ``--per-split`` pages of every dataset's dev and train splits (about 300),
each cleaned from its UTF-8 bytes (so decoding runs too) with its URL. Saved per page: the JSONL
record (``clean().to_dict()``), the decisions before the model and a digest of the model's feature
rows. The pre-model decisions and features tell a speedup in rules, segmentation or features apart
from a retrained model, which changes the record but nothing before it. The shipped model must stay
reproducible by ``cleaner train``, so nothing here may change.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy

from benchmarks.common import DATASETS, DEFAULT_DATA

DEFAULT_OUT = Path("/tmp/cleaner-equivalence.json.gz")


def sample(data: Path, per_split: int) -> list[dict]:
    """The first ``per_split`` non-synthetic pages of each dataset's dev and train splits."""
    chosen: list[dict] = []
    for name in DATASETS:
        taken = {"dev": 0, "train": 0}
        with gzip.open(data / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                split = record["split"]
                if record["synthetic"] or taken.get(split, per_split) >= per_split:
                    continue
                taken[split] += 1
                chosen.append(record)
    return chosen


def observe(record: dict) -> dict:
    """Everything a speedup must leave alone, for one page."""
    from cleaner import clean
    from cleaner.input.decode import InputError
    from cleaner.model.features import features
    from cleaner.rules import builtin_ruleset
    from cleaner.stages import html_decisions

    html, url = record["html"], record.get("url")
    doc = clean(html.encode("utf-8"), url=url, mode="html", timeout=None)
    out = {"id": record["id"], "record": doc.to_dict(), "decisions": None, "features": None}
    try:
        decisions = html_decisions(html, url, builtin_ruleset().for_url(url))[0]
    except InputError:
        return out
    out["decisions"] = [
        [
            d.block.text,
            d.block.kind,
            d.block.tag_path,
            d.block.link_density,
            d.block.main_content,
            d.keep,
            d.reason,
            d.rule,
        ]
        for d in decisions
    ]
    rows = numpy.asarray(features(decisions), dtype=float).tolist()  # the same text for a list or an array
    out["features"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def compare(saved: list[dict], now: list[dict]) -> list[str]:
    """One line per page and part that differs."""
    problems = []
    for before, after in zip(saved, now, strict=True):
        for part in ("decisions", "features", "record"):
            if before[part] != after[part]:
                problems.append(f"{before['id']}: {part} differ{_where(before[part], after[part])}")
    return problems


def _where(before, after) -> str:
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [
            key for key in {**before, **after} if before.get(key) != after.get(key) or (key in before) != (key in after)
        ]
        return f" ({', '.join(keys)})"
    return ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Save cleaner's output on a sample, or check it is unchanged.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", action="store_true")
    action.add_argument("--check", action="store_true")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--per-split", type=int, default=25)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.save:
        observed = [observe(record) for record in sample(args.data, args.per_split)]
        with gzip.open(args.out, "wt", encoding="utf-8") as out:
            json.dump({"per_split": args.per_split, "pages": observed}, out)
        print(f"saved {len(observed)} pages to {args.out}")
        return
    with gzip.open(args.out, "rt", encoding="utf-8") as saved_file:
        saved = json.load(saved_file)
    now = [observe(record) for record in sample(args.data, saved["per_split"])]
    problems = compare(saved["pages"], now)
    print("\n".join(problems) or f"identical: {len(now)} pages")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
