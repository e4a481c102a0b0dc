"""Whether an element is hidden or only collapsed: one reading for both presets' parsers.

Hidden (``aria-hidden="true"``, ``display: none``, ``visibility: hidden``) is never content. The
``hidden`` attribute alone marks a closed accordion panel, an inactive tab or a "read more" rest,
which readers open: its text stays open to the decision, marked collapsed (measured:
docs/decisions.md, "Collapsed elements").
"""

from __future__ import annotations

import re
from collections.abc import Callable

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def visibility(get: Callable[[str], str | None]) -> tuple[bool, bool]:
    """(hidden, collapsed) of an element, given its attribute getter (lxml's ``get``, resiliparse's ``getattr``)."""
    hidden = get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(get("style") or ""))
    return hidden, not hidden and get("hidden") is not None
