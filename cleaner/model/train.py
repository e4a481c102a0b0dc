"""Train the block classifiers from labeled pages: ``cleaner train --data DIR --out DIR``.

Labeled pages use the shared data's record format (JSON Lines, optionally gzipped): at least
``id``, ``html`` and ``gold`` (the main content, one paragraph per line), plus ``split`` and
``licence`` to filter on. Each block (HTML) or line (text) is labeled content when it is found
in the gold, boilerplate otherwise. The same data, seed and versions give the same model.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing import Pool
from pathlib import Path

from cleaner.model.features import CLASSES, NAMES, as_if_open, features, rule_removed
from cleaner.normalize import collapse
from cleaner.records import Decision

SHIPPABLE_LICENCES = ("CC-BY-4.0",)
PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
ROUNDS = 250
# per kind: lines of text carry less to split on, and trees of 15 leaves score them as well as 31
# (dev, text mode: visible-text F1 0.827 vs 0.828, favor_recall input 0.839 either way) in half the time
KIND_PARAMS = {"html": {}, "text": {"num_leaves": 15}}
# the class model: which boilerplate class a removed block belongs to; small, it only names reasons
CLASS_PARAMS = {**PARAMS, "objective": "multiclass", "num_class": len(CLASSES), "num_leaves": 15}
CLASS_ROUNDS = 25
# content probability a block needs to stay, per favor. "overrule" (HTML only): the higher bar for a
# block that trafilatura dropped on a page where trafilatura kept at least "overrule_words" words:
# there its verdict is strong (the model learned from wcxb's listings and forums, where it is weak).
THRESHOLDS = {
    "html": {
        "precision": 0.6,
        "balanced": 0.45,
        "recall": 0.3,
        "overrule": {"precision": 0.75, "balanced": 0.6, "recall": 0.45},
        "overrule_words": 100,
    },
    # balanced (text): on the train split, mean F1 on full visible text / on favor_recall output, and that
    # output's recall: 0.3: 0.8451 / 0.8621, 0.8925; 0.4: 0.8521 / 0.8608, 0.8870; 0.45: 0.8542 / 0.8595,
    # 0.8830; 0.5: 0.8549 / 0.8582, 0.8797. 0.4 takes most of the gain for 0.006 recall (0.45: 0.010).
    "text": {"precision": 0.5, "balanced": 0.4, "recall": 0.15},
}
_TOKEN = re.compile(r"\w+")
# a long block not found verbatim in the gold is content when this share of its words, and this
# share of its word triples, are in the gold. Triples: on the train split, with the text model
# retrained, text mode's F1 on the other datasets' visible text went 0.870 -> 0.873 (two seeds;
# 0.5: 0.872, 0.9: 0.872)
_COVERED, _IN_ORDER = 0.9, 0.75


def read_records(paths: Iterable[Path]) -> Iterator[dict]:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)


def labels(decisions: Sequence[Decision], gold: str) -> list[int]:
    """1 where a block's text is part of the gold: whole (short blocks) or nearly all of it (long ones).

    A long block not found verbatim counts when nearly all its words and most of its word triples
    are in the gold. Words alone are not enough: a teaser headline or a tagline built from the
    article's own words ("These are the best appliances of 2025") would pass, and the models
    learned to keep such lines (wcxb train: 1,337 of 7,880 long content lines of 150 pages came
    through the words alone; 261 of them share under half their triples with the gold).
    """
    lines = {collapse(line) for line in gold.split("\n")}
    flat = " ".join(collapse(line) for line in gold.split("\n"))
    gold_words = [t.lower() for t in _TOKEN.findall(gold)]
    vocabulary, triples = set(gold_words), set(_triples(gold_words))
    out = []
    for decision in decisions:
        text = collapse(decision.block.text)
        if len(text) < 40:
            out.append(int(text in lines or (len(text.split()) >= 3 and text in flat)))
            continue
        if text in flat:
            out.append(1)
            continue
        words = [t.lower() for t in _TOKEN.findall(text)]
        own = _triples(words)
        covered = sum(1 for t in words if t in vocabulary) / max(1, len(words))
        in_order = sum(1 for t in own if t in triples) / max(1, len(own))
        out.append(int(covered >= _COVERED and in_order >= _IN_ORDER))
    return out


def _triples(words: Sequence[str]) -> list[tuple[str, str, str]]:
    return list(zip(words, words[1:], words[2:], strict=False))  # the shorter slices end it


def visible_text(html: str) -> str:
    """A page's full visible text, one block per line: the dirtiest already-extracted input."""
    from cleaner.parse import parse_html
    from cleaner.rules import builtin_ruleset
    from cleaner.segment import segment_html

    blocks = segment_html(parse_html(html), builtin_ruleset()).blocks
    return "\n".join(block.text for block in blocks if block.dom_reason != "hidden" and not block.collapsed)


def text_inputs(html: str) -> list[str]:
    """The two kinds of dirty text the text model learns from: the full visible text and a recall-first extraction."""
    import trafilatura

    recall = trafilatura.extract(html, favor_recall=True, include_comments=True) or ""
    return [t for t in (visible_text(html), recall) if t.strip()]


Rows = tuple[list[list[float]], list[int], list[list[float]], list[int]]


def rows_of(record: dict) -> dict[str, Rows]:
    """Feature rows and labels of one page, for both kinds: content labels for the blocks the model
    would decide, class labels for the blocks that rules removed with a class the class model names."""
    from cleaner.api import html_decisions, text_decisions
    from cleaner.decode import InputError
    from cleaner.rules import builtin_ruleset

    ruleset = builtin_ruleset()
    out: dict[str, Rows] = {"html": ([], [], [], []), "text": ([], [], [], [])}
    try:
        decisions = html_decisions(record["html"], record.get("url"), ruleset)[0]
        _add(out["html"], decisions, record["gold"])
        for text in text_inputs(record["html"]):
            _add(out["text"], text_decisions(text, ruleset)[0], record["gold"])
    except InputError:
        pass
    return out


def _add(target, decisions: list[Decision], gold: str) -> None:
    rows, marks = features(decisions), labels(decisions, gold)
    for decision, row, mark in zip(decisions, rows, marks, strict=True):
        if rule_removed(decision):
            if decision.reason in CLASSES:
                target[2].append(as_if_open(row))
                target[3].append(CLASSES.index(decision.reason))
            continue
        target[0].append(row)
        target[1].append(mark)


def train(
    data: Path,
    out: Path,
    *,
    seed: int = 0,
    datasets: Sequence[str] = ("wcxb",),
    split: str = "train",
    licences: Sequence[str] = SHIPPABLE_LICENCES,
    jobs: int = 2,
    log=print,
) -> dict:
    """Build rows from the labeled pages, train both models, write them and model.json to ``out``."""
    import numpy

    try:
        import lightgbm
    except ImportError as err:
        raise RuntimeError("training needs LightGBM: pip install 'cleaner[train]'") from err

    paths = [data] if data.is_file() else [data / f"{name}.jsonl.gz" for name in datasets]
    pages = [
        {k: r[k] for k in ("id", "html", "gold", "url") if k in r}
        for r in read_records(paths)
        if r.get("split", split) == split and (not licences or r.get("licence") in licences)
    ]
    if not pages:
        raise ValueError(f"no labeled pages in {data} (split {split!r}, licences {list(licences)})")
    pages.sort(key=lambda r: r["id"])
    log(f"{len(pages)} pages from {', '.join(str(p) for p in paths)}")
    with Pool(jobs) as pool:
        per_page = pool.map(rows_of, pages, chunksize=4)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"format": "lightgbm-text", "seed": seed, "pages": len(pages), "split": split, "models": {}}
    meta["data"] = {"datasets": list(datasets), "licences": list(licences), "ids_sha256": _ids_digest(pages)}
    for kind in ("html", "text"):
        rows = [row for page in per_page for row in page[kind][0]]
        marks = [mark for page in per_page for mark in page[kind][1]]
        dataset = lightgbm.Dataset(numpy.asarray(rows, dtype=numpy.float64), label=numpy.asarray(marks))
        params = {**PARAMS, **KIND_PARAMS[kind], "seed": seed, "bagging_seed": seed, "feature_fraction_seed": seed}
        booster = lightgbm.train(params, dataset, num_boost_round=ROUNDS)
        text = booster.model_to_string()
        (out / f"{kind}.txt").write_text(text, encoding="utf-8")
        classes = _train_classes(lightgbm, numpy, per_page, kind, seed)
        (out / f"{kind}.classes.txt").write_text(classes["text"], encoding="utf-8")
        digest = hashlib.sha256((text + classes["text"]).encode()).hexdigest()[:12]
        meta["models"][kind] = {
            "version": f"{kind}-1.1+{digest}",
            "classes": {k: v for k, v in classes.items() if k != "text"},
            "features": list(NAMES),
            "thresholds": THRESHOLDS[kind],
            "rows": len(rows),
            "content_share": round(sum(marks) / max(1, len(marks)), 4),
            "rounds": ROUNDS,
            "params": params,
        }
        log(f"{kind}: {len(rows)} blocks, {sum(marks)} content, model {meta['models'][kind]['version']}")
    (out / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return meta


def _train_classes(lightgbm, numpy, per_page, kind: str, seed: int) -> dict:
    """The class model of one kind, from the blocks rules removed; its text and what model.json says of it."""
    rows = [row for page in per_page for row in page[kind][2]]
    labels = [label for page in per_page for label in page[kind][3]]
    if len(set(labels)) < 2:
        raise ValueError(f"too few rule-removed blocks to learn boilerplate classes from ({kind})")
    params = {**CLASS_PARAMS, "seed": seed, "bagging_seed": seed, "feature_fraction_seed": seed}
    dataset = lightgbm.Dataset(numpy.asarray(rows, dtype=numpy.float64), label=numpy.asarray(labels))
    booster = lightgbm.train(params, dataset, num_boost_round=CLASS_ROUNDS)
    return {
        "text": booster.model_to_string(),
        "file": f"{kind}.classes.txt",
        "names": list(CLASSES),
        "rows": len(rows),
        "rounds": CLASS_ROUNDS,
        "params": params,
    }


def _ids_digest(pages: Sequence[dict]) -> str:
    return hashlib.sha256("\n".join(page["id"] for page in pages).encode()).hexdigest()[:16]
