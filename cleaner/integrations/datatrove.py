"""DataTrove pipeline step: cleaner where DataTrove's own ``Trafilatura`` extractor stands.

::

    from datatrove.pipeline.readers import WarcReader
    from cleaner.integrations.datatrove import CleanerExtractor

    pipeline = [WarcReader("crawl/"), CleanerExtractor(), JsonlWriter("clean/")]

Each Document comes in with HTML in ``text`` and leaves with the clean article text in ``text``.
What cleaner found out goes into ``metadata["cleaner"]`` (title, author, date, url, sitename,
language, categories, removed spans, provenance, error), so it never overwrites the reader's own
``url`` or crawl ``date``. Like ``Trafilatura``, each document is cleaned in a sandboxed worker
process with a time limit, and a document left with no text is dropped, unless
``keep_errors=True`` keeps it (with ``text == ""`` and the reason in ``metadata["cleaner"]["error"]``).

Only DataTrove's core is needed: its ``processing`` extra pins an old trafilatura.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
from datatrove.utils.typeshelper import StatHints

from cleaner import errors, schema
from cleaner.api import clean
from cleaner.options import Options

# cleaned once when the sandbox starts, so that the rules and the model are loaded before the first time limit
WARMUP = (
    "<html><body><article><h1>Warm up</h1><p>"
    + "A sentence to clean while warming up. " * 8
    + "</p></article></body></html>"
)


class CleanerExtractor(BaseExtractor):
    """HTML in ``text`` -> clean text in ``text``, metadata, removed spans and provenance in ``metadata["cleaner"]``."""

    name = "🧹 cleaner"

    def __init__(
        self,
        options: Options | Mapping[str, Any] | None = None,
        *,
        url_key: str = "url",
        metadata_key: str = "cleaner",
        keep_errors: bool = False,
        timeout: float = 10.0,
        **option_values: Any,
    ) -> None:
        """``options`` (or ``mode=``, ``favor=``, ``preset=``, ``rules=``, ``max_bytes=``: any field of
        :class:`cleaner.Options` but ``timeout``) is validated here, once. ``timeout`` is DataTrove's
        sandbox limit per document; cleaner's own limit is ``Options.timeout``. ``url_key`` names the
        reader's metadata field with the page URL (WarcReader's ``url``)."""
        super().__init__(timeout)
        self.options = Options.of(options, **option_values)
        self.url_key, self.metadata_key, self.keep_errors = url_key, metadata_key, keep_errors

    def extract(self, text: str) -> str:
        """The clean text alone, as DataTrove's extractors return it."""
        return self.clean(text)[0]

    def clean(self, html: str, url: str | None = None, doc_id: str | None = None) -> tuple[str, dict[str, Any]]:
        """The clean text and what goes into ``metadata[metadata_key]``; runs inside the sandbox."""
        origin = {"document_id": doc_id} if doc_id is not None else None
        doc = clean(html, self.options.replace(url=url) if url else self.options, origin=origin)
        return doc.text, _flat(schema.outputs(doc.to_dict()))

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        with ExtractorSandbox(timeout=self.timeout, warmup_text=(WARMUP,)) as sandbox:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    url = doc.metadata.get(self.url_key)
                    doc.text, doc.metadata[self.metadata_key] = self._clean_in(sandbox, doc.text, url, doc.id)
                if doc.text:
                    self.stat_update("extracted", StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                    continue
                self.stat_update("clean_error")
                if self.keep_errors:
                    self.stat_update(StatHints.forwarded)
                    yield doc
                else:
                    self.stat_update(StatHints.dropped)

    def _clean_in(self, sandbox: ExtractorSandbox, html: str, url: str | None, doc_id: str) -> tuple[str, dict]:
        """Clean in the sandbox; a timeout or a dead worker becomes an error, as any other failure."""
        try:
            return sandbox.process_document((html, url, doc_id), self.clean)
        except TimeoutError:
            self.stat_update("timeout")
            return "", _failed(f"timeout: over {self.timeout:g} s (DataTrove's sandbox)", errors.TIMEOUT)
        except EOFError:
            self.stat_update("broken_process")
            return "", _failed("the cleaning process died (out of memory?)", errors.INTERNAL)


def _failed(error: str, kind: str) -> dict[str, Any]:
    """The metadata of a document the sandbox gave no answer for: the same keys as any other."""
    return _flat(schema.failed_outputs(error, kind))


def _flat(outputs: dict[str, Any]) -> dict[str, Any]:
    """What goes into ``metadata["cleaner"]``: the record's metadata fields, then the other outputs but the text."""
    rest = {name: value for name, value in outputs.items() if name not in ("text", "metadata")}
    return {**outputs["metadata"], **rest}
