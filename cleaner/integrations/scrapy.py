"""Scrapy item pipeline: clean the HTML a spider stored in an item, and add text, metadata and provenance.

Enable it in the project's settings::

    ITEM_PIPELINES = {"cleaner.integrations.scrapy.CleanerPipeline": 300}

The spider stores the page in the item (``yield {"url": response.url, "html": response.body}``);
the pipeline adds ``text``, ``metadata``, ``removed``, ``provenance`` and ``error``. A page that
cannot be cleaned keeps its item, with ``text == ""`` and the reason in ``error``: a crawl must
not lose items silently. An item without the HTML field (another kind of item) passes untouched.

Settings (all optional):

- ``CLEANER_HTML_FIELD`` (``"html"``): the field holding the page, ``bytes`` (best: cleaner
  detects the encoding itself) or ``str``. ``CLEANER_URL_FIELD`` (``"url"``): the page's URL.
- ``CLEANER_TEXT_FIELD``, ``CLEANER_METADATA_FIELD``, ``CLEANER_REMOVED_FIELD``,
  ``CLEANER_PROVENANCE_FIELD``, ``CLEANER_ERROR_FIELD``, ``CLEANER_ERROR_KIND_FIELD``: the output
  field names (``"text"``, ``"metadata"``, ``"removed"``, ``"provenance"``, ``"error"``,
  ``"error_kind"``: :data:`cleaner.schema.OUTPUTS`); an empty name leaves that output out.
- ``CLEANER_DROP_HTML`` (``False``): remove the raw page from the item once it is cleaned.
- ``CLEANER_MODE`` (``"auto"``), ``CLEANER_FAVOR`` (``"balanced"``), ``CLEANER_PRESET``
  (``"default"``), ``CLEANER_RULES`` (a list of TOML rule files), ``CLEANER_TIMEOUT`` (seconds per
  page, 0 for none), ``CLEANER_MAX_BYTES`` (0 for none), ``CLEANER_MAIN_CONTENT`` (``"trafilatura"``),
  ``CLEANER_ONLY_ARTICLES``, ``CLEANER_MARKDOWN`` (adds a ``markdown`` field) and
  ``CLEANER_MARKDOWN_LINKS`` (these three ``False``): the fields of :class:`cleaner.Options`,
  validated when the crawl starts.

With ``scrapy.Item`` classes, declare the output fields on the item; plain dicts need nothing.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from cleaner import schema
from cleaner.api import clean
from cleaner.options import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Options
from cleaner.records import CleanDocument

OUTPUTS = {name: name for name in schema.OUTPUTS}  # output -> item field, renamed by CLEANER_{OUTPUT}_FIELD


class CleanerPipeline:
    """Adds cleaner's output to every item that carries a page; never drops an item."""

    def __init__(
        self,
        *,
        html_field: str = "html",
        url_field: str = "url",
        outputs: dict[str, str] | None = None,
        drop_html: bool = False,
        options: Options | None = None,
        **option_values: Any,
    ) -> None:
        """``options`` (or its fields as keywords: ``mode=``, ``favor=``, ...) is validated here, once."""
        self.html_field, self.url_field = html_field, url_field
        self.outputs = {**OUTPUTS, **(outputs or {})}
        self.drop_html = drop_html
        self.options = Options.of(options, **option_values)  # a bad value stops the crawl at start
        self.options.ruleset()  # so does a broken rule file, not every item

    @classmethod
    def from_crawler(cls, crawler) -> CleanerPipeline:
        settings = crawler.settings
        outputs = {name: settings.get(f"CLEANER_{name.upper()}_FIELD", default) for name, default in OUTPUTS.items()}
        return cls(
            html_field=settings.get("CLEANER_HTML_FIELD", "html"),
            url_field=settings.get("CLEANER_URL_FIELD", "url"),
            outputs=outputs,
            drop_html=settings.getbool("CLEANER_DROP_HTML", False),
            options=Options(
                mode=settings.get("CLEANER_MODE", "auto"),
                favor=settings.get("CLEANER_FAVOR", "balanced"),
                preset=settings.get("CLEANER_PRESET", "default"),
                rules=tuple(settings.getlist("CLEANER_RULES", [])),
                timeout=settings.getfloat("CLEANER_TIMEOUT", DEFAULT_TIMEOUT) or None,
                max_bytes=settings.getint("CLEANER_MAX_BYTES", DEFAULT_MAX_BYTES) or None,
                main_content=settings.get("CLEANER_MAIN_CONTENT", "trafilatura"),
                only_articles=settings.getbool("CLEANER_ONLY_ARTICLES", False),
                markdown=settings.getbool("CLEANER_MARKDOWN", False),
                markdown_links=settings.getbool("CLEANER_MARKDOWN_LINKS", False),
            ),
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean the item's page in place (``spider`` is optional: newer Scrapy no longer passes it)."""
        adapter = ItemAdapter(item)
        content = adapter.get(self.html_field)
        if content is None:
            return item
        url = adapter.get(self.url_field) if self.url_field else None
        doc = clean(content, self.options.replace(url=url) if url else self.options, source=url)
        for name, value in self._fields(doc).items():
            if self.outputs.get(name):
                adapter[self.outputs[name]] = value
        if self.drop_html:
            del adapter[self.html_field]
        return item

    @staticmethod
    def _fields(doc: CleanDocument) -> dict[str, Any]:
        return schema.outputs(doc.to_dict())
