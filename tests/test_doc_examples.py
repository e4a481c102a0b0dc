"""Every code example in the README and docs/ runs as written.

Each fenced block tagged ``sh``, ``python``, ``toml`` or ``json`` is run (shell and Python, in a
scratch folder that holds the repository's ``seeds/`` and ``fixtures/``, with this environment's
``cleaner`` on the PATH) or parsed (TOML rule files are loaded as rules; JSON is parsed). A block
that cannot run here says why on the line before it: ``<!-- not run: why -->``. Untagged blocks are
what a command prints, not commands.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = ("sh", "python")
PARSED = ("toml", "json")
_FENCE = re.compile(r"^```(\w*)\s*$")
_NOT_RUN = re.compile(r"^<!-- not run: (.+\S) -->$")


@dataclass(frozen=True)
class Example:
    document: Path
    line: int
    language: str
    code: str
    not_run: str | None

    @property
    def id(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def examples() -> list[Example]:
    found = []
    for document in DOCUMENTS:
        lines = document.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            fence = _FENCE.match(lines[i])
            if not fence:
                i += 1
                continue
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            marker = _NOT_RUN.match(lines[i - 1]) if i else None
            code = "\n".join(lines[i + 1 : end]) + "\n"
            found.append(Example(document, i + 1, fence[1], code, marker[1] if marker else None))
            i = end + 1
    return found


EXAMPLES = examples()
RUNNABLE = [e for e in EXAMPLES if e.language in RUN + PARSED and e.not_run is None]


def test_every_example_is_run_or_says_why_not():
    unknown = [e.id for e in EXAMPLES if e.language and e.language not in RUN + PARSED]
    assert unknown == [], "tag each block sh, python, toml or json (untagged: a command's output)"
    assert len(RUNNABLE) >= 10
    skipped = [e for e in EXAMPLES if e.not_run]
    assert all(len(e.not_run.split()) >= 3 for e in skipped)  # a reason, not a bare "skip"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A scratch folder that looks like the checkout to an example (seeds/, fixtures/, cleaner/, .venv/) and
    holds the inputs the examples name: WARC files in crawl/, JSON Lines of pages in pages/."""
    for name in ("seeds", "fixtures", "cleaner"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    from warc_writer import write_warc

    html = sorted((ROOT / "fixtures" / "html").glob("*.html"))[:4]
    pages = [(f"https://example.org/news/{path.stem}", path.read_bytes()) for path in html]
    (tmp_path / "crawl").mkdir()
    write_warc(tmp_path / "crawl" / "a.warc.gz", pages[:2])
    write_warc(tmp_path / "crawl" / "b.warc", pages[2:])
    (tmp_path / "pages").mkdir()
    lines = [json.dumps({"id": url.rsplit("/", 1)[1], "url": url, "html": body.decode()}) for url, body in pages]
    (tmp_path / "pages" / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _env() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


@pytest.mark.parametrize("example", RUNNABLE, ids=[e.id for e in RUNNABLE])
def test_example_runs_as_written(example: Example, workspace: Path):
    if example.language == "toml":
        data = tomllib.loads(example.code)
        if "ruleset" in data:  # a rule file: it loads, with its examples, as cleaner loads it
            from cleaner.rules import load_ruleset
            from cleaner.rules.examples import check_examples

            path = workspace / "example.toml"
            path.write_text(example.code, encoding="utf-8")
            ruleset = load_ruleset([path])
            own = [rule for rule in ruleset.rules if rule.origin == str(path)]
            assert own and [failure for rule in own for failure in check_examples(rule)] == []
        return
    if example.language == "json":
        json.loads(example.code)
        return
    if example.language == "python":  # saved as a script and run, as a user would
        (workspace / "example.py").write_text(example.code, encoding="utf-8")
        command = [sys.executable, "example.py"]
    else:
        command = ["bash", "-euo", "pipefail", "-c", example.code]
    result = subprocess.run(
        command,
        cwd=workspace,
        env=_env(),
        capture_output=True,
        timeout=600,
    )
    output = f"{result.stdout.decode()[-2000:]}\n{result.stderr.decode()[-4000:]}"
    assert result.returncode == 0, f"{example.id} failed:\n{output}"
