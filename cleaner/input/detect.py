"""Is this input HTML or already-extracted plain text? Decided from the content, not the file name."""

from __future__ import annotations

import json
import re

# One optional comment group, not a repeated one: "(<!--.*?-->\s*)*" matches the same strings but backtracks
# exponentially on a run of comments that no doctype follows (40 of them took days).
_DOCTYPE = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)?<(!doctype\s+html|html[\s>])", re.I | re.S)
_TAG = re.compile(
    r"</?(html|head|body|title|meta|link|script|style|div|span|p|a|br|img|h[1-6]|ul|ol|li|table|tr|td"
    r"|article|section|header|footer|nav|main|aside|form|input|button|strong|em|b|i)(\s[^<>]*)?/?>",
    re.I,
)


def detect_kind(text: str) -> str:
    """Return "html" or "text".

    A doctype or <html> at the start decides at once; otherwise the input is HTML when its first
    20,000 characters hold at least three different known tags and closing tags (prose that
    mentions "<b>" now and then is not enough).
    """
    head = text[:20_000]
    if _DOCTYPE.match(head):
        return "html"
    tags = _TAG.findall(head)
    names = {name.lower() for name, _ in tags}
    closing = head.count("</")
    return "html" if len(names) >= 3 and closing >= 2 else "text"


def is_json(text: str) -> bool:
    """True for a JSON object or array (an API response saved as .html): data, not a page to clean."""
    start = text.lstrip()[:1]
    if start not in ("{", "["):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True
