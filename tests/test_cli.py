"""End-to-end through the installed `cleaner` command."""

from __future__ import annotations

import json
import re

from conftest import FIXTURES, ROOT, SEED_FILES, run_cli

from cleaner import __version__

SEED = str(SEED_FILES[2].relative_to(ROOT))


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout.decode()


def test_one_input_defaults_to_text():
    result = run_cli("clean", SEED)
    assert result.returncode == 0
    out = result.stdout.decode("utf-8")
    assert out.startswith("Commentary: Worry more about Putin’s visit to North Korea than Kim’s trash balloons\n\n")
    assert out.count("Commentary: Worry more") == 1  # the headline once; its repeat goes
    assert "Leave a Comment" not in out and "by Admin" not in out


def test_several_inputs_default_to_jsonl_one_record_each():
    result = run_cli("clean", *[str(s) for s in SEED_FILES])
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 4
    assert all(json.loads(line)["error"] is None for line in lines)


def test_directory_is_walked_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Second document body, long enough to be a sentence of prose.")
    (tmp_path / "a.txt").write_text("First document body, long enough to be a sentence of prose.")
    (tmp_path / ".hidden").write_text("never read")
    result = run_cli("clean", str(tmp_path), "--format", "jsonl")
    sources = [json.loads(line)["provenance"]["source"] for line in result.stdout.decode().splitlines()]
    assert sources == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "z.txt")]


def test_stdin_and_url():
    page = (FIXTURES / "html" / "01_cookie_consent_modal.html").read_bytes()
    result = run_cli("clean", "-", "--format", "jsonl", "--url", "https://news.example/a", stdin=page)
    record = json.loads(result.stdout)
    assert record["provenance"]["source"] == "stdin"
    assert record["provenance"]["input_kind"] == "html"
    assert record["url"] == "https://news.example/a"


def test_mode_forces_text(tmp_path):
    page = FIXTURES / "html" / "01_cookie_consent_modal.html"
    record = json.loads(run_cli("clean", str(page), "--mode", "text", "--format", "jsonl").stdout)
    assert record["provenance"]["input_kind"] == "text"
    assert record["provenance"]["options"]["mode"] == "text"


def test_markdown_output_has_title_and_body():
    out = run_cli("clean", SEED, "--format", "markdown").stdout.decode("utf-8")
    assert out.startswith("# Commentary: Worry more about Putin’s visit")
    assert "*Admin*" in out


def test_output_file(tmp_path):
    target = tmp_path / "out.jsonl"
    result = run_cli("clean", *[str(s) for s in SEED_FILES], "-o", str(target))
    assert result.returncode == 0 and result.stdout == b""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4


def test_bad_inputs_give_one_line_errors_and_keep_the_batch_going(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    missing = tmp_path / "missing.txt"
    result = run_cli("clean", str(empty), SEED, str(binary), str(missing), "--format", "jsonl")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [bool(r["error"]) for r in records] == [True, False, True, True]
    assert records[0]["error"] == "empty input"
    assert "PNG image" in records[2]["error"]
    assert "No such file" in records[3]["error"]
    errors = result.stderr.decode().strip().splitlines()
    assert len(errors) == 3
    assert all(line.startswith("cleaner: error: ") for line in errors)
    assert "Traceback" not in result.stderr.decode()


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("clean").returncode == 2
    assert run_cli("clean", SEED, "--format", "xml").returncode == 2
    assert run_cli("clean", SEED, SEED, "--url", "https://x.example").returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='x'\npattern='('\npositive=['a']\nnegative=['b']"
    )
    result = run_cli("clean", SEED, "--rules", str(bad))
    assert result.returncode == 2
    assert "bad pattern" in result.stderr.decode()


def test_user_rules_remove_a_site_prompt(tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text(
        """
[ruleset]
class = "site_promo"
new_classes = ["site_promo"]
[[rules]]
id = "site.kremlin_quote"
pattern = 'countries plan to sign an agreement'
positive = ["The countries plan to sign an agreement on strategic partnership"]
negative = ["The countries signed nothing"]
""",
        encoding="utf-8",
    )
    record = json.loads(run_cli("clean", SEED, "--rules", str(rules), "--format", "jsonl").stdout)
    assert "countries plan to sign" not in record["text"]
    assert any(r["rule"] == "site.kremlin_quote" and r["reason"] == "site_promo" for r in record["removed"])


def test_summary_goes_to_stderr():
    result = run_cli("clean", SEED, "--summary", "--format", "jsonl")
    assert "kept 7/13 blocks" in result.stderr.decode("utf-8")


def test_rules_list_shows_every_builtin_rule():
    from cleaner.rules import builtin_ruleset

    result = run_cli("rules", "list")
    assert result.returncode == 0
    header, *lines = result.stdout.decode("utf-8").splitlines()
    assert re.split(r"\s{2,}", header) == [
        "rule",
        "class",
        "target",
        "precision",
        "decides",
        "languages",
        "description",
    ]
    assert len(lines) == len(builtin_ruleset().rules)
    assert any(line.startswith("cookie_banner.text.de ") and "de" in line for line in lines)


def test_rules_list_shows_measured_precision_and_who_decides():
    """Markup never decides prose alone; a text rule of a class cleaner exists to remove decides alone."""
    from cleaner.rules import builtin_ruleset

    rows = {cols[0]: cols for cols in (re.split(r"\s{2,}", line.strip()) for line in _rule_lines())}
    rules = {rule.id: rule for rule in builtin_ruleset().rules}
    sidebar, cookie = rows["sidebar.attributes"], rows["cookie_banner.text.en"]
    assert sidebar[3] == f"{rules['sidebar.attributes'].precision:.3f}" and sidebar[4] == "not prose"
    assert cookie[4] == "alone"
    assert cookie[3] == f"{rules['cookie_banner.text.en'].precision:.3f}"


def _rule_lines(*args: str) -> list[str]:
    return run_cli("rules", "list", *args).stdout.decode("utf-8").splitlines()[1:]


def test_rules_list_filters_by_language():
    columns = [re.split(r"\s{2,}", line) for line in _rule_lines("--language", "id")]
    assert columns and all("id" in languages.split(",") for *_, languages, _ in columns)


def test_rules_test_reports_failing_examples(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(
        "[ruleset]\nclass='promo'\nnew_classes=['promo']\n[[rules]]\nid='promo.app'\npattern='^download our app'\n"
        "positive=['Download our app']\nnegative=['We did not download it']",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[ruleset]\nclass='promo'\nnew_classes=['promo']\n[[rules]]\nid='promo.loose'\npattern='app'\n"
        "positive=['Download our app']\nnegative=['The apple harvest was late']",
        encoding="utf-8",
    )
    assert run_cli("rules", "test", str(good)).returncode == 0
    result = run_cli("rules", "test", str(good), str(bad))
    assert result.returncode == 1
    assert "promo.loose: negative example matched: 'The apple harvest was late'" in result.stdout.decode()
    assert "2 rules tested, 1 failures" in result.stdout.decode()


def test_rules_test_rejects_a_catastrophic_pattern(tmp_path):
    evil = tmp_path / "evil.toml"
    evil.write_text(
        "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='evil'\npattern='(a|aa)+$'\npositive=['aaaa']\nnegative=['b']",
        encoding="utf-8",
    )
    result = run_cli("rules", "test", str(evil))
    assert result.returncode == 1
    assert "backtrack catastrophically" in result.stdout.decode()


def test_rules_test_builtin_passes():
    result = run_cli("rules", "test", "--builtin")
    assert result.returncode == 0, result.stdout.decode()


def test_site_rules_that_no_document_of_a_batch_was_on_get_one_warning(tmp_path):
    """A folder of saved pages: the page that declares its URL gets its site's rules; a rule file whose
    domains no document was on says so once, at the end of the run."""
    prose = "<p>" + "The council met on Tuesday to discuss the bridge and its repairs over the coming year. " * 3
    body = f"<body><article><h1>Bridge</h1>{prose}</p><p>Share the best of Example with friends.</p>{prose}.</p>"
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, head in (("a", '<link rel="canonical" href="https://www.example.org/a">'), ("b", "")):
        (pages / f"{name}.html").write_text(f"<html><head>{head}</head>{body}</article></body></html>")
    rule = (
        "[[rules]]\nid='site.{0}.gift'\npattern='^share the best of example'\n"
        "positive=['Share the best of Example with friends.']\nnegative=['Example reported the best results.']\n"
    )
    for site in ("example.org", "nowhere.net"):
        (tmp_path / f"{site}.toml").write_text(
            f"[ruleset]\nclass='subscription_prompt'\ndomains=['{site}']\n{rule.format(site.split('.')[0])}"
        )
    result = run_cli(
        "clean", str(pages), "--format", "jsonl", "-j", "1",
        "--rules", str(tmp_path / "example.org.toml"), "--rules", str(tmp_path / "nowhere.net.toml"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [[r["rule"] for r in record["removed"]] for record in records] == [["site.example.gift"], []]
    warnings = [line for line in result.stderr.decode().splitlines() if "warning" in line]
    assert (
        len(warnings) == 1
        and "nowhere.net.toml (nowhere.net)" in warnings[0]
        and "none of the 2 documents" in warnings[0]
    )
