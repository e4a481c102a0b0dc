"""Why a document has no clean text: a small, stable set of error kinds, each with a message.

Every record carries ``error`` (the one-line message users read) and ``error_kind`` (one of
:data:`KINDS`, for programs: counts, retries, filters), so nothing parses a message back.
``internal`` is a bug in cleaner: still one record per input, so a batch goes on, but tests and
the fuzz targets treat it as a failure.
"""

from __future__ import annotations

EMPTY = "empty"  # nothing but whitespace
NOT_TEXT = "not_text"  # binary data, JSON, markup that does not parse as a page
UNDECODABLE = "undecodable"  # no character encoding fits the bytes
TOO_LARGE = "too_large"  # over max_bytes, or nested deeper than the parser can follow
TIMEOUT = "timeout"  # over the time limit
UNREADABLE = "unreadable"  # the file, container record or download could not be read
NO_TEXT = "no_text"  # a page whose every block is boilerplate
INTERNAL = "internal"  # a bug in cleaner
KINDS = (EMPTY, NOT_TEXT, UNDECODABLE, TOO_LARGE, TIMEOUT, UNREADABLE, NO_TEXT, INTERNAL)


class InputError(ValueError):
    """The input cannot be cleaned; the message is the one-line error users see, ``kind`` one of KINDS."""

    def __init__(self, message: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
