"""The HTML report in a real headless Chromium: every removed block is visibly struck through and labelled.

Chromium is Debian's (`apt-get install chromium`, done by `make test` where it can be); Playwright
drives it through ``executable_path`` and never downloads a browser. The test is skipped, saying
why, only when no Chromium binary can be found or launched.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, run_cli

from cleaner import clean_file

SEED = SEEDS / "003_b12e2f32a783b65a.txt"
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# For each removed block: its reason, the struck text's styles and size, and its label's visibility.
INSPECT = """() => {
  const visible = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility === 'visible' && parseFloat(s.opacity) > 0
      && r.width > 0 && r.height > 0;
  };
  const struck = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (getComputedStyle(node).textDecorationLine.includes('line-through')) return true;
    }
    return false;
  };
  const removed = [...document.querySelectorAll('.removed')].map((el) => {
    const text = el.querySelector('.text'), label = el.querySelector('.label');
    const r = el.getBoundingClientRect();
    return {
      reason: el.dataset.reason,
      rule: el.dataset.rule,
      visible: visible(el), width: r.width, height: r.height,
      text: text && text.textContent,
      textDecoration: text && getComputedStyle(text).textDecorationLine,
      textVisible: !!text && visible(text),
      textColor: text && getComputedStyle(text).color,
      label: label && label.innerText,
      labelVisible: !!label && visible(label),
    };
  });
  const kept = [...document.querySelectorAll('.kept')].map((el) => ({
    struck: struck(el), visible: visible(el), color: getComputedStyle(el).color, text: el.textContent,
  }));
  const table = document.querySelector('table.summary');
  const rows = table ? [...table.querySelectorAll('tbody tr')].map(
    (tr) => [...tr.cells].map((td) => td.innerText.trim())) : [];
  return {
    removed, kept, rows,
    tableVisible: !!table && visible(table),
    scripts: document.scripts.length,
    external: [...document.querySelectorAll('[src], link[href]')].length,
  };
}"""


def chromium_binary() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: install the test extras (`make test` or pip install -e '.[test]')")
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary found (chromium, chromium-browser, /usr/bin/chromium or $CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=binary, args=LAUNCH_ARGS, timeout=60_000)
        except Error as err:
            pytest.skip(f"Chromium at {binary} could not be launched: {str(err).splitlines()[0]}")
        yield browser
        browser.close()


def test_report_marks_every_removed_block_in_chromium(browser, tmp_path):
    report = tmp_path / "report.html"
    result = run_cli("explain", str(SEED.relative_to(ROOT)), "--html", str(report))
    assert result.returncode == 0, result.stderr.decode()
    doc = clean_file(SEED)
    assert len(doc.removed) > 0

    page = browser.new_page(viewport={"width": 1000, "height": 800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    state = page.evaluate(INSPECT)

    removed = state["removed"]
    assert [(r["reason"], r["rule"]) for r in removed] == [(s.reason, s.rule) for s in doc.removed]
    assert [r["text"] for r in removed] == [s.text for s in doc.removed]
    for r in removed:
        where = f"removed block {r['text']!r}"
        assert r["visible"] and r["width"] > 0 and r["height"] > 0, where
        assert "line-through" in r["textDecoration"], where
        assert r["textVisible"], where
        assert r["labelVisible"], where
        assert r["reason"] in r["label"] and r["rule"] in r["label"], where

    kept = state["kept"]
    assert len(kept) == len(doc.decisions) - len(doc.removed)
    assert "\n\n".join(k["text"] for k in kept) == doc.text
    assert all(k["visible"] and not k["struck"] for k in kept)
    assert {r["textColor"] for r in removed}.isdisjoint({k["color"] for k in kept})  # removed text is muted

    assert state["tableVisible"]
    counts = Counter(s.reason for s in doc.removed)
    chars = Counter()
    for span in doc.removed:
        chars[span.reason] += len(span.text)
    assert {row[0]: (int(row[1]), int(row[2])) for row in state["rows"]} == {
        reason: (n, chars[reason]) for reason, n in counts.items()
    }

    assert state["scripts"] == 0 and state["external"] == 0
    assert [url for url in requests if not url.startswith("file://")] == []
    assert errors == []

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert Path(shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()
