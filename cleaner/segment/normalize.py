"""Text normalization shared by every stage; removal spans index into its output."""

from __future__ import annotations

import re

from cleaner import _core

# Unicode spaces that render as a plain space; zero-width characters (and NUL, which browsers drop
# and databases refuse) that render as nothing.
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00]")


def normalize_line(line: str) -> str:
    """Collapse whitespace inside one line and trim it."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def normalize_text(text: str, *, indent: bool = False) -> str:
    """NFC, LF line ends, one space between words, trimmed lines; blank lines are kept.

    ``indent=True`` keeps each line's indentation beyond what all its lines share (tabs as four
    spaces): in an extraction it is the layout of code and verse, which the clean text keeps.

    :func:`normalize_line` on every line, with the same spaces and invisible characters; computed by
    the compiled core (``core/src/text.rs``), which takes text without lone surrogates (what
    :func:`cleaner.input.decode.valid_text` gives).
    """
    return _core.normalize_text(text, indent)


def collapse(text: str) -> str:
    """All whitespace, newlines included, to single spaces (for comparing block texts)."""
    return " ".join(_INVISIBLE.sub("", text).split())
