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
      && r.width > 0 && r.height > 0 && el.checkVisibility({visibilityProperty: true});
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
    runs = page.locator("details.run > summary")
    assert runs.count() > 0
    for n in range(runs.count()):  # each run of removed blocks is folded: open them all
        runs.nth(n).click()
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
    words = Counter()
    for span in doc.removed:
        words[span.reason] += len(span.text.split())
    assert {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in state["rows"]} == {
        reason: (n, words[reason], chars[reason]) for reason, n in counts.items()
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


LONG_MENU = ROOT / "fixtures" / "explain" / "long_menu.html"  # a cookie notice and a menu of 90-odd links first
VIEWPORT = {"width": 1280, "height": 900}

# Where the summary and the story start, and what a reader sees of the removed blocks and the runs.
LAYOUT = """(first) => {
  const shown = (el) => {  // checkVisibility: the inside of a closed <details> keeps its boxes but is not drawn
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility === 'visible' && r.width > 0 && r.height > 0
      && el.checkVisibility({visibilityProperty: true});
  };
  const box = (el) => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const para = [...document.querySelectorAll('.clean-text p.para')].find((p) => p.textContent === first);
  return {
    title: box(document.querySelector('h1')),
    summary: box(document.querySelector('table.summary')),
    firstParagraph: para ? box(para) : null,
    removedShown: [...document.querySelectorAll('.removed')].filter(shown).map((el) => el.dataset.index),
    runs: [...document.querySelectorAll('details.run')].map((d) => ({
      reason: d.dataset.reason, open: d.open, shown: shown(d),
      blocks: [...d.querySelectorAll('.removed')].map((el) => ({
        shown: shown(el), struck: getComputedStyle(el.querySelector('.text')).textDecorationLine,
      })),
    })),
    kept: [...document.querySelectorAll('.kept')].filter(shown).length,
  };
}"""


def test_report_leads_with_the_article_and_folds_the_menu_in_chromium(browser, tmp_path):
    """At 1280x900 the summary and the story's first paragraph are on screen; the menu is one line that opens."""
    report = tmp_path / "report.html"
    result = run_cli("explain", str(LONG_MENU.relative_to(ROOT)), "--html", str(report))
    assert result.returncode == 0, result.stderr.decode()
    doc = clean_file(LONG_MENU)
    first = doc.text.split("\n\n")[1]  # after the headline
    kept = sum(1 for d in doc.decisions if d.keep)

    page = browser.new_page(viewport=VIEWPORT)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    page.screenshot(path=str(tmp_path / "report-top.png"))
    state = page.evaluate(LAYOUT, first)

    assert 0 <= state["title"]["top"] < state["summary"]["top"] < state["summary"]["bottom"] < VIEWPORT["height"]
    assert state["firstParagraph"] is not None
    assert state["summary"]["bottom"] < state["firstParagraph"]["top"]
    assert state["firstParagraph"]["bottom"] < VIEWPORT["height"]
    assert state["removedShown"] == []  # every run is folded
    assert all(run["shown"] and not run["open"] for run in state["runs"])
    assert state["kept"] == kept
    longest = max(range(len(state["runs"])), key=lambda n: len(state["runs"][n]["blocks"]))
    size = len(state["runs"][longest]["blocks"])
    assert state["runs"][longest]["reason"] == "navigation" and size > 80  # the menu, before the story

    menu = page.locator("details.run").nth(longest)
    menu.locator("summary").click()
    state = page.evaluate(LAYOUT, first)
    navigation = state["runs"][longest]
    assert navigation["open"] and len(navigation["blocks"]) == size
    assert all(b["shown"] and "line-through" in b["struck"] for b in navigation["blocks"])
    assert len(state["removedShown"]) == size  # only the opened run shows its blocks
    menu.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "report-menu-open.png"))

    page.locator("table.summary tr[data-reason='navigation'] input[type=checkbox]").uncheck()
    state = page.evaluate(LAYOUT, first)
    for run in state["runs"]:
        assert run["shown"] == (run["reason"] != "navigation"), run["reason"]
    assert state["removedShown"] == [] and state["kept"] == kept
    page.locator("table.summary tr[data-reason='navigation'] input[type=checkbox]").check()
    state = page.evaluate(LAYOUT, first)
    assert all(run["shown"] for run in state["runs"]) and len(state["removedShown"]) == size

    assert page.evaluate("document.scripts.length") == 0
    assert [url for url in requests if not url.startswith("file://")] == []
    assert errors == []
    for name in ("report-top.png", "report-menu-open.png"):
        shot = tmp_path / name
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    page.close()


def test_notebook_view_is_short_in_chromium(browser, tmp_path):
    """What a notebook shows for a document fits about one screen: the summary and the start of the story."""
    doc = clean_file(LONG_MENU)
    page = browser.new_page(viewport=VIEWPORT)
    page.set_content(f"<!DOCTYPE html><html><body>{doc._repr_html_()}</body></html>")
    page.screenshot(path=str(tmp_path / "notebook.png"), full_page=True)
    height = page.evaluate("document.querySelector('.cleaner-report').getBoundingClientRect().height")
    assert 0 < height < 1.5 * VIEWPORT["height"]
    assert page.locator(".removed, details, input").count() == 0
    assert page.locator(".clean-text p.para").first.inner_text() == doc.text.split("\n\n")[1]
    assert "cleaner.output.explain.report(doc)" in page.locator(".howto").inner_text()
    page.close()
