"""The core's evaluator of LightGBM text models must give LightGBM's own predictions, exactly."""

from __future__ import annotations

import re

import lightgbm
import numpy
import pytest

from cleaner import model
from cleaner.model.trees import ModelFormatError, parse


def _forest_and_booster(rows, labels, **params):
    data = lightgbm.Dataset(rows, label=labels)
    settings = {"objective": "binary", "verbosity": -1, "num_threads": 1, "seed": 1, "deterministic": True}
    booster = lightgbm.train({**settings, **params}, data, num_boost_round=30)
    return parse(booster.model_to_string()), booster


@pytest.mark.parametrize("kind", ["html", "text", "text.context"])
def test_shipped_models_match_lightgbm(kind):
    text = (model.HERE / f"{kind}.txt").read_text(encoding="utf-8")
    forest, booster = parse(text), lightgbm.Booster(model_str=text)
    rng = numpy.random.default_rng(7)
    rows = rng.random((600, forest.n_features)) * rng.choice([0.0, 1.0, 10.0], size=(600, forest.n_features))
    assert numpy.abs(forest.probabilities(rows) - booster.predict(rows)).max() < 1e-12
    # the raw scores add the same leaves in the same order as LightGBM: equal to the last bit, a lone row too
    rows[rng.random(rows.shape) < 0.05] = numpy.nan
    assert numpy.array_equal(forest.raw(rows), booster.predict(rows, raw_score=True))
    assert numpy.array_equal(forest.raw(rows[:1]), booster.predict(rows[:1], raw_score=True))


def test_missing_values_and_zero_as_missing_follow_lightgbm():
    rng = numpy.random.default_rng(3)
    rows = rng.normal(size=(800, 6))
    labels = (rows[:, 0] + rows[:, 1] > 0).astype(int)
    rows[rng.random(rows.shape) < 0.2] = numpy.nan
    rows[rng.random(rows.shape) < 0.2] = 0.0
    for params in ({}, {"zero_as_missing": True}, {"use_missing": False}):
        forest, booster = _forest_and_booster(rows, labels, **params)
        assert numpy.abs(forest.probabilities(rows) - booster.predict(rows)).max() < 1e-12, params


def test_stumps_and_single_leaf_trees():
    rows = numpy.asarray([[0.0], [1.0]] * 50)
    forest, booster = _forest_and_booster(rows, numpy.asarray([0, 1] * 50), num_leaves=2, min_data_in_leaf=1)
    assert numpy.abs(forest.probabilities(rows) - booster.predict(rows)).max() < 1e-12
    constant = numpy.zeros((40, 2))
    forest, booster = _forest_and_booster(constant, numpy.asarray([0, 1] * 20))
    assert numpy.abs(forest.probabilities(constant) - booster.predict(constant)).max() < 1e-12


def test_more_rows_than_one_pass():
    text = (model.HERE / "html.txt").read_text(encoding="utf-8")
    forest = parse(text)
    rows = numpy.random.default_rng(0).random((700, forest.n_features))
    whole = forest.probabilities(rows)
    assert numpy.array_equal(whole[:5], forest.probabilities(rows[:5]))
    assert len(whole) == 700 and len(forest.probabilities(rows[:0])) == 0


def test_multiclass_models_match_lightgbm():
    rng = numpy.random.default_rng(0)
    rows, labels = rng.random((600, 4)), rng.integers(0, 4, 600)
    rows[rng.random(rows.shape) < 0.1] = numpy.nan
    params = {"objective": "multiclass", "num_class": 4, "verbosity": -1, "num_threads": 1, "num_leaves": 7}
    booster = lightgbm.train(params, lightgbm.Dataset(rows, label=labels), 12)
    forest = parse(booster.model_to_string())
    assert forest.n_classes == 4
    assert numpy.abs(forest.probabilities(rows) - booster.predict(rows)).max() < 1e-12
    assert forest.probabilities(rows[:0]).shape == (0, 4)


def test_unsupported_models_are_refused():
    rng = numpy.random.default_rng(0)
    rows, labels = rng.random((300, 3)), rng.random(300)
    booster = lightgbm.train({"objective": "regression", "verbosity": -1}, lightgbm.Dataset(rows, label=labels), 3)
    with pytest.raises(ModelFormatError):
        parse(booster.model_to_string())
    with pytest.raises(ModelFormatError):
        parse("tree\nversion=v4\nobjective=binary sigmoid:1\nmax_feature_idx=2\n")


def test_wrong_row_width_is_an_error():
    forest = parse((model.HERE / "text.txt").read_text(encoding="utf-8"))
    with pytest.raises(ValueError):
        forest.probabilities(numpy.zeros((2, forest.n_features + 1)))


def test_cleaning_never_imports_lightgbm():
    import subprocess
    import sys

    probe = (
        "import sys, cleaner\n"
        "page = '<html><body><p>' + 'A sentence of an article that goes on. ' * 20 + '</p></body></html>'\n"
        "doc = cleaner.clean(page)\n"
        "assert doc.ok and doc.provenance.model_version != 'none', doc\n"
        "assert 'lightgbm' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_rows_with_and_without_missing_values_take_the_same_splits():
    """A row's scores do not depend on the rows beside it: a row of NaN among them changes no bit."""
    forest = parse((model.HERE / "html.txt").read_text(encoding="utf-8"))
    rng = numpy.random.default_rng(11)
    rows = rng.random((50, forest.n_features)) * rng.choice([0.0, 1.0, 10.0], size=(50, forest.n_features))
    with_nan = numpy.vstack([rows, numpy.full((1, forest.n_features), numpy.nan)])
    assert numpy.array_equal(forest.probabilities(rows), forest.probabilities(with_nan)[:50])


def test_trees_of_more_than_32_leaves_match_lightgbm():
    rng = numpy.random.default_rng(5)
    rows = rng.normal(size=(2000, 5))
    labels = (numpy.sin(3 * rows[:, 0]) + rows[:, 1] * rows[:, 2] > 0).astype(int)
    forest, booster = _forest_and_booster(rows, labels, num_leaves=60, min_data_in_leaf=2)
    assert forest.max_leaves > 32
    assert numpy.abs(forest.probabilities(rows) - booster.predict(rows)).max() < 1e-12


def test_trees_of_more_than_64_leaves_match_lightgbm():
    rng = numpy.random.default_rng(6)
    rows = rng.normal(size=(3000, 5))
    labels = (numpy.sin(3 * rows[:, 0]) + rows[:, 1] * rows[:, 2] > 0).astype(int)
    forest, booster = _forest_and_booster(rows, labels, num_leaves=120, min_data_in_leaf=2)
    assert forest.max_leaves > 64
    assert numpy.abs(forest.probabilities(rows) - booster.predict(rows)).max() < 1e-12


def test_malformed_models_are_refused():
    text = (model.HERE / "text.txt").read_text(encoding="utf-8")
    first = text.index("left_child=")
    with pytest.raises(ModelFormatError):
        parse(text[:first] + "left_child=0" + text[text.index(" ", first) :])  # the root is its own child
    with pytest.raises(ModelFormatError):
        parse(re.sub(r"split_feature=\d+", "split_feature=100000", text, count=1))  # no such feature
