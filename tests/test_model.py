"""The learned block classifier: its artifact, its training, and how it joins the rules."""

from __future__ import annotations

import json

import numpy
import pytest
from conftest import HTML_FIXTURES, SEED_FILES, load_expected

from cleaner import clean, clean_file, model
from cleaner.model.features import CONTEXT_NAMES, NAMES, context, features, rule_removed
from cleaner.model.train import THRESHOLDS, labels, train, visible_text
from cleaner.records import Decision
from cleaner.rules import builtin_ruleset
from cleaner.segment.blocks import segment_text
from cleaner.stages import text_decisions


def _labeled_pages(tmp_path):
    """The hand-written fixtures as labeled pages in the shared data's record format."""
    path = tmp_path / "pages.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for page in HTML_FIXTURES:
            expected = load_expected(page.with_name(page.stem + ".expected.json"))
            record = {
                "id": f"fixtures/{page.stem}",
                "html": page.read_bytes().decode("utf-8", errors="replace"),
                "gold": expected["text"].replace("\n\n", "\n"),
                "split": "train",
                "licence": "CC-BY-4.0",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def test_training_is_reproducible_with_the_same_seed(tmp_path):
    pages = _labeled_pages(tmp_path)
    first = train(pages, tmp_path / "a", seed=7, jobs=1, log=lambda _: None)
    second = train(pages, tmp_path / "b", seed=7, jobs=1, log=lambda _: None)
    for kind in ("html", "text"):
        for name in (f"{kind}.txt", f"{kind}.classes.txt"):
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert first["models"][kind]["version"] == second["models"][kind]["version"]
    assert (tmp_path / "a" / "text.context.txt").read_bytes() == (tmp_path / "b" / "text.context.txt").read_bytes()
    meta = json.loads((tmp_path / "a" / "model.json").read_text())
    assert meta["models"]["html"]["features"] == list(NAMES)
    assert meta["models"]["text"]["context"]["features"] == list(NAMES + CONTEXT_NAMES)
    assert "context" not in meta["models"]["html"]
    assert meta["pages"] == len(HTML_FIXTURES)
    trained = model.load("text", tmp_path / "a")
    assert trained.context is not None and trained.context.n_features == len(NAMES + CONTEXT_NAMES)


def test_too_few_pages_for_the_folds_train_no_context_model(tmp_path):
    pages = _labeled_pages(tmp_path)
    pages.write_text(pages.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    meta = train(pages, tmp_path / "out", jobs=1, log=lambda _: None)
    assert "context" not in meta["models"]["text"]
    assert not (tmp_path / "out" / "text.context.txt").exists()
    loaded = model.load("text", tmp_path / "out")
    assert loaded.context is None
    rows = numpy.zeros((3, len(NAMES)))
    assert numpy.array_equal(loaded.content_probabilities(rows, [True] * 3), loaded.forest.probabilities(rows))


def test_the_context_model_has_the_last_word_in_text_mode():
    loaded = model.load("text")
    assert loaded.context is not None
    decisions = text_decisions(SEED_FILES[3].read_text(encoding="utf-8"), builtin_ruleset())[0]
    rows = features(decisions)
    open_ = numpy.array([not rule_removed(d) for d in decisions])
    first = loaded.forest.probabilities(rows)
    second = loaded.context.probabilities(numpy.hstack([rows, context(first, rows, open_)]))
    refined = model.refine(decisions, "text")
    scored = [(d.score, p) for d, p, o in zip(refined, second, open_, strict=True) if o]
    assert len(scored) > 10 and all(score == p for score, p in scored)
    assert numpy.abs(first - second)[open_].max() > 0.01  # the content model alone would score otherwise


def test_training_skips_records_whose_licence_forbids_shipping(tmp_path):
    pages = _labeled_pages(tmp_path)
    text = pages.read_text(encoding="utf-8").replace('"CC-BY-4.0"', '"AGPL-3.0"')
    pages.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="no labeled pages"):
        train(pages, tmp_path / "out", jobs=1, log=lambda _: None)


def test_labels_follow_the_gold():
    doc = clean_file(HTML_FIXTURES[0])
    gold = load_expected(HTML_FIXTURES[0].with_name(HTML_FIXTURES[0].stem + ".expected.json"))["text"]
    marks = labels(doc.decisions, gold)
    kept_texts = set(gold.split("\n\n"))
    for decision, mark in zip(doc.decisions, marks, strict=True):
        if decision.block.text in kept_texts:
            assert mark == 1
    assert 0 in marks


def test_a_line_of_the_golds_words_in_another_order_is_not_content():
    gold = (
        "The city council approved the new budget on Tuesday after a long debate about schools and roads.\n"
        "Mayor Lee said the plan keeps property taxes flat for another year."
    )
    lines = [
        "The city council approved the new budget on Tuesday, after a long debate about schools and roads.",
        "Schools and roads: the council budget debate, approved after a long Tuesday",
        "Mayor Lee said the plan keeps property taxes flat for another year.",
        "Mayor Lee said the plan keeps property taxes flat for another year, report says",
    ]
    decisions = [Decision(block, True) for block in segment_text("\n".join(lines))]
    assert [d.block.text for d in decisions] == lines
    assert labels(decisions, gold) == [1, 0, 1, 0]


def test_collapsed_blocks_are_a_feature_and_not_visible_text():
    page = (
        "<html><body><p>Shown paragraph of the article.</p><div hidden><p>Panel text that readers open.</p></div>"
        "<p style='display:none'>Never shown.</p></body></html>"
    )
    assert visible_text(page) == "Shown paragraph of the article."
    doc = clean(page)
    rows = features(doc.decisions)
    column = NAMES.index("collapsed")
    assert [(d.block.text, row[column]) for d, row in zip(doc.decisions, rows, strict=True)] == [
        ("Shown paragraph of the article.", 0.0),
        ("Panel text that readers open.", 1.0),
        ("Never shown.", 0.0),
    ]


def test_one_feature_row_per_block_in_the_named_order():
    doc = clean_file(SEED_FILES[3])
    rows = features(doc.decisions)
    assert len(rows) == len(doc.decisions)
    assert all(len(row) == len(NAMES) for row in rows)


def test_shipped_model_is_lightgbm_text_not_a_pickle():
    for kind in ("html", "text"):
        assert model.load(kind) is not None, f"cleaner/model/{kind}.txt is missing"
        path = model.HERE / f"{kind}.txt"
        head = path.read_bytes()[:64]
        assert head.startswith(b"tree\nversion=")
    total = sum(path.stat().st_size for path in model.HERE.glob("*.txt"))
    assert total < 5 * 1024 * 1024, f"the shipped models take {total} bytes"
    meta = json.loads((model.HERE / "model.json").read_text())
    assert meta["data"]["licences"] == ["CC-BY-4.0"]


def test_rules_stay_authoritative_and_favor_orders_the_removals():
    page = HTML_FIXTURES[2]
    removed = {favor: len(clean_file(page, favor=favor).removed) for favor in model.FAVORS}
    assert removed["precision"] >= removed["balanced"] >= removed["recall"]
    for decision in clean_file(page).decisions:
        if decision.rule and decision.rule.startswith("model."):
            assert decision.score is not None


def test_model_removals_name_a_boilerplate_class():
    """Both HTML models (one per main-content verdict) name the class of what they remove."""
    loaded = {kind: model.load(kind) for kind in ("html", "html_region")}
    for one in loaded.values():
        assert one.classes is not None and one.classes.n_classes == len(one.class_names)
    reasons = set()
    for page in HTML_FIXTURES:
        for decision in clean_file(page).decisions:
            if decision.rule in ("model.html", "model.html_region"):
                assert decision.reason in (*loaded[decision.rule.removeprefix("model.")].class_names, "boilerplate")
                reasons.add(decision.reason)
    assert reasons - {"boilerplate"}, "the class model named no removed block of the fixtures"


def test_model_version_is_in_the_provenance():
    """The version recorded is that of the model that learned from the verdict the page was labelled by."""
    from test_density import RIVALS as rivals  # the region is unsure there, and trafilatura is asked

    from cleaner.stages import AUTO, VERDICT_MODELS, html_decisions

    pages = [page.read_text(encoding="utf-8", errors="replace") for page in HTML_FIXTURES] + [rivals]
    seen = set()
    for html in pages:
        taken = html_decisions(html, None, builtin_ruleset(), verdict=AUTO)[3]
        version = model.version(VERDICT_MODELS[taken])
        assert clean(html, mode="html", main_content="auto").provenance.model_version == version != "none"
        seen.add(taken)
    assert seen == {"trafilatura", "region"}
    assert clean(rivals, mode="html").provenance.model_version == model.version("html")  # the default's verdict


def test_the_model_version_changes_with_the_thresholds(tmp_path, monkeypatch):
    pages = _labeled_pages(tmp_path)
    pages.write_text(pages.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    before = train(pages, tmp_path / "a", jobs=1, log=lambda _: None)
    monkeypatch.setitem(THRESHOLDS, "text", {**THRESHOLDS["text"], "balanced": 0.7})
    after = train(pages, tmp_path / "b", jobs=1, log=lambda _: None)
    assert (tmp_path / "a" / "text.txt").read_bytes() == (tmp_path / "b" / "text.txt").read_bytes()
    assert before["models"]["text"]["version"] != after["models"]["text"]["version"]
    assert before["models"]["html"]["version"] == after["models"]["html"]["version"]


def test_a_fold_without_blocks_trains_no_context_model(tmp_path):
    pages = _labeled_pages(tmp_path)
    first = pages.read_text(encoding="utf-8").splitlines()[0]
    empty = json.dumps({"id": "fixtures/zz_empty", "html": "", "gold": "x", "split": "train", "licence": "CC-BY-4.0"})
    pages.write_text(first + "\n" + empty + "\n", encoding="utf-8")
    said = []
    meta = train(pages, tmp_path / "out", jobs=1, log=said.append)
    assert "context" not in meta["models"]["text"]
    assert any("no context model" in line for line in said)
