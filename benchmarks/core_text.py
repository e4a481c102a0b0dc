"""The compiled core's text steps against the Python they replaced, on the dev pages' visible text.

    python -m benchmarks.core_text [--data ../shared/data] [--split dev] [--limit N] [--repeat 3]

Each page's visible text (every block of the page, one per line, as benchmarks.text_mode's first input) is
checked first: the core's ``normalize_text`` (both modes) and ``segment_text`` give what the removed Python
gave (its copy in tests/test_core_equivalence.py). Then, in one process on one core, MB of UTF-8 input per
second, the fastest of ``--repeat`` runs:

- normalize + segment: the core, and the Python reference;
- the whole text-mode ``clean()``: as it is, and with the Python reference put back in the two steps' place.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import cleaner.stages
from benchmarks.common import arguments, environment, pages, write_report
from cleaner import clean
from cleaner.model.train import visible_text
from cleaner.records import Block
from cleaner.segment.blocks import segment_text
from cleaner.segment.normalize import normalize_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_core_equivalence import reference_normalize_text, reference_segment_text


def _reference_blocks(text: str) -> list[Block]:
    return [
        Block(index=i, text=block_text, start=start, end=end, kind=kind)
        for i, (start, end, kind, block_text) in enumerate(reference_segment_text(text))
    ]


def _steps(normalize, segment, texts: list[str]) -> None:
    for text in texts:
        segment(normalize(text, indent=True))


def _cleans(texts: list[str]) -> None:
    for text in texts:
        clean(text, mode="text")


def _fastest(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = arguments(__doc__.split("\n")[0], "core_text.json")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = [text for text in (visible_text(record["html"]) for record in pages(args)) if text.strip()]
    mb = sum(len(text.encode("utf-8")) for text in texts) / 1e6

    different = 0
    for text in texts:
        for indent in (False, True):
            normalized = normalize_text(text, indent=indent)
            same = normalized == reference_normalize_text(text, indent)
            got = [(b.start, b.end, b.kind, b.text) for b in segment_text(normalized)]
            different += not (same and got == reference_segment_text(normalized))

    timings = {
        "normalize+segment, core": _fastest(lambda: _steps(normalize_text, segment_text, texts), args.repeat),
        "normalize+segment, Python": _fastest(
            lambda: _steps(reference_normalize_text, _reference_blocks, texts), args.repeat
        ),
        "clean(mode='text'), core": _fastest(lambda: _cleans(texts), args.repeat),
    }
    cleaner.stages.normalize_text = lambda text, indent=False: reference_normalize_text(text, indent)
    cleaner.stages.segment_text = _reference_blocks
    timings["clean(mode='text'), Python steps"] = _fastest(lambda: _cleans(texts), args.repeat)
    cleaner.stages.normalize_text, cleaner.stages.segment_text = normalize_text, segment_text

    report = {
        "split": args.split,
        "documents": len(texts),
        "megabytes": round(mb, 2),
        "different": different,
        "environment": environment(),
        "results": {name: {"seconds": round(s, 3), "MB/s": round(mb / s, 2)} for name, s in timings.items()},
    }
    write_report(args.out, report)
    print(json.dumps({k: report[k] for k in ("documents", "megabytes", "different", "results")}, indent=1))


if __name__ == "__main__":
    main()
