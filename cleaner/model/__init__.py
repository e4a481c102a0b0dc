"""The learned block classifier: LightGBM models in their own text format, never pickles.

The models are trained with LightGBM (:mod:`cleaner.model.train`) and evaluated by
:mod:`cleaner.model.trees`, which reads the same text in the compiled core (``core/src/trees.rs``):
cleaning never imports LightGBM.

Two models ship beside this file: ``html.txt`` for blocks of HTML pages and ``text.txt`` for lines
of already-extracted text, with ``model.json`` naming their features, thresholds and training data.
A model may have a context model (``text.context.txt``): it scores each block again from its own
features and the content model's probabilities of its neighbours, and its probability decides.
Rules that decide alone stay authoritative. The model decides every other block, among them the
blocks that a rule marked only as evidence (``Decision.evidence``: markup on a paragraph of prose,
a text rule measured imprecise), weighing the marker as a feature and as a raised bar.
Training code: :mod:`cleaner.model.train` (``cleaner train``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy

from cleaner.decide.state import is_paragraph
from cleaner.model.features import CONTEXT_NAMES, NAMES, context, features, rule_removed, word_count
from cleaner.model.trees import Forest, parse
from cleaner.options import FAVORS  # noqa: F401  (the favors each model has a threshold for)
from cleaner.records import Decision
from cleaner.rules import measured_precision

HERE = Path(__file__).resolve().parent
_CONFIDENT = 0.8  # neighbours this sure of content pull a doubtful block in
_ROWS = 4096  # rows per chunk of the context model's input
_CLASS_CONFIDENCE = 0.5  # below this, a removed block's reason stays the generic "boilerplate"


@dataclass(frozen=True)
class Model:
    kind: str
    version: str
    thresholds: dict
    forest: Forest
    classes: Forest | None = None  # names the boilerplate class of a block the content model removes
    class_names: tuple[str, ...] = ()
    context: Forest | None = None  # scores again with the neighbours' probabilities (CONTEXT_NAMES)

    def content_probabilities(
        self, rows: numpy.ndarray, open_: Sequence[bool], *, use_context: bool = True
    ) -> numpy.ndarray:
        """Each block's probability of being content: the content model's, then the context model's."""
        probabilities = self.forest.probabilities(rows)
        if self.context is None or not use_context or not len(rows):
            return probabilities
        around = context(probabilities, rows, numpy.asarray(open_))
        # a chunk of rows at a time: the rows and their context side by side never exist for the whole page
        return numpy.concatenate(
            [
                self.context.probabilities(numpy.hstack([rows[i : i + _ROWS], around[i : i + _ROWS]]))
                for i in range(0, len(rows), _ROWS)
            ]
        )

    def name_classes(self, rows: numpy.ndarray) -> list[str]:
        """The likeliest boilerplate class of each row, or "boilerplate" where no class is likely enough."""
        if self.classes is None or not len(rows):
            return ["boilerplate"] * len(rows)
        probabilities = self.classes.probabilities(rows)
        best = probabilities.argmax(axis=1)
        likely = probabilities[numpy.arange(len(best)), best] >= _CLASS_CONFIDENCE
        pairs = zip(best.tolist(), likely.tolist(), strict=True)
        return [self.class_names[b] if sure else "boilerplate" for b, sure in pairs]


def threshold(kind: str, favor: str) -> float:
    """The model's bar for keeping a block at ``favor`` (0.5 where no model is shipped)."""
    loaded = load(kind)
    return loaded.thresholds[favor] if loaded is not None else 0.5


@lru_cache(maxsize=4)
def load(kind: str, folder: Path = HERE) -> Model | None:
    """The model for ``kind`` ("html" or "text") from ``folder``; None when none is there."""
    meta_path, model_path = folder / "model.json", folder / f"{kind}.txt"
    if not meta_path.exists() or not model_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    entry = meta["models"][kind]
    if tuple(entry["features"]) != NAMES:
        raise RuntimeError(f"model {model_path} was trained on other features; retrain it with `cleaner train`")
    forest = parse(model_path.read_text(encoding="utf-8"))
    classes, names = None, ()
    if "classes" in entry and (folder / entry["classes"]["file"]).exists():
        classes = parse((folder / entry["classes"]["file"]).read_text(encoding="utf-8"))
        names = tuple(entry["classes"]["names"])
        if classes.n_classes != len(names):
            raise RuntimeError(f"class model of {model_path} names {len(names)} classes but has {classes.n_classes}")
    second = None
    if "context" in entry:
        if tuple(entry["context"]["features"]) != NAMES + CONTEXT_NAMES:
            raise RuntimeError(f"context model of {model_path} was trained on other features; retrain it")
        second = parse((folder / entry["context"]["file"]).read_text(encoding="utf-8"))
    return Model(kind, entry["version"], entry["thresholds"], forest, classes, names, second)


def version(kind: str) -> str:
    model = load(kind)
    return model.version if model else "none"


def refine(
    decisions: list[Decision], kind: str, favor: str = "balanced", *, use_context: bool = True
) -> list[Decision]:
    """Let the model decide every block that rules left open, then smooth over neighbours.

    ``use_context=False`` leaves the context model out (the fast preset: on resiliparse's main
    content it changed nothing measurable, and it costs a third forest).
    """
    model = load(kind)
    if model is None or not decisions:
        return decisions
    rows = features(decisions)
    open_ = [not rule_removed(d) for d in decisions]
    probabilities = model.content_probabilities(rows, open_, use_context=use_context).tolist()
    thresholds = _thresholds(model, favor, decisions, probabilities, open_)
    keep = [p >= t for p, t in zip(probabilities, thresholds, strict=True)]
    for i in range(1, len(decisions) - 1):
        if open_[i] and not keep[i] and not decisions[i].evidence and probabilities[i] >= thresholds[i] / 2:
            if probabilities[i - 1] >= _CONFIDENT and probabilities[i + 1] >= _CONFIDENT:
                keep[i] = True
    for i, decision in enumerate(decisions):
        if open_[i] and not keep[i] and kind == "text" and is_paragraph(decision.block):
            keep[i] = True
    removed = [i for i in range(len(decisions)) if open_[i] and not keep[i]]
    reasons = dict(zip(removed, model.name_classes(rows[removed]), strict=True))
    refined = []
    for i, decision in enumerate(decisions):
        if not open_[i]:
            refined.append(decision)
        elif keep[i]:
            refined.append(Decision(decision.block, True, None, None, probabilities[i]))
        elif decision.evidence:  # the markup's reason stands, now that the model agrees with it
            refined.append(dataclasses.replace(decision, score=probabilities[i]))
        else:
            refined.append(Decision(decision.block, False, reasons[i], f"model.{kind}", probabilities[i]))
    return refined


def _thresholds(
    model: Model, favor: str, decisions: list[Decision], probabilities: list[float], open_: list[bool]
) -> list[float]:
    """Each block's bar: higher for overruling trafilatura where it kept a real article, and for keeping a block
    that markup or a rule marked (``Decision.evidence``: the marker is a prior as well as a feature)."""
    base = model.thresholds[favor]
    overrule = model.thresholds.get("overrule")
    if not overrule:
        return [base] * len(decisions)
    marked = [_evidence_bar(model, favor, d) for d in decisions]
    agreed = sum(
        word_count(d.block.text)
        for d, p, o in zip(decisions, probabilities, open_, strict=True)
        if o and d.block.main_content and p >= base
    )
    if agreed < model.thresholds["overrule_words"]:
        return [bar if d.evidence else base for d, bar in zip(decisions, marked, strict=True)]
    return [
        bar if d.evidence else overrule[favor] if d.block.main_content is False else base
        for d, bar in zip(decisions, marked, strict=True)
    ]


def _evidence_bar(model: Model, favor: str, decision: Decision) -> float:
    """The bar for keeping a block that markup marked: that of overruling trafilatura where trafilatura kept
    the block; where it did not (or never saw it: hidden text), two signals stand against the block, and the
    model must also be surer that it is content than the marking rule was measured right (its precision).

    ``favor`` moves the bar as it moves the overruling one.
    """
    if not decision.evidence:
        return 0.0
    overrule = model.thresholds["overrule"]
    if decision.block.main_content:
        return overrule[favor]
    shift = overrule[favor] - overrule["balanced"]
    precision = measured_precision(decision.rule) or 0.0
    return max(overrule[favor], min(1.0, precision + shift))
