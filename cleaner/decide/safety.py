"""After the model: the safety net of the decision, so that the article is never lost.

The model and the rules decide block by block; these steps read the decided page as a whole. An
article split over wrappers named like boilerplate reads on (:func:`article_flow`), lists and
tables between its paragraphs stay (:func:`article_lists`), a paragraph kept twice is kept once
(:func:`repeated_paragraphs`), and a decision that lost the article falls back to the main-content
candidate (:func:`safety_net`), which provenance records. :func:`text_form` tells text mode which
operating point an input needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.decide.state import VERDICT_RULES, Reading, is_paragraph, is_prose
from cleaner.records import Block, Decision
from cleaner.segment.blocks import set_together


def settle(decisions: Sequence[Decision], reading: Reading) -> tuple[list[Decision], str | None]:
    """Every step below in order, on the model's decisions; the safety net's note (None when it did not act).

    Text has no markup, so only its lists between paragraphs need settling.
    """
    if not reading.markup:
        return article_lists(decisions, reading), None
    settled, note = safety_net(table_rows(article_lists(article_flow(decisions), reading)))
    return repeated_paragraphs(settled), note


_EXTRACTED_WITHIN = 5  # an extraction's article starts within its first few lines; a page's text has its menus first
_MENU_LINES = 0.3  # ...and a page's text has many short lines: menus, buttons, labels
_MENU_WORDS = 4
_PAGE_LINES = 40  # ...and a page's text, menus and footer included, has many lines


def text_form(blocks: Sequence[Block]) -> str:
    """A page's whole text ("page": menus first, many short lines) or anything else ("extracted").

    A page's visible text has at least 40 lines, opens with its menus and headers, not with a paragraph
    of prose (25 words or more that end a sentence), and at least 30% of its lines are short (four words
    or fewer). What does not look so is taken for an extractor's output, where the default keeps more
    (the recall operating point): where in doubt, losing an article sentence costs more than keeping a
    boilerplate line (measured: docs/decisions.md, "Text form").
    """
    if not blocks:
        return "page"
    head = blocks[:_EXTRACTED_WITHIN]
    short = sum(1 for block in blocks if block.words <= _MENU_WORDS) / len(blocks)
    opens_with_prose = any(is_prose(block, min_words=25) for block in head)
    if len(blocks) < _PAGE_LINES:
        return "extracted"
    return "page" if not opens_with_prose and short >= _MENU_LINES else "extracted"


# the safety net: a main-content candidate of at least this many words is confident, and a decision that
# keeps less than this share of its words has lost the article
_CANDIDATE_WORDS, _KEPT_SHARE = 100, 0.25
SAFETY_NET = "safety_net.main_content"


def safety_net(decisions: Sequence[Decision]) -> tuple[list[Decision], str | None]:
    """Never an empty article where there is one: fall back to the main-content candidate, and say why.

    The candidate is trafilatura's verdict (the blocks it kept). When the decision removed every
    block, or kept under a quarter of the words of a candidate of 100 words or more, the candidate's
    blocks stay as well, unless a text rule named them. Returns the decisions and the note that
    provenance records (None when the net did not act).
    """
    out = list(decisions)
    candidate = [i for i, d in enumerate(out) if d.block.main_content and not d.keep and _overrulable(d)]
    if not candidate:
        return out, None
    kept = sum(d.block.words for d in out if d.keep)
    offered = sum(d.block.words for d in out if d.block.main_content)
    if kept and (offered < _CANDIDATE_WORDS or kept >= _KEPT_SHARE * offered):
        return out, None
    for i in candidate:
        out[i] = Decision(out[i].block, True, None, SAFETY_NET, out[i].score)
    note = f"main-content candidate (trafilatura's verdict): the decision kept {kept} of its {offered} words"
    return out, note


REPEATED = "structure.repeated_paragraph"


def repeated_paragraphs(decisions: Sequence[Decision]) -> list[Decision]:
    """A paragraph of prose kept twice is one paragraph: the later copy goes (a page's hidden print or
    mobile copy of the article, a teaser that repeats the lede word for word)."""
    out = list(decisions)
    seen: set[str] = set()
    for i, decision in enumerate(out):
        if not decision.keep or not is_prose(decision.block):
            continue
        if decision.block.text in seen:
            out[i] = Decision(decision.block, False, "duplicate", REPEATED, decision.score)
        seen.add(decision.block.text)
    return out


ARTICLE_FLOW = "structure.article_flow"


def article_flow(decisions: Sequence[Decision]) -> list[Decision]:
    """Paragraphs that markup alone removed stay where they carry on the kept article's prose.

    An article split over wrappers named like boilerplate (a "pagination" class on its second half, a
    "comments" class on its last paragraphs) reads on without a break: a paragraph of 25 words or more
    that ends a sentence, right after (or right before) a kept one, is the same article. Hidden text and
    blocks that a rule removed by reading their text are left as they are; a comment section has its
    heading or its authors' lines between it and the article.
    """
    out = list(decisions)
    for order in (range(1, len(out)), range(len(out) - 2, -1, -1)):
        for i in order:
            neighbour = out[i - 1] if order.step == 1 else out[i + 1]
            current = out[i]
            if (
                not current.keep
                and current.evidence
                and current.rule != "dom.hidden"
                and is_paragraph(current.block)
                and neighbour.keep
                and is_prose(neighbour.block)
            ):
                out[i] = Decision(current.block, True, None, ARTICLE_FLOW, current.score)
    return out


ARTICLE_LIST = "structure.article_list"
_LIST_KINDS = frozenset({"li", "cell"})
_LIST_RUN = 40  # blocks at most in one list or table between two paragraphs
_LIST_ITEM_WORDS = 30


def article_lists(decisions: Sequence[Decision], reading: Reading) -> list[Decision]:
    """Lists and tables inside the article stay: a tour-date list, a race calendar, a standings table.

    A run of list items or table cells (HTML, inside the container of the paragraph before it) or of
    short lines (text) between two kept paragraphs of prose is the article's own, unless a rule that
    reads the text named one of its blocks.
    """
    out = list(decisions)
    position = 0
    while position < len(out):
        if out[position].keep or not _list_like(out[position].block, reading):
            position += 1
            continue
        end = position
        while end < len(out) and not out[end].keep and _list_like(out[end].block, reading):
            end += 1
        before, after = out[position - 1] if position else None, out[end] if end < len(out) else None
        run = out[position:end]
        if (
            before is not None
            and after is not None
            and end - position <= _LIST_RUN
            and _paragraph(before)
            and _paragraph(after)
            and all(_overrulable(d) and not (d.evidence and d.rule and d.rule.startswith("dom.")) for d in run)
            and (not reading.markup or all(_inside(d.block, before.block) for d in run))
        ):
            for i in range(position, end):
                out[i] = Decision(out[i].block, True, None, ARTICLE_LIST, out[i].score)
        position = end
    return out


TABLE_ROW = "structure.table_row"


def table_rows(decisions: Sequence[Decision]) -> list[Decision]:
    """A table row stays whole: where most of a row's cells are kept, a cell that the model alone removed
    is kept too (a row of a rainfall table lost "In the third week of the month" to a score just under
    the bar, its two other cells kept). Cells that a rule or markup removed stay removed.
    """
    rows: dict[int, list[int]] = {}
    for i, decision in enumerate(decisions):
        if decision.block.kind != "cell":  # a block inside a cell (a layout table's paragraphs, menus) is no cell
            continue
        row = next((serial for tag, serial, _ in reversed(decision.block.frame) if tag == "tr"), None)
        if row is not None:
            rows.setdefault(row, []).append(i)
    out = list(decisions)
    for members in rows.values():
        if len(members) < 2 or 2 * sum(out[i].keep for i in members) <= len(members):
            continue
        for i in members:
            decision = out[i]
            if not decision.keep and not decision.evidence and (decision.rule or "").startswith("model."):
                out[i] = Decision(decision.block, True, None, TABLE_ROW, decision.score)
    return out


def _list_like(block: Block, reading: Reading) -> bool:
    if block.words > _LIST_ITEM_WORDS:
        return False
    return block.kind in _LIST_KINDS if reading.markup else not is_prose(block, min_words=25)


def _paragraph(decision: Decision) -> bool:
    return decision.keep and is_prose(decision.block)


def _inside(block: Block, paragraph: Block) -> bool:
    """The block sits in the container that holds the paragraph."""
    container = paragraph.tag_path.rsplit("/", 1)[0]
    return bool(container) and block.tag_path.startswith(container + "/")


def _overrulable(decision: Decision) -> bool:
    """Removed by the model, a main-content verdict, markup alone or a structural step: not by a rule that read text."""
    rule = decision.rule
    return (
        decision.evidence
        or rule is None
        or rule in VERDICT_RULES.values()
        or rule.startswith(("model.", "structure.", "dom."))
    )


INPUT_UNIT = "structure.input_unit"


def input_units(decisions: Sequence[Decision], bar: float, source: str) -> list[Decision]:
    """Lines the input sets together (no blank line between them: a stanza, a list of ingredients, a block
    of code) stand together: in an extraction, those the model alone removed stay where their score
    reaches ``bar`` (the point an extraction is decided at when in doubt), whatever the favor.

    The model knows prose and boilerplate lines; a poem's or a recipe's short lines look like the
    latter one by one. Favoring precision still removes doubtful lines that stand alone. ``source`` is
    the normalized text the blocks index into.
    """
    out = list(decisions)
    start = 0
    while start < len(out):
        end = start + 1
        while end < len(out) and _one_unit(source, out[end - 1].block, out[end].block):
            end += 1
        unit = out[start:end]
        if len(unit) >= 2 and all(d.keep or (d.rule or "").startswith("model.") for d in unit):
            for i in range(start, end):
                if not out[i].keep and out[i].score is not None and out[i].score >= bar:
                    out[i] = Decision(out[i].block, True, None, INPUT_UNIT, out[i].score)
        start = end
    return out


def _one_unit(source: str, previous: Block, block: Block) -> bool:
    """Lines set together; a table's rows (cells) are not such a unit: their model scores stand."""
    return previous.kind == block.kind == "line" and set_together(source, previous, block)
