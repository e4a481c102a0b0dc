"""Bytes to text, and HTML-or-text detection."""

from __future__ import annotations

import codecs
import gzip
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.input.decode import InputError, declared_charset, decode
from cleaner.input.detect import detect_kind
from cleaner.segment.normalize import normalize_line, normalize_text

ARTICLE = "Le marché de Vernay a rouvert ses portes ; l’été s’annonce chargé, à en croire les élus."


def test_utf8_is_read_as_utf8():
    assert decode(ARTICLE.encode("utf-8")).text == ARTICLE


def test_bom_wins():
    decoded = decode(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"))
    assert decoded.text.lstrip("\ufeff") == ARTICLE


def test_declared_latin1_but_really_utf8():
    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{ARTICLE}</p></body></html>'
    assert ARTICLE in decode(page.encode("utf-8")).text


def test_declared_utf8_but_really_cp1252():
    page = f'<html><head><meta charset="utf-8"></head><body><p>{ARTICLE * 3}</p></body></html>'
    decoded = decode(page.encode("cp1252"))
    assert ARTICLE in decoded.text


def test_declared_legacy_charset_is_used_when_bytes_are_not_utf8():
    page = f'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>{"Привет, мир. " * 5}</p>'
    decoded = decode(page.encode("cp1251"))
    assert "Привет, мир." in decoded.text
    assert decoded.encoding == "cp1251"


def test_declared_charset_maps_like_browsers():
    assert declared_charset(b'<meta charset="ISO-8859-1">') == "cp1252"
    assert declared_charset(b'<?xml version="1.0" encoding="gb2312"?>') == "gb18030"
    assert declared_charset(b'<meta charset="no-such-charset">') is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input"),
        (b"  \n\t ", "empty input"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (gzip.compress(b"<html></html>"), "gzip data"),
        (b"%PDF-1.7\n" + bytes(200), "PDF document"),
        (bytes(range(256)) * 20, "not text"),
    ],
)
def test_non_text_input_is_an_input_error(data, message):
    with pytest.raises(InputError, match=message):
        decode(data)


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><body><p>Hello</p></body></html>",
        "<html lang='en'><p>Hi</p></html>",
        "<?xml version='1.0'?>\n<!DOCTYPE html>\n<html></html>",
        "<title>T</title><h1>Headline</h1><p>One.</p><p>Two.</p>",
    ],
)
def test_html_is_detected(text):
    assert detect_kind(text) == "html"


@pytest.mark.parametrize(
    "text",
    [
        "A plain article. It has <3 hearts and uses a < b comparisons.\n\nSecond paragraph.",
        "Use the <b> tag for bold text, the guide says, and many other things besides. " * 30,
        "Headline\n\nby Admin\n\nThe article text goes here.",
    ],
)
def test_text_is_detected(text):
    assert detect_kind(text) == "text"


def test_normalize_text_collapses_spaces_and_keeps_paragraphs():
    raw = "Title\u00a0 here \r\n\r\n\tBody\u200b text\u2028next  \n"
    assert normalize_text(raw) == "Title here\n\nBody text\nnext"


_AWKWARD = st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x85\x00\u00a0\u00ad\u2009\u200b\u2028\u3000\ufeffaZ.é"))


@given(st.text(_AWKWARD, max_size=40) | st.text(max_size=40))
@settings(max_examples=500)
def test_normalize_text_is_normalize_line_on_every_line(raw):
    """The whole-text passes give what the line-by-line definition gives, on any text."""
    import unicodedata

    lines = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    lines = [part for line in lines for part in re.split("[\u2028\u2029\x85]", line)]
    assert normalize_text(raw) == "\n".join(normalize_line(line) for line in lines).strip("\n")
