"""The decision state machine: regions, the top of the document, and precision guards."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from cleaner import clean
from cleaner.decide.state import is_paragraph
from cleaner.records import Block


def _reasons(doc):
    return [(span.reason, span.text) for span in doc.removed]


PROSE = (
    "The council approved the new budget on Tuesday after a long debate about the cost of repairs "
    "to the old bridge, which has been closed to heavy traffic since the spring floods."
)


def test_recent_posts_region_takes_titles_teasers_and_time_lines():
    doc = clean(f"{PROSE}\n\nRecent Posts\n\nA teaser headline\n\nThe teaser text runs on and stops…\n\n3 days ago")
    assert doc.text == PROSE
    assert {reason for reason, _ in _reasons(doc)} == {"recent_posts"}


def test_region_ends_where_article_prose_resumes():
    body = "Related research\n\n" + PROSE
    doc = clean(f"{PROSE}\n\nRelated\n\n{PROSE.replace('council', 'board')}")
    assert doc.text.count("budget") == 2
    assert clean(f"{PROSE}\n\n{body}").text.endswith(PROSE)
    assert "Related research" in clean(f"{PROSE}\n\n{body}").text


SHORT = (
    "The bridge reopens to cars in May after two years of repairs.",
    "Buses will return to the old route a week later, the council said.",
    "Cyclists keep the new lane that was painted during the works.",
    "The ferry that ran while the bridge was closed stops at the end of June.",
)


def test_region_ends_at_two_short_sentences_in_a_row():
    """An article of short paragraphs resumes after a heading region, a lone teaser sentence does not."""
    teaser = "A teaser that tells of an older story about the bridge and its repairs."
    region = f"Related\n\nBridge news\n\n{teaser}\n\nRiver walks"
    doc = clean(f"{region}\n\n" + "\n\n".join(SHORT) + f"\n\n{PROSE}")
    assert doc.text.startswith(SHORT[0])
    assert "teaser" not in doc.text and "River walks" not in doc.text


def test_region_ends_at_a_long_paragraph_that_ends_on_a_colon():
    lead_in = PROSE + " The mayor spoke at the opening. She thanked the engineers and the crews. She said:"
    doc = clean(f"Related\n\nBridge news\n\nRiver walks\n\n{lead_in}\n\n{PROSE}\n\n{PROSE}")
    assert doc.text.startswith(lead_in)


def test_strong_rules_win_inside_a_region():
    doc = clean(f"{PROSE}\n\nYou may also like\n\nThis website uses cookies. By continuing you accept them.")
    assert _reasons(doc)[-1][0] == "cookie_banner"


def test_headline_section_label_and_byline_at_the_top():
    doc = clean(
        f"Europe\n\nBridge to reopen in May\n\nBy Mary Major\n\nBridge to reopen in May\n\n{PROSE}", favor="precision"
    )
    assert doc.title == "Bridge to reopen in May"
    assert doc.author == "Mary Major"
    assert doc.categories == ("Europe",)
    assert doc.text == PROSE
    assert [r for r, _ in _reasons(doc)] == ["section_label", "title", "byline", "duplicate_title"]


def test_the_headline_stays_once_in_the_text_except_at_favor_precision():
    page = f"Europe\n\nBridge to reopen in May\n\nBy Mary Major\n\nBridge to reopen in May\n\n{PROSE}"
    for preset in ("default", "fast"):
        for favor in ("balanced", "recall"):
            doc = clean(page, favor=favor, preset=preset)
            assert doc.provenance.text_form == "extracted"
            assert doc.title == "Bridge to reopen in May"
            assert doc.text == f"Bridge to reopen in May\n\n{PROSE}"
            assert [r for r, _ in _reasons(doc)] == ["section_label", "byline", "duplicate_title"]
        assert clean(page, favor="precision", preset=preset).text == PROSE


def test_a_whole_page_text_moves_its_headline_to_the_title_at_the_default():
    menu = "".join(f"Menu {n}\n" for n in range(30))
    page = f"{menu}\nBridge to reopen in May\n\n{PROSE}\n\n{PROSE}\n" + "".join(f"Footer {n}\n" for n in range(12))
    doc, recall = clean(page), clean(page, favor="recall")
    assert doc.provenance.text_form == "page" and doc.title
    assert ("title", doc.title) in _reasons(doc) and doc.title not in doc.text.split("\n\n")
    assert recall.text.split("\n\n")[0] == recall.title


def test_the_h1_of_an_html_page_stays_once_except_at_favor_precision():
    html = (
        "<html><head><title>Bridge to reopen in May | Daily</title></head><body><article>"
        f"<h1>Bridge to reopen in May</h1><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
    )
    assert not clean(html, favor="precision").text.startswith("Bridge to reopen")
    for favor in ("balanced", "recall"):
        doc = clean(html, favor=favor)
        assert doc.title == "Bridge to reopen in May"
        assert doc.text.split("\n\n")[0] == "Bridge to reopen in May"
        assert doc.text.count("Bridge to reopen in May") == 1


def test_article_that_starts_with_prose_has_no_title():
    doc = clean(f"{PROSE}\n\nA short line in the article.\n\n{PROSE}")
    assert doc.title is None and doc.removed == ()


def test_in_article_subheadings_and_short_lines_are_kept():
    text = f"{PROSE}\n\nA Military Ally\n\n{PROSE}\n\nThat was not the end of it.\n\n{PROSE}"
    assert clean(text).removed == ()


def test_prose_that_mentions_boilerplate_words_is_kept():
    texts = [
        "Browser cookies are small files that websites store, and regulators say the consent banners "
        "that ask you to accept all cookies have become a ritual that few people read.",
        "Readers who subscribe to the idea that the market will recover should look at the figures again, "
        "the analyst said, adding that share prices rarely move in straight lines for long.",
    ]
    for text in texts:
        assert clean(f"{PROSE}\n\n{text}").removed == ()


def test_teaser_list_without_a_heading_is_recognised():
    items = "\n\n".join(
        f"Headline number {n} about the city\n\nThe teaser for story {n} runs on and is cut…\n\n{n} days ago"
        for n in (2, 3, 4)
    )
    doc = clean(f"{PROSE}\n\n{PROSE}\n\n{items}")
    assert doc.text == f"{PROSE}\n\n{PROSE}"
    assert {span.reason for span in doc.removed} == {"recent_posts"}
    assert {span.rule for span in doc.removed} == {"recent_posts.teaser_list"}


def test_a_lone_time_line_is_not_a_list():
    doc = clean(f"{PROSE}\n\n5 days ago\n\n{PROSE}")
    assert [span.reason for span in doc.removed] == ["timestamp_list"]


def test_comment_region_near_the_end_runs_to_the_end_even_over_long_comments():
    comment = (
        "I have lived by that bridge for thirty years and I can tell you that nobody in the council ever "
        "listened to the residents about the cracks, which we reported again and again to the office."
    )
    doc = clean(f"{PROSE}\n\n{PROSE}\n\n{PROSE}\n\n{PROSE}\n\nComments (2)\n\nMaria\n\n{comment}\n\nJohn\n\nSo true.")
    assert doc.text == "\n\n".join([PROSE] * 4)
    assert {span.reason for span in doc.removed} == {"comment_prompt"}


def test_comments_after_the_article_run_to_the_end_wherever_they_start():
    """Long comments after a short article: the heading is not near the end, yet the comments go."""
    comment = (
        "I have lived by that bridge for thirty years and I can tell you that nobody in the council ever "
        "listened to the residents about the cracks, which we reported again and again to the office."
    )
    thread = "\n\n".join(f"Reader {n}\n\n{comment}" for n in range(6))
    article = "\n\n".join([PROSE] * 4)
    doc = clean(f"{article}\n\n41 Comments\n\n{thread}")
    assert doc.text == article
    assert {span.rule for span in doc.removed} == {"comment_prompt.heading"}


def test_a_comments_heading_before_the_article_ends_where_prose_resumes():
    """Only after the article's prose does a comments heading take the rest of the text."""
    body = "\n\n".join([PROSE] * 6)
    doc = clean(f"Comments (3)\n\nShare\n\n{body}")
    assert doc.text == body


def test_add_a_comment_under_one_post_does_not_take_the_rest_of_the_thread():
    answer = PROSE.replace("council", "committee")
    doc = clean(f"{PROSE}\n\n{PROSE}\n\n{PROSE}\n\nAdd a comment\n\n{answer}\n\n{answer}\n\n{answer}\n\n{answer}")
    assert doc.text.count("committee") == 4
    assert [span.rule for span in doc.removed] == ["comment_prompt.add"]


def test_quoted_boilerplate_inside_prose_is_kept():
    text = (
        "Every visitor has met the banner announcing that “this website uses cookies” and asking for a "
        "decision, and few people read past that first line of it."
    )
    assert clean(f"{PROSE}\n\n{text}").removed == ()


ARTICLE_HTML = "".join(f"<p>{PROSE.replace('council', f'council {n}')}</p>" for n in range(4))


def test_a_page_drawn_by_script_is_read_from_its_noscript_text():
    page = f"<html><body><div id='app'></div><noscript>{ARTICLE_HTML}</noscript></body></html>"
    doc = clean(page, mode="html")
    assert doc.error is None
    assert doc.text.count("budget") == 4


def test_markup_markers_that_cover_the_whole_article_are_read_again_without_them():
    """Two halves of the article in wrappers named like boilerplate: no marker alone holds most of the page."""
    halves = ARTICLE_HTML.split("</p>", 2)
    page = (
        "<html><body><h1>Bridge budget</h1>"
        f"<div class='sidebar'>{halves[0]}</p>{halves[1]}</p></div><div class='comments'>{halves[2]}</div>"
        "</body></html>"
    )
    doc = clean(page, mode="html")
    assert doc.error is None
    assert doc.text.count("budget") >= 4


def test_a_long_run_of_sentences_is_a_paragraph_whatever_its_last_word():
    story = " ".join(f"Sentence number {i} tells the reader what happened at the mill that night." for i in range(8))
    assert is_paragraph(Block(0, story + " more from this section", 0, 1, kind="line"))
    assert not is_paragraph(Block(0, "Home News Sport Weather About us Contact " * 10, 0, 1, kind="line"))


def test_reference_marks_do_not_hide_a_sentence_end():
    sentence = "The colony grew quickly once the first harbour opened, and trade with the islands followed soon after"
    cited = f"{sentence} it, as every account of the period agrees.[21]"
    assert is_paragraph(Block(0, cited, 0, 1, kind="line"))
    assert is_paragraph(Block(0, cited + "[citation needed]", 0, 1, kind="line"))
    run = " ".join(f"Settlers reached bay number {i} in the spring.[{i}] They stayed" for i in range(6)) + " on"
    assert is_paragraph(Block(0, run, 0, 1, kind="line"))
    # marks after words that do not end a sentence, and a mark-ended run of links, are no paragraph
    assert not is_paragraph(Block(0, f"{sentence} [Reply]", 0, 1, kind="line"))
    assert not is_paragraph(Block(0, "Home [1] News [2] Sport [3] Weather [4] " * 8, 0, 1, kind="line"))


_POST = (
    "The {} season opened with a long weekend at the lake, and the cabins were full by Friday night. "
    "We walked the shore path every morning and counted the herons that came back to the reeds. "
    "By Sunday the water was warm enough to swim, which nobody had expected so early in the year."
)


def test_comment_counts_that_end_posts_do_not_run_to_the_end():
    posts = []
    for number, (season, count) in enumerate([("spring", 7), ("summer", 3), ("autumn", 12)]):
        posts += [f"Monday, May {number + 3}, 2005", f"A {season} weekend", _POST.format(season)]
        posts.append(f"| Comments ({count})")
    doc = clean("Lakeside notes\n\n" + "\n\n".join(posts), mode="text")
    for season in ("spring", "summer", "autumn"):
        assert _POST.format(season) in doc.text
    assert "Comments (" not in doc.text


def test_a_comment_heading_before_a_list_of_counted_articles_still_runs_to_the_end():
    article = "\n\n".join(_POST.format(season) for season in ("spring", "summer", "autumn", "winter"))
    comments = [
        "Comments (5)",
        "I grew up near that lake and the herons were always the best part of the early mornings there.",
        "We stayed in the same cabins last year and the water was far too cold to swim until July.",
    ]
    teasers = ["Ten walks for a wet weekend", "0 comments", "Where the herons go in winter", "18 comments"]
    doc = clean("Lakeside notes\n\n" + article + "\n\n" + "\n\n".join(comments + teasers), mode="text")
    assert _POST.format("winter") in doc.text
    assert "grew up near that lake" not in doc.text and "far too cold" not in doc.text


# what a plain text extraction (lxml's text_content(), BeautifulSoup's get_text()) keeps of a page's scripts
_JSON_LD = (
    '{"@context":"https://schema.org","@type":"NewsArticle","headline":"Bridge reopens in May",'
    '"description":"The council approved the new budget on Tuesday.",'
    + ",".join(
        f'"image{i}":{{"@type":"ImageObject","url":"https://ledger.example/img/{i}.jpg","width":{i}}}'
        for i in range(14)
    )
    + "}"
)
_MINIFIED = "".join(
    f"!function(e,t){{var n=e.q{i}=e.q{i}||[];n.push({{event:'load',at:(new Date).getTime()}});"
    f"t.getElementById('slot-{i}').setAttribute('data-ready','1')}}(window,document);"
    for i in range(12)
)


def test_script_and_data_lines_of_a_plain_text_extraction_are_removed():
    assert len(_JSON_LD) >= 1000 and len(_MINIFIED) >= 1000
    doc = clean(f"Bridge reopens in May\n\n{_MINIFIED}\n\n{PROSE}\n\n{SHORT[0]}\n\n{_JSON_LD}")
    removed = {span.rule: span.text for span in doc.removed if span.reason == "script_text"}
    assert removed == {"script_text.minified": _MINIFIED, "script_text.code": _JSON_LD}
    assert PROSE in doc.text and SHORT[0] in doc.text


def test_a_flattened_page_with_the_article_in_its_line_is_not_script_text():
    """A page read without line breaks is one line: its scripts and its article together stay for the model."""
    article = " ".join([PROSE, *SHORT, PROSE.replace("council", "board")])
    assert len(article) >= 500
    doc = clean(f"{_MINIFIED} {article} {_JSON_LD}\n\n{PROSE}")
    assert "script_text" not in {span.reason for span in doc.removed}


def test_long_code_lines_that_are_no_script_are_kept():
    """Long prose full of parentheses, a long CJK paragraph, and an article's code in readable lines."""
    figures = (
        "Households pay $4.20 more (about 12%); businesses pay $9.80 more (about 15%), from May 1 (2025). " * 12
    ).strip()
    cjk = "東京の天気は晴れです。明日も晴れるでしょう。" * 60
    code = "\n\n".join(
        f'config = {{"width": {w}, "height": {w // 2}, "title": "Window {w}", "resizable": true}}'
        for w in range(100, 130)
    )
    for text in (figures, cjk, code):
        doc = clean(f"Notes\n\n{PROSE}\n\n{text}\n\n{SHORT[1]}", mode="text")
        assert "script_text" not in {span.reason for span in doc.removed}, text[:40]


def test_html_pages_never_have_script_text():
    article = f"<h1>Bridge</h1><p>{PROSE}</p><pre>{_MINIFIED}</pre><p>{SHORT[0]}</p>"
    page = f"<html><body><article>{article}</article></body></html>"
    doc = clean(page)
    assert "script_text" not in {span.reason for span in doc.removed}


def test_a_megabyte_line_is_measured_on_samples_but_searched_whole_for_prose():
    article = " ".join([PROSE, *SHORT, PROSE.replace("council", "board")])
    script = _MINIFIED * 400
    assert len(script) > 500_000
    removed = clean(f"{PROSE}\n\n{script}\n\n{SHORT[0]}", mode="text").removed
    assert [span.rule for span in removed if span.reason == "script_text"] == ["script_text.minified"]
    hidden = clean(f"{PROSE}\n\n{script} {article} {script}\n\n{SHORT[0]}", mode="text").removed
    assert "script_text" not in {span.reason for span in hidden}


def test_a_script_line_with_a_long_run_of_words_and_no_sentence_end_is_read_in_linear_time():
    """A class list or keyword string in a script: 40,000 words without a full stop. Searching it for
    prose from each of its words over the whole run would take minutes; runs are bounded at 200 words."""
    line = _MINIFIED * 600 + " " + "btn-primary " * 40_000
    removed = clean(f"{PROSE}\n\n{line}\n\n{SHORT[0]}", mode="text").removed
    assert [span.rule for span in removed if span.reason == "script_text"] == ["script_text.minified"]


def test_a_markdown_headline_is_the_title_without_its_markers():
    doc = clean(f"# Bridge to reopen in May\n\n{PROSE}\n\n## What comes next\n\n{PROSE}", mode="text")
    assert doc.title == "Bridge to reopen in May"
    assert doc.text.startswith("# Bridge to reopen in May\n\n")  # the text keeps its Markdown
    assert "## What comes next" in doc.text
    twice = clean(f"# Bridge to reopen in May\n\n# Bridge to reopen in May\n\n{PROSE}", mode="text")
    assert twice.title == "Bridge to reopen in May" and [s.reason for s in twice.removed] == ["duplicate_title"]


def test_a_legal_notice_whose_first_sentence_is_its_cue_goes_whole():
    """Its later sentences match no rule, but a notice's first sentence opens a notice to its end
    (``whole_paragraph``), unlike a lede that opens with a banner's words and goes on as an article."""
    notice = (
        "This copy is for your personal, non-commercial use only. Distribution and use of this material are "
        "governed by our Subscriber Agreement and by copyright law. For non-personal use or to order multiple "
        "copies, please contact our reprints desk by telephone or through the reprints page of the website."
    )
    doc = clean(f"{PROSE}\n\n{PROSE}\n\n{notice}", mode="text")
    assert [span.rule for span in doc.removed] == ["legal_footer.notices.en"]


def test_a_section_label_above_the_headline_is_a_category_not_the_title():
    """'Local News' is the first short line, but the headline under it (repeated, or with a byline) is the title."""
    headline = "Council votes to repair the river bridge"
    for between in (headline, "By Jane Doe"):
        doc = clean(f"Local News\n\n{headline}\n\n{between}\n\n{PROSE}\n\n{PROSE}", mode="text")
        assert doc.title == headline and doc.categories == ("Local News",)
        assert doc.text.split("\n\n")[:2] == [headline, PROSE]  # the headline once, then the article


UNITS = sorted((FIXTURES / "text_units").glob("*.txt"))


@pytest.mark.parametrize("favor", ["balanced", "precision", "recall"])
@pytest.mark.parametrize("path", UNITS, ids=[p.stem for p in UNITS])
def test_the_lines_of_a_stanza_a_recipe_or_a_code_block_stay_together(path, favor):
    text = path.read_text(encoding="utf-8")
    units = [part.strip("\n") for part in text.split("\n\n") if "\n" in part.strip()]
    doc = clean(text, mode="text", favor=favor)
    kept = doc.text.split("\n\n")
    # every line of every unit, in its place: the lines still one under the other, indentation and all
    assert units and [unit for unit in units if unit not in kept] == []


def test_the_clean_text_keeps_the_layout_of_its_input():
    """Lines set together stay together, indentation kept beyond what every line shares; a removed
    line parts the lines around it; blank lines stay single."""
    code = "\tdef total(items):\n\t    return sum(items)"
    text = f"{PROSE}\n\n{code}\n\n\n\n{PROSE}\nShare this article\n{PROSE}"
    doc = clean(text, mode="text")
    assert doc.text == f"{PROSE}\n\n    def total(items):\n        return sum(items)\n\n{PROSE}\n\n{PROSE}"
    indented = clean(f"  {PROSE}\n\n  {PROSE}\n    indented", mode="text")  # what every line shares goes
    assert indented.text == f"{PROSE}\n\n{PROSE}\n  indented"
    assert [span.text for span in doc.removed] == ["Share this article"]
    assert doc.text.count(PROSE) == 3
