"""Rules as evidence: markup never removes the article's prose alone, and the decision has a safety net."""

from __future__ import annotations

import pytest

from benchmarks import gate
from cleaner import clean
from cleaner.decide.safety import ARTICLE_LIST, SAFETY_NET, TABLE_ROW, article_lists, safety_net, table_rows, text_form
from cleaner.decide.state import HTML, decide
from cleaner.records import Block, Decision
from cleaner.rules import RuleSet, builtin_ruleset, parse_ruleset

PARAGRAPHS = [
    f"Paragraph {i} of the report: the council met on Tuesday and discussed the budget for the bridge, the "
    "schools and the harbour, and the mayor answered questions from residents for an hour."
    for i in range(14)
]
NAV = '<nav class="site-nav"><ul>' + "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(8))
COMMENTS = (
    '<section id="comments" class="comments-area"><h3>30 comments</h3><ol>'
    + "".join(
        f'<li class="comment"><p class="author">Reader {i} says:</p><p>I have lived by the harbour for thirty '
        "years and I think the council should have spent the money on the schools first, not on another "
        f"bridge that nobody asked for, number {i}.</p></li>"
        for i in range(30)
    )
    + "</ol></section>"
)


def _page(wrapper_class: str) -> str:
    """A news article whose body sits in a wrapper named like boilerplate, under a long comment section."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>Council backs bridge budget</title></head><body>{NAV}</ul></nav><main>"
        "<h1>Council backs bridge budget</h1><p class='lede'>The city council approved the budget for the new "
        "bridge on Tuesday evening, after a debate that lasted well into the night.</p>"
        f"<div class='{wrapper_class}'>{body}</div></main>{COMMENTS}"
        "<footer class='site-footer'>© 2026 The Paper</footer></body></html>"
    )


@pytest.mark.parametrize(
    "wrapper_class", ["article-body pagination-first", "layout sidebar-left", "story nav-content", "ad-wrapper"]
)
def test_a_class_named_like_boilerplate_never_removes_the_article_body(wrapper_class):
    doc = clean(_page(wrapper_class), mode="html")
    assert doc.error is None
    assert [p for p in PARAGRAPHS if p not in doc.text] == []
    assert "thirty years" not in doc.text  # the comments under the article are not the article
    menu = [span for span in doc.removed if span.text.startswith("Section 0")]
    assert menu and menu[0].reason == "navigation"  # markup still removes what is not prose


def _block(i: int, text: str, kind: str = "p", path: str = "/html/body/article/p", main: bool | None = True) -> Block:
    return Block(i, text, 10 * i, 10 * i + len(text), kind=kind, tag_path=path, main_content=main)


PROSE = PARAGRAPHS[0]


def test_the_safety_net_falls_back_to_the_main_content_candidate_and_says_why():
    removed = [Decision(_block(i, PARAGRAPHS[i]), False, "boilerplate", "model.html", 0.2) for i in range(5)]
    named = Decision(_block(5, "Subscribe now for unlimited access."), False, "subscription_prompt", "x.text")
    decisions, note = safety_net([*removed, named])
    assert all(d.keep and d.rule == SAFETY_NET for d in decisions[:5])
    assert not decisions[5].keep  # a rule that read the text still stands
    assert note and "kept 0 of its" in note
    kept = [Decision(_block(i, PARAGRAPHS[i]), True) for i in range(5)]
    assert safety_net(kept) == (kept, None)


def test_the_safety_net_is_recorded_in_provenance():
    doc = clean(_page("article-body"), mode="html")
    assert doc.to_dict()["provenance"]["safety_net"] is None
    assert "safety_net" in doc.to_dict()["provenance"]


def test_a_list_between_the_article_paragraphs_stays_unless_a_text_rule_named_it():
    dates = ["June 17 -- Bridgestone Arena, Nashville, TN", "June 19 -- Fox Theatre, Atlanta, GA"]
    items = [_block(1 + i, text, "li", "/html/body/article/ul/li", False) for i, text in enumerate(dates)]
    decisions = [
        Decision(_block(0, PROSE), True),
        *(Decision(b, False, "boilerplate", "model.html", 0.3) for b in items),
        Decision(_block(3, PARAGRAPHS[1]), True),
    ]
    kept = article_lists(decisions, HTML)
    assert [d.keep for d in kept] == [True, True, True, True] and kept[1].rule == ARTICLE_LIST
    named = [decisions[0], Decision(items[0], False, "share_prompt", "share_prompt.text.en"), *decisions[2:]]
    assert not article_lists(named, HTML)[1].keep
    outside = [Decision(b, False, "navigation", "model.html") for b in (_block(1, "Home", "li", "/html/nav/ul/li"),)]
    assert not article_lists([decisions[0], *outside, decisions[3]], HTML)[1].keep


def test_text_form_tells_an_extraction_from_a_page_text():
    extraction = f"Council backs bridge budget\n\n{PROSE}\n\n{PARAGRAPHS[1]}"
    menu = "Home\nNews\nSport\nWeather\nSign in\nSubscribe\n"
    footer = "".join(f"Section {n}\n" for n in range(40))
    page = menu + extraction + "\n" + footer
    assert clean(extraction, mode="text").provenance.text_form == "extracted"
    assert clean(page, mode="text").provenance.text_form == "page"
    # a few menu lines before an extraction's article do not make a page: a page's text has 40+ lines
    assert clean(menu + extraction, mode="text").provenance.text_form == "extracted"
    assert text_form([]) == "page"


def test_a_text_rule_decides_alone_only_when_measured_precise_or_of_a_class_cleaner_exists_to_remove():
    rules = {rule.id: rule for rule in builtin_ruleset().rules}
    assert not rules["navigation.attributes"].decides_alone  # markup: evidence on prose
    assert rules["byline.text"].removes_directly and rules["byline.text"].decides_alone
    toml = (
        "[ruleset]\nclass='promo'\nnew_classes=['promo']\n[[rules]]\nid='promo.app'\npattern='^download our app'\n"
        "positive=['Download our app']\nnegative=['We did not download it']"
    )
    (user_rule,) = parse_ruleset(toml, "user.toml")
    assert user_rule.precision is None and user_rule.decides_alone  # the user's own rule is taken at its word
    imprecise = user_rule.__class__(**{**user_rule.__dict__, "precision": 0.8})
    assert not imprecise.decides_alone
    block = Block(0, "Download our app for the best experience", 0, 40, kind="line")
    (decision,), _ = decide([block], RuleSet((imprecise,), "test"))
    assert decision.evidence and decision.rule == "promo.app"


def _result(page_id: str, dataset: str, ours: float, anchor: float) -> dict:
    f1 = {system: anchor for system in gate.SYSTEMS} | {gate.CLEANER: ours}
    return {"id": page_id, "dataset": dataset, "f1": f1, "p": f1, "r": f1, "seconds": dict.fromkeys(f1, 0.0)}


def test_the_gate_counts_collapses_both_ways_against_the_best_anchor():
    results = [
        _result("a/1", "dragnet", 0.3, 0.9),  # cleaner collapses
        _result("a/2", "dragnet", 0.95, 0.2),  # the anchor collapses
        _result("a/3", "dragnet", 0.45, 0.7),  # both poor: no collapse
        {**_result("a/4", "dragnet", 0.0, 0.9), "error": "no article text found", "anchor_words": 150},
    ]
    row = gate.summarize(results)["datasets"]["dragnet"]
    assert row["collapses"] == {gate.CLEANER: ["a/1", "a/4"], "best anchor": ["a/2"]}
    assert row["errors_where_trafilatura_extracts"] == ["a/4"]
    assert "| dragnet | 4 |" in gate.markdown({"datasets": {"dragnet": row}})


def test_a_paragraph_kept_twice_is_kept_once():
    """A hidden print copy of the article, or a teaser repeating the lede word for word, is no second paragraph."""
    from cleaner.decide.safety import REPEATED, repeated_paragraphs

    first, copy = _block(0, PROSE), _block(5, PROSE, path="/html/body/div/p")
    decisions = repeated_paragraphs(
        [Decision(first, True), Decision(_block(1, PARAGRAPHS[1]), True), Decision(copy, True)]
    )
    assert [d.keep for d in decisions] == [True, True, False]
    assert decisions[2].reason == "duplicate" and decisions[2].rule == REPEATED
    page = f"<html><body><article><p>{PROSE}</p><p>{PARAGRAPHS[1]}</p></article><div><p>{PROSE}</p></div></body></html>"
    assert clean(page, mode="html").text.count(PROSE) == 1


def test_a_text_rule_that_decides_alone_names_prose_that_markup_marked():
    """A cookie notice in a <nav> is the cookie rule's to remove: markup's mark is evidence, and the model,
    which may overrule evidence, never overrules a rule that decides alone (a page's clean text, cleaned
    again as text, then loses nothing more)."""
    notice = "This website uses cookies. By continuing to use this site, you accept our use of cookies."
    page = f"<html><body><nav><p><b>{notice}</b></p></nav><article>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}"
    doc = clean(page + "</article></body></html>")
    assert notice not in doc.text
    assert [(s.reason, s.rule) for s in doc.removed if s.text == notice] == [("cookie_banner", "cookie_banner.text.en")]
    assert clean(doc.text, mode="text").removed == ()


def _cell(i: int, text: str, row: int, kind: str = "cell") -> Block:
    frame = (("table", 1, 0), ("tr", row, 0), ("td", 10 * row + i, i))
    return Block(index=i, text=text, start=0, end=len(text), kind=kind, tag_path="/html/body/table/tr/td", frame=frame)


def test_a_table_row_stays_whole_where_most_of_its_cells_are_kept():
    row = [_cell(0, "In the third week", 2), _cell(1, "Thirty-one millimetres", 2), _cell(2, "the wettest week", 2)]
    decisions = [Decision(row[0], False, "boilerplate", "model.html", 0.59), *(Decision(c, True) for c in row[1:])]
    settled = table_rows(decisions)
    assert settled[0].keep and settled[0].rule == TABLE_ROW and settled[0].score == 0.59
    # a cell that a rule removed by its text stays removed; so does a row that is mostly removed
    ruled = [Decision(row[0], False, "advertising", "advertising.text.en"), *decisions[1:]]
    assert not table_rows(ruled)[0].keep
    mostly = [decisions[0], Decision(row[1], False, "boilerplate", "model.html", 0.2), decisions[2]]
    assert [d.keep for d in table_rows(mostly)] == [False, False, True]
    # paragraphs inside a layout table's cell are no cells
    paragraph = _cell(0, "Home", 3, kind="p")
    inside = [Decision(paragraph, False, "navigation", "model.html", 0.1), *(Decision(c, True) for c in row[1:])]
    assert not table_rows(inside)[0].keep
