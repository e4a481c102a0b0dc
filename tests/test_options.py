"""One options object: validated once, taken by every entry point, recorded identically in provenance."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest
from conftest import SEED_FILES, run_cli

from cleaner import Options, clean, clean_file
from cleaner.batch.pool import BatchOptions, clean_item
from cleaner.input.read import Item
from cleaner.rules import builtin_ruleset

RULES = "[ruleset]\nclass = 'site_promo'\nnew_classes = ['site_promo']\n[[rules]]\nid = 'site.promo'\n"
RULES += "pattern = '^read more at'\n"
RULES += "positive = ['Read more at the site']\nnegative = ['We read more at home']\n"


@pytest.fixture
def rule_file(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "field, value",
    [
        ("mode", "pdf"),
        ("favor", "max"),
        ("preset", "turbo"),
        ("timeout", -1),
        ("max_bytes", "big"),
        ("rules", "a.toml"),
    ],
)
def test_a_bad_value_fails_when_the_options_are_made(field, value):
    with pytest.raises(ValueError, match=field):
        Options(**{field: value})
    with pytest.raises(ValueError, match=field):  # the friendly entry builds the same object
        clean("text", **{field: value})


def test_options_are_frozen_hashable_picklable_and_take_their_fields_by_keyword(rule_file):
    options = Options(favor="recall", rules=[rule_file])
    assert options.rules == (str(rule_file),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.favor = "precision"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(options)) == options and hash(options) == hash(Options(**vars(options)))
    assert Options.of(options, mode="text") == Options(mode="text", favor="recall", rules=(str(rule_file),))
    assert Options.of({"favor": "precision"}).favor == "precision"
    with pytest.raises(TypeError, match="unknown option"):
        Options.of(None, colour="red")
    with pytest.raises(TypeError, match="unknown option"):
        clean("text", colour="red")


def test_keywords_change_the_given_options():
    options = Options(mode="text", favor="precision")
    seed = SEED_FILES[2].read_text(encoding="utf-8")
    assert clean(seed, options, favor="recall").to_dict() == clean(seed, mode="text", favor="recall").to_dict()


def test_library_cli_and_batch_record_the_same_options(rule_file, tmp_path):
    seed = SEED_FILES[2]
    options = Options(favor="recall", rules=(str(rule_file),), url="https://example.org/a")
    library = clean_file(seed, options).to_dict()["provenance"]["options"]
    batch = json.loads(clean_item(Item(name=str(seed), path=seed), BatchOptions(options)).line)
    result = run_cli(
        "clean", str(seed), "--favor", "recall", "--rules", str(rule_file), "--url", options.url, "--format", "jsonl"
    )
    assert result.returncode == 0, result.stderr.decode()
    cli = json.loads(result.stdout)["provenance"]["options"]
    expected = {"mode": "auto", "favor": "recall", "rules": [str(rule_file)], "url": "https://example.org/a"}
    assert library == batch["provenance"]["options"] == cli == expected


def test_a_loaded_ruleset_is_recorded_by_its_version():
    ruleset = builtin_ruleset()
    doc = clean("Some text of an article that ends here.", rules=ruleset)
    assert doc.provenance.to_dict()["options"]["rules"] == [f"ruleset {ruleset.version}"]


def test_the_preset_is_recorded_only_when_it_is_not_the_default():
    assert "preset" not in Options().recorded()
    assert Options(preset="fast").recorded()["preset"] == "fast"


def test_every_integration_takes_every_option(rule_file):
    pytest.importorskip("scrapy")
    from cleaner.integrations.scrapy import CleanerPipeline

    fields = {f.name for f in dataclasses.fields(Options)}
    settings = {
        "CLEANER_MODE": "html",
        "CLEANER_FAVOR": "recall",
        "CLEANER_PRESET": "fast",
        "CLEANER_RULES": [str(rule_file)],
        "CLEANER_TIMEOUT": 5,
        "CLEANER_MAX_BYTES": 1000,
        "CLEANER_ONLY_ARTICLES": True,
        "CLEANER_MAIN_CONTENT": "trafilatura",  # the fast preset reads resiliparse's; "auto" is checked below
        "CLEANER_MARKDOWN": True,
        "CLEANER_MARKDOWN_LINKS": True,
    }

    from types import SimpleNamespace

    from scrapy.settings import Settings

    pipeline = CleanerPipeline.from_crawler(SimpleNamespace(settings=Settings(settings)))
    assert pipeline.options == Options(
        mode="html", favor="recall", preset="fast", rules=(str(rule_file),), timeout=5, max_bytes=1000
    ).replace(only_articles=True, markdown=True, markdown_links=True)
    auto = CleanerPipeline.from_crawler(SimpleNamespace(settings=Settings({"CLEANER_MAIN_CONTENT": "auto"})))
    assert auto.options.main_content == "auto"
    assert fields - {"url"} <= {name.removeprefix("CLEANER_").lower() for name in settings}  # url: the item's own
    with pytest.raises(ValueError, match="favor"):
        CleanerPipeline(favor="max")

    pytest.importorskip("datatrove")
    from cleaner.integrations.datatrove import CleanerExtractor

    step = CleanerExtractor(Options(preset="fast"), max_bytes=10)
    assert step.options == Options(preset="fast", max_bytes=10)
    with pytest.raises(ValueError, match="mode"):
        CleanerExtractor(mode="pdf")


def test_library_misuse_fails_at_once_with_a_clear_message():
    for content in (None, [60, 112, 62], 3.5):
        with pytest.raises(TypeError, match="content must be str or bytes"):
            clean(content)
    with pytest.raises(ValueError, match="not one path"):
        clean("text", rules="site.toml")  # a string is not iterated character by character
    assert Options(timeout=float("inf"), max_bytes=float("inf")) == Options(timeout=None, max_bytes=None)
    with pytest.raises(ValueError, match="timeout"):
        Options(timeout=float("nan"))
    doc = clean("A sentence of an article that is long enough to keep, and it ends here.", timeout=float("inf"))
    assert doc.error is None and doc.provenance is not None
    assert clean(bytearray(b"<p>A paragraph of a page that is long enough to keep as prose.</p>")).error is None


def test_main_content_is_refused_where_it_would_do_nothing():
    assert Options(main_content="auto").recorded()["main_content"] == "auto"
    with pytest.raises(ValueError, match="main_content"):
        Options(main_content="sometimes")
    with pytest.raises(ValueError, match="the fast preset reads resiliparse's"):
        Options(preset="fast", main_content="region")
