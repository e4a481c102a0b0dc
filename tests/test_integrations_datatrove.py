"""DataTrove: CleanerExtractor in a real LocalPipelineExecutor run, JSONL in and JSONL out."""

from __future__ import annotations

import json

import pytest
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner import clean
from cleaner.integrations.datatrove import CleanerExtractor
from tests.conftest import HTML_FIXTURES

URL = "https://example.org/news/{}"


def _documents() -> list[dict]:
    pages = [{"id": p.stem, "text": p.read_text(encoding="utf-8", errors="replace")} for p in HTML_FIXTURES]
    pages.append({"id": "blank", "text": "   "})
    return [{**page, "metadata": {"url": URL.format(page["id"]), "date": "2024-06-18"}} for page in pages]


@pytest.fixture(scope="module")
def pipeline_output(tmp_path_factory) -> tuple[list[dict], object]:
    """Two JSONL shards -> JsonlReader -> CleanerExtractor -> JsonlWriter, in two tasks on two workers."""
    tmp = tmp_path_factory.mktemp("datatrove")
    source = tmp / "in"
    source.mkdir()
    docs = _documents()
    for shard in (0, 1):
        lines = [json.dumps(doc) for doc in docs[shard::2]]
        (source / f"shard{shard}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    executor = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(source)), CleanerExtractor(), JsonlWriter(str(tmp / "out"), compression=None)],
        tasks=2,
        workers=2,
        logging_dir=str(tmp / "logs"),
    )
    stats = executor.run()
    records = [
        json.loads(line) for path in sorted((tmp / "out").glob("*.jsonl")) for line in path.read_text().splitlines()
    ]
    return records, stats


def test_clean_text_replaces_the_html(pipeline_output):
    records, stats = pipeline_output
    extractor = stats.stats[1]
    counts = (extractor["total"].total, extractor["forwarded"].total, extractor["dropped"].total)
    assert counts == (len(HTML_FIXTURES) + 1, len(HTML_FIXTURES), 1)  # every fixture and one blank document
    by_id = {record["id"]: record for record in records}
    assert sorted(by_id) == sorted(p.stem for p in HTML_FIXTURES)  # the blank document was dropped, as Trafilatura does
    for path in HTML_FIXTURES:
        record = by_id[path.stem]
        doc = clean(path.read_text(encoding="utf-8", errors="replace"), url=URL.format(path.stem))
        assert record["text"] == doc.text
        found = record["metadata"]["cleaner"]
        assert found["title"] == doc.title
        assert [span["reason"] for span in found["removed"]] == [span.reason for span in doc.removed]


def test_the_readers_metadata_stays_and_provenance_names_the_document(pipeline_output):
    records, _ = pipeline_output
    record = next(r for r in records if r["id"] == "01_cookie_consent_modal")
    assert record["metadata"]["url"] == URL.format("01_cookie_consent_modal")
    assert record["metadata"]["date"] == "2024-06-18"  # the crawl date is not overwritten
    provenance = record["metadata"]["cleaner"]["provenance"]
    assert provenance["origin"] == {"document_id": "01_cookie_consent_modal"}
    assert provenance["options"]["url"] == record["metadata"]["url"]
    assert record["metadata"]["cleaner"]["error"] is None
    removed = record["metadata"]["cleaner"]["removed"]
    assert any(span["reason"] == "cookie_banner" for span in removed)


def test_keep_errors_keeps_a_document_with_no_text():
    step = CleanerExtractor(keep_errors=True)
    page = HTML_FIXTURES[0].read_text(encoding="utf-8")
    out = list(step.run(iter([Document(text="", id="empty"), Document(text=page, id="ok")])))
    assert [doc.id for doc in out] == ["empty", "ok"]
    assert out[0].text == "" and out[0].metadata["cleaner"]["error"] == "empty input"
    assert out[1].metadata["cleaner"]["error"] is None
    assert step.stats["clean_error"].total == 1
