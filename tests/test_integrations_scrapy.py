"""Scrapy: a real crawl of the HTML fixtures served on localhost, through CleanerPipeline.

The crawl runs in a subprocess so that Twisted's reactor never starts inside pytest.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cleaner import clean
from tests.conftest import HTML_FIXTURES

CRAWL = textwrap.dedent(
    """
    import functools, http.server, sys, threading
    import scrapy
    from scrapy.crawler import CrawlerProcess

    site, out = sys.argv[1], sys.argv[2]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start = f"http://127.0.0.1:{server.server_port}/index.html"


    class Pages(scrapy.Spider):
        name = "pages"
        start_urls = [start]

        def parse(self, response):  # the index links to every page
            yield from response.follow_all(css="a", callback=self.parse_page)

        def parse_page(self, response):
            yield {"url": response.url, "html": response.body}


    process = CrawlerProcess(
        settings={
            "ITEM_PIPELINES": {"cleaner.integrations.scrapy.CleanerPipeline": 300},
            "CLEANER_DROP_HTML": True,
            "CLEANER_ERROR_FIELD": "cleaner_error",
            "FEEDS": {out: {"format": "jsonlines"}},
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 4,
            "CLOSESPIDER_TIMEOUT": 60,
        }
    )
    process.crawl(Pages)
    process.start()
    server.shutdown()
    """
)


@pytest.fixture(scope="module")
def items(tmp_path_factory) -> list[dict]:
    """Serve the fixtures and an empty page from a local site, crawl it, and return the items by page name."""
    tmp = tmp_path_factory.mktemp("scrapy")
    site = tmp / "site"
    site.mkdir()
    for path in HTML_FIXTURES:
        shutil.copy(path, site / path.name)
    (site / "empty.html").write_bytes(b"")
    links = "".join(f'<li><a href="{p.name}">{p.stem}</a></li>' for p in [*HTML_FIXTURES, site / "empty.html"])
    (site / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    script, out = tmp / "crawl.py", tmp / "items.jsonl"
    script.write_text(CRAWL, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(site), str(out)], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawled(items) -> dict[str, dict]:
    return {Path(item["url"]).name: item for item in items}


def test_every_page_crawled_is_one_item(items):
    names = sorted(Path(item["url"]).name for item in items)
    assert names == sorted([p.name for p in HTML_FIXTURES] + ["empty.html"])


def test_items_carry_the_same_text_and_metadata_as_the_library(crawled):
    for path in HTML_FIXTURES:
        item = crawled[path.name]
        doc = clean(path.read_bytes(), url=item["url"])
        assert item["text"] == doc.text, path.name
        assert item["metadata"]["title"] == doc.title
        assert item["metadata"]["language"] == doc.language
        assert [span["reason"] for span in item["removed"]] == [span.reason for span in doc.removed]
        assert item["cleaner_error"] == doc.error
        assert "html" not in item  # CLEANER_DROP_HTML


def test_provenance_names_the_crawled_url(crawled):
    item = crawled["01_cookie_consent_modal.html"]
    assert item["text"]
    assert item["provenance"]["source"] == item["url"]
    assert item["provenance"]["input_kind"] == "html"
    assert item["provenance"]["options"]["url"] == item["url"]


def test_a_page_that_cannot_be_cleaned_keeps_its_item(crawled):
    item = crawled["empty.html"]
    assert item["text"] == ""
    assert item["cleaner_error"] == "empty input"
    assert item["provenance"]["input_sha256"]


def test_import_cleaner_imports_no_framework():
    frameworks = "{'scrapy', 'pyspark', 'datatrove'}"
    code = f"import sys, cleaner, cleaner.integrations; print(sorted({frameworks} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
