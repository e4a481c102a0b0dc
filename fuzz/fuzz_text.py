"""atheris fuzz target: the text path of clean() (already-extracted article text).

python fuzz/fuzz_text.py fuzz/corpus/text -max_total_time=120 -timeout=20  # seeds copied in first
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["cleaner"]):
    from cleaner import clean

from common import check


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    doc = clean(text, mode="text", timeout=None)
    check(doc, text)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
