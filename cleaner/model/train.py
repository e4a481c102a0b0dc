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
from typing import NamedTuple

import numpy

from cleaner.model.features import CLASSES, CONTEXT_NAMES, NAMES, as_if_open, context, features, rule_removed
from cleaner.records import Decision
from cleaner.segment.normalize import collapse

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
# per kind: lines of text carry less to split on, and trees of 15 leaves score them as well as 31, in
# half the time (measured: docs/decisions.md, "Text model: 15 leaves")
KIND_PARAMS = {"html": {}, "html_region": {}, "text": {"num_leaves": 15}}
# the HTML models, one per main-content verdict their rows read (cleaner.stages.VERDICT_MODELS): the
# default asks trafilatura only where the densest region is unsure, and each model decides the pages
# labelled by the verdict it learned from
HTML_KINDS = {"html": "trafilatura", "html_region": "region"}
KINDS = (*HTML_KINDS, "text")
# the class model: which boilerplate class a removed block belongs to; small, it only names reasons
CLASS_PARAMS = {**PARAMS, "objective": "multiclass", "num_class": len(CLASSES), "num_leaves": 15}
CLASS_ROUNDS = 25
# the context model (text only): a second model over each block's features and the content model's
# probabilities of its neighbours, trained on out-of-fold probabilities. Text only: for HTML it was
# tried and left out (measured: docs/decisions.md, "The context model")
CONTEXT_KINDS = ("text",)
CONTEXT_FOLDS = 2
CONTEXT_PARAMS = {"num_leaves": 15}
CONTEXT_ROUNDS = 100
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
    # balanced (text): the best mean F1 of the two inputs; favor recall is what keeps a recall-first
    # input's recall (measured: docs/decisions.md, "Text thresholds")
    "text": {"precision": 0.5, "balanced": 0.45, "recall": 0.15},
}
THRESHOLDS["html_region"] = THRESHOLDS["html"]
_TOKEN = re.compile(r"\w+")
# a long block not found verbatim in the gold is content when this share of its words, and this
# share of its word triples, are in the gold (measured: docs/decisions.md, "Labels: word triples")
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
    from cleaner.rules import builtin_ruleset
    from cleaner.segment.blocks import segment_html
    from cleaner.segment.parse import html_page

    blocks = segment_html(html_page(html), builtin_ruleset()).blocks
    return "\n".join(block.text for block in blocks if block.dom_reason != "hidden" and not block.collapsed)


def text_inputs(html: str) -> list[str]:
    """The two kinds of dirty text the text model learns from: the full visible text and a recall-first extraction."""
    import trafilatura

    recall = trafilatura.extract(html, favor_recall=True, include_comments=True) or ""
    return [t for t in (visible_text(html), recall) if t.strip()]


class Labeled(NamedTuple):
    """One input's blocks in reading order: their feature rows, labels, and which ones rules left open."""

    rows: numpy.ndarray
    labels: numpy.ndarray
    open: numpy.ndarray


Rows = tuple[list[Labeled], list[list[float]], list[int]]


def rows_of(record: dict) -> dict[str, Rows]:
    """Feature rows and labels of one page, for both kinds: every block of each input in order (the
    content model learns from the open ones), and class labels for the blocks that rules removed
    with a class the class model names."""
    from cleaner.input.decode import InputError
    from cleaner.rules import builtin_ruleset
    from cleaner.stages import html_decisions, text_decisions

    ruleset = builtin_ruleset()
    out: dict[str, Rows] = {kind: ([], [], []) for kind in KINDS}
    try:
        # hidden elements stay closed: opened on the pages whose article they hold, they also open those
        # pages' menus and popups, and the model learned that collapsed blocks are content (measured:
        # docs/decisions.md, "Training reads hidden elements closed")
        for kind, verdict in HTML_KINDS.items():
            decisions = html_decisions(record["html"], record.get("url"), ruleset, open_hidden=False, verdict=verdict)
            _add(out[kind], decisions[0], record["gold"])
        for text in text_inputs(record["html"]):
            _add(out["text"], text_decisions(text, ruleset)[0], record["gold"])
    except InputError:
        pass
    return out


def _add(target: Rows, decisions: list[Decision], gold: str) -> None:
    rows, marks = features(decisions), labels(decisions, gold)
    open_ = [not rule_removed(decision) for decision in decisions]
    target[0].append(Labeled(rows, numpy.asarray(marks), numpy.asarray(open_, dtype=bool)))
    for decision, row, is_open in zip(decisions, rows, open_, strict=True):
        if not is_open and decision.reason in CLASSES:
            target[1].append(as_if_open(row))
            target[2].append(CLASSES.index(decision.reason))


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
    augment: bool = False,
) -> dict:
    """Build rows from the labeled pages, train both models, write them and model.json to ``out``."""
    try:
        import lightgbm
    except ImportError as err:
        raise RuntimeError("training needs LightGBM: the train extra, pip install '.[train]' in the checkout") from err

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
    if augment:
        meta["augment"] = "class and id names blanked"
    meta["data"] = {"datasets": list(datasets), "licences": list(licences), "ids_sha256": _ids_digest(pages)}
    for kind in KINDS:
        sequences = [sequence for page in per_page for sequence in page[kind][0]]
        if augment:
            sequences += [_without_names(sequence) for sequence in sequences]
        rows, marks = _open_rows(sequences)
        params = {**PARAMS, **KIND_PARAMS[kind], "seed": seed, "bagging_seed": seed, "feature_fraction_seed": seed}
        booster = lightgbm.train(params, lightgbm.Dataset(rows, label=marks), num_boost_round=ROUNDS)
        text = booster.model_to_string()
        (out / f"{kind}.txt").write_text(text, encoding="utf-8")
        classes = _train_classes(lightgbm, per_page, kind, seed)
        (out / f"{kind}.classes.txt").write_text(classes["text"], encoding="utf-8")
        entry = {
            "classes": {k: v for k, v in classes.items() if k != "text"},
            "features": list(NAMES),
            "thresholds": THRESHOLDS[kind],
            "rows": len(rows),
            "content_share": round(float(marks.mean()) if len(marks) else 0.0, 4),
            "rounds": ROUNDS,
            "params": params,
        }
        texts = text + classes["text"]
        if kind in CONTEXT_KINDS:
            second = _train_context(lightgbm, per_page, kind, params, log)
            if second is not None:
                (out / f"{kind}.context.txt").write_text(second["text"], encoding="utf-8")
                entry["context"] = {k: v for k, v in second.items() if k != "text"}
                texts += second["text"]
        texts += json.dumps(THRESHOLDS[kind], sort_keys=True)  # the same trees with other thresholds decide otherwise
        entry["version"] = f"{kind}-1.2+{hashlib.sha256(texts.encode()).hexdigest()[:12]}"
        meta["models"][kind] = entry
        log(f"{kind}: {len(rows)} blocks, {int(marks.sum())} content, model {entry['version']}")
    if (out / "model.json").exists():  # the page-type model is trained on its own (``cleaner train --page-type``)
        before = json.loads((out / "model.json").read_text(encoding="utf-8")).get("models", {})
        meta["models"].update({k: v for k, v in before.items() if k == "page_type"})
    (out / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return meta


_NAME_COLUMNS = [i for i, name in enumerate(NAMES) if name.startswith("attr_")]


def _without_names(sequence: Labeled) -> Labeled:
    """The same blocks as if the page's class and id names said nothing (renamed by a site's build tool):
    so that no single name decides, the model also learns each block without them (``augment``)."""
    rows = sequence.rows.copy()
    rows[:, _NAME_COLUMNS] = 0.0
    return Labeled(rows, sequence.labels, sequence.open)


def _open_rows(sequences: Sequence[Labeled]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The rows and labels of the blocks the content model decides (those no rule removed), in order."""
    if not sequences:
        return numpy.zeros((0, len(NAMES))), numpy.zeros(0, dtype=int)
    rows = numpy.concatenate([s.rows[s.open] for s in sequences])
    return rows, numpy.concatenate([s.labels[s.open] for s in sequences])


def _train_context(lightgbm, per_page: list[dict], kind: str, params: dict, log) -> dict | None:
    """The context model: trained on the content model's out-of-fold probabilities of each block's neighbours.

    Pages take turns in ``CONTEXT_FOLDS`` folds (by their order, sorted by id); each fold's probabilities
    come from a content model trained on the other folds, so the context model learns how far to
    trust probabilities on pages the content model has not seen. None with fewer pages than folds,
    or when a fold's other pages have no block to learn from.
    """
    if len(per_page) < CONTEXT_FOLDS:
        log(f"{kind}: too few pages for a context model")
        return None
    folds = [i % CONTEXT_FOLDS for i in range(len(per_page))]
    probabilities: dict[tuple[int, int], numpy.ndarray] = {}
    for fold in range(CONTEXT_FOLDS):
        others = [s for page, f in zip(per_page, folds, strict=True) if f != fold for s in page[kind][0]]
        rows, marks = _open_rows(others)
        if not len(rows):
            log(f"{kind}: a fold without open blocks, no context model")
            return None
        booster = lightgbm.train(params, lightgbm.Dataset(rows, label=marks), num_boost_round=ROUNDS)
        for i, (page, f) in enumerate(zip(per_page, folds, strict=True)):
            if f == fold:
                for j, sequence in enumerate(page[kind][0]):
                    probabilities[i, j] = booster.predict(sequence.rows, num_threads=1)
    stacked = [
        Labeled(numpy.hstack([s.rows, context(probabilities[i, j], s.rows, s.open)]), s.labels, s.open)
        for i, page in enumerate(per_page)
        for j, s in enumerate(page[kind][0])
    ]
    rows, marks = _open_rows(stacked)
    settings = {**params, **CONTEXT_PARAMS}
    booster = lightgbm.train(settings, lightgbm.Dataset(rows, label=marks), num_boost_round=CONTEXT_ROUNDS)
    return {
        "text": booster.model_to_string(),
        "file": f"{kind}.context.txt",
        "features": list(NAMES + CONTEXT_NAMES),
        "folds": CONTEXT_FOLDS,
        "rows": len(rows),
        "rounds": CONTEXT_ROUNDS,
        "params": settings,
    }


def _train_classes(lightgbm, per_page, kind: str, seed: int) -> dict:
    """The class model of one kind, from the blocks rules removed; its text and what model.json says of it."""
    rows = [row for page in per_page for row in page[kind][1]]
    labels = [label for page in per_page for label in page[kind][2]]
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
