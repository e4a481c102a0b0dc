"""Spark in local mode: WARC files generated here -> read_warc -> with_clean_columns, and the spark-submit job."""

from __future__ import annotations

import html
import os
import sys

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession
from warc_writer import write_warc

from cleaner import clean, corpus
from cleaner.integrations.spark import WARC_ORIGIN, read_warc, with_clean_columns
from cleaner.integrations.spark_corpus import clean_corpus
from cleaner.integrations.spark_job import clean_warcs
from tests.conftest import HTML_FIXTURES, SEED_FILES

URL = "https://example.org/news/{}"


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers import cleaner from this venv
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cleaner-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def warcs(tmp_path_factory):
    """Two WARC files (one gzipped) holding eight HTML fixtures and an empty page; the offsets by URL."""
    folder = tmp_path_factory.mktemp("warcs")
    pages = [(URL.format(p.stem), p.read_bytes()) for p in HTML_FIXTURES[::2]] + [(URL.format("empty"), b"")]
    offsets = {}
    for name, part in (("a.warc.gz", pages[::2]), ("b.warc", pages[1::2])):
        path = folder / name
        offsets.update(
            {(str(path), url): offset for (url, _), offset in zip(part, write_warc(path, part), strict=True)}
        )
    return folder, dict(pages), offsets


@pytest.fixture(scope="module")
def cleaned_rows(spark, warcs):
    folder, _, _ = warcs
    pages = read_warc(spark, sorted(str(p) for p in folder.iterdir()))
    cleaned = with_clean_columns(pages, html_col="html", url_col="target_uri", origin_cols=WARC_ORIGIN)
    return {row.target_uri: row for row in cleaned.collect()}


def test_every_record_is_one_row_cleaned_as_the_library_cleans_it(cleaned_rows, warcs):
    _, pages, _ = warcs
    assert sorted(cleaned_rows) == sorted(pages)
    for url, page in pages.items():
        row, doc = cleaned_rows[url], clean(page, url=url)
        assert row.clean_text == doc.text, url
        assert row.clean_error == doc.error
        assert row.clean_metadata.title == doc.title
        assert row.clean_metadata.language == doc.language
        assert [span.reason for span in row.clean_removed] == [span.reason for span in doc.removed]


def test_provenance_names_the_warc_record(cleaned_rows, warcs):
    _, _, offsets = warcs
    for (path, url), offset in offsets.items():
        row = cleaned_rows[url]
        origin = row.clean_provenance.origin
        assert (origin["warc_file"], origin["target_uri"], int(origin["offset"])) == (path, url, offset)
        assert origin["warc_record_id"] == row.warc_record_id and row.warc_record_id.startswith("<urn:uuid:")
        assert row.clean_provenance.input_kind == ("html" if row.clean_text else row.clean_provenance.input_kind)


def test_a_page_that_cannot_be_cleaned_keeps_its_row(cleaned_rows):
    row = cleaned_rows[URL.format("empty")]
    assert row.clean_text == "" and row.clean_error == "empty input"


def test_string_html_without_url(spark):
    html = HTML_FIXTURES[0].read_text(encoding="utf-8")
    df = spark.createDataFrame([(1, html), (2, None)], "id long, page string")
    rows = with_clean_columns(df, html_col="page", prefix="c_").orderBy("id").collect()
    assert rows[0].c_text == clean(html).text and rows[0].c_provenance.origin is None
    assert rows[1].c_text == "" and rows[1].c_error == "empty input"


def test_spark_job_writes_parquet(spark, warcs, tmp_path):
    folder, pages, _ = warcs
    out = tmp_path / "clean.parquet"
    clean_warcs(spark, [folder]).write.parquet(str(out))
    table = pq.read_table(out).to_pylist()
    assert sorted(row["target_uri"] for row in table) == sorted(pages)
    assert {"warc_file", "offset", "clean_text", "clean_metadata", "clean_provenance", "clean_error"} <= set(table[0])
    assert "html" not in table[0]


TEMPLATE = (
    "The Riverton Ledger is written and edited by a team of eleven reporters in the old mill building on Water Street."
)


def _ledger_page(text: str) -> str:
    """A seed article as an HTML page of one site, with the site's template line after its second paragraph."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    paragraphs.insert(2, TEMPLATE)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><head><title>{html.escape(paragraphs[0][:80])}</title></head><body><article>{body}</article></body>"


def _corpus() -> list[tuple[str, str]]:
    """Four articles of one site sharing a template line, a near copy of one of them, three versions of another,
    three pages of another site."""
    docs = [(f"https://ledger.example/{p.stem}", _ledger_page(p.read_text(encoding="utf-8"))) for p in SEED_FILES]
    copy = SEED_FILES[2].read_text(encoding="utf-8").replace("Putin", "the Russian president", 1)
    docs.append(("https://ledger.example/copy", _ledger_page(copy)))
    story = SEED_FILES[3].read_text(encoding="utf-8")
    for version in (2, 3, 4):  # versions of one updated story under one address
        update = f"Update {version}: the council confirmed the figures again on day {version} of the inquiry."
        docs.append((f"https://ledger.example/{SEED_FILES[3].stem}?v={version}", _ledger_page(f"{story}\n\n{update}")))
    docs += [(f"https://example.org/{p.stem}", p.read_text(encoding="utf-8")) for p in HTML_FIXTURES[:3]]
    return docs


def _in_one_process(docs: list[tuple[str, str]], thresholds: corpus.Thresholds) -> list[dict]:
    """What cleaner.corpus decides over the same documents in one process."""
    cleaned = [clean(page, url=url) for url, page in docs]
    counts = corpus.SiteCounts()
    for doc in cleaned:
        counts.add(corpus.fingerprint(doc, ""), doc.url, doc.text)
    templates = counts.templates(thresholds)
    records = [
        corpus.remove_templates(doc.to_dict(), corpus.kept_blocks(doc), corpus.site_of(doc.url, ""), templates)
        for doc in cleaned
    ]
    return list(corpus.mark_duplicates(records))


def test_site_templates_and_duplicates_across_a_spark_job(spark):
    docs = _corpus()
    thresholds = corpus.Thresholds(min_docs=3, share=0.5)
    frame = spark.createDataFrame(docs, "url string, page string")
    rows = clean_corpus(
        frame, html_col="page", url_col="url", corpus_options=corpus.CorpusOptions(thresholds=thresholds)
    ).collect()
    expected = _in_one_process(docs, thresholds)
    assert [row.url for row in rows] == [url for url, _ in docs]  # input order
    for row, record in zip(rows, expected, strict=True):
        assert row.clean_text == record["text"], row.url
        assert row.clean_duplicate_of == record["duplicate_of"], row.url
        assert [span.reason for span in row.clean_removed] == [span["reason"] for span in record["removed"]]
    ledger = [row for row in rows if row.url.startswith("https://ledger.example/")]
    assert all("site_template" in [span.reason for span in row.clean_removed] for row in ledger)
    assert all(TEMPLATE not in row.clean_text for row in ledger)
    duplicates = {row.url: row.clean_duplicate_of for row in rows if row.clean_duplicate_of}
    original = f"https://ledger.example/{SEED_FILES[3].stem}"
    versions = {f"{original}?v={version}": original for version in (2, 3, 4)}
    assert duplicates == {"https://ledger.example/copy": f"https://ledger.example/{SEED_FILES[2].stem}", **versions}
    story = next(row.clean_text for row in rows if row.url == original)
    assert all(story in row.clean_text for row in rows if row.url in versions)  # no paragraph of it a template


def test_spark_job_takes_the_options(spark, warcs):
    """The job's options reach every task: provenance records them (map values are strings)."""
    folder, pages, _ = warcs
    rows = clean_warcs(spark, [folder], main_content="auto", favor="precision").collect()
    assert len(rows) == len(pages)
    assert all(row.clean_provenance.options["main_content"] == "auto" for row in rows)
    assert all(row.clean_provenance.options["favor"] == "precision" for row in rows)
