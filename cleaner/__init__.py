"""cleaner: turn messy web pages and scraped article text into clean article text.

The pipeline, one module per stage::

    read -> decode/detect -> parse -> segment -> label -> decide -> assemble -> write

Public API::

    from cleaner import clean, clean_file
    doc = clean(html_or_text, url="https://example.org/a")
    doc.text, doc.title, doc.removed, doc.provenance
"""

__version__ = "0.1.0"

from cleaner.api import clean, clean_file
from cleaner.records import CleanDocument, Provenance, RemovedSpan

__all__ = ["CleanDocument", "Provenance", "RemovedSpan", "__version__", "clean", "clean_file"]
