"""Bytes to text: BOM, then valid UTF-8, then the declared charset, then a real detector."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

import charset_normalizer

from cleaner.errors import EMPTY, NOT_TEXT, UNDECODABLE, InputError


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x1f\x8b", "gzip data"),
    (b"PK\x03\x04", "zip archive"),
    (b"%PDF-", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
)
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding=["']?([\w.:-]+)|<meta[^>]{0,400}?charset\s*=\s*["']?\s*([\w.:-]+)""",
    re.IGNORECASE,
)
# Browsers (WHATWG) read these labels as the wider encoding; so do we.
_WHATWG = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "windows-31j": "cp932",
}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # ESC (0x1b) appears in ISO-2022 text


def declared_charset(data: bytes) -> str | None:
    """The charset named by an XML declaration or a <meta> tag in the first 200 kB, if Python knows it."""
    match = _DECLARED.search(data[:200_000])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", "replace").lower()
    label = _WHATWG.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_binary(data: bytes) -> str | None:
    """Name the kind of binary data (by magic number or control bytes), or None for text."""
    start = data[:1024].lstrip()  # "%PDF-" after a blank line is still a PDF
    for magic, name in _MAGIC:
        if start.startswith(magic):
            return name
    head = data[:4096]
    if head.count(0) > len(head) // 100 + 1:
        return "binary data (NUL bytes)"
    if len(_CONTROL_BYTES.findall(head)) > len(head) // 20 + 1:
        return "binary data (control bytes)"
    return None


def decode(data: bytes) -> Decoded:
    """Decode raw input; raise InputError with a clear message when it is not text."""
    if not data.strip():
        raise InputError("empty input", EMPTY)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(name, errors="replace"), name)
    wide = utf16_without_bom(data)
    if wide:
        return _checked(data.decode(wide), wide)
    binary = sniff_binary(data)
    if binary:
        raise InputError(f"not text: {binary}", NOT_TEXT)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared and declared != "utf-8":
        try:
            return _checked(data.decode(declared), declared)
        except UnicodeDecodeError:
            pass
    if _mostly_utf8(data):
        return _mixed(data)
    best = _detect(data)
    if best is None:
        return _mixed(data)
    return _checked(str(best), best.encoding)


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text that lost its BOM (a NUL beside most ASCII characters), else None."""
    head = data[: 4096 & ~1]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    for nuls, others, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= 0.4 * pairs and others <= 0.02 * pairs:
            try:
                data.decode(name)
            except UnicodeDecodeError:
                return None
            return name
    return None


def _cp1252_bytes(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as windows-1252 (latin-1 where it has a hole)."""
    bad = err.object[err.start : err.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), err.end


codecs.register_error("cleaner-cp1252", _cp1252_bytes)
_MIXED_SHARE = 0.25  # at most this share of the bytes may be outside UTF-8


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few stray legacy bytes: more real multi-byte UTF-8 characters than bytes that are not UTF-8.

    A detector would pick one legacy charset for the whole page and garble every UTF-8 character.
    Legacy-encoded pages have almost no valid multi-byte sequences, so they never qualify.
    """
    text = data.decode("utf-8", errors="ignore")
    invalid = len(data) - len(text.encode("utf-8"))
    return len(_NON_ASCII.findall(text)) >= max(3, invalid)


def _mixed(data: bytes) -> Decoded:
    """Pages stitched from UTF-8 and legacy parts, which no single charset fits: UTF-8, the rest as windows-1252.

    Only mostly-UTF-8 data qualifies; anything else is undecodable.
    """
    invalid = len(data) - len(data.decode("utf-8", errors="ignore").encode("utf-8"))
    if invalid > _MIXED_SHARE * len(data):
        raise InputError("undecodable: no character encoding fits these bytes", UNDECODABLE)
    return _checked(data.decode("utf-8", errors="cleaner-cp1252"), "utf-8+cp1252")


def _detect(data: bytes) -> charset_normalizer.CharsetMatch | None:
    """charset_normalizer's best guess; windows-1252 when it fits as well (the web's usual legacy charset).

    Short Western texts often fit cp1250 and cp1252 equally; picking cp1250 turns "à" into "ŕ".
    """
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        return None
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + 0.02:
        return western
    return best


def _checked(text: str, encoding: str) -> Decoded:
    if len(_CONTROL.findall(text[:20_000])) > max(8, len(text[:20_000]) // 50):
        raise InputError(f"not text: decodes as {encoding} but is mostly control characters", NOT_TEXT)
    return Decoded(text, encoding)


def valid_text(text: str) -> str:
    """The text with every lone surrogate (half of a JSON-escaped emoji, ``"\\ud83d"``) as U+FFFD.

    A lone surrogate is not a character: the parser stops at it, dropping the rest of the page, and
    no UTF-8 output can hold it. A pair of surrogates becomes the one character it stands for.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def path_name(path) -> str:
    """A file's name as records show it: a name that is not UTF-8 keeps its odd bytes as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
