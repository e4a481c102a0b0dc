"""cleaner: turn messy web pages and scraped article text into clean article text.

The pipeline, one module per stage::

    read -> decode/detect -> parse -> segment -> label -> decide -> assemble -> write

Public API::

    from cleaner import Options, clean, clean_file
    doc = clean(html_or_text, url="https://example.org/a")
    options = Options(favor="recall", rules=["site.toml"])  # validated once, reused for every document
    doc = clean(html_or_text, options)
    doc.text, doc.title, doc.removed, doc.provenance
"""

from cleaner.api import clean, clean_file
from cleaner.options import Options
from cleaner.records import CleanDocument, Provenance, RemovedSpan
from cleaner.version import __version__

__all__ = ["CleanDocument", "Options", "Provenance", "RemovedSpan", "__version__", "clean", "clean_file"]
