"""The JSONL record, described once: every output format is derived from this description.

``CleanDocument.to_dict()`` writes these fields in this order; the Spark schema, DataTrove's
``metadata["cleaner"]`` and Scrapy's item fields are made from the same lists, and a test fails
when any of them disagrees with a real record.
"""

from __future__ import annotations

# (name, Spark SQL type). Options and origin hold values of any JSON type: Spark keeps their JSON text.
SPAN = (
    ("text", "string"),
    ("reason", "string"),
    ("rule", "string"),
    ("score", "double"),
    ("start", "int"),
    ("end", "int"),
)
PROVENANCE = (
    ("input_sha256", "string"),
    ("input_kind", "string"),
    ("source", "string"),
    ("encoding", "string"),
    ("versions", "map<string,string>"),
    ("options", "map<string,string>"),
    ("blocks", "struct<total:int,kept:int>"),
    ("safety_net", "string"),
    ("text_form", "string"),
    ("origin", "map<string,string>"),
)
# what the page says about itself: the record's metadata fields, grouped as "metadata" by the integrations
METADATA = ("title", "author", "date", "url", "sitename", "language", "categories")
RECORD = (
    ("text", "string"),
    ("title", "string"),
    ("author", "string"),
    ("date", "string"),
    ("url", "string"),
    ("sitename", "string"),
    ("language", "string"),
    ("categories", "array<string>"),
    ("page_type", "string"),
    ("confidence", "double"),
    ("removed", "array<span>"),
    ("provenance", "provenance"),
    ("error", "string"),
    ("error_kind", "string"),
    ("duplicate_of", "string"),
)
FIELDS = tuple(name for name, _ in RECORD)
# fields a record carries only where they were asked for, after all of the above: ``markdown``
# (``Options.markdown``, ``--format markdown``) would nearly double every record for the readers of ``text``
ASKED = (("markdown", "string"),)
# the integrations' outputs of one document: the text, the metadata as one group, and the rest of the
# record but ``duplicate_of``, which only a corpus pass (cleaner clean, Spark's clean_corpus) sets
OUTPUTS = ("text", "metadata", *(name for name in FIELDS if name not in ("text", "duplicate_of", *METADATA)))


# every reason a removed span can give: the rule classes first (cleaner/rules/*.toml, and the learned
# model's class names), then the structural steps'. docs/record.md describes each; a test keeps them equal.
# User rule files may add classes of their own.
REASONS = (
    "cookie_banner",
    "consent",
    "subscription_prompt",
    "newsletter",
    "paywall",
    "share_prompt",
    "feedback_prompt",
    "related_content",
    "recent_posts",
    "timestamp_list",
    "script_text",
    "comment_prompt",
    "comments",
    "source_link",
    "byline",
    "title",
    "duplicate_title",
    "section_label",
    "page_header",
    "navigation",
    "form",
    "sidebar",
    "advertising",
    "legal_footer",
    "hidden",
    "outside_main_content",
    "boilerplate",
    "low_content",
    "duplicate",
    "site_template",
    "not_article",
)


def struct(fields: tuple[tuple[str, str], ...]) -> str:
    return "struct<" + ",".join(f"{name}:{kind}" for name, kind in fields) + ">"


def spark_record(extra: tuple[str, ...] = ()) -> str:
    """The record as a Spark SQL DDL type (``extra``: more string fields, such as a corpus job's own)."""
    named = {"array<span>": f"array<{struct(SPAN)}>", "provenance": struct(PROVENANCE)}
    fields = [(name, named.get(kind, kind)) for name, kind in RECORD]
    return struct((*fields, *((name, "string") for name in extra)))


def outputs(record: dict) -> dict:
    """A record's outputs for the integrations: ``text``, ``metadata`` (one group) and the other fields."""
    out = {"text": record["text"], "metadata": {name: record[name] for name in METADATA}}
    out.update((name, record[name]) for name in OUTPUTS if name not in out)
    out.update((name, record[name]) for name, _ in ASKED if name in record)  # where it was asked for
    return out


def failed_outputs(message: str, kind: str) -> dict:
    """The outputs of a document an integration got no record for (a sandbox timeout): the same keys."""
    record = {name: None for name in FIELDS} | {"text": "", "categories": [], "removed": []}
    return outputs(record | {"error": message, "error_kind": kind})
