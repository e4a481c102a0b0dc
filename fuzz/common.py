"""What every fuzz target checks: clean() never raises, and its record is whole and consistent."""

from __future__ import annotations

import json

from cleaner.errors import INTERNAL, KINDS, NO_TEXT


def check(doc, content: bytes | str) -> None:
    """Raise AssertionError (a crash for the fuzzer) when the result breaks a promise of clean().

    An ``internal`` error record is a bug caught by clean()'s last resort: a failure here too.
    """
    record = doc.to_dict()
    json.dumps(record)  # the JSONL record can always be written
    assert isinstance(doc.text, str)
    assert (doc.error is None) == bool(doc.text), (doc.error, doc.text[:100])
    assert (doc.error is None) == (doc.error_kind is None), (doc.error, doc.error_kind)
    assert doc.error_kind in KINDS or doc.error_kind is None, doc.error_kind
    assert doc.error_kind != INTERNAL, doc.error
    assert record["provenance"] is not None
    if doc.error is None or doc.error_kind == NO_TEXT:
        kept = [d for d in doc.decisions if d.keep]
        assert doc.text == "\n\n".join(d.block.text for d in kept)
        assert len(doc.removed) == len(doc.decisions) - len(kept)
