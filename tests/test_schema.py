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
