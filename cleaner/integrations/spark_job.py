"""Clean a folder of WARC files into Parquet with Spark: one row per HTML response record.

::

    spark-submit --master 'local[4]' cleaner/integrations/spark_job.py crawl/ --output clean.parquet [--corpus]
    python -m cleaner.integrations.spark_job crawl/ --output clean.parquet     # the same, local mode

INPUT is a WARC file or a directory searched for ``*.warc`` and ``*.warc.gz``. On a cluster the
paths must be readable by every executor (a shared file system) and cleaner installed there.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from cleaner.integrations.spark import WARC_ORIGIN, read_warc, with_clean_columns
from cleaner.integrations.spark_corpus import clean_corpus
from cleaner.options import FAVORS, MAIN_CONTENT, PRESETS, Options

WARC_SUFFIXES = (".warc", ".warc.gz")


def warc_paths(inputs: Sequence[str | Path]) -> list[str]:
    """The WARC files named or found (recursively, sorted) under the inputs."""
    found: list[str] = []
    for given in map(Path, inputs):
        if given.is_dir():
            found += sorted(str(p) for p in given.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
        else:
            found.append(str(given))
    return found


def clean_warcs(
    spark: SparkSession,
    inputs: Sequence[str | Path],
    *,
    corpus: bool = False,
    options: Options | None = None,
    **option_values: Any,
) -> DataFrame:
    """Every HTML record of the WARC files, cleaned: where it came from, then cleaner's columns.

    ``corpus`` also removes site templates and flags near duplicates (``clean_duplicate_of``) across all the files.
    ``options`` (or its fields as keywords: ``favor=``, ``preset=``, ``main_content=``) say how each page is cleaned.
    """
    pages = read_warc(spark, warc_paths(inputs))
    clean_pages = clean_corpus if corpus else with_clean_columns
    cleaned = clean_pages(
        pages, html_col="html", url_col="target_uri", origin_cols=WARC_ORIGIN, options=options, **option_values
    )
    # a record the WARC reader could not read whole says so, whatever the cleaning made of what was read
    error = F.coalesce(F.col("warc_error"), F.col("clean_error"))
    return cleaned.withColumn("clean_error", error).drop("html", "warc_error")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", help="WARC files or directories of them")
    parser.add_argument("-o", "--output", required=True, help="the Parquet directory to write (replaced)")
    parser.add_argument("--favor", default="balanced", choices=FAVORS)
    parser.add_argument("--preset", default="default", choices=PRESETS)
    parser.add_argument("--main-content", default="trafilatura", choices=MAIN_CONTENT)
    parser.add_argument("--corpus", action="store_true", help="remove site templates and flag near duplicates")
    args = parser.parse_args(argv)
    try:  # refused options are a usage error before Spark starts
        options = Options(favor=args.favor, preset=args.preset, main_content=args.main_content)
    except ValueError as err:
        parser.error(str(err))
    spark = SparkSession.builder.appName("cleaner").getOrCreate()
    try:
        clean_warcs(spark, args.inputs, corpus=args.corpus, options=options).write.mode("overwrite").parquet(
            args.output
        )
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
