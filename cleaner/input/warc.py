"""WARC input: stream the HTML response records of a WARC or WARC.gz file, one at a time.

Reading uses FastWARC (C++, streaming, flat memory). A record that cannot be read whole (a
truncated file, a broken chunked body) is still yielded, with what could be read and an ``error``,
so that a batch writes an error record for it instead of silently losing a document.
``write_warc`` writes small WARC files for tests and benchmarks.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cleaner.errors import TOO_LARGE, UNREADABLE
from cleaner.input.decode import path_name

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
GZIP_MARKER = b"\x1f\x8b\x08"  # a gzip member: each record is one
WARC_MARKER = b"\r\n\r\nWARC/1."  # a record's first line, after the previous record's end
# a record's head anywhere, even right after a cut body: its version line, then header lines up to WARC-Type
_RECORD_HEAD = re.compile(rb"WARC/1\.[01]\r\n(?:[A-Za-z0-9-]+: [^\r\n]*\r\n){0,20}?WARC-Type: ")


@dataclass(frozen=True)
class WarcRecord:
    """One HTML response record: its payload and where it sits in the WARC file."""

    file: str  # the WARC path as given
    record_id: str  # WARC-Record-ID
    target_uri: str | None
    offset: int  # byte offset of the record in the (possibly gzipped) file
    content: bytes  # HTTP payload body (headers stripped, chunked/content-encoding decoded where possible)
    http_charset: str | None
    error: str | None = None  # why the record could not be read whole; content is what could be read
    error_kind: str = UNREADABLE  # what ``error`` is (cleaner.errors.KINDS)


def origin(record: WarcRecord) -> dict:
    """The provenance origin of a record, for ``clean(..., origin=origin(record))``."""
    return {
        "warc_file": record.file,
        "warc_record_id": record.record_id,
        "target_uri": record.target_uri,
        "offset": record.offset,
    }


def iter_warc(path: str | Path, max_bytes: int | None = None) -> Iterator[WarcRecord]:
    """Stream the response records of ``path`` whose Content-Type is HTML (or absent), in file order.

    A payload over ``max_bytes``, as stored or once its content encoding is undone, is an error
    (``too_large``) as soon as it goes over: it is never held whole, nor decompressed whole.

    A record cut short (a truncated file) is yielded with what could be read and an ``error``.
    Data that cannot be parsed at all is reported as one record with an ``error`` (its
    ``record_id`` is ``<unreadable@OFFSET>``), and reading resumes at the next record start.
    """
    name = path_name(path)
    with open(path, "rb") as stream:
        marker = GZIP_MARKER if _is_gzip(stream) else WARC_MARKER
        pos, pending = 0, None
        while pos is not None:
            stream.seek(pos)
            last_start, restart = None, None
            try:
                for record in _records(stream):
                    if pending is not None:  # the data before this record was lost
                        yield pending
                        pending = None
                    last_start = record.stream_pos
                    read, overran = _read(name, record, plain=marker == WARC_MARKER, max_bytes=max_bytes)
                    if read is not None:
                        yield read
                    if overran:  # read on from the record head inside this one
                        restart = _next_head(stream, last_start + 1)
                        break
                if restart is not None:
                    pos = restart
                    continue
                tail = _find(stream, marker, pos) if last_start is None else _find(stream, marker, last_start + 1)
                if tail is not None:  # fastwarc stopped early, without a word: a record cut in its head
                    pending = None
                    yield _unreadable(name, tail, "truncated WARC record: cut in its headers")
                pos = None
            except Exception as err:  # fastwarc raises OSError on data it cannot parse
                if last_start is None:  # the record at pos itself is broken
                    pending = None
                    yield _unreadable(name, pos, f"cannot read WARC record: {err}")
                    pos = _find(stream, marker, pos + 1)
                else:
                    pending = _unreadable(name, last_start + 1, f"cannot read WARC after offset {last_start}: {err}")
                    # a record cut short holds the next one's head (a non-HTML one, whose body is not read)
                    found = _next_head(stream, last_start + 1) if marker == WARC_MARKER else None
                    pos = found if found is not None else _find(stream, marker, last_start + 1)
        if pending is not None:
            yield pending


def _records(stream: BinaryIO):
    from fastwarc.warc import ArchiveIterator

    return ArchiveIterator(stream, parse_http=False)  # every type: the last one read tells where reading stopped


def _is_gzip(stream: BinaryIO) -> bool:
    head = stream.read(2)
    stream.seek(0)
    return head == b"\x1f\x8b"


def _find(stream: BinaryIO, marker: bytes, start: int) -> int | None:
    """The offset of the next record (or gzip member) at or after ``start``, found by ``marker``; or None."""
    if marker == WARC_MARKER:
        stream.seek(start)
        if start == 0 and stream.read(7) == WARC_MARKER[4:]:
            return 0
        found = _scan(stream, marker, max(start - 4, 0))
        while found is not None and found + 4 < start:
            found = _scan(stream, marker, found + 1)
        return None if found is None else found + 4
    return _scan(stream, marker, start)


def _scan(stream: BinaryIO, marker: bytes, start: int) -> int | None:
    stream.seek(start)
    base, carry = start, b""
    while chunk := stream.read(_CHUNK):
        window = carry + chunk
        found = window.find(marker)
        if found >= 0:
            return base - len(carry) + found
        carry = window[-(len(marker) - 1) :]
        base += len(chunk)
    return None


CUT = "truncated WARC record: cut short, the next record starts inside it"


def _next_head(stream: BinaryIO, start: int) -> int | None:
    """The offset of the first record head at or after ``start``, whatever comes before it; or None."""
    stream.seek(start)
    base, carry = start, b""
    while chunk := stream.read(_CHUNK):
        window = carry + chunk
        found = _RECORD_HEAD.search(window)
        if found:
            return base - len(carry) + found.start()
        carry = window[-1024:]
        base += len(chunk)
    return None


def _read(name: str, record, *, plain: bool = False, max_bytes: int | None = None) -> tuple[WarcRecord | None, bool]:
    """Parse the HTTP head, decode the body: the record (None for records that are not HTML responses),
    and whether its Content-Length ran on into the records after it.

    In an uncompressed WARC (``plain``), a body that holds another record's head ran on: reading goes
    on from that head, so that the next record is not lost. Where the body before it ends a record
    (``CRLF CRLF``), only the length was wrong and that body is the record's; otherwise the record
    was cut short, an error (:data:`CUT`).
    """
    from fastwarc.warc import WarcRecordType

    if record.record_type != WarcRecordType.response:
        return None, False
    error = None
    try:
        record.parse_http(auto_decode="none", quirks_mode=True)
    except Exception as err:
        error = f"bad HTTP headers: {err}"
    if error is None and record.http_headers is None:
        error = "truncated WARC record: no HTTP response could be read"
    content_type = record.http_content_type if error is None else None
    if error is None and content_type is not None and content_type.lower() not in HTML_TYPES:
        return None, False
    body, short = _body(record, max_bytes)
    if short == TOO_LARGE:
        return _too_large(name, record, max_bytes), False
    inside = _RECORD_HEAD.search(body) if plain else None
    if inside is not None:  # the next record starts inside: where this one really ends, not short
        body = body[: inside.start()]
        if body.endswith(b"\r\n\r\n"):
            body = body[:-4]
        elif error is None:
            error = CUT
    elif error is None and short:
        error = f"truncated WARC record: {short}"
    if error is None:
        body, error = _decode(body, record.http_headers, max_bytes)
        if error == TOO_LARGE:
            return _too_large(name, record, max_bytes), inside is not None
    read = WarcRecord(
        file=name,
        record_id=record.record_id or f"<no id@{record.stream_pos}>",
        target_uri=record.headers.get("WARC-Target-URI"),
        offset=record.stream_pos,
        content=body,
        http_charset=record.http_charset if error is None else None,
        error=error,
    )
    return read, inside is not None


def _too_large(name: str, record, max_bytes: int | None) -> WarcRecord:
    return WarcRecord(
        file=name,
        record_id=record.record_id or f"<no id@{record.stream_pos}>",
        target_uri=record.headers.get("WARC-Target-URI"),
        offset=record.stream_pos,
        content=b"",
        http_charset=None,
        error=f"too large: over the limit of {max_bytes} bytes",
        error_kind=TOO_LARGE,
    )


def _body(record, max_bytes: int | None = None) -> tuple[bytes, str | None]:
    """The payload bytes, and a message when fewer arrived than the record's Content-Length promised;
    :data:`TOO_LARGE` (and no bytes) as soon as more than ``max_bytes`` did."""
    parts, size = [], 0
    try:
        while chunk := record.reader.read(_CHUNK):
            parts.append(chunk)
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                return b"", TOO_LARGE
    except Exception as err:
        return b"".join(parts), str(err)
    body = b"".join(parts)
    declared = record.content_length  # the payload's length, once the HTTP head is parsed
    if len(body) < declared:
        return body, f"{len(body)} of {declared} bytes"
    return body, None


def _decode(body: bytes, headers, max_bytes: int | None = None) -> tuple[bytes, str | None]:
    """Undo chunked transfer encoding and gzip/deflate/br content encoding; the raw body where that fails.

    Decompression stops once it has made more than ``max_bytes`` (:data:`TOO_LARGE`): a small record
    that inflates to gigabytes is refused, not held.
    """
    transfer = (headers.get("Transfer-Encoding") or "").lower()
    encoding = (headers.get("Content-Encoding") or "").lower().strip()
    limit = None if max_bytes is None else max_bytes + 1
    try:
        if "chunked" in transfer:
            body = _dechunk(body)
        if encoding in ("gzip", "x-gzip"):
            body = _inflate(body, zlib.MAX_WBITS | 16, limit)
        elif encoding == "deflate":
            try:
                body = _inflate(body, zlib.MAX_WBITS, limit)
            except zlib.error:
                body = _inflate(body, -zlib.MAX_WBITS, limit)
        elif encoding == "br":
            try:
                import brotli
            except ImportError:
                return body, "cannot decode brotli content: brotli is not installed"
            unbrotli = brotli.Decompressor()
            body = unbrotli.process(body, **({} if limit is None else {"output_buffer_limit": limit}))
            if not unbrotli.is_finished() and (limit is None or len(body) < limit):
                raise ValueError("incomplete or truncated stream")
    except Exception as err:
        return body, f"cannot decode HTTP body ({transfer or encoding}): {err}"
    if max_bytes is not None and len(body) > max_bytes:
        return b"", TOO_LARGE
    return body, None


def _inflate(data: bytes, wbits: int, limit: int | None) -> bytes:
    """zlib or gzip data inflated, at most ``limit`` bytes of it (one gzip member, as HTTP sends)."""
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, limit or 0)
    if not inflater.eof and limit is not None and len(out) >= limit:
        return out
    out += inflater.flush()
    if not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


def _dechunk(body: bytes) -> bytes:
    out, pos = [], 0
    while True:
        line_end = body.index(b"\r\n", pos)
        size = int(body[pos:line_end].split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            return b"".join(out)
        start = line_end + 2
        if start + size > len(body):
            raise ValueError("chunk runs past the end of the body")
        out.append(body[start : start + size])
        pos = start + size + 2


def _unreadable(name: str, offset: int, message: str) -> WarcRecord:
    return WarcRecord(
        file=name,
        record_id=f"<unreadable@{offset}>",
        target_uri=None,
        offset=offset,
        content=b"",
        http_charset=None,
        error=message,
    )
