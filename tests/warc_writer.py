"""Write WARC files for tests and benchmarks: cleaner reads WARC files (cleaner.input.warc) and never writes them."""

from __future__ import annotations

import gzip
import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO


def response_record(
    url: str, body: bytes, *, content_type: str = "text/html; charset=utf-8", headers: Iterable[str] = ()
) -> bytes:
    """One WARC/1.1 response record (uncompressed bytes) carrying ``body`` as an HTTP 200 response."""
    http_head = [b"HTTP/1.1 200 OK", b"Content-Type: " + content_type.encode()]
    http_head += [line.encode() for line in headers]
    http_head.append(f"Content-Length: {len(body)}".encode())
    block = b"\r\n".join(http_head) + b"\r\n\r\n" + body
    warc_head = [
        b"WARC/1.1",
        b"WARC-Type: response",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>".encode(),
        f"WARC-Date: {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}".encode(),
        f"WARC-Target-URI: {url}".encode(),
        b"Content-Type: application/http; msgtype=response",
        f"WARC-Block-Digest: sha1:{hashlib.sha1(block).hexdigest()}".encode(),
        f"Content-Length: {len(block)}".encode(),
    ]
    return b"\r\n".join(warc_head) + b"\r\n\r\n" + block + b"\r\n\r\n"


def warcinfo_record() -> bytes:
    body = b"software: cleaner\r\nformat: WARC File Format 1.1\r\n"
    head = [
        b"WARC/1.1",
        b"WARC-Type: warcinfo",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>".encode(),
        f"WARC-Date: {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}".encode(),
        b"Content-Type: application/warc-fields",
        f"Content-Length: {len(body)}".encode(),
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body + b"\r\n\r\n"


class WarcWriter:
    """Appends records to a WARC file; with ``gzip=True`` each record is its own gzip member, as usual."""

    def __init__(self, stream: BinaryIO, *, gzip: bool = False) -> None:
        self.stream, self.gzip = stream, gzip
        self.write_raw(warcinfo_record())

    def write_raw(self, record: bytes) -> int:
        """Write one record's bytes; returns its offset in the file."""
        offset = self.stream.tell()
        self.stream.write(gzip.compress(record, compresslevel=6, mtime=0) if self.gzip else record)
        return offset

    def write_response(self, url: str, body: bytes, **kwargs) -> int:
        return self.write_raw(response_record(url, body, **kwargs))


def write_warc(path: str | Path, pages: Iterable[tuple[str, bytes]]) -> list[int]:
    """Write ``(url, html)`` pages as HTML responses to ``path`` (gzipped when it ends in .gz); their offsets."""
    with open(path, "wb") as stream:
        writer = WarcWriter(stream, gzip=str(path).endswith(".gz"))
        return [writer.write_response(url, body) for url, body in pages]
