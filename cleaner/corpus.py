"""Corpus-level boilerplate: site templates and near-duplicate documents, decided over a whole batch.

A rule knows boilerplate by its words; a site template is known by repetition instead: a block
(normalized: lower case, digits as 0, spaces collapsed) that appears in at least ``min_docs``
documents of one site *and* in at least ``share`` of that site's documents is the site's template
(the same subscription prompt under every article of one newspaper). Only blocks the pipeline kept
are removed, with reason ``site_template``, and never all of a document's blocks: a page made only
of repeated blocks is a duplicate, which ``duplicate_of`` reports instead.

Near duplicates are found with MinHash over word 5-shingles of the clean text (after site
templates are gone, so that a shared template does not make two articles look alike) and LSH. Two
documents are near duplicates when their estimated Jaccard similarity is at least ``threshold``,
or when at least 70% of the smaller one is contained in the other (a truncated capture
of the same article, as seeds 000 and 001 are). The *later* document is flagged ``duplicate_of``
the earliest such earlier document.

Everything here works on small per-document values (a site, a tuple of 64-bit block hashes, a
MinHash signature), so that the counts can be made in one process (``cleaner clean``) or by a
group-by across a Spark job:

1. per document: :func:`fingerprint` (site and block hashes) and :func:`kept_blocks`;
2. across the corpus: count documents per site and per (site, block hash), each page once: a near
   duplicate of an earlier document at the same address (a version of one updated story) is not
   counted again;
   :func:`is_template` decides one (site, block) from those counts;
3. per document again: :func:`remove_templates`, then :func:`signature` and :func:`band_keys`
   (documents that share a band key are candidates; :func:`similarity` confirms), or the
   in-process :class:`Deduper`.

Memory: the counts hold 8 bytes per block of each document and the deduper about 2 KB per
document (a 1 KB signature and 64 band keys), so they grow with the corpus, not with the size of
its documents; ``--no-site-template`` and ``--no-dedup`` turn them off.
"""

from __future__ import annotations

import base64
import hashlib
import operator
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from cleaner.records import CleanDocument

SITE_TEMPLATE_MIN_DOCS = 5
SITE_TEMPLATE_SHARE = 0.5
DEDUP_THRESHOLD = 0.8
CANDIDATE_THRESHOLD = 0.3  # LSH recall: containment 0.8 of a text in one 2-3 times its length is Jaccard ~0.3
CONTAINMENT_THRESHOLD = 0.7
MIN_CONTAINED_SHINGLES = 20  # containment is not judged for texts shorter than this
NUM_PERM = 256
SHINGLE_WORDS = 5
SEED = 1
REASON = "site_template"
RULE = "corpus.site_template"

_DIGIT = re.compile(r"\d")
_ASCII_ZEROS = bytes.maketrans(b"0123456789", b"0" * 10)  # \d's ASCII matches, each to "0"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """What the corpus counts need of one document: its site and the distinct hashes of its blocks."""

    site: str
    blocks: tuple[int, ...]


@dataclass(frozen=True)
class Thresholds:
    min_docs: int = SITE_TEMPLATE_MIN_DOCS
    share: float = SITE_TEMPLATE_SHARE


@dataclass(frozen=True)
class CorpusOptions:
    """The corpus pass of a batch or a Spark job: site templates and near duplicates."""

    site_template: bool = True
    thresholds: Thresholds = field(default_factory=Thresholds)
    dedup: bool = True
    dedup_threshold: float = DEDUP_THRESHOLD

    @property
    def on(self) -> bool:
        return self.site_template or self.dedup


def block_hash(text: str) -> int:
    """A signed 64-bit hash of a block's normalized text (fits a Spark LongType).

    Normalized: lower case, whitespace runs to one space, no space at the ends, every digit "0".
    ``split()`` and ``\\s`` agree on what whitespace is; an ASCII text has its digits swapped by
    ``bytes.translate``, in C, rather than one regex replacement per digit.
    """
    words = " ".join(text.lower().split())
    if words.isascii():
        normalized = words.encode("ascii").translate(_ASCII_ZEROS)
    else:
        normalized = _DIGIT.sub("0", words).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(normalized, digest_size=8).digest(), "big", signed=True)


def site_of(url: str | None, fallback: str) -> str:
    """The host of ``url`` without ``www.``; ``fallback`` (a directory, a WARC file) when there is none."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return fallback
    return host[4:] if host.startswith("www.") else host


def page_of(url: str | None) -> str | None:
    """The address of a page, whatever its query and fragment (``?v=2``, ``#comments``): host and path."""
    parts = urlsplit(url) if url else None
    if parts is None or not parts.hostname:
        return None
    host = parts.hostname[4:] if parts.hostname.startswith("www.") else parts.hostname
    return host + (parts.path.rstrip("/") or "/")


def fingerprint(doc: CleanDocument, fallback_site: str) -> Fingerprint:
    """Block hashes of every block (kept or removed): a template counts wherever it appears."""
    hashes = sorted({block_hash(d.block.text) for d in doc.decisions})
    return Fingerprint(site_of(doc.url, fallback_site), tuple(hashes))


def kept_blocks(doc: CleanDocument) -> list[tuple[str, int, int]]:
    """(text, start, end) of the kept blocks, what :func:`remove_templates` needs later."""
    return [(d.block.text, d.block.start, d.block.end) for d in doc.decisions if d.keep]


def is_template(block_docs: int, site_docs: int, thresholds: Thresholds = Thresholds()) -> bool:
    """Is a block seen in ``block_docs`` of a site's ``site_docs`` documents part of its template?"""
    return block_docs >= thresholds.min_docs and block_docs >= thresholds.share * site_docs


@dataclass
class SiteCounts:
    """Document counts per site and per (site, block), made in one process.

    Each document's distinct block hashes are appended to its site's array (8 bytes a block, not
    a counter entry of about 150), and counted once, in :meth:`templates`.

    A document at the same address as an earlier one (:func:`page_of`) that nearly repeats it is a
    version of that page (an updated story, a second capture) and is not counted again: the
    paragraphs that six versions of one story share are the story's, not the site's template. Pages
    at different addresses count apart however alike they are: short notes under a long masthead
    share the masthead, which is the template.
    """

    sites: Counter = field(default_factory=Counter)
    hashes: dict[str, array] = field(default_factory=dict)
    threshold: float = DEDUP_THRESHOLD  # how near a version is to an earlier one at its address
    pages: dict[str, Deduper] = field(default_factory=dict)

    def add(self, print_: Fingerprint, url: str | None = None, text: str = "", sig: Signature | None = None) -> None:
        """Count one document; its ``url`` and ``text`` (or the text's ``sig``) tell a version of an earlier one."""
        page = page_of(url)
        if page is not None and (text or sig is not None):
            versions = self.pages.setdefault(page, Deduper(self.threshold))
            if versions.add(str(len(versions.names)), text, sig) is not None:
                return
        self.sites[print_.site] += 1
        self.hashes.setdefault(print_.site, array("q")).extend(print_.blocks)

    def templates(self, thresholds: Thresholds = Thresholds()) -> set[tuple[str, int]]:
        found = set()
        for site, hashes in self.hashes.items():
            values, docs = np.unique(np.frombuffer(hashes, dtype=np.int64), return_counts=True)
            site_docs = self.sites[site]
            found.update(
                (site, value)
                for value, n in zip(values.tolist(), docs.tolist(), strict=True)
                if is_template(n, site_docs, thresholds)
            )
        return found


def remove_templates(
    record: Mapping[str, Any], kept: Sequence[Sequence[Any]], site: str, templates: set[tuple[str, int]]
) -> dict[str, Any]:
    """The JSONL record without its site-template blocks, which join ``removed`` with reason site_template.

    ``kept`` is :func:`kept_blocks` of the document. A record that would lose all its text is
    returned unchanged.
    """
    if record.get("error") or not templates:
        return dict(record)
    dropped = [block for block in kept if (site, block_hash(block[0])) in templates]
    if not dropped or len(dropped) == len(kept):
        return dict(record)
    dropped_spans = {(start, end) for _, start, end in dropped}
    text = "\n\n".join(t for t, start, end in kept if (start, end) not in dropped_spans)
    spans = list(record.get("removed") or [])
    spans += [
        {"text": t, "reason": REASON, "rule": RULE, "score": None, "start": start, "end": end}
        for t, start, end in dropped
    ]
    spans.sort(key=lambda span: (span["start"], span["end"]))
    out = dict(record, text=text, removed=spans)
    if out.get("provenance"):
        provenance = dict(out["provenance"])
        blocks = dict(provenance.get("blocks") or {})
        blocks["kept"] = blocks.get("kept", len(kept)) - len(dropped)
        provenance["blocks"] = blocks
        out["provenance"] = provenance
    return out


# ---------------------------------------------------------------------------------------------
# near duplicates


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The text's distinct runs of ``size`` words (lower case), UTF-8 encoded; built by C-level maps."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    runs = zip(*(words[i : len(words) - size + 1 + i] for i in range(size)), strict=True)
    return set(map(str.encode, map(" ".join, runs)))


@dataclass(frozen=True)
class Signature:
    """A text's MinHash (uint32 per permutation) and its number of distinct shingles."""

    minhash: np.ndarray
    size: int


_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of the affine maps h -> a*h + b mod 2**32, a odd: datasketch's "affine32" draws."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_DIGEST = operator.methodcaller("digest")


def _shingle_hashes(grams: Iterable[bytes]) -> np.ndarray:
    """32-bit hashes of the shingles (SHA-1's first 4 bytes, little endian), avalanched by MurmurHash3's finalizer."""
    digests = b"".join(map(_DIGEST, map(hashlib.sha1, grams)))  # 20 bytes each
    hv = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 20)[:, :4].copy().view("<u4").ravel().astype(np.uint32)
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def signature(text: str, num_perm: int = NUM_PERM) -> Signature | None:
    """The MinHash signature of a text; None for a text without words.

    The values are those of datasketch's ``MinHash(num_perm, seed=1)`` (its "affine32" scheme),
    which the tests check. Computed here with numpy alone because importing datasketch pulls in
    SciPy (about 56 MB of memory in every process that deduplicates) and draws its permutations
    again for every document.
    """
    grams = shingles(text)
    if not grams:
        return None
    a, b = _permutations(num_perm)
    minhash = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):  # uint32 arithmetic wraps on purpose: it is modulo 2**32
        hv = _shingle_hashes(grams)
        # a step of shingles at a time: all at once, a 20 MB text would need gigabytes of products
        for start in range(0, len(hv), _SHINGLE_STEP):
            np.minimum(minhash, (hv[start : start + _SHINGLE_STEP, None] * a + b).min(axis=0), out=minhash)
    return Signature(minhash, len(grams))


_SHINGLE_STEP = 8192  # shingles hashed by every permutation at once: 4 MB of products


def encode_signature(sig: Signature | None) -> str | None:
    """A signature as a JSON string: its shingle count and its MinHash's little-endian bytes in base64."""
    if sig is None:
        return None
    return f"{sig.size}:{base64.b64encode(sig.minhash.astype('<u4').tobytes()).decode('ascii')}"


def decode_signature(value: str | None) -> Signature | None:
    """The signature that :func:`encode_signature` wrote."""
    if value is None:
        return None
    size, _, minhash = value.partition(":")
    return Signature(np.frombuffer(base64.b64decode(minhash), dtype="<u4").astype(np.uint32), int(size))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a.minhash == b.minhash))


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the smaller text's shingles found in the other, from Jaccard and the sizes."""
    jaccard = similarity(a, b)
    small = min(a.size, b.size)
    if small < MIN_CONTAINED_SHINGLES:
        return jaccard
    return min(1.0, jaccard * (a.size + b.size) / ((1 + jaccard) * small))


def is_duplicate(
    a: Signature, b: Signature, threshold: float = DEDUP_THRESHOLD, contained: float = CONTAINMENT_THRESHOLD
) -> bool:
    return similarity(a, b) >= threshold or containment(a, b) >= contained


@lru_cache(maxsize=16)
def bands(num_perm: int = NUM_PERM, candidate_threshold: float = CANDIDATE_THRESHOLD) -> tuple[int, int]:
    """(bands, rows) of the LSH index: the split of ``num_perm`` that minimises the summed chance
    of a false candidate below the threshold and of a missed one above it (datasketch's optimum, which the
    tests check). Both chances are integrals of the band-match curve, taken by Gauss-Legendre
    quadrature over every (bands, rows) at once; computed once per process.
    """
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    count, rows = pairs[:, :1], pairs[:, 1:]
    nodes, weights = np.polynomial.legendre.leggauss(_QUADRATURE_POINTS)

    def integral(low: float, high: float, miss: bool) -> np.ndarray:
        s = (high - low) / 2 * nodes + (high + low) / 2
        candidate = 1 - (1 - s**rows) ** count  # chance that two texts of Jaccard s share a band
        return ((1 - candidate) if miss else candidate) @ weights * (high - low) / 2

    error = integral(0.0, candidate_threshold, False) + integral(candidate_threshold, 1.0, True)
    best = int(np.argmin(error))
    return int(pairs[best, 0]), int(pairs[best, 1])


_QUADRATURE_POINTS = 64


def band_keys(sig: Signature) -> list[int]:
    """One signed 64-bit key per LSH band: documents sharing any key are candidates for :func:`is_duplicate`."""
    count, rows = bands(len(sig.minhash))
    keys = []
    for band in range(count):
        chunk = band.to_bytes(2, "big") + sig.minhash[band * rows : (band + 1) * rows].tobytes()
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big", signed=True))
    return keys


class BandIndex:
    """Band key -> the documents that have it: most entries in sorted numpy arrays, 12 bytes each.

    A dict of lists costs about 100 bytes an entry, 64 entries a document. New entries wait in a
    small dict and are merged into the arrays once it holds more than an eighth as many, so
    merging stays linear overall and the dict small.
    """

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)  # sorted
        self.docs = np.empty(0, dtype=np.int32)
        self.recent: dict[int, list[int]] = {}
        self.n_recent = 0

    def add(self, keys: Iterable[int], doc: int) -> None:
        for key in keys:
            self.recent.setdefault(key, []).append(doc)
            self.n_recent += 1
        if self.n_recent > max(_MIN_MERGE, len(self.keys) // 8):
            self._merge()

    def find(self, keys: Sequence[int]) -> set[int]:
        """The documents that share at least one of ``keys``."""
        found = {doc for key in keys for doc in self.recent.get(key, ())}
        query = np.asarray(keys, dtype=np.int64)
        starts = np.searchsorted(self.keys, query, side="left").tolist()
        ends = np.searchsorted(self.keys, query, side="right").tolist()
        for start, end in zip(starts, ends, strict=True):
            if start < end:
                found.update(self.docs[start:end].tolist())
        return found

    def _merge(self) -> None:
        keys = np.fromiter((k for k, docs in self.recent.items() for _ in docs), dtype=np.int64, count=self.n_recent)
        docs = np.fromiter((d for ds in self.recent.values() for d in ds), dtype=np.int32, count=self.n_recent)
        keys, docs = np.concatenate([self.keys, keys]), np.concatenate([self.docs, docs])
        order = np.argsort(keys, kind="stable")  # two sorted runs: a linear merge
        self.keys, self.docs = keys[order], docs[order]
        self.recent, self.n_recent = {}, 0


_MIN_MERGE = 4096


class Deduper:
    """Streams documents in input order; each one is checked against all earlier ones."""

    def __init__(self, threshold: float = DEDUP_THRESHOLD) -> None:
        self.threshold = threshold
        self.index = BandIndex()
        self.signatures: list[Signature | None] = []
        self.names: list[str] = []

    def add(self, name: str, text: str, sig: Signature | None = None) -> str | None:
        """Remember this document; the name of the earliest earlier near duplicate, or None.

        ``sig`` is the text's signature where it was made already (:func:`signature`).
        """
        if sig is None and text:
            sig = signature(text)
        seq = len(self.signatures)
        self.signatures.append(sig)
        self.names.append(name)
        if sig is None:
            return None
        keys = band_keys(sig)
        candidates = sorted(self.index.find(keys))
        self.index.add(keys, seq)
        for other in candidates:
            if is_duplicate(sig, self.signatures[other], self.threshold):
                return self.names[other]
        return None


def mark_duplicates(records: Iterable[dict[str, Any]], threshold: float = DEDUP_THRESHOLD) -> Iterable[dict]:
    """Set ``duplicate_of`` on each record (in order) that nearly repeats an earlier one."""
    deduper = Deduper(threshold)
    for record in records:
        source = (record.get("provenance") or {}).get("source") or ""
        yield dict(record, duplicate_of=deduper.add(source, record.get("text") or ""))
