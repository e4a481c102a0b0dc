"""Integrations with data and scraping pipelines: Scrapy, DataTrove and Apache Spark.

Each lives in its own module and imports its framework only there, so ``import cleaner`` never
pulls in Scrapy, DataTrove or PySpark. Install them with the ``integrations`` extra:
``python -m pip install '.[integrations]'`` in the checkout.

- :mod:`cleaner.integrations.scrapy`: ``CleanerPipeline``, an item pipeline.
- :mod:`cleaner.integrations.datatrove`: ``CleanerExtractor``, stands where DataTrove's ``Trafilatura`` stands.
- :mod:`cleaner.integrations.spark`: ``with_clean_columns`` (a pandas UDF) and ``read_warc``.
"""

from __future__ import annotations

from typing import Any

from cleaner.records import CleanDocument
from cleaner.schema import METADATA as METADATA_FIELDS


def metadata_of(doc: CleanDocument) -> dict[str, Any]:
    """What the page says about itself, as plain JSON-ready values (the record's metadata fields)."""
    record = doc.to_dict()
    return {name: record[name] for name in METADATA_FIELDS}
