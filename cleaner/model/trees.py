"""Evaluate a LightGBM model from its text format, in the compiled core (``cleaner._core.Forest``).

Importing LightGBM's Python package pulls in its compatibility layer (pandas, scikit-learn,
scipy where installed) and costs far more than cleaning a page; the core reads the trees itself
and walks them row by row with the GIL released. Only what ``cleaner train`` writes is supported:
numerical splits of binary and softmax multiclass models. Anything else is refused at load time
so that a model can never be evaluated wrongly in silence. The tests compare every prediction
with LightGBM's own.

The core gives the raw scores (the leaves summed tree after tree, as LightGBM adds them); the
logistic and softmax links stay here, in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from cleaner import _core


class ModelFormatError(ValueError):
    """The text is not a model this evaluator can compute exactly."""


@dataclass(frozen=True)
class Forest:
    """A model's trees, read and evaluated by the core."""

    core: _core.Forest

    @property
    def n_features(self) -> int:
        return self.core.n_features

    @property
    def n_classes(self) -> int:
        """A multiclass model's trees take turns: tree i scores class i % n_classes."""
        return self.core.n_classes

    @property
    def max_leaves(self) -> int:
        """The most leaves of any one tree."""
        return self.core.max_leaves

    def raw(self, rows: numpy.ndarray) -> numpy.ndarray:
        """The summed leaf values of every row: LightGBM's raw score (rows x classes when multiclass).

        Trees are added one after the other, in their order, as LightGBM adds them.
        """
        rows = numpy.asarray(rows, dtype=numpy.float64)
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features, got shape {rows.shape}")
        raw = self.core.raw(rows)  # class after class: as rows x classes, each row's classes are summed in order
        return raw if self.n_classes == 1 else raw.reshape(self.n_classes, -1).T

    def probabilities(self, rows: numpy.ndarray) -> numpy.ndarray:
        """Binary: the positive class's probability per row (logistic). Multiclass: rows x classes (softmax)."""
        rows = numpy.asarray(rows, dtype=numpy.float64)
        if not len(rows):
            return numpy.zeros((0,) if self.n_classes == 1 else (0, self.n_classes))
        raw = self.raw(rows)
        if self.n_classes == 1:
            return 1.0 / (1.0 + numpy.exp(-raw))
        shifted = numpy.exp(raw - raw.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)


def parse(text: str) -> Forest:
    """Read a LightGBM text model (``Booster.model_to_string()``) into a Forest."""
    try:
        return Forest(_core.Forest(text))
    except ValueError as error:
        raise ModelFormatError(str(error)) from None
