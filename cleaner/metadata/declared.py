"""The URL a page declares for itself (``<link rel="canonical">``, ``og:url``), read before it is parsed.

Site rules (a ruleset's ``domains``) choose the rules a page is segmented with, so the page's URL is
needed before its tree exists. A folder of saved pages has no URL beside them, yet most pages name
their own; without it, a user's site rules would silently do nothing. Only the head is read (up to
``_HEAD_CHARS``), only when a ruleset has site rules and no URL was given.
"""

from __future__ import annotations

import html
import re

_HEAD_CHARS = 200_000
_TAG = re.compile(r"<(link|meta)\b([^<>]{0,2000})>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)


def declared_url(page: str) -> str | None:
    """The page's canonical URL, else its ``og:url``; None when it declares neither as an http(s) URL."""
    head = page[:_HEAD_CHARS]
    end = _HEAD_END.search(head)
    if end:
        head = head[: end.start()]
    canonical = og = None
    for tag in _TAG.finditer(head):
        attrs = {m[1].lower(): html.unescape(m[2] or m[3] or m[4] or "").strip() for m in _ATTR.finditer(tag[2])}
        if tag[1].lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            canonical = canonical or attrs.get("href")
        elif attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            og = og or attrs.get("content")
    for url in (canonical, og):
        if url and url.lower().startswith(("http://", "https://")):
            return url
    return None
