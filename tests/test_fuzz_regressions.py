"""Saved hostile inputs, replayed through every mode and preset with the fuzz targets' own check.

A crash the fuzzers find (``make fuzz`` leaves it in fuzz/crashes/) is copied into fixtures/fuzz/
and replayed here for good. An ``internal`` error record counts as a failure: clean() turns any
bug into one record per input so that a batch goes on, which must not hide the bug from tests.
"""

from __future__ import annotations

import sys

import pytest
from conftest import FIXTURES, ROOT

from cleaner import clean
from cleaner.records import CleanDocument

sys.path.insert(0, str(ROOT / "fuzz"))
from common import check

CASES = sorted((FIXTURES / "fuzz").iterdir())


def test_there_are_saved_inputs():
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
@pytest.mark.parametrize("preset", ["default", "fast"])
@pytest.mark.parametrize("mode", ["auto", "html", "text"])
def test_saved_input_gives_a_whole_record_and_no_internal_error(case, mode, preset):
    data = case.read_bytes()
    check(clean(data, mode=mode, preset=preset), data)
    text = data.decode("utf-8", errors="surrogateescape")  # str input too: lone surrogates and all
    check(clean(text, mode=mode, preset=preset), text)


def test_the_check_fails_on_an_internal_error_record():
    provenance = clean("A sentence of an article that ends here, and one more after it.", mode="text").provenance
    internal = CleanDocument(text="", provenance=provenance, error="internal error: KeyError", error_kind="internal")
    with pytest.raises(AssertionError, match="internal error"):
        check(internal, b"")
