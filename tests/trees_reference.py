"""The numpy evaluator of LightGBM text models that the compiled core replaced (``cleaner._core.Forest``).

Kept here alone, as the reference the core is checked against in ``test_core_equivalence.py``: the
same raw scores, bit for bit. It evaluates every split of every tree at once and keeps, per row and
tree, the first leaf that no split ruled out; the core walks each tree from its root instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy

_ZERO = 1e-35  # LightGBM's kZeroThreshold: |x| at or below it counts as zero for missing-value handling
_MISSING_NONE, _MISSING_ZERO, _MISSING_NAN = 0, 1, 2
_ALL = numpy.uint64(2**64 - 1)
_CHUNK = 256  # rows per pass: one pass holds rows x trees x nodes values


class ModelFormatError(ValueError):
    """The text is not a model this evaluator can compute exactly."""


@dataclass(frozen=True)
class Forest:
    """All trees as (trees, nodes) arrays; leaves are numbered left to right within each tree."""

    feature: numpy.ndarray  # split feature (0 for padding nodes, whose threshold is +inf)
    threshold: numpy.ndarray
    default_left: numpy.ndarray  # bool: where a missing value goes
    missing: numpy.ndarray  # missing-value type: none, zero or NaN
    special: numpy.ndarray  # bool: the node treats some values as missing
    mask: numpy.ndarray  # uint64: every leaf bit set except those of the node's left subtree
    leaf: numpy.ndarray  # (trees, leaves) value, left to right
    n_features: int
    n_classes: int = 1  # a multiclass model's trees take turns: tree i scores class i % n_classes
    _by_node: _Nodes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_node", _by_node(self))

    def raw(self, rows: numpy.ndarray) -> numpy.ndarray:
        """The summed leaf values of every row: LightGBM's raw score (rows x classes when multiclass).

        Trees are added one after the other, in their order, as LightGBM adds them.
        """
        leaves = self._leaves(rows)  # (trees, rows)
        if self.n_classes == 1:
            return leaves.sum(axis=0)
        return leaves.reshape(-1, self.n_classes, leaves.shape[1]).sum(axis=0).T

    def _leaves(self, rows: numpy.ndarray) -> numpy.ndarray:
        """The value of the leaf each row reaches in each tree, as (trees, rows).

        Every split of every tree is tested at once; a split that sends a row right rules out
        the leaves of its left subtree (``mask``), and the row's leaf in each tree is the first
        one left standing. The arrays are laid out node-major (nodes, trees, rows): the leaves
        ruled out are OR-ed one node layer at a time (a loop of at most 63 steps, none over trees
        or rows), in the narrowest word that holds every leaf, which keeps the working set in cache.
        """
        rows = numpy.asarray(rows, dtype=numpy.float64)
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features, got shape {rows.shape}")
        nodes = self._by_node
        if nodes.plain and not numpy.isnan(rows).any():
            # no missing values to route: each distinct (feature, threshold) test is made once per row
            tests = numpy.ascontiguousarray((rows[:, nodes.test_feature] <= nodes.test_threshold).T)
            go_left = tests[nodes.test]
        else:
            go_left = self._go_left(rows)
        ruled_out = numpy.zeros(go_left.shape[1:], dtype=nodes.left_bits.dtype)  # (trees, rows)
        for goes_right, left_bits in zip(~go_left, nodes.left_bits, strict=True):
            ruled_out |= goes_right * left_bits
        standing = ~ruled_out
        first = numpy.log2(standing & -standing).astype(numpy.int64)  # lowest set bit
        first += nodes.leaf_offset  # the leaf's index in the flat (trees x leaves) values
        return numpy.take(nodes.leaf_flat, first)

    def _go_left(self, rows: numpy.ndarray) -> numpy.ndarray:
        """(nodes, trees, rows): where each split sends each row, missing values (NaN, or zero) included."""
        nodes = self._by_node
        values = numpy.ascontiguousarray(rows.T)[nodes.feature]
        nan = numpy.isnan(values)
        if nan.any():
            values = numpy.where(nan & (nodes.missing != _MISSING_NAN), 0.0, values)
        go_left = values <= nodes.threshold
        if nodes.plain:
            return go_left
        is_missing = ((nodes.missing == _MISSING_ZERO) & (numpy.abs(values) <= _ZERO)) | (
            (nodes.missing == _MISSING_NAN) & nan
        )
        return numpy.where(is_missing, nodes.default_left, go_left)

    def probabilities(self, rows: numpy.ndarray) -> numpy.ndarray:
        """Binary: the positive class's probability per row (logistic). Multiclass: rows x classes (softmax).

        Rows are scored a chunk at a time, so memory stays bounded however long the page.
        """
        rows = numpy.asarray(rows, dtype=numpy.float64)
        if not len(rows):
            return numpy.zeros((0,) if self.n_classes == 1 else (0, self.n_classes))
        raw = numpy.concatenate([self.raw(rows[i : i + _CHUNK]) for i in range(0, len(rows), _CHUNK)])
        if self.n_classes == 1:
            return 1.0 / (1.0 + numpy.exp(-raw))
        shifted = numpy.exp(raw - raw.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)


def parse(text: str) -> Forest:
    """Read a LightGBM text model (``Booster.model_to_string()``) into a Forest."""
    header, _, body = text.partition("\nTree=")
    head = _fields(header)
    objective = head.get("objective", "").split()[:1]
    n_classes = int(head.get("num_class", "1"))
    if not ((objective == ["binary"] and n_classes == 1) or (objective == ["multiclass"] and n_classes > 1)):
        raise ModelFormatError(f"only binary and softmax multiclass models are supported, not {objective}")
    if int(head.get("num_tree_per_iteration", str(n_classes))) != n_classes:
        raise ModelFormatError("a multiclass model must have one tree per class and iteration")
    n_features = int(head["max_feature_idx"]) + 1
    trees = []
    for chunk in ("Tree=" + body).split("\nTree=")[: int(head.get("num_trees", 10**9))]:
        chunk = chunk.split("\nend of trees")[0]
        fields = _fields(chunk)
        if "num_leaves" not in fields:
            continue
        if int(fields.get("num_cat", "0")) or fields.get("is_linear", "0") != "0":
            raise ModelFormatError("categorical splits and linear trees are not supported")
        trees.append(fields)
    if not trees or len(trees) % n_classes:
        raise ModelFormatError("no trees, or not as many for every class, in the model text")
    return _flatten(trees, n_features, n_classes)


def _fields(chunk: str) -> dict[str, str]:
    out = {}
    for line in chunk.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _numbers(fields: dict[str, str], key: str, kind) -> numpy.ndarray:
    return numpy.asarray(fields.get(key, "").split(), dtype=numpy.float64 if kind is float else numpy.int64)


def _flatten(trees: list[dict[str, str]], n_features: int, n_classes: int) -> Forest:
    leaves = max(int(t["num_leaves"]) for t in trees)
    if leaves > 64:
        raise ModelFormatError(f"trees of more than 64 leaves are not supported ({leaves})")
    shape = (len(trees), max(1, leaves - 1))
    feature = numpy.zeros(shape, dtype=numpy.int64)
    threshold = numpy.full(shape, numpy.inf)
    default_left = numpy.ones(shape, dtype=bool)
    missing = numpy.zeros(shape, dtype=numpy.int64)
    mask = numpy.full(shape, _ALL, dtype=numpy.uint64)
    leaf = numpy.zeros((len(trees), leaves))
    for i, tree in enumerate(trees):
        values = _numbers(tree, "leaf_value", float)
        splits = int(tree["num_leaves"]) - 1
        if splits == 0:
            leaf[i, 0] = values[0]
            continue
        left, right = _numbers(tree, "left_child", int).tolist(), _numbers(tree, "right_child", int).tolist()
        order, spans = _leaf_order(left, right)
        leaf[i, : len(order)] = values[order]
        decision = _numbers(tree, "decision_type", int)
        feature[i, :splits] = _numbers(tree, "split_feature", int)
        threshold[i, :splits] = _numbers(tree, "threshold", float)
        default_left[i, :splits] = (decision & 2) > 0
        missing[i, :splits] = (decision >> 2) & 3
        nodes = list(spans)
        mask[i, nodes] = [(2**64 - 1) ^ ((1 << last) - 1) ^ ((1 << first) - 1) for first, last in spans.values()]
    special = missing != _MISSING_NONE
    return Forest(feature, threshold, default_left, missing, special, mask, leaf, n_features, n_classes)


class _Nodes(NamedTuple):
    """A forest's splits node-major, (nodes, trees, 1), for evaluating many rows at once."""

    feature: numpy.ndarray  # (nodes, trees)
    threshold: numpy.ndarray
    default_left: numpy.ndarray
    missing: numpy.ndarray
    left_bits: numpy.ndarray  # the leaves of each node's left subtree (~mask), in the narrowest word that holds them
    plain: bool  # no split treats a value as missing
    test_feature: numpy.ndarray  # the distinct (feature, threshold) tests...
    test_threshold: numpy.ndarray
    test: numpy.ndarray  # ...and which one each node makes, (nodes, trees)
    leaf_flat: numpy.ndarray  # the leaf values, tree after tree
    leaf_offset: numpy.ndarray  # where each tree's leaves start in leaf_flat, (trees, 1)


def _by_node(forest: Forest) -> _Nodes:
    word = next(w for w in (numpy.uint16, numpy.uint32, numpy.uint64) if forest.leaf.shape[1] <= numpy.iinfo(w).bits)
    feature = numpy.ascontiguousarray(forest.feature.T)
    threshold, default_left, missing = (
        numpy.ascontiguousarray(a.T)[:, :, None] for a in (forest.threshold, forest.default_left, forest.missing)
    )
    left_bits = (~numpy.ascontiguousarray(forest.mask.T)).astype(word)[:, :, None]  # a narrow word keeps the low bits
    pairs = numpy.stack([feature.ravel().astype(numpy.float64), threshold.ravel()])
    tests, test = numpy.unique(pairs, axis=1, return_inverse=True)
    return _Nodes(
        feature,
        threshold,
        default_left,
        missing,
        left_bits,
        not forest.special.any(),
        tests[0].astype(numpy.int64),
        tests[1],
        test.reshape(feature.shape),
        numpy.ascontiguousarray(forest.leaf).ravel(),
        (numpy.arange(forest.leaf.shape[0]) * forest.leaf.shape[1])[:, None],
    )


def _leaf_order(left: list[int], right: list[int]) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """Leaves from left to right, and for each split the range of positions its left subtree covers."""
    order: list[int] = []
    spans: dict[int, tuple[int, int]] = {}

    def walk(child: int) -> None:
        if child < 0:
            order.append(~child)
            return
        start = len(order)
        walk(left[child])
        spans[child] = (start, len(order))
        walk(right[child])

    walk(0)
    return order, spans
