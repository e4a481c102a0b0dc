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

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from cleaner.integrations.spark import WARC_ORIGIN, read_warc, with_clean_columns
from cleaner.integrations.spark_corpus import clean_corpus

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
    spark: SparkSession, inputs: Sequence[str | Path], *, favor: str = "balanced", corpus: bool = False
) -> DataFrame:
    """Every HTML record of the WARC files, cleaned: where it came from, then cleaner's columns.

    ``corpus`` also removes site templates and flags near duplicates (``clean_duplicate_of``) across all the files.
    """
    pages = read_warc(spark, warc_paths(inputs))
    clean_pages = clean_corpus if corpus else with_clean_columns
    cleaned = clean_pages(pages, html_col="html", url_col="target_uri", origin_cols=WARC_ORIGIN, favor=favor)
    # a record the WARC reader could not read whole says so, whatever the cleaning made of what was read
    error = F.coalesce(F.col("warc_error"), F.col("clean_error"))
    return cleaned.withColumn("clean_error", error).drop("html", "warc_error")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", help="WARC files or directories of them")
    parser.add_argument("-o", "--output", required=True, help="the Parquet directory to write (replaced)")
    parser.add_argument("--favor", default="balanced", choices=("precision", "balanced", "recall"))
    parser.add_argument("--corpus", action="store_true", help="remove site templates and flag near duplicates")
    args = parser.parse_args(argv)
    spark = SparkSession.builder.appName("cleaner").getOrCreate()
    try:
        clean_warcs(spark, args.inputs, favor=args.favor, corpus=args.corpus).write.mode("overwrite").parquet(
            args.output
        )
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
