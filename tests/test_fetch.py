"""Fetching happens only on request (--fetch, cleaner.input.fetch.fetch), within size, time and redirect limits.

Tested against a real HTTP server on localhost.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest
from conftest import run_cli

from cleaner.input.fetch import FetchError, fetch, is_url

PROSE = (
    "Readers of this article learn how the committee voted on the budget today, and why the vote matters "
    "to the schools, the roads and the parks of the city for the next ten years."
)
PAGE = (
    f"<html><head><title>Budget vote</title></head><body><article><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
)


class Handler(http.server.BaseHTTPRequestHandler):
    """/page, redirects (/hop/N, /loop, /to-file), too big (/big, /big-undeclared), too slow (/drip, /stall)."""

    requests: ClassVar[list[str]] = []

    def do_GET(self):
        Handler.requests.append(self.path)
        if self.path == "/page":
            return self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        if self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            return self._redirect("/page" if left == 0 else f"/hop/{left - 1}")
        if self.path in ("/loop", "/loop2"):
            return self._redirect("/loop2" if self.path == "/loop" else "/loop")
        if self.path == "/to-file":
            return self._redirect("file:///etc/passwd")
        if self.path == "/big":
            return self._send(200, b"x" * 200_000, "text/html")
        if self.path == "/big-undeclared":
            return self._stream(b"<p>" + b"x" * 10_000 + b"</p>", count=50, pause=0)
        if self.path == "/drip":
            return self._stream(b"x", count=200, pause=0.05)
        if self.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            time.sleep(3)
            return None
        if self.path == "/short":  # declares 1,000 bytes, sends 100, closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 100)
            self.close_connection = True
            return None
        if self.path == "/bad-status":
            self.wfile.write(b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok")
            self.close_connection = True
            return None
        if self.path == "/many-headers":
            self.send_response(200)
            for n in range(150):
                self.send_header(f"X-Header-{n}", "x")
            self.end_headers()
            return None
        if self.path == "/drip-status":  # the status line a byte at a time, each well inside the timeout
            return self._drip(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        if self.path == "/drip-headers":
            return self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"x" * 100 + b"\r\n\r\n", at=17)
        if self.path == "/drip-chunk-size":
            head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n"
            return self._drip(head + b"0000000000000000000000000000000002\r\nok\r\n0\r\n\r\n", at=len(head))
        if self.path == "/long-header-line":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Long: " + b"x" * 70_000 + b"\r\nContent-Length: 2\r\n\r\nok")
            self.close_connection = True
            return None
        if self.path == "/cut-chunked":  # a chunk that promises 4,096 bytes and brings 10, then the end
            self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + b"x" * 10)
            self.close_connection = True
            return None
        return self._send(404, b"not found", "text/plain")

    def _drip(self, raw: bytes, at: int = 0) -> None:
        """``raw`` as is up to ``at``, then a byte every 0.2 s."""
        try:
            self.wfile.write(raw[:at])
            for byte in raw[at:]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:  # the client gave up, as it should
            pass
        self.close_connection = True

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream(self, chunk: bytes, *, count: int, pause: float) -> None:
        """A body without Content-Length, ended by closing the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(chunk)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:  # the client gave up, as it should
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_is_url():
    assert is_url("https://example.org/a") and is_url("http://127.0.0.1:8000/")
    assert not is_url("file:///etc/passwd") and not is_url("page.html") and not is_url("ftp://example.org/x")


def test_fetch_a_page_and_follow_redirects(server):
    fetched = fetch(f"{server}/hop/3", max_bytes=1_000_000, timeout=5)
    assert fetched.content == PAGE.encode() and fetched.url == f"{server}/page"


@pytest.mark.parametrize(
    ("path", "limits", "error"),
    [
        ("/hop/9", {}, "fetch failed: more than 5 redirects"),
        ("/loop", {}, "fetch failed: more than 5 redirects"),
        ("/to-file", {}, "fetch failed: only http and https URLs are fetched"),
        ("/big", {"max_bytes": 100_000}, "too large: 200000 bytes, over the limit of 100000"),
        ("/big-undeclared", {"max_bytes": 100_000}, "too large: over the limit of 100000 bytes"),
        ("/drip", {"timeout": 1.0}, "timeout: fetching took over 1 s"),
        ("/stall", {"timeout": 1.0}, "timeout: fetching took over 1 s"),
        ("/missing", {}, "fetch failed: HTTP 404"),
        ("/short", {}, "fetch failed: body cut short: 100 of 1000 bytes"),
        ("/bad-status", {}, "fetch failed: "),
        ("/many-headers", {}, "fetch failed: "),
        ("/drip-status", {"timeout": 1.0}, "timeout: fetching took over 1 s"),
        ("/drip-headers", {"timeout": 1.0}, "timeout: fetching took over 1 s"),
        ("/drip-chunk-size", {"timeout": 1.0}, "timeout: fetching took over 1 s"),
        ("/long-header-line", {}, "fetch failed: "),
        ("/cut-chunked", {}, "fetch failed: "),
    ],
)
def test_fetch_limits(server, path, limits, error):
    options = {"max_bytes": 1_000_000, "timeout": 5.0, **limits}
    start = time.monotonic()
    with pytest.raises(FetchError) as raised:
        fetch(server + path, **options)
    assert str(raised.value).startswith(error)
    assert time.monotonic() - start < options["timeout"] + 1


def test_an_unreachable_host_is_an_error():
    with pytest.raises(FetchError, match="fetch failed"):
        fetch("http://127.0.0.1:9/", max_bytes=1000, timeout=2)


def test_the_cli_fetches_only_with_fetch(server):
    done = run_cli("clean", f"{server}/page")
    assert done.returncode == 1
    assert b"not a file; use --fetch to download URLs" in done.stderr
    assert Handler.requests == []
    done = run_cli("clean", "--fetch", f"{server}/page")
    assert done.returncode == 0, done.stderr
    assert PROSE in done.stdout.decode()
    assert Handler.requests == ["/page"]


def test_a_batch_of_urls_gets_one_record_each(server):
    urls = [f"{server}/hop/1", f"{server}/loop", f"{server}/big", f"{server}/drip", f"{server}/missing"]
    done = run_cli("clean", "--fetch", "--max-bytes", "100000", "--timeout", "2", "-q", "--format", "jsonl", *urls)
    assert done.returncode == 1
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["provenance"]["source"] for r in records] == urls
    assert records[0]["error"] is None and PROSE in records[0]["text"]
    assert records[0]["url"] == f"{server}/page"
    errors = [r["error"].split(":")[0] for r in records[1:]]
    assert errors == ["fetch failed", "too large", "timeout", "fetch failed"]
    assert [r["error_kind"] for r in records[1:]] == ["unreadable", "too_large", "timeout", "unreadable"]


def test_downloads_run_in_the_worker_not_in_the_parent(server):
    """The parent only hands the URL on: a slow server holds one worker, not the whole batch."""
    from cleaner import Options
    from cleaner.batch.pool import BatchOptions, _prepared, clean_item
    from cleaner.input.read import iter_items

    (item,) = iter_items([f"{server}/hop/1"], fetch=True)
    options = BatchOptions(Options(timeout=5))
    assert _prepared(item, options) == item and Handler.requests == []
    record = json.loads(clean_item(item, options).line)
    assert record["error"] is None and PROSE in record["text"] and record["url"] == f"{server}/page"
    assert Handler.requests == ["/hop/1", "/hop/0", "/page"]
