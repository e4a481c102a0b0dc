"""atheris fuzz target: the HTML path of clean() (bytes, so decoding and detection run too).

    python fuzz/fuzz_html.py fuzz/corpus/html -max_total_time=120 -timeout=20  # seeds copied in first

``make fuzz`` runs it for a bounded time. A crash leaves its input in fuzz/crashes/; it then
becomes a regression test in tests/test_fuzz_regressions.py.
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
    # libFuzzer owns SIGALRM (its -timeout), so clean()'s own alarm is off here
    if data[:1] == b"s":  # a str, as from a JSONL field: no decoding
        content = data[1:].decode("utf-8", errors="surrogateescape")
    else:
        content = data
    doc = clean(content, mode="html" if data[1:2] == b"h" else "auto", timeout=None)
    check(doc, content)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
