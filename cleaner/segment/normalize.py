"""Text normalization shared by every stage; removal spans index into its output."""

from __future__ import annotations

import re
import unicodedata

# Unicode spaces that render as a plain space; zero-width characters (and NUL, which browsers drop
# and databases refuse) that render as nothing.
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# what _SPACES and _INVISIBLE change beyond a run of plain spaces; most texts have none of it
_UNUSUAL = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u2060\ufeff\u00ad\x00]")
_PLAIN_RUNS = re.compile(" {2,}")


def normalize_line(line: str) -> str:
    """Collapse whitespace inside one line and trim it."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def normalize_text(text: str, *, indent: bool = False) -> str:
    """NFC, LF line ends, one space between words, trimmed lines; blank lines are kept.

    ``indent=True`` keeps each line's indentation beyond what all its lines share (tabs as four
    spaces): in an extraction it is the layout of code and verse, which the clean text keeps.

    :func:`normalize_line` on every line, done on the whole text at once: neither pattern matches
    a line end, so the result is the same, with two regex passes per text instead of two per line.
    Each pass runs only where the text has something for it to change (the patterns' scans, not
    the checks, cost most of the time).
    """
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _NEWLINES.sub("\n", text)
    text = original = unicodedata.normalize("NFC", text)
    if _UNUSUAL.search(text):
        text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    elif "  " in text:
        text = _PLAIN_RUNS.sub(" ", text)  # the same as _SPACES where every space is a plain one
    if indent and _INDENTED.search(original):
        return _indented(original, text)
    return "\n".join([line.strip() for line in text.split("\n")]).strip("\n")


_INDENTED = re.compile(r"(?m)^[ \t]+\S")


def _indented(original: str, normalized: str) -> str:
    """``normalized``'s lines with the indentation ``original``'s lines have beyond their common one.

    Both have the same lines (normalization never adds or removes a line end).
    """
    lines = normalized.split("\n")
    widths = [
        len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip(" \t")) if line.strip() else None
        for raw, line in zip(original.split("\n"), lines, strict=True)
    ]
    common = min((w for w in widths if w is not None), default=0)
    out = [" " * (w - common) + line.strip() if w is not None else "" for w, line in zip(widths, lines, strict=True)]
    return "\n".join(out).strip("\n")


def collapse(text: str) -> str:
    """All whitespace, newlines included, to single spaces (for comparing block texts)."""
    return " ".join(_INVISIBLE.sub("", text).split())
