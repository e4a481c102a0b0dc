"""Figures live in docs/decisions.md and BENCHMARKS.md, not in the code: the code points to them."""

from __future__ import annotations

import re

from conftest import ROOT

CODE = sorted((ROOT / "cleaner").rglob("*.py"))
DECISIONS = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
# a measured result: "F1 0.83", "0.827 -> 0.834", "+0.005 on", "in 0.46 ms"
FIGURE = re.compile(r"F1 [+-]?\d|\d\.\d{2,} ?-> ?\d|-> ?\d\.\d{2,}|[+-]0\.\d{3}\b|\d ms per")


def test_no_measured_figure_in_the_code():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in CODE
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FIGURE.search(line)
    ]
    assert found == []


def test_every_pointer_names_a_section_of_the_decisions():
    sections = set(re.findall(r"^## (.+)$", DECISIONS, flags=re.M))
    pointers = [
        (path.name, title)
        for path in CODE
        for title in re.findall(r'docs/decisions\.md,\s*(?:#\s*)?"([^"]+)"', path.read_text(encoding="utf-8"))
    ]
    assert len(pointers) >= 10
    assert [(name, title) for name, title in pointers if title not in sections] == []
