"""Spark in local mode: WARC files generated here -> read_warc -> with_clean_columns, and the spark-submit job."""

from __future__ import annotations

import os
import sys

import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from cleaner import clean
from cleaner.integrations.spark import WARC_ORIGIN, read_warc, with_clean_columns
from cleaner.integrations.spark_job import clean_warcs
from cleaner.warc import write_warc
from tests.conftest import HTML_FIXTURES

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
    """Two WARC files (one gzipped) holding every HTML fixture and an empty page; the offsets by URL."""
    folder = tmp_path_factory.mktemp("warcs")
    pages = [(URL.format(p.stem), p.read_bytes()) for p in HTML_FIXTURES] + [(URL.format("empty"), b"")]
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
    for url, html in pages.items():
        row, doc = cleaned_rows[url], clean(html, url=url)
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
