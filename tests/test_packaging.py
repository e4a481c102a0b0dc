"""A plain install of the checkout, as a user makes one: a fresh venv with the pip that Python bundles (no
upgrade: Python 3.11's 23.2 resolves extras differently from a current pip), ``pip install .`` (not
editable), then the library and the command, run from outside the checkout.

SLOW: one real install, 43 to 98 s on a busy 2-core machine with pip's cache warm (65 s with PIP_NO_CACHE_DIR);
``-m "not slow"`` leaves it out. It is skipped only where no package index answers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from cleaner.version import __version__

# what building the distribution reads (setup.cfg: metadata, long_description, packages and package data)
BUILD_INPUTS = ("setup.cfg", "pyproject.toml", "README.md", "cleaner")
SNIPPET = (
    "from cleaner import clean; print(clean('<html><body><article><p>' + 'Some words here. '*30"
    " + '</p></article></body></html>').text[:20])"
)


def _run(*command: str | Path, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


@pytest.mark.slow
def test_a_plain_install_with_the_bundled_pip_imports_and_runs_from_anywhere(tmp_path):
    # A copy named like a clone: the checkout itself gets no build/ folder (whose stale files a later build
    # would package), and running from its parent folder is where a clone's folder shadowed the package.
    clone = tmp_path / "cleaner"
    clone.mkdir()
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, clone / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, clone / name)
    venv = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=tmp_path, timeout=300)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    pip = (python, "-m", "pip", "--disable-pip-version-check")
    probe = _run(*pip, *"index versions lxml_html_clean --retries 0 --timeout 15".split(), cwd=tmp_path, timeout=120)
    if probe.returncode != 0:
        said = (probe.stderr.strip().splitlines() or ["nothing"])[-1]
        pytest.skip(f"no package index reachable (pip index versions lxml_html_clean: {said})")

    installed = _run(*pip, "install", "--quiet", clone, cwd=tmp_path, timeout=900)  # the one install
    assert installed.returncode == 0, installed.stdout + installed.stderr

    used = _run(python, "-c", SNIPPET, cwd=tmp_path, timeout=120)
    assert used.returncode == 0, used.stderr
    assert used.stdout == "Some words here. Som\n"
    where = _run(python, "-c", "import cleaner; print(cleaner.__file__)", cwd=tmp_path, timeout=60)
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve()), where.stdout + where.stderr
    command = _run(venv / "bin" / "cleaner", "--version", cwd=tmp_path, timeout=60)
    assert command.returncode == 0, command.stderr
    assert command.stdout == f"cleaner, version {__version__}\n"
