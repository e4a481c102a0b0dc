"""One record schema (cleaner.schema): the record, the Spark type and the integrations' fields agree."""

from __future__ import annotations

import pytest
from conftest import SEED_FILES

from cleaner import clean, clean_file, schema


@pytest.fixture(scope="module")
def records():
    ok = clean_file(SEED_FILES[2])
    failed = clean(b"")
    assert ok.error is None and failed.error_kind == "empty"
    return ok.to_dict(), failed.to_dict()


def test_the_record_is_the_schema(records):
    for record in records:
        assert tuple(record) == schema.FIELDS
        assert tuple(record["provenance"]) == tuple(name for name, _ in schema.PROVENANCE)
    spans = records[0]["removed"]
    assert spans and all(tuple(span) == tuple(name for name, _ in schema.SPAN) for span in spans)
    assert set(schema.METADATA) <= set(schema.FIELDS)


def test_the_spark_type_names_every_field_in_order():
    ddl = schema.spark_record(("extra",))
    assert ddl.startswith("struct<text:string,") and ddl.endswith(",extra:string>")
    top, depth, name = [], 0, ""
    for char in ddl[len("struct<") : -1]:  # the top-level field names of the struct
        if depth == 0 and char == ":":
            top.append(name)
        if char in "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif char == "," and depth == 0:
            name = ""
            continue
        name = name + char if depth == 0 and char != ":" else name
    assert tuple(top) == (*schema.FIELDS, "extra")


def test_scrapy_fields_are_the_outputs(records):
    pytest.importorskip("itemadapter")
    from cleaner.integrations.scrapy import OUTPUTS, CleanerPipeline

    assert tuple(OUTPUTS) == schema.OUTPUTS
    fields = CleanerPipeline._fields(clean_file(SEED_FILES[2]))
    assert tuple(fields) == schema.OUTPUTS and tuple(fields["metadata"]) == schema.METADATA


def test_datatrove_metadata_has_the_same_keys_for_a_record_and_a_sandbox_failure():
    pytest.importorskip("datatrove")
    from cleaner.integrations.datatrove import CleanerExtractor, _failed

    _, found = CleanerExtractor().clean(SEED_FILES[2].read_text(encoding="utf-8"))
    expected = (*schema.METADATA, *schema.OUTPUTS[2:])
    assert tuple(found) == expected
    lost = _failed("timeout: over 10 s (DataTrove's sandbox)", "timeout")
    assert tuple(lost) == expected and lost["error_kind"] == "timeout" and lost["categories"] == []


def test_one_list_of_reasons_names_every_reason_the_rules_the_model_and_the_steps_give():
    import re

    from conftest import HTML_FIXTURES, ROOT

    from cleaner import corpus, model
    from cleaner.rules import builtin_ruleset

    documented = re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "record.md").read_text(encoding="utf-8"), re.M)
    table = documented[documented.index("cookie_banner") : documented.index("site_template") + 1]
    assert sorted(table) == sorted(schema.REASONS) and len(set(schema.REASONS)) == len(schema.REASONS)
    assert {rule.cls for rule in builtin_ruleset().rules} <= set(schema.REASONS)
    for kind in ("html", "text"):
        assert set(model.load(kind).class_names) <= set(schema.REASONS)
    assert corpus.REASON in schema.REASONS
    given = {
        span.reason
        for path in [*HTML_FIXTURES, *SEED_FILES]
        for favor in ("precision", "balanced")
        for span in clean_file(path, favor=favor).removed
    }
    assert given <= set(schema.REASONS), given - set(schema.REASONS)
