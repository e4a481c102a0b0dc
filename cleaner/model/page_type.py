"""What kind of page a document is, and how sure cleaner is that its clean text is what a reader came for.

A small LightGBM model (``page_type.txt``, evaluated by the compiled core through :mod:`cleaner.model.trees`
like the block models) reads one row per page, built from what the pipeline has already computed: the
decisions (blocks and words kept and removed, their kinds, link density, the reasons of the removed
ones, whether the safety net fired), the metadata (title, author, date, URL) and two declarations
read from the HTML without parsing it again (``og:type``, the JSON-LD ``@type`` names). One pass
over the blocks and a few byte searches: under a millisecond per page.

The confidence multiplies how likely the page is an article (from one half, surely not, to one) by
how much of an article the clean text holds (its words, up to 300, and the share of the page's words
kept, up to 5%), and halves it where the safety net fired: a decision that lost the article once is
less sure of the text it fell back to. On the dev split of the six datasets, the clean text's mean F1
rises from bin to bin of the confidence (``python -m benchmarks.page_type``; docs/record.md).

Training (wcxb's train split alone: the only data whose licence lets a shipped model learn from it)
runs the shipped block models over each page, so this model learns from the decisions it will see:
``cleaner train --page-type``. Three forms of each page are learned: the default HTML path, the fast
preset's lines and the page's visible text cleaned in text mode.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy

from cleaner.model.trees import Forest, parse
from cleaner.records import CleanDocument, Decision

HERE = Path(__file__).resolve().parent
TYPES = ("article", "forum", "product", "listing", "collection", "documentation", "service")
NOT_ARTICLE = "not_article"  # the reason of the blocks that ``only_articles`` takes out of a non-article page
FORMS = ("html", "lines", "text")  # the default HTML path, the fast preset's lines, text mode
KINDS = ("h", "li", "cell", "quote", "pre")
# the removal reasons that tell page types apart: a forum's posts are "comments", a listing's teasers
# "related_content" or "recent_posts", a shop's buttons "form"
REASONS = ("comments", "navigation", "related_content", "recent_posts", "timestamp_list", "form", "byline")
# JSON-LD @type names, grouped by the page type they declare; "Article" stands for every *Article and
# *Posting type that no other group names (NewsArticle, BlogPosting, ...)
LD_GROUPS = {
    "ld_article": ("Article",),
    "ld_forum": ("DiscussionForumPosting", "QAPage", "Comment"),
    "ld_product": ("Product", "Offer", "AggregateOffer", "AggregateRating"),
    "ld_list": ("ItemList", "CollectionPage", "SearchResultsPage", "OfferCatalog"),
    "ld_docs": ("TechArticle", "APIReference", "SoftwareApplication", "SoftwareSourceCode", "HowTo"),
    "ld_service": ("Service", "FAQPage", "LocalBusiness", "Course", "EducationalOccupationalProgram"),
}
_LD_OF = {name: group for group, names in LD_GROUPS.items() for name in names}
# words of the URL's host and path that name a kind of page
URL_WORDS = {
    "url_product": re.compile(r"^(products?|shop|store|item|p|dp|buy)$"),
    "url_forum": re.compile(r"^(forums?|threads?|t|topics?|questions|community|discussions?|discuss|answers)$"),
    "url_docs": re.compile(r"^(docs?|documentation|api|reference|manual|guides?|wiki|help|kb|learn|glossary)$"),
    "url_list": re.compile(r"^(category|categories|collections?|tags?|archives?|search|all|page)$"),
    "url_article": re.compile(r"^(blog|news|articles?|posts?|stories|story|(19|20)\d\d)$"),
    "url_service": re.compile(r"^(services?|solutions|pricing|plans|programs?|admissions|contact|about)$"),
}
OG_TYPES = ("article", "product", "website")
NAMES = (
    *(f"form_{form}" for form in FORMS),
    "log_blocks",
    "log_kept_blocks",
    "log_words",
    "log_kept_words",
    "kept_share",
    "link_density",
    "kept_link_density",
    *(f"kind_{kind}" for kind in KINDS),
    *(f"kept_kind_{kind}" for kind in KINDS),
    "short_share",
    "prose_blocks",
    "kept_mean_words",
    "kept_max_words",
    "question_headings",
    *(f"removed_{reason}" for reason in REASONS),
    "safety_net",
    "prices",
    "has_author",
    "has_date",
    "categories",
    "title_words",
    *(f"og_{name}" for name in (*OG_TYPES, "other")),
    *LD_GROUPS,
    *URL_WORDS,
    "url_depth",
    "url_slug_words",
    "url_number",
)
_CURRENCIES = "$€£¥"
_TERMINAL = re.compile(r"[.!?]['\")\]]?$")
_LD_TYPE = re.compile(rb'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
_QUOTED = re.compile(rb'"([^"]+)"')
_OG_TYPE = re.compile(
    rb"""og:type["']?\s+content\s*=\s*["']?([\w.:-]*)|content\s*=\s*["']([\w.:-]*)["']\s+property\s*=\s*["']og:type"""
)
_LD_SCRIPT = b"application/ld+json"


@dataclass(frozen=True)
class PageModel:
    version: str
    forest: Forest
    types: tuple[str, ...]


@lru_cache(maxsize=2)
def load(folder: Path = HERE) -> PageModel | None:
    """The page-type model in ``folder``; None when none is there. Its features are checked against NAMES."""
    meta_path, model_path = folder / "model.json", folder / "page_type.txt"
    if not meta_path.exists() or not model_path.exists():
        return None
    entry = json.loads(meta_path.read_text(encoding="utf-8"))["models"].get("page_type")
    if entry is None:
        return None
    if tuple(entry["features"]) != NAMES:
        raise RuntimeError(
            f"model {model_path} was trained on other features; retrain it with `cleaner train --page-type`"
        )
    forest = parse(model_path.read_text(encoding="utf-8"))
    types = tuple(entry["types"])
    if forest.n_classes != len(types) or forest.n_features != len(NAMES):
        raise RuntimeError(f"model {model_path} does not score {len(types)} page types from {len(NAMES)} features")
    return PageModel(entry["version"], forest, types)


def declarations(page: bytes) -> tuple[str | None, tuple[str, ...]]:
    """The page's ``og:type`` and the ``@type`` names of its JSON-LD blocks, read from the page's bytes.

    Byte searches, not a parse: the tree is gone by the time the page is judged, and the declarations
    sit in a few known places (a <meta> tag, <script type="application/ld+json"> blocks). Searching the
    bytes is some ten times faster than searching the decoded text, which a page with a single
    character outside Latin-1 holds in two or four bytes a character.
    """
    og = None
    at = page.find(b"og:type")
    if at >= 0:
        found = _OG_TYPE.search(page, max(0, at - 200), at + 200)
        if found:
            og = (found.group(1) or found.group(2) or b"").decode("ascii", "replace").lower() or None
    names: list[str] = []
    at = page.find(_LD_SCRIPT)
    while at >= 0 and len(names) < 64:
        end = page.find(b"</script", at)
        end = len(page) if end < 0 else end
        for match in _LD_TYPE.finditer(page, at, end):
            names += [name.decode("utf-8", "replace") for name in _QUOTED.findall(match.group(1))]
        at = page.find(_LD_SCRIPT, end)
    return og, tuple(names)


def features(doc: CleanDocument, form: str, page: bytes | None = None) -> numpy.ndarray:
    """One row of NAMES for a cleaned document (``form``: one of FORMS; ``page``: the HTML page's bytes, for its
    declarations)."""
    row = dict.fromkeys(NAMES, 0.0)
    row[f"form_{form}"] = 1.0
    _decision_features(row, doc.decisions)
    text = doc.text
    row["prices"] = math.log1p(sum(text.count(symbol) for symbol in _CURRENCIES))
    row["safety_net"] = float(doc.provenance is not None and doc.provenance.safety_net is not None)
    row["has_author"], row["has_date"] = float(bool(doc.author)), float(bool(doc.date))
    row["categories"] = float(len(doc.categories))
    row["title_words"] = float(len((doc.title or "").split()))
    og, names = declarations(page) if page else (None, ())
    if og:
        row[f"og_{og}" if og in OG_TYPES else "og_other"] = 1.0
    for name in names:
        group = _LD_OF.get(name) or ("ld_article" if name.endswith(("Article", "Posting")) else None)
        if group:
            row[group] = 1.0
    _url_features(row, doc.url)
    return numpy.fromiter(row.values(), dtype=numpy.float64, count=len(NAMES))


def _decision_features(row: dict, decisions: tuple[Decision, ...]) -> None:
    blocks = kept = words = kept_words = short = prose = longest = questions = 0
    linked = kept_linked = 0.0
    kinds: dict[str, int] = {}
    kept_kinds: dict[str, int] = {}
    reasons: dict[str | None, int] = {}
    for decision in decisions:
        block = decision.block
        n = block.words
        blocks += 1
        words += n
        linked += block.link_density * n
        kinds[block.kind] = kinds.get(block.kind, 0) + 1
        short += n <= 4
        if decision.keep:
            kept += 1
            kept_words += n
            kept_linked += block.link_density * n
            kept_kinds[block.kind] = kept_kinds.get(block.kind, 0) + 1
            longest = max(longest, n)
            if n >= 25 and _TERMINAL.search(block.text):
                prose += 1
            if block.kind == "h" and block.text.endswith("?"):
                questions += 1
        else:
            reasons[decision.reason] = reasons.get(decision.reason, 0) + 1
    row["log_blocks"], row["log_kept_blocks"] = math.log1p(blocks), math.log1p(kept)
    row["log_words"], row["log_kept_words"] = math.log1p(words), math.log1p(kept_words)
    row["kept_share"] = kept_words / max(1, words)
    row["link_density"], row["kept_link_density"] = linked / max(1, words), kept_linked / max(1, kept_words)
    for kind in KINDS:
        row[f"kind_{kind}"] = kinds.get(kind, 0) / max(1, blocks)
        row[f"kept_kind_{kind}"] = kept_kinds.get(kind, 0) / max(1, kept)
    row["short_share"] = short / max(1, blocks)
    row["prose_blocks"] = math.log1p(prose)
    row["kept_mean_words"] = kept_words / max(1, kept)
    row["kept_max_words"] = math.log1p(longest)
    row["question_headings"] = float(questions)
    for reason in REASONS:
        row[f"removed_{reason}"] = reasons.get(reason, 0) / max(1, blocks)


def _url_features(row: dict, url: str | None) -> None:
    if not url:
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        return
    segments = [s for s in parts.path.lower().split("/") if s]
    words = [*(parts.hostname or "").split(".")[:-1], *segments]
    for name, pattern in URL_WORDS.items():
        row[name] = float(any(pattern.match(word) for word in words))
    row["url_depth"] = float(len(segments))
    last = re.sub(r"\.\w+$", "", segments[-1]) if segments else ""
    row["url_slug_words"] = float(len([w for w in re.split(r"[-_]", last) if w]))
    row["url_number"] = float(any(any(c.isdigit() for c in s) and len(s) >= 4 for s in segments))


def probabilities(row: numpy.ndarray) -> dict[str, float] | None:
    """Each page type's probability for a page's row of features; None without a model."""
    model = load()
    if model is None:
        return None
    scores = model.forest.probabilities(row[None, :])[0].tolist()
    return dict(zip(model.types, scores, strict=True))


# the confidence: a clean text of this many words or more is a whole article's worth...
_FULL_WORDS = 300
# ...and one that keeps this share of the page's words or more has not lost it; the safety net halves it
_FULL_SHARE = 0.05
_NET = 0.5
# a page that is surely not an article keeps this share of it: the text of a listing or a shop's page is less
# surely what its reader came for (on 293 train pages of the five datasets that trained nothing, Spearman's
# rho of the confidence and the F1 was 0.289 with the article probability, 0.227 with the named type's)
_ARTICLE_FLOOR = 0.5


_KEPT_WORDS, _KEPT_SHARE, _SAFETY_NET = (NAMES.index(name) for name in ("log_kept_words", "kept_share", "safety_net"))


def confidence(row: numpy.ndarray, article: float) -> float:
    """How sure cleaner is that the clean text is what a reader came for, from 0 to 1 (see the module's doc);
    ``article``: the model's probability that the page is an article."""
    words = min(1.0, math.sqrt(max(0.0, math.expm1(row[_KEPT_WORDS])) / _FULL_WORDS))
    share = min(1.0, row[_KEPT_SHARE] / _FULL_SHARE)
    net = _NET if row[_SAFETY_NET] else 1.0
    return round((_ARTICLE_FLOOR + (1 - _ARTICLE_FLOOR) * article) * words * share * net, 4)


def judge(doc: CleanDocument, form: str, page: bytes | None = None) -> CleanDocument:
    """The document with its ``page_type`` and ``confidence`` (unchanged without a model)."""
    if load() is None:
        return doc
    row = features(doc, form, page)
    scores = probabilities(row)
    best = max(scores, key=scores.__getitem__)
    return dataclasses.replace(doc, page_type=best, confidence=confidence(row, scores["article"]))


def only_articles(doc: CleanDocument) -> CleanDocument:
    """A page that is not an article keeps its record but not its text: every block it kept becomes a removed
    span with the reason ``not_article`` and the rule ``page_type.<type>``, so that nothing leaves provenance.
    The Markdown, where it was made, empties with the text."""
    if doc.page_type in (None, "article") or not doc.ok:
        return doc
    from cleaner.output import assemble

    rule = f"page_type.{doc.page_type}"
    decisions = tuple(Decision(d.block, False, NOT_ARTICLE, rule, d.score) if d.keep else d for d in doc.decisions)
    provenance = doc.provenance
    if provenance is not None:
        provenance = dataclasses.replace(provenance, blocks_kept=0)
    emptied = {"text": ""} if getattr(doc, "markdown", None) is None else {"text": "", "markdown": ""}
    return dataclasses.replace(
        doc, **emptied, removed=assemble.removed_spans(decisions), decisions=decisions, provenance=provenance
    )
