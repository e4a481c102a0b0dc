"""Shared paths and helpers for the test suite (no test reads ../shared)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
HTML_FIXTURES = sorted((FIXTURES / "html").glob("*.html"))
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def cleaner_command() -> str:
    """The installed console script, next to the running interpreter."""
    beside = Path(sys.executable).parent / "cleaner"
    found = str(beside) if beside.exists() else shutil.which("cleaner")
    if not found:
        pytest.fail("the cleaner command is not installed; run `make test`")
    return found


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [cleaner_command(), *args], input=stdin, capture_output=True, cwd=cwd, timeout=120, check=False
    )


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def as_laid_out(text: str) -> str:
    """A text as text mode lays out what it keeps all of: each line normalized and in its place,
    indentation beyond the shared one kept, runs of blank lines one blank line."""
    import re

    from cleaner.segment.normalize import normalize_text

    return re.sub(r"\n{3,}", "\n\n", normalize_text(text, indent=True))
