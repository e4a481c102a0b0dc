"""The fast preset's cheaper readings give what the plain ones gave: the language identifier's walk,
the <head>'s markup without comments and scripts, and the page's elements found in one query."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from resiliparse.parse.html import HTMLTree

from cleaner.metadata import head, page

TEXTS = [
    "The committee met on Tuesday to discuss the budget for the coming year and its priorities.",
    "Le comité s'est réuni mardi pour discuter du budget de l'année prochaine et de ses priorités.",
    "Der Ausschuss trat am Dienstag zusammen, um den Haushalt für das kommende Jahr zu beraten.",
    "委员会星期二开会讨论了来年的预算及其优先事项，并决定下周再次开会。",
    "Комитет собрался во вторник, чтобы обсудить бюджет на следующий год и его приоритеты.",
    "ÉCOLE ÉTÉ ÇA ÎLE — UPPER CASE TEXT IS LOWERED BEFORE IT IS TOLD",
    "",
    "a",
    "\x00\x01 \ud7ff \U0001f600 " * 30,
]


def _random_texts(count: int) -> list[str]:
    rng = random.Random(7)
    texts = []
    for _ in range(count):
        size = rng.randrange(1, 700)
        codes = (rng.choice((rng.randrange(32, 127), rng.randrange(160, 0x3000))) for _ in range(size))
        texts.append("".join(map(chr, codes)))
    return texts


@pytest.fixture(scope="module")
def identifiers():
    from py3langid.langid import _load_identifier

    return page._identifier(), _load_identifier(norm_probs=True)


def test_the_language_walk_scores_as_the_library_does(identifiers):
    walking, library = identifiers
    assert type(walking).__name__ == "WalkingIdentifier"
    for text in TEXTS + _random_texts(150) + [(TEXTS[0] + " ") * 40]:
        assert np.array_equal(walking._decide(text), library._decide(text))
        assert walking.classify(text) == library.classify(text)


def test_a_window_too_short_for_the_model_falls_back_to_the_byte_walk(identifiers, monkeypatch):
    walking, library = identifiers
    monkeypatch.setattr(page, "_WALK_WINDOW", 2)
    data = np.frombuffer(TEXTS[1].encode(), dtype=np.uint8)
    assert page._states(walking._moves, walking._rows, data) is None
    for text in TEXTS:
        assert np.array_equal(walking._decide(text), library._decide(text))


_NOT_MARKUP = re.compile(r"<!--.*?-->|<(script|style|title|textarea)\b[^>]*>.*?</\1>", re.S)


def test_head_markup_leaves_out_what_the_pattern_would():
    pieces = [
        "<meta name=a content=b>",
        "<!-- c -->",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        '<style media="x">',
        "</style>",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "<scripts>",
        "<script",
        ">",
        "text",
        "<",
        "<!-->",
    ]
    rng = random.Random(3)
    cases = ["", "<script>a</script><script>b", "<!-- a --> b <!-- c", "<title>x</title><titles>y</title>"]
    cases += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 20))) for _ in range(2000)]
    for html in cases:
        assert head._markup(html) == _NOT_MARKUP.sub("", html), html


PAGE = """<html><head><title>T</title>
<script type="application/ld+json">{"a": 1}</script>
<script type="Application/LD+JSON">{"b": 2}</script>
<script type="text/javascript">var x;</script>
</head><body>
<p hidden>one</p>
<time datetime="2024-05-01" itemprop="datePublished" hidden>May 1</time>
<span itemprop="datePublished" content="2024-05-02">May 2</span>
<span itemprop="DatePublished">no</span>
<div hidden="until-found"><time datetime="2024-05-03">May 3</time><time>no datetime</time></div>
<svg><script type="application/ld+json">{"c": 3}</script></svg>
</body></html>"""


@pytest.mark.parametrize(
    "html",
    [
        PAGE,
        PAGE.replace('"Application/LD+JSON"', '"application/ld+json"'),
        PAGE.replace('<svg><script type="application/ld+json">', '<svg><script type="APPLICATION/ld+json">'),
        "<html><body><p>no such elements</p></body></html>",
    ],
)
def test_page_nodes_are_what_each_selector_finds(html):
    tree = HTMLTree.parse(html)
    nodes = head.page_nodes(tree)

    def found(selector):
        return [node.html for node in tree.document.query_selector_all(selector).values()]

    assert [node.html for node in nodes.hidden] == found("[hidden]")
    assert nodes.json_ld == [node.text or "" for node in tree.document.query_selector_all(head._JSON_LD).values()]
    assert [node.html for node in nodes.times] == found("time[datetime]")
    assert [node.html for node in nodes.published] == found('[itemprop="datePublished"]')
