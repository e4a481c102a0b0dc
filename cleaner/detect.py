"""Is this input HTML or already-extracted plain text? Decided from the content, not the file name."""

from __future__ import annotations

import re

_DOCTYPE = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_TAG = re.compile(
    r"</?(html|head|body|title|meta|link|script|style|div|span|p|a|br|img|h[1-6]|ul|ol|li|table|tr|td"
    r"|article|section|header|footer|nav|main|aside|form|input|button|strong|em|b|i)(\s[^<>]*)?/?>",
    re.I,
)


def detect_kind(text: str) -> str:
    """Return "html" or "text".

    A doctype or <html> at the start decides at once; otherwise the input is HTML when
    recognised tags are frequent in its first 20,000 characters (a stray "<b>" in prose is not enough).
    """
    head = text[:20_000]
    if _DOCTYPE.match(head):
        return "html"
    tags = _TAG.findall(head)
    if len(tags) >= 3 and len(tags) * 40 >= min(len(head), 4000):
        return "html"
    if len(tags) >= 20:
        return "html"
    return "text"
