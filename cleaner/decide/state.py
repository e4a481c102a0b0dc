"""Decide, block by block, what stays and why.

A short state machine in the spirit of jusText: DOM markers, then rules (a heading rule opens a
region that lasts until the article's own prose resumes), then the top of the document (section
label, headline, repeated headline), teaser lists, then trafilatura's verdict. The structural
steps take their parameters from ``structure`` rules, so they can be listed, tested and switched off.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.records import Block, Decision
from cleaner.rules import Hit, Rule, RuleSet

_TERMINAL = re.compile(r"[.!?\"”’»)]$")
_ELLIPSIS = re.compile(r"(…|\.\.\.)$")
_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]?\s+[\"“‘(]?[A-Z0-9]")
# reference marks after a sentence's end: "[21]", "[a]", "[citation needed]"
_MARKS = r"(?:\[[^\[\]\n]{1,20}\])"
_REFERENCE_MARKS = re.compile(_MARKS + "+$")
_REFERENCED_BREAK = re.compile(r"[.!?][\"”’)]?" + _MARKS + r"*\s+[\"“‘(]?[A-Z0-9]")
# the rule a block outside the main content is removed by: the verdict that put it there
TRAFILATURA_VERDICT, REGION_VERDICT = "trafilatura", "density.region"
VERDICT_RULES = {"trafilatura": TRAFILATURA_VERDICT, "region": REGION_VERDICT}
_OPEN = (None, "outside_main_content", "low_content")  # decisions that only trafilatura's verdict made
_TAIL_SHARE = 0.35  # text mode: a region opened in the last 35% of the text runs to its end
_RUN_WORDS, _RUN_SENTENCES = 60, 4  # a run of sentences as long as this is prose whatever its last word
_TEASER_PERIOD = 4  # at most this many blocks per teaser item (title, teaser, time line)


@dataclass(frozen=True)
class Reading:
    """Which steps of the decision a kind of input takes: what its markup tells, or what its text alone must.

    A page's blocks are elements: a list of links, a block with little text in it, what stands above
    the headline (the masthead) and a headline's ``<h1>`` say something. Already-extracted text has
    none of that; its post footers, pasted script, comment threads and sections that run to the end
    are told from the text instead.
    """

    head_zone: int  # open blocks looked at for a headline before the first prose
    headline_kind: str | None  # the block kind a headline must have (None: any single line)
    markup: bool  # link lists, low-content blocks and the masthead are removed as such
    text_only: bool  # post footers, script text, comment threads and regions that run to the text's end
    # the blank lines are the author's: lines with none between them belong together (no headline among them)
    layout: bool = False


TEXT = Reading(head_zone=8, headline_kind=None, markup=False, text_only=True, layout=True)
HTML = Reading(head_zone=40, headline_kind="h", markup=True, text_only=False)
LINES = dataclasses.replace(TEXT, layout=False)  # a parser's lines of a page (the fast preset): no layout of its own
READINGS = {"text": TEXT, "html": HTML}  # by the input's kind

TITLE = "title.headline"
DUPLICATE_TITLE = "duplicate_title.near_top"
SECTION_LABEL = "section_label.above_headline"
AUTHOR_LINE = "byline.author_line"
TEASER_LIST = "recent_posts.teaser_list"
COMMENT_THREAD = "comments.thread"
COMMENT_STAMP = "comments.thread_stamp"
SCRIPT_TEXT = ("script_text.code", "script_text.minified")
_COMMENT_CLASSES = ("comments", "comment_prompt")
_THREAD_GAP = 8  # at most this many blocks between two markers of one comment thread
_THREAD_MARKERS = 3  # markers that make a thread


@dataclass(frozen=True)
class TopOfDocument:
    """What the top of the document says about itself."""

    title: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()


def is_prose(block: Block, min_words: int = 12) -> bool:
    """A sentence-ending paragraph of some length: the article's own flow."""
    text = block.text
    return block.words >= min_words and bool(_TERMINAL.search(text)) and not _ELLIPSIS.search(text)


def is_paragraph(block: Block) -> bool:
    """Article prose the text model never removes: a long sentence-ending paragraph, or a long run of sentences.

    A page whose layout table holds the article gives one line that ends on the table's last
    cell ("... more from this section"), not on a full stop; its sentences still show.
    Reference marks after a sentence ("... used together.[21] Over ...", an encyclopedia's notes)
    do not hide its end.
    """
    if is_prose(block, min_words=25):
        return True
    text = block.text
    if text.endswith("]"):
        bare = _REFERENCE_MARKS.sub("", text)
        if block.words >= 25 and _TERMINAL.search(bare) and not _ELLIPSIS.search(bare):
            return True
    return block.words >= _RUN_WORDS and len(_REFERENCED_BREAK.findall(text)) >= _RUN_SENTENCES


def decide(
    blocks: Sequence[Block],
    ruleset: RuleSet,
    *,
    title: str | None = None,
    author: str | None = None,
    reading: Reading = TEXT,
    verdict: str = TRAFILATURA_VERDICT,
) -> tuple[list[Decision], TopOfDocument]:
    """Decide every block; ``title`` and ``author`` are what the page's metadata says (HTML), if anything;
    ``reading`` says which steps the input's kind takes (:data:`TEXT`, :data:`HTML`); ``verdict`` names
    the main-content verdict that ``Block.main_content`` holds (:data:`VERDICT_RULES`)."""
    known_author = author
    decisions: list[Decision] = []
    region: Hit | None = None
    to_end = False
    author = None
    total = max(1, blocks[-1].end) if blocks else 1
    prose_words = 0  # words of article prose kept so far
    footers = _post_footers(blocks, ruleset) if reading.text_only else set()
    scripts = () if not reading.text_only else tuple(r for r in map(ruleset.structure, SCRIPT_TEXT) if r is not None)
    shortest_script = min((rule.min_chars for rule in scripts), default=0)
    for position, block in enumerate(blocks):
        if block.dom_reason:
            decisions.append(_marked(block, ruleset))
            continue
        script = _script_text(block.text, scripts) if scripts and len(block.text) >= shortest_script else None
        if script is not None:
            decisions.append(Decision(block, False, script.cls, script.id))
            continue
        hit = ruleset.match_text(block.text)
        if hit and not _strong_enough(block, hit, ruleset):
            hit = None
        opens = hit is not None and hit.rule.target == "heading"
        ends = opens and reading.text_only and position not in footers
        ends = ends and _runs_to_end(hit.rule, block, total, prose_words)
        # a heading rule's line (in HTML, an <h1>-<h6> that is not a link): it says a section of boilerplate
        # opens here, and the article's prose going on under it says otherwise
        heading = opens and not hit.rule.prose_section
        heading = heading and (not reading.markup or (block.kind == "h" and block.link_density < 0.5))
        if heading and prose_words and not (to_end or ends) and _prose_resumes_at(blocks, position + 1):
            # a subheading of the article that reads like boilerplate ("Related articles" in a story
            # about what readers click next)
            decisions.append(Decision(block, True))
            continue
        if opens:
            region = hit
            to_end = to_end or ends
            decisions.append(_removed(block, hit.rule))
            continue
        if region and not to_end and _prose_resumes(block, blocks[position + 1 : position + 2]):
            region = None
        if hit and not (region and hit.rule.weak):
            if hit.author and not author:
                author = hit.author
            decisions.append(_removed(block, hit.rule))
        elif region:
            decisions.append(_removed(block, region.rule))
        elif block.main_content is False:
            decisions.append(Decision(block, False, "outside_main_content", verdict))
        elif reading.markup and _link_list(block):
            decisions.append(Decision(block, False, "navigation", "structure.link_list"))
        elif block.main_content is None and reading.markup and _low_content(block):
            decisions.append(Decision(block, False, "low_content", "structure.low_content"))
        else:
            decisions.append(Decision(block, True))
            if is_prose(block, min_words=25):
                prose_words += block.words
    _teaser_lists(decisions, ruleset.structure(TEASER_LIST))
    if reading.text_only:
        _comment_threads(decisions, ruleset.structure(COMMENT_THREAD), ruleset.structure(COMMENT_STAMP))
    top = _top_of_document(decisions, title, reading, ruleset)
    _author_lines(decisions, known_author or author, ruleset.structure(AUTHOR_LINE), reading)
    return decisions, TopOfDocument(top.title, author, top.categories)


def _marked(block: Block, ruleset: RuleSet) -> Decision:
    """A block that markup marked: evidence where it is prose, which the model weighs; but where a text rule
    that decides alone names it (a cookie notice in a <nav>), that rule's verdict, which no model overrules."""
    if not is_prose(block):
        return Decision(block, False, block.dom_reason, block.dom_rule)
    hit = ruleset.match_text(block.text)
    if hit and hit.rule.target != "heading" and hit.rule.decides_alone and _strong_enough(block, hit, ruleset):
        return _removed(block, hit.rule)
    return Decision(block, False, block.dom_reason, block.dom_rule, evidence=True)


def _removed(block: Block, rule: Rule) -> Decision:
    """A text rule's removal: final when the rule decides alone, else evidence that the model weighs."""
    return Decision(block, False, rule.cls, rule.id, evidence=not rule.decides_alone)


# nine words or more that end a sentence; a line with 500 characters of them holds an article's prose
# (a JSON-LD description has a sentence or two); measured: docs/decisions.md, "Script text"
# (at most 200 words a run, taken possessively: an unbounded run would be retried from each of its
# words, quadratic in a line of thousands of words without a sentence end, such as a class list)
_PROSE_RUN = re.compile(r"(?<![\w'’,-])(?:[^\W_][\w'’,-]*+ ){8,200}+[^\W_]++[.!?]")
_PROSE_CHARS = 500
_SCRIPT_TIMEOUT = 1.0  # seconds a script-text pattern may spend on one line (lines can be megabytes long)


def _script_text(text: str, rules: Sequence[Rule]) -> Rule | None:
    """Text mode: the rule that finds a long line to be script, style sheet or data, not article text.

    A plain text extraction (``text_content()``, ``get_text()``) keeps what <script> and <style>
    elements hold, often more of it than visible text. Such a line is long, dense with code
    punctuation or made of long unspaced runs, and holds less than ``_PROSE_CHARS`` of prose.
    """
    sample = _sample(text)
    for rule in rules:
        if len(text) >= rule.min_chars and _coverage(rule, sample) >= rule.share:
            return None if _prose_chars(text) >= _PROSE_CHARS else rule
    return None


def _prose_chars(text: str) -> int:
    return sum(m.end() - m.start() for m in _PROSE_RUN.finditer(text))


_WINDOW, _WINDOWS = 1000, 8


def _sample(text: str) -> list[str]:
    """A long line's character mix is read from eight windows spread over it, so that a megabyte of
    script costs what 8 KB does; the search for prose still reads all of it."""
    if len(text) <= _WINDOW * _WINDOWS:
        return [text]
    step = (len(text) - _WINDOW) // (_WINDOWS - 1)
    return [text[i * step : i * step + _WINDOW] for i in range(_WINDOWS)]


def _coverage(rule: Rule, pieces: Sequence[str]) -> float:
    """The share of the text that the rule's pattern matches (0 when it runs out of time)."""
    covered = 0
    try:
        for piece in pieces:
            covered += len(piece) - len(rule.pattern.sub("", piece, timeout=_SCRIPT_TIMEOUT))  # no list of matches
    except TimeoutError:
        return 0.0
    return covered / max(1, sum(map(len, pieces)))


_COUNT = re.compile(r"\d+")
_FOOTER_WORDS = 6  # a comment-count line is short: "| Comments (7)", "12 comments"


def _post_footers(blocks: Sequence[Block], ruleset: RuleSet) -> set[int]:
    """Text mode: comment-count headings that end posts ("Comments (7)", then "Comments (0)").

    A blog's front page ends every post with its comment count, in one format; two or more
    lines of the same format with different counts are footers of posts, not the heading of one
    comment section, so none of them runs to the end. A list of other articles with their counts
    ("18 comments") after the comments' own heading ("Comments (5)") leaves that heading alone.
    """
    counts: dict[str, dict[int, str]] = {}
    for position, block in enumerate(blocks):
        if block.dom_reason or block.words > _FOOTER_WORDS:
            continue
        hit = ruleset.match_text(block.text)
        count = _COUNT.search(block.text) if hit and hit.rule.target == "heading" else None
        if count:
            counts.setdefault(_COUNT.sub("#", block.text), {})[position] = count.group()
    return {p for same in counts.values() if len(set(same.values())) >= 2 for p in same}


def _runs_to_end(rule: Rule, block: Block, total: int, prose_words: int) -> bool:
    """Text mode: a region near the end, or a comments heading after the article, runs to the end.

    Reader comments are prose, so the article's prose resuming cannot end their region.
    """
    if (total - block.end) < _TAIL_SHARE * total:
        return True
    return bool(rule.to_end_after) and prose_words >= rule.to_end_after


def _prose_resumes(block: Block, after: Sequence[Block]) -> bool:
    """The article's own prose is back: a long paragraph, or two sentences of some length in a row.

    A long paragraph may end on a colon before a quote or a video ("Says the chef: ... Watch:"),
    so two sentence breaks inside it count as well as a sentence end; an article of short
    paragraphs resumes with two of them in a row.
    """
    prose = is_prose(block)
    if block.words >= 25 and (prose or len(_SENTENCE_BREAK.findall(block.text)) >= 2):
        return True
    return prose and bool(after) and is_prose(after[0])


_QUOTES_OPEN = "\"“„«‘'"
_QUOTES_CLOSE = "\"”“»’'"
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")
_LONG_PROSE = 40
_REST_WORDS = 25  # the rest of a paragraph after its first sentence: this long, it is prose of its own


def _strong_enough(block: Block, hit: Hit, ruleset: RuleSet) -> bool:
    """A rule's words quoted inside a sentence, or met deep inside a long paragraph, are the article's own;
    so is a first sentence that reads like boilerplate when the rest of its paragraph is prose no rule knows.

    Boilerplate opens with its cue ("We use cookies..."); an article may quote it ("...the banner
    announcing that "this website uses cookies" and asking..."), or open with it ("We use cookies to
    improve your experience. That sentence greets visitors of...") and go on as an article: both must
    survive. A banner's later sentences are its own boilerplate ("By continuing, you agree...").
    """
    text = block.text
    before = text[: hit.start].rstrip()
    if before and before[-1] in _QUOTES_OPEN and any(q in text[hit.end : hit.end + 120] for q in _QUOTES_CLOSE):
        return False
    if block.words >= _LONG_PROSE:
        first_end = _SENTENCE_END.search(text)
        if first_end and hit.start > first_end.end():
            return False
        opening = first_end and hit.end <= first_end.end() and not hit.rule.whole_paragraph
        rest = text[first_end.end() :].strip() if opening else ""
        if len(rest.split()) >= _REST_WORDS and _SENTENCE_END.search(rest) and ruleset.match_text(rest) is None:
            return False
    return True


def _prose_resumes_at(blocks: Sequence[Block], position: int) -> bool:
    """The block at ``position`` (with the one after it) is the article's prose going on."""
    return position < len(blocks) and _prose_resumes(blocks[position], blocks[position + 1 : position + 2])


def _link_list(block: Block) -> bool:
    """Several lines that are nearly all links: a menu, whatever trafilatura thought."""
    return block.link_density >= 0.7 and block.text.count("\n") >= 2 and not is_prose(block)


def _low_content(block: Block) -> bool:
    """Without trafilatura's verdict: link lists and fragments are not article text."""
    return block.link_density > 0.5 or (block.kind != "h" and block.words < 4)


def _teaser_lists(decisions: list[Decision], rule: Rule | None) -> None:
    """Title, teaser, "2 weeks ago", repeated: a list of other articles even without a heading.

    Two or more time lines a few blocks apart, with no article prose between them, make a list;
    the first item starts as many blocks before its time line as the items are long.
    """
    if rule is None:
        return
    stamps = [i for i, d in enumerate(decisions) if rule.pattern.search(d.block.text) and d.block.words <= 6]
    runs: list[list[int]] = []
    for i in stamps:
        if runs and i - runs[-1][-1] <= _TEASER_PERIOD and not _prose_between(decisions, runs[-1][-1], i):
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) < 2:
            continue
        period = run[1] - run[0]
        start = max(0, run[0] - period + 1)
        if _prose_between(decisions, start - 1, run[0]):
            start = run[0]
        for position in range(start, run[-1] + 1):
            if decisions[position].keep or decisions[position].reason == "timestamp_list":
                decisions[position] = Decision(decisions[position].block, False, rule.cls, rule.id)


def _comment_threads(decisions: list[Decision], rule: Rule | None, stamp: Rule | None) -> None:
    """A thread of reader comments ("Name says:", the comment, "Reply", repeated), heading or not.

    Comments are prose, so text mode cannot tell them from the article line by line; the markers
    between them can. A run of markers a few lines apart is a thread, from its first marker to
    the last comment's own lines after its last marker. Date-and-time lines count as markers only
    in a run that has a strong marker or follows a comments heading: alone, they are as likely an
    event listing. HTML has the comment list's markup instead.
    """
    if rule is None:
        return
    strong = {i for i, d in enumerate(decisions) if d.block.words <= 12 and rule.pattern.search(d.block.text)}
    stamps = set()
    if stamp is not None:
        stamps = {i for i, d in enumerate(decisions) if d.block.words <= 14 and stamp.pattern.search(d.block.text)}
    runs: list[list[int]] = []
    for i in sorted(strong | stamps):
        if runs and i - runs[-1][-1] <= _THREAD_GAP:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) < _THREAD_MARKERS:
            continue
        opened = any(d.reason in _COMMENT_CLASSES for d in decisions[max(0, run[0] - _THREAD_GAP) : run[0]])
        if not opened and strong.isdisjoint(run):
            continue
        gaps = sorted(b - a for a, b in itertools.pairwise(run))
        end = min(len(decisions) - 1, run[-1] + gaps[len(gaps) // 2] - 1)
        for position in range(run[0], end + 1):
            if decisions[position].keep:
                named = stamp if stamp is not None and position in stamps - strong else rule
                decisions[position] = Decision(decisions[position].block, False, named.cls, named.id)


def _prose_between(decisions: Sequence[Decision], first: int, last: int) -> bool:
    return any(is_prose(decisions[p].block, min_words=25) for p in range(first + 1, last))


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+|\s+#+\s*$")  # an ATX heading's markers, before and after


def _top_of_document(
    decisions: list[Decision], known_title: str | None, reading: Reading, ruleset: RuleSet
) -> TopOfDocument:
    """Find the section label, the headline and its repeats among the kept blocks before the prose.

    In HTML, what stands before the headline other than its section label is the page's masthead.
    """
    head = _head_zone(decisions, reading)
    title_rule, duplicate_rule = ruleset.structure(TITLE), ruleset.structure(DUPLICATE_TITLE)
    label_rule = ruleset.structure(SECTION_LABEL)
    title = known_title
    title_at = None
    if title is None and title_rule is not None:
        candidates = [
            p
            for p in head
            if _headline_like(decisions[p].block, reading, title_rule)
            and not (reading.layout and _continues_a_paragraph(decisions, p))
        ]
        title_at = candidates[0] if candidates else None
        labelled = reading.layout and label_rule is not None and len(candidates) > 1
        if labelled and label_rule.matches(decisions[candidates[0]].block.text):
            # "Local News" above the headline is its section's label, not the title
            title_at = candidates[1]
        if title_at is not None:
            title = _MARKDOWN_HEADING.sub("", decisions[title_at].block.text)  # "# Title": the title is "Title"
            decisions[title_at] = _drop(decisions[title_at], title_rule)
    if title is not None and duplicate_rule is not None:
        for position in head:
            if position != title_at and _same_headline(decisions[position].block.text, title, duplicate_rule):
                decisions[position] = _drop(decisions[position], duplicate_rule)
                title_at = position if title_at is None else title_at
    categories: tuple[str, ...] = ()
    if title_at is not None:
        before = [p for p in head if p < title_at and decisions[p].keep]
        if label_rule and before and before[-1] == head[0] and label_rule.matches(decisions[before[-1]].block.text):
            categories = (decisions[before[-1]].block.text,)
            decisions[before[-1]] = _drop(decisions[before[-1]], label_rule)
        if reading.markup:
            for position in head:
                if position < title_at and decisions[position].keep:
                    decisions[position] = Decision(
                        decisions[position].block, False, "page_header", "structure.page_header"
                    )
    return TopOfDocument(title=title, categories=categories)


def keep_headline(decisions: Sequence[Decision]) -> list[Decision]:
    """``favor="recall"``: the headline's first occurrence stays in the text as well as in the title.

    Many readers (and many gold texts) count the headline as part of the article; a caller who asks
    for recall wants it. The repeats of the headline stay removed.
    """
    out = list(decisions)
    for position, decision in enumerate(out):
        if decision.rule in (TITLE, DUPLICATE_TITLE):
            out[position] = Decision(decision.block, True, None, None, decision.score)
            break
    return out


def _head_zone(decisions: Sequence[Decision], reading: Reading) -> list[int]:
    """Positions of the open blocks (kept, or dropped only by trafilatura) before the first kept prose."""
    head: list[int] = []
    for position, decision in enumerate(decisions):
        if len(head) >= reading.head_zone or (decision.keep and is_prose(decision.block)):
            break
        if decision.reason in _OPEN:
            head.append(position)
    return head


def _author_lines(decisions: list[Decision], author: str | None, rule: Rule | None, reading: Reading) -> None:
    """Short lines near the top that name the author ("Jane Doe, Chief Correspondent · 20 January 2026")."""
    if not author or rule is None or len(author) < 3:
        return
    name = author.casefold()
    for position in _head_zone(decisions, reading):
        text = decisions[position].block.text
        if name in text.casefold() and rule.matches(text):
            decisions[position] = _drop(decisions[position], rule)


def _drop(decision: Decision, rule: Rule) -> Decision:
    return Decision(decision.block, False, rule.cls, rule.id)


def _continues_a_paragraph(decisions: Sequence[Decision], position: int) -> bool:
    """Text: the line follows another with no blank line between (a stanza's third line is no headline)."""
    return position > 0 and decisions[position].block.start == decisions[position - 1].block.end + 1


def _headline_like(block: Block, reading: Reading, rule: Rule) -> bool:
    if reading.headline_kind is not None and block.kind != reading.headline_kind:
        return False
    return "\n" not in block.text and bool(rule.matches(block.text))


def _tokens(text: str) -> set[str]:
    return {token.lower() for token in _WORD.findall(text)}


def _same_headline(text: str, title: str, rule: Rule) -> bool:
    """Equal, or a close rewording: most words shared (a site's SEO headline next to its display headline)."""
    if rule.max_words and len(text.split()) > rule.max_words:
        return False
    a, b = _tokens(text), _tokens(title)
    if not a or not b:
        return False
    overlap = len(a & b)
    shorter = min(len(a), len(b))
    return overlap / len(a | b) >= rule.similarity or (shorter >= 3 and overlap / shorter >= 0.9)
