"""A plain install of the checkout, as a user makes one: a fresh venv with the pip that Python bundles (no
upgrade: Python 3.11's 23.2 resolves extras differently from a current pip), ``pip install .`` (not
editable), then the library and the command, run from outside the checkout.

SLOW: one real install, the compiled core's build included; ``-m "not slow"`` leaves it out. It is skipped only
where no package index answers. The build compiles into the checkout's target/, where the editable install
(make) compiled the same crate, so that cargo reuses what it can (CARGO_TARGET_DIR, unless one is set): 18 s on a
quiet 2-core machine with pip's cache warm, 42 s with a target folder of its own.
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

# what building the distribution reads (pyproject.toml: metadata and the build; the workspace, its lockfile
# and the crate; README.md: the long description; cleaner/: the package and its data)
BUILD_INPUTS = ("setup.cfg", "pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md", "cleaner", "core")
SNIPPET = (
    "from cleaner import clean; print(clean('<html><body><article><p>' + 'Some words here. '*30"
    " + '</p></article></body></html>').text[:20])"
)

DATA_SNIPPET = (
    "import cleaner._core as core, importlib.resources as r; from pathlib import Path;"
    " print(Path(core.__file__).name.startswith('_core.abi3'),"
    " any(p.name.endswith('.toml') for p in r.files('cleaner.rules').iterdir()),"
    " any(p.name.endswith('.txt') for p in r.files('cleaner.model').iterdir()),"
    " any(p.name.endswith('.json') for p in r.files('cleaner.model').iterdir()))"
)


def _run(*command: str | Path, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target"))
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
            ignored = shutil.ignore_patterns("__pycache__", "*.egg-info", "target", "_core.*.so", "_core.*.pyd")
            shutil.copytree(source, clone / name, ignore=ignored)
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
    # the compiled core and the package data came in the wheel, not from the checkout
    data = _run(python, "-c", DATA_SNIPPET, cwd=tmp_path, timeout=60)
    assert data.returncode == 0, data.stderr
    assert data.stdout.split() == ["True", "True", "True", "True"], data.stdout
    command = _run(venv / "bin" / "cleaner", "--version", cwd=tmp_path, timeout=60)
    assert command.returncode == 0, command.stderr
    assert command.stdout == f"cleaner, version {__version__}\n"
