"""Corpus-level boilerplate across a Spark job: site templates and near-duplicate documents.

The same decisions as ``cleaner clean`` makes in one process (:mod:`cleaner.corpus`), made with
group-bys so that they span every executor:

1. each row is cleaned once, with its fingerprint: its site and the hashes of its blocks;
2. documents per site and per (site, block) are counted with ``groupBy`` (a near duplicate of an
   earlier document, a version of the same page, is not counted again), and
   :func:`cleaner.corpus.is_template` decides which blocks are a site's template; those are
   removed from each document (reason ``site_template``) by :func:`cleaner.corpus.remove_templates`;
3. MinHash signatures of the remaining text go into LSH bands; documents sharing a band are
   candidates, :func:`cleaner.corpus.is_duplicate` confirms them, and a document is
   ``duplicate_of`` the earliest earlier one (input order: the DataFrame's partition and row order).

::

    cleaned = clean_corpus(read_warc(spark, paths), url_col="target_uri", origin_cols=WARC_ORIGIN)

The cleaned rows are checkpointed (computed once, now) because several aggregations read them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from cleaner import corpus
from cleaner.integrations.spark import clean_cell, record_columns, url_and_origin
from cleaner.options import Options

STAGE = T.StructType(
    [
        T.StructField("record", T.StringType()),
        T.StructField("site", T.StringType()),
        T.StructField("blocks", T.ArrayType(T.LongType())),
        T.StructField("kept", T.StringType()),
    ]
)
SIGNED = T.StructType([T.StructField("signature", T.StringType()), T.StructField("keys", T.ArrayType(T.LongType()))])


def clean_corpus(
    df: DataFrame,
    html_col: str = "html",
    url_col: str | None = None,
    origin_cols: Sequence[str] = (),
    *,
    corpus_options: corpus.CorpusOptions | None = None,
    prefix: str = "clean_",
    options: Options | None = None,
    **option_values: Any,
) -> DataFrame:
    """``with_clean_columns`` over the whole DataFrame as one corpus, plus ``{prefix}duplicate_of``.

    ``corpus_options`` is the corpus pass of ``cleaner clean`` (site templates, near duplicates);
    ``options`` (or its fields as keywords) say how each page is cleaned. A document without a URL
    counts as a page of the site named by its first origin column (a WARC file).
    """
    settings = corpus_options or corpus.CorpusOptions()
    site_template, dedup = settings.site_template, settings.dedup
    thresholds, dedup_threshold = settings.thresholds, settings.dedup_threshold
    url, origin = url_and_origin(url_col, origin_cols)
    stage = _stage_udf(Options.of(options, **option_values)).asNondeterministic()
    staged = (
        df.withColumn("_doc", F.monotonically_increasing_id())
        .withColumn("_stage", stage(F.col(html_col), url, origin))
        .select("*", *[F.col(f"_stage.{name}").alias(f"_{name}") for name in STAGE.fieldNames()])
        .drop("_stage")
        .localCheckpoint()
    )
    if site_template:
        # a near duplicate of an earlier document at the same address is a version of that page: counted once
        versions = _duplicates(staged, dedup_threshold, "_version_of", same_page=True).select("_doc")
        staged = _remove_templates(staged, thresholds, versions).localCheckpoint()
    out = record_columns(staged, F.col("_record"), prefix)
    if dedup:
        out = out.join(_duplicates(staged, dedup_threshold, f"{prefix}duplicate_of"), "_doc", "left")
    else:
        out = out.withColumn(f"{prefix}duplicate_of", F.lit(None).cast("string"))
    return out.orderBy("_doc").drop("_doc", "_record", "_site", "_blocks", "_kept")


def _stage_udf(options: Options):
    @F.pandas_udf(STAGE)
    def clean_and_fingerprint(html: pd.Series, url: pd.Series, origin: pd.Series) -> pd.DataFrame:
        return pd.DataFrame([_stage_one(*row, options) for row in zip(html, url, origin, strict=True)])

    return clean_and_fingerprint


def _stage_one(content, url, origin, options: Options) -> dict:
    """Clean one row; its record, its site and block hashes for the counts, and its kept blocks for the removal."""
    doc = clean_cell(content, url, origin, options)
    where = json.loads(origin) if isinstance(origin, str) else {}
    fallback = str(next(iter(where.values()), "")) if where else ""
    print_ = corpus.fingerprint(doc, fallback)
    return {
        "record": json.dumps(doc.to_dict(), ensure_ascii=False),
        "site": print_.site,
        "blocks": list(print_.blocks),
        "kept": json.dumps(corpus.kept_blocks(doc), ensure_ascii=False),
    }


def _remove_templates(staged: DataFrame, thresholds: corpus.Thresholds, versions: DataFrame) -> DataFrame:
    """Count (each page once: ``versions`` are the documents that repeat an earlier one), decide, and take
    each document's template blocks out of its record."""
    blocks = staged.select("_doc", "_site", F.explode("_blocks").alias("_block"))  # a document's hashes are distinct
    counted = staged.join(versions, "_doc", "left_anti")
    per_block = (
        counted.select("_site", F.explode("_blocks").alias("_block"))
        .groupBy("_site", "_block")
        .agg(F.count("*").alias("block_docs"))
    )
    per_site = counted.groupBy("_site").agg(F.count("*").alias("site_docs"))
    decide = F.udf(lambda block_docs, site_docs: corpus.is_template(block_docs, site_docs, thresholds), T.BooleanType())
    templates = per_block.join(per_site, "_site").where(decide("block_docs", "site_docs")).select("_site", "_block")
    found = blocks.join(templates, ["_site", "_block"]).groupBy("_doc").agg(F.collect_list("_block").alias("_tmpl"))
    joined = staged.join(found, "_doc", "left")
    remove = _remove_udf()
    return joined.withColumn("_record", remove("_record", "_kept", "_site", "_tmpl")).drop("_tmpl")


def _remove_udf():
    @F.pandas_udf(T.StringType())
    def remove(record: pd.Series, kept: pd.Series, site: pd.Series, templates: pd.Series) -> pd.Series:
        out = []
        for rec, blocks, name, found in zip(record, kept, site, templates, strict=True):
            if found is None or len(found) == 0:
                out.append(rec)
                continue
            marked = {(name, int(block)) for block in found}
            removed = corpus.remove_templates(json.loads(rec), json.loads(blocks), name, marked)
            out.append(json.dumps(removed, ensure_ascii=False))
        return pd.Series(out)

    return remove


def _duplicates(staged: DataFrame, threshold: float, column: str, *, same_page: bool = False) -> DataFrame:
    """(_doc, column): the source of the earliest earlier near duplicate of each document that has one;
    with ``same_page``, only at the same address (:func:`cleaner.corpus.page_of`)."""
    page = F.udf(lambda url: corpus.page_of(url), T.StringType())(F.get_json_object("_record", "$.url"))
    signed = staged.select(
        "_doc",
        F.get_json_object("_record", "$.provenance.source").alias("_source"),
        _signature_udf()(F.get_json_object("_record", "$.text")).alias("_signed"),
        (page if same_page else F.lit("")).alias("_page"),
    ).localCheckpoint()
    keys = signed.where(F.col("_page").isNotNull()).select("_doc", "_page", F.explode("_signed.keys").alias("_key"))
    pairs = (
        keys.alias("a")
        .join(
            keys.alias("b"),
            (F.col("a._key") == F.col("b._key"))
            & (F.col("a._page") == F.col("b._page"))
            & (F.col("a._doc") < F.col("b._doc")),
        )
        .select(F.col("a._doc").alias("earlier"), F.col("b._doc").alias("_doc"))
        .distinct()
    )
    sig = signed.select("_doc", "_source", F.col("_signed.signature").alias("_sig"))
    confirm = F.udf(
        lambda a, b: corpus.is_duplicate(corpus.decode_signature(a), corpus.decode_signature(b), threshold),
        T.BooleanType(),
    )
    candidates = pairs.join(sig, "_doc").join(
        sig.select(F.col("_doc").alias("earlier"), F.col("_sig").alias("_earlier_sig"), F.col("_source").alias("src")),
        "earlier",
    )
    confirmed = candidates.where(confirm("_earlier_sig", "_sig"))
    first = confirmed.groupBy("_doc").agg(F.min(F.struct("earlier", "src")).alias("_first"))
    return first.select("_doc", F.col("_first.src").alias(column))


def _signature_udf():
    @F.pandas_udf(SIGNED)
    def sign(text: pd.Series) -> pd.DataFrame:
        rows = []
        for value in text:
            sig = corpus.signature(value) if isinstance(value, str) and value else None
            # the spool's encoding (corpus.encode_signature): one format for a signature, never a pickle
            rows.append(
                {"signature": corpus.encode_signature(sig), "keys": corpus.band_keys(sig) if sig is not None else []}
            )
        return pd.DataFrame(rows, columns=["signature", "keys"])

    return sign
