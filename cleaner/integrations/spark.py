"""Apache Spark: clean a DataFrame's HTML column with a pandas (Arrow) UDF, and read WARC files into a DataFrame.

::

    from cleaner.integrations.spark import read_warc, with_clean_columns

    pages = read_warc(spark, ["crawl/a.warc.gz", "crawl/b.warc.gz"])
    cleaned = with_clean_columns(pages, html_col="html", url_col="target_uri", origin_cols=WARC_ORIGIN)
    cleaned.select("target_uri", "clean_text", "clean_metadata.title").write.parquet("clean.parquet")

The UDF returns each document's JSONL record (exactly ``CleanDocument.to_dict()``), which Spark
parses into typed columns: ``clean_text``, ``clean_metadata`` (a struct), ``clean_removed``
(an array of spans), ``clean_provenance`` (a struct), ``clean_error`` and ``clean_error_kind``
(:data:`cleaner.schema.OUTPUTS`). Cleaning never raises,
so one bad page gives an error in its row instead of failing the job.

``cleaner`` must be installed where the executors run (as pyspark itself is).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from cleaner import schema
from cleaner.api import clean
from cleaner.options import Options
from cleaner.records import CleanDocument

RECORD = schema.spark_record()  # the JSONL record as a Spark type (cleaner.schema)
METADATA_FIELDS, OUTPUTS = schema.METADATA, schema.OUTPUTS

WARC_SCHEMA = T.StructType(
    [
        T.StructField("warc_file", T.StringType()),
        T.StructField("warc_record_id", T.StringType()),
        T.StructField("target_uri", T.StringType()),
        T.StructField("offset", T.LongType()),
        T.StructField("html", T.BinaryType()),
        T.StructField("http_charset", T.StringType()),
        T.StructField("warc_error", T.StringType()),
    ]
)
# read_warc's columns that say where a record came from, for with_clean_columns(..., origin_cols=WARC_ORIGIN)
WARC_ORIGIN = ("warc_file", "warc_record_id", "target_uri", "offset")
_BATCH_ROWS = 64  # WARC records per Arrow batch: enough to amortize, few enough to keep memory flat


def record_udf(options: Options | None = None, **option_values: Any):
    """A pandas UDF (html, url, origin JSON) -> the JSONL record of the cleaned document, as a JSON string.

    ``options`` (or its fields as keywords) is validated here, on the driver, not in every task.
    """
    options = Options.of(options, **option_values)

    @F.pandas_udf(T.StringType())
    def clean_records(html: pd.Series, url: pd.Series, origin: pd.Series) -> pd.Series:
        return pd.Series(
            [
                json.dumps(clean_one(content, page_url, where, options), ensure_ascii=False)
                for content, page_url, where in zip(html, url, origin, strict=True)
            ]
        )

    return clean_records


def clean_one(content: Any, url: Any, origin: Any, options: Options) -> dict:
    """The JSONL record of one row."""
    return clean_cell(content, url, origin, options).to_dict()


def clean_cell(content: Any, url: Any, origin: Any, options: Options) -> CleanDocument:
    """Clean one row's cells; nulls (a missing page, URL or origin) are cleaned as empty input or left out."""
    content = content if isinstance(content, bytes | bytearray | str) else b""
    url = url if isinstance(url, str) else None
    where = json.loads(origin) if isinstance(origin, str) else None
    return clean(content, options.replace(url=url) if url else options, source=url, origin=where)


def with_clean_columns(
    df: DataFrame,
    html_col: str = "html",
    url_col: str | None = None,
    origin_cols: Sequence[str] = (),
    *,
    prefix: str = "clean_",
    options: Options | None = None,
    **option_values: Any,
) -> DataFrame:
    """``df`` with the clean text, metadata, removed spans, provenance and error of its ``html_col`` added.

    ``html_col`` may be binary (best: cleaner detects the encoding) or string. ``origin_cols``
    are copied into each document's ``provenance.origin``, so that a row can be traced back to
    the WARC record or file it came from. ``options`` (or its fields as keywords: ``mode=``,
    ``favor=``, ``preset=``, ``rules=``, ``timeout=``, ``max_bytes=``) say how to clean.
    """
    url, origin = url_and_origin(url_col, origin_cols)
    # nondeterministic: Spark then runs the UDF once per row, never once per column that reads its result
    record = record_udf(options, **option_values).asNondeterministic()(F.col(html_col), url, origin)
    return record_columns(df, record, prefix)


def url_and_origin(url_col: str | None, origin_cols: Sequence[str]) -> tuple[Column, Column]:
    url = F.col(url_col) if url_col else F.lit(None).cast("string")
    origin = F.to_json(F.struct(*[F.col(c) for c in origin_cols])) if origin_cols else F.lit(None).cast("string")
    return url, origin


def record_columns(df: DataFrame, record_json: Column, prefix: str, extra: Sequence[str] = ()) -> DataFrame:
    """Parse the JSONL record into typed columns (``extra``: more string fields of the record)."""
    tmp = f"{prefix}record__"
    df = df.withColumn(tmp, F.from_json(record_json, schema.spark_record(tuple(extra))))
    columns = {name: F.col(f"{tmp}.{name}") for name in (*OUTPUTS, *extra)}
    columns["metadata"] = F.struct(*[F.col(f"{tmp}.{name}").alias(name) for name in METADATA_FIELDS])
    return df.withColumns({prefix + name: column for name, column in columns.items()}).drop(tmp)


def read_warc(spark: SparkSession, paths: Sequence[str | Path], *, partitions: int | None = None) -> DataFrame:
    """The HTML response records of WARC files, one row each (columns: ``WARC_SCHEMA``).

    The path list is distributed (one partition per file unless ``partitions`` says fewer) and
    each task streams its files with :func:`cleaner.input.warc.iter_warc`, so no file is ever held in
    memory whole. Paths must be readable by the executors (a local or mounted file system).
    A record that could not be read whole has a ``warc_error``.
    """
    files = [str(path) for path in paths]
    if not files:
        return spark.createDataFrame([], WARC_SCHEMA)
    count = max(1, min(partitions or len(files), len(files)))
    ids = spark.range(0, len(files), 1, numPartitions=count)
    return ids.mapInArrow(lambda batches: _warc_batches(batches, files), WARC_SCHEMA)


def _warc_batches(batches: Iterator[Any], files: list[str]) -> Iterator[Any]:
    """Arrow batches of the records of the files whose indexes arrive in ``batches``."""
    import pyarrow as pa

    from cleaner.input.warc import iter_warc

    schema = pa.schema(
        [
            ("warc_file", pa.string()),
            ("warc_record_id", pa.string()),
            ("target_uri", pa.string()),
            ("offset", pa.int64()),
            ("html", pa.binary()),
            ("http_charset", pa.string()),
            ("warc_error", pa.string()),
        ]
    )
    rows: list[dict] = []
    for batch in batches:
        for index in batch.column("id").to_pylist():
            for record in iter_warc(files[index]):
                rows.append(_warc_row(record))
                if len(rows) >= _BATCH_ROWS:
                    yield pa.RecordBatch.from_pylist(rows, schema=schema)
                    rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


def _warc_row(record) -> dict[str, Any]:
    from cleaner.input.warc import origin

    return {**origin(record), "html": record.content, "http_charset": record.http_charset, "warc_error": record.error}
