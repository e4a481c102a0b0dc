"""Page types and confidence in every record, and ``only_articles``: hand-written pages of each kind."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from cleaner import Options, clean, clean_file, schema
from cleaner.model import page_type, train_page_type
from cleaner.model.page_type import NAMES, NOT_ARTICLE, TYPES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "page_types"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _clean(name: str, **options):
    return clean_file(FIXTURES / name, url=EXPECTED[name]["url"], **options)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_page_gets_its_type(name):
    doc = _clean(name)
    assert doc.ok
    assert doc.page_type == EXPECTED[name]["page_type"]
    assert 0.0 <= doc.confidence <= 1.0


def test_the_record_carries_page_type_and_confidence():
    record = _clean("article.html").to_dict()
    assert list(record) == list(schema.FIELDS)
    assert record["page_type"] == "article"
    assert isinstance(record["confidence"], float)
    assert ("page_type", "string") in schema.RECORD and ("confidence", "double") in schema.RECORD
    assert "page_type:string" in schema.spark_record() and "confidence:double" in schema.spark_record()
    assert NOT_ARTICLE in schema.REASONS


def test_an_error_record_has_neither():
    for doc in (clean(""), clean(b"\x89PNG\r\n\x1a\n\x00\x00binary")):
        assert doc.error
        assert doc.page_type is None and doc.confidence is None
        assert doc.to_dict()["page_type"] is None and doc.to_dict()["confidence"] is None


def test_a_whole_article_is_surer_than_a_few_words():
    article = _clean("article.html")
    few = clean("<html><body><p>Opening hours: 9 to 5.</p></body></html>")
    assert few.ok and article.confidence > few.confidence


def test_text_and_the_fast_preset_get_a_type_too():
    text = clean((FIXTURES / "article.html").read_text(encoding="utf-8"), mode="html")
    as_text = clean(text.text, mode="text")
    fast = _clean("product.html", preset="fast")
    assert as_text.page_type in TYPES and 0 <= as_text.confidence <= 1
    assert fast.page_type in TYPES and 0 <= fast.confidence <= 1


def test_only_articles_empties_other_pages_and_keeps_their_blocks_as_removed():
    default = _clean("product.html")
    only = _clean("product.html", only_articles=True)
    assert default.text and only.ok and only.text == ""
    assert only.page_type == "product"
    moved = [span for span in only.removed if span.reason == NOT_ARTICLE]
    assert [span.text for span in moved] == [d.block.text for d in default.decisions if d.keep]
    assert {span.rule for span in moved} == {"page_type.product"}
    assert len(only.removed) == len(default.removed) + len(moved)
    assert only.provenance.blocks_kept == 0
    assert only.to_dict()["provenance"]["options"]["only_articles"] is True
    assert "only_articles" not in default.to_dict()["provenance"]["options"]


def test_only_articles_keeps_an_article_as_it_is():
    default, only = _clean("article.html"), _clean("article.html", only_articles=True)
    assert only.text == default.text != ""
    assert not any(span.reason == NOT_ARTICLE for span in only.removed)


def test_only_articles_is_validated():
    assert Options(only_articles=True).only_articles is True
    for bad in ("yes", 1, None):
        with pytest.raises(ValueError, match="only_articles"):
            Options(only_articles=bad)
    with pytest.raises(ValueError, match="only_articles"):
        clean("<p>text</p>", only_articles="no")


def test_cli_only_articles(tmp_path):
    shutil.copy(FIXTURES / "listing.html", tmp_path / "listing.html")
    shutil.copy(FIXTURES / "article.html", tmp_path / "article.html")
    run = run_cli("clean", "--only-articles", "--format", "jsonl", "-q", str(tmp_path))
    assert run.returncode == 0, run.stderr
    records = {Path(r["provenance"]["source"]).name: r for r in map(json.loads, run.stdout.splitlines())}
    assert records["article.html"]["page_type"] == "article" and records["article.html"]["text"]
    listing = records["listing.html"]
    assert listing["error"] is None and listing["text"] == ""
    assert listing["page_type"] != "article"
    assert {span["reason"] for span in listing["removed"]} >= {NOT_ARTICLE}
    plain = run_cli("clean", "--format", "jsonl", "-q", str(tmp_path / "listing.html"))
    assert json.loads(plain.stdout)["text"]


def test_declarations_are_read_without_a_parse():
    page = (
        b'<meta content="product" property="og:type"><script type="application/ld+json">'
        b'{"@graph": [{"@type": ["Product", "Thing"]}, {"@type": "BreadcrumbList"}]}</script>'
        b'<meta property="og:type" content="article">'
    )
    assert page_type.declarations(page) == ("product", ("Product", "Thing", "BreadcrumbList"))
    assert page_type.declarations(b'<meta property="og:type" content="Article">') == ("article", ())
    assert page_type.declarations(b"<p>no declarations</p>") == (None, ())


def test_a_model_of_other_features_is_refused(tmp_path):
    for name in ("model.json", "page_type.txt"):
        shutil.copy(page_type.HERE / name, tmp_path / name)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert meta["models"]["page_type"]["features"] == list(NAMES)
    assert meta["models"]["page_type"]["types"] == list(TYPES)
    meta["models"]["page_type"]["features"] = list(NAMES[:-1])
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(RuntimeError, match="other features"):
        page_type.load(tmp_path)


def test_only_articles_empties_the_markdown_too():
    if "markdown" not in {f.name for f in dataclasses.fields(Options)}:
        pytest.skip("no Markdown output in this build")
    assert _clean("product.html", markdown=True).markdown
    assert _clean("product.html", markdown=True, only_articles=True).markdown == ""


def test_training_writes_the_model_beside_the_others(tmp_path):
    pytest.importorskip("lightgbm")
    data = tmp_path / "pages.jsonl"
    with data.open("w", encoding="utf-8") as out:
        for copy in range(3):
            for name, expected in EXPECTED.items():
                html = (FIXTURES / name).read_text(encoding="utf-8")
                record = {"id": f"wcxb/{copy}-{name}", "html": html, "url": expected["url"], "gold": "x"}
                record |= {"page_type": expected["page_type"], "split": "train", "licence": "CC-BY-4.0"}
                out.write(json.dumps(record) + "\n")
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(page_type.HERE / "model.json", folder / "model.json")
    before = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    train_page_type.train(data, folder, jobs=1, log=lambda line: None)
    after = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in after["models"].items() if k != "page_type"} == {
        k: v for k, v in before["models"].items() if k != "page_type"
    }
    entry = after["models"]["page_type"]
    assert (
        entry["pages"] == 12
        and entry["features"] == list(NAMES)
        and set(entry["cv_accuracy"]) == {"html", "lines", "text"}
    )
    loaded = page_type.load(folder)
    assert loaded.version == entry["version"] and loaded.types == TYPES
