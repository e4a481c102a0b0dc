"""Where documents come from: files, directories (walked recursively in sorted order) and stdin."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cleaner.errors import TOO_LARGE, UNREADABLE, InputError
from cleaner.input.decode import path_name, valid_text

STDIN = "-"


def _walk(directory: Path) -> Iterator[Path | OSError]:
    """The directory's files (hidden ones skipped) in sorted order, and in its place the error of each
    subdirectory that cannot be read: nothing is skipped without a record."""
    found: list[Path | OSError] = []
    for root, dirs, files in os.walk(directory, onerror=found.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += (Path(root, name) for name in files if not name.startswith("."))
    kept = (entry for entry in found if isinstance(entry, OSError) or entry.is_file())
    yield from sorted(kept, key=lambda entry: str(entry.filename if isinstance(entry, OSError) else entry))


# ---------------------------------------------------------------------------------------------
# batch input: documents streamed one at a time from files, globs, JSON Lines and WARC files

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
CONTENT_FIELDS = ("html", "text", "content")  # tried in this order when --field is not given


@dataclass(frozen=True)
class Item:
    """One input document for a batch, light enough to send to a worker process.

    A plain file travels as its ``path`` (the worker reads it); a JSONL line or WARC record as its
    ``content``. ``error`` is set when the document could not even be read from its container.
    ``site`` groups documents for corpus-level boilerplate when no URL says which site they are from.
    """

    name: str
    path: Path | None = None
    content: bytes | str | None = None
    url: str | None = None
    origin: tuple[tuple[str, object], ...] = ()
    error: str | None = None
    error_kind: str = UNREADABLE  # what ``error`` is (cleaner.errors.KINDS): a container, file or download
    site: str | None = None
    fetch: bool = False  # ``url`` is to be downloaded (``--fetch``); the worker that cleans it does, within the limits


@dataclass(frozen=True)
class JsonlFields:
    content: str | None = None  # None: the first of CONTENT_FIELDS present
    id: str | None = "id"
    url: str | None = "url"


def iter_items(
    inputs: Sequence[str], fields: JsonlFields = JsonlFields(), *, fetch: bool = False, max_bytes: int | None = None
) -> Iterator[Item]:
    """Every document of ``inputs``, in order, one at a time: memory does not grow with the input.

    Containers are read within ``max_bytes`` per document: a WARC payload (stored or decompressed)
    or a JSON line too long to hold a document under it is an error item (``too_large``) without
    being read whole. A plain file, stdin and a download are read by whoever cleans them, within it too.

    Directories are walked recursively in sorted order, globs (``pages/*.html``) expanded in sorted
    order, ``-`` is stdin. WARC and JSON Lines files are recognised by their names. An http(s) URL
    is downloaded only with ``fetch``; without it, it is an error record unless such a file exists.
    """
    for spec in inputs:
        if spec == STDIN:
            yield Item("stdin", site="stdin")
            continue
        if _is_url(spec) and (fetch or not Path(spec).exists()):
            yield _url_item(spec, fetch)
            continue
        for path in _paths(spec):
            yield from _items_of(path, fields, max_bytes)


def _is_url(spec: str) -> bool:
    from cleaner.input.fetch import is_url

    return is_url(spec)


def _url_item(url: str, fetch: bool) -> Item:
    from urllib.parse import urlsplit

    error = None if fetch else "not a file; use --fetch to download URLs"
    return Item(url, url=url, error=error, site=urlsplit(url).hostname or url, fetch=fetch)


def count_items(inputs: Sequence[str]) -> int | None:
    """How many documents without reading content: known for plain files only (None when any container)."""
    total = 0
    for spec in inputs:
        for path in [Path(STDIN)] if spec == STDIN else _paths(spec):
            if not isinstance(path, OSError) and _kind(path) != "file":
                return None
            total += 1
    return total


def _paths(spec: str) -> Iterator[Path | OSError]:
    path = Path(spec)
    if path.is_dir():
        yield from _walk(path)
    elif not path.exists() and any(char in spec for char in "*?["):
        import glob

        yield from (Path(p) for p in sorted(glob.glob(spec, recursive=True)) if Path(p).is_file())
    else:
        yield path  # a missing file still gets its error record


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return "file"


def _items_of(path: Path | OSError, fields: JsonlFields, max_bytes: int | None = None) -> Iterator[Item]:
    if isinstance(path, OSError):  # a subdirectory that could not be listed
        name = path_name(path.filename)
        yield Item(name, error=f"cannot read directory: {path.strerror or path}", site=name)
        return
    kind = _kind(path)
    if kind == "file":
        yield Item(path_name(path), path=path, site=path_name(path.parent))
    elif kind == "warc":
        yield from _warc_items(path, max_bytes)
    else:
        yield from _jsonl_items(path, fields, max_bytes)


def _warc_items(path: Path, max_bytes: int | None) -> Iterator[Item]:
    from cleaner.input.warc import iter_warc, origin

    try:
        for record in iter_warc(path, max_bytes):
            yield Item(
                f"{path_name(path)}@{record.offset}",
                content=record.content if record.error is None else None,
                url=record.target_uri,
                origin=tuple(origin(record).items()),
                error=record.error,
                error_kind=record.error_kind,
                site=path_name(path),
            )
    except OSError as err:
        yield Item(path_name(path), error=f"cannot read file: {err.strerror or err}", site=path_name(path))


# a JSON line may spell its document out at most this many times its size (escapes: "\u00e9" for "é",
# "\ud83d\ude00" for a 4-byte emoji), with this much room for its other fields
_LINE_PER_BYTE, _LINE_ROOM = 4, 1 << 20


def _jsonl_items(path: Path, fields: JsonlFields, max_bytes: int | None = None) -> Iterator[Item]:
    import json

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    longest = -1 if max_bytes is None else _LINE_PER_BYTE * max_bytes + _LINE_ROOM
    try:
        # utf-8-sig: a byte order mark before the first record is not part of it
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as lines:
            number = 0
            while line := lines.readline(longest):
                number += 1
                if longest >= 0 and len(line) >= longest and not line.endswith("\n"):
                    while (rest := lines.readline(_READ_CHUNK)) and not rest.endswith("\n"):
                        pass  # the rest of the line, read and let go piece by piece
                    yield _line_too_long(path, number, longest, max_bytes)
                elif line.strip():
                    yield _jsonl_item(path, number, line, fields, json)
    except (OSError, EOFError) as err:
        message = getattr(err, "strerror", None) or err
        yield Item(path_name(path), error=f"cannot read file: {message}", site=path_name(path))


def _line_too_long(path: Path, number: int, longest: int, max_bytes: int | None) -> Item:
    origin = {"jsonl_file": path_name(path), "line": number}
    message = f"too large: a JSON line over {longest} characters, for the limit of {max_bytes} bytes"
    name = f"{path_name(path)}:{number}"
    return Item(name, origin=tuple(origin.items()), error=message, error_kind=TOO_LARGE, site=path_name(path))


def _jsonl_item(path: Path, number: int, line: str, fields: JsonlFields, json) -> Item:
    name = f"{path_name(path)}:{number}"
    origin: dict[str, object] = {"jsonl_file": path_name(path), "line": number}
    try:
        record = json.loads(line)
    except ValueError as err:
        return Item(name, origin=tuple(origin.items()), error=f"bad JSON line: {err}", site=path_name(path))
    except RecursionError:
        return Item(name, origin=tuple(origin.items()), error="bad JSON line: nested too deeply", site=path_name(path))
    if not isinstance(record, dict):
        return Item(name, origin=tuple(origin.items()), error="bad JSON line: not an object", site=path_name(path))
    if fields.id and record.get(fields.id) is not None:
        found = record[fields.id]
        origin["id"] = valid_text(found) if isinstance(found, str) else found
    url = record.get(fields.url) if fields.url else None
    url = valid_text(url) if isinstance(url, str) and url else None
    names = (fields.content,) if fields.content else CONTENT_FIELDS
    content = next((record[f] for f in names if isinstance(record.get(f), str)), None)
    error = None if content is not None else f"no content field: {' or '.join(names)} missing or not a string"
    return Item(name, content=content, url=url, origin=tuple(origin.items()), error=error, site=path_name(path))


_READ_CHUNK = 1 << 20


def read_document(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of the document at ``path`` (gunzipped for ``.gz``), never more than ``max_bytes`` + 1 of
    them read (:func:`read_stream`): a file that never ends (``/dev/zero``, a FIFO that a writer keeps
    open) is refused as too large, not held whole. InputError says why it could not be read.

    A caller that needs a time limit on the reading wraps it (a FIFO without a writer waits in ``open``).
    """
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise InputError(f"too large: {path.stat().st_size} bytes, over the limit of {max_bytes}", TOO_LARGE)
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as stream:
            return read_stream(stream, max_bytes)
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", UNREADABLE) from None
    except EOFError as err:  # a gzip file cut short
        raise InputError(f"cannot read file: {err}", UNREADABLE) from None


def read_stream(stream: BinaryIO, max_bytes: int | None) -> bytes:
    """All of ``stream``, read in chunks; InputError (too large) once more than ``max_bytes`` came."""
    limit = None if max_bytes is None else max_bytes + 1
    chunks, size = [], 0
    while limit is None or size < limit:
        chunk = stream.read(_READ_CHUNK if limit is None else min(_READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if max_bytes is not None and size > max_bytes:
        raise InputError(f"too large: over the limit of {max_bytes} bytes", TOO_LARGE)
    return b"".join(chunks)
