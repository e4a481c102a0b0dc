"""Batch cleaning: a pool of worker processes, results in input order, limits, spool, resume.

Why a hand-made pool: a document that hangs inside C code (lxml, a regex) cannot be interrupted in
its own process, so the parent kills the worker that overruns ``timeout`` (plus a grace second),
writes a timeout record in its place and starts a new worker. At most ``window`` documents are in
flight or waiting for an earlier one, so memory stays flat and the output keeps the input order.

Output goes first to a *spool* next to the output file (``OUTPUT.partial``, one JSON record per
line, flushed as it goes). ``--resume`` counts the spool's complete lines, drops a torn last line
and skips that many input documents. When every document is in, the spool becomes the output:
renamed as is (JSONL without corpus features), or rewritten once more (site templates removed,
near duplicates flagged, other formats rendered) into a temporary file that is renamed over the
output. So the output file appears whole or not at all.

Corpus counts are made by reading the spool (second pass), not kept from the first: that works
for any input, stdin included, and survives a kill.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import secrets
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Any

from cleaner import corpus
from cleaner.api import clean
from cleaner.corpus import CorpusOptions
from cleaner.errors import INTERNAL, TIMEOUT, InputError
from cleaner.input.read import Item, read_document, read_stream
from cleaner.options import Options
from cleaner.output import assemble
from cleaner.output.write import Writer, summary_line
from cleaner.records import CleanDocument

CORPUS_KEY = "_corpus"  # spool-only field: what the corpus pass needs of a document
GRACE_S = 2.0  # the worker's own alarm fires first; the parent kills only what the alarm cannot stop
_PARENT_CHECK_S = 1.0  # an idle worker looks this often whether its parent is still alive


@dataclass(frozen=True)
class BatchOptions:
    """A batch run: how each document is cleaned, and what the workers keep for the corpus pass."""

    clean: Options = field(default_factory=Options)
    corpus: bool = False  # keep block hashes and kept blocks in the spool for the corpus pass
    # keep each text's MinHash signature in the spool for the corpus pass (versions of a page, near duplicates)
    signatures: bool = False


@dataclass(frozen=True)
class Result:
    """One cleaned document as the parent needs it: the spool line and a few facts for the summary."""

    name: str
    line: str
    error: str | None
    error_kind: str | None
    reasons: tuple[tuple[str, int], ...]
    nbytes: int
    summary: str
    url: str | None = None  # the record's URL: given, or declared by the page (site rules' domains)


# ---------------------------------------------------------------------------------------------
# one document


def clean_item(item: Item, options: BatchOptions) -> Result:
    """Clean one input document (downloading it first, for ``--fetch``) into its record; never raises.

    Downloads run here, in the workers, so that a slow server holds one worker, not the batch.
    """
    item = _fetched(item, options)
    if item.error is not None:
        doc, nbytes = failed(item, item.error, options), 0
    elif item.path is not None:
        data, error = _read_file(item.path, options.clean.max_bytes)
        nbytes = len(data)
        if error is not None:
            doc = failed(dataclasses.replace(item, error_kind=error[1]), error[0], options)
        else:
            doc = _clean(data, item, options)
    else:
        content = item.content if item.content is not None else b""
        nbytes = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
        doc = _clean(content, item, options)
    record = doc.to_dict()
    extra: dict[str, Any] = {}
    if options.corpus:
        fingerprint = corpus.fingerprint(doc, item.site or "")
        extra.update(site=fingerprint.site, blocks=list(fingerprint.blocks), kept=corpus.kept_blocks(doc))
    if options.signatures and doc.text:
        # made here, in the workers, rather than in the parent's serial second pass
        extra["signature"] = corpus.encode_signature(corpus.signature(doc.text))
    if extra:
        record[CORPUS_KEY] = extra
    reasons = Counter(span.reason for span in doc.removed)
    return Result(
        name=item.name,
        line=json.dumps(record, ensure_ascii=False),
        error=doc.error,
        error_kind=doc.error_kind,
        reasons=tuple(sorted(reasons.items())),
        nbytes=nbytes,
        summary=summary_line(doc),
        url=doc.url,
    )


def _item_options(item: Item, options: BatchOptions) -> Options:
    """The run's options with the document's own URL (a JSONL field, a WARC record's target URI)."""
    return options.clean.replace(url=item.url) if item.url and item.url != options.clean.url else options.clean


def _clean(content: bytes | str, item: Item, options: BatchOptions) -> CleanDocument:
    return clean(content, _item_options(item, options), source=item.name, origin=dict(item.origin) or None)


def _read_file(path: Path, max_bytes: int | None) -> tuple[bytes, tuple[str, str] | None]:
    """The file's bytes (:func:`cleaner.input.read.read_document`), or why not (message, kind)."""
    try:
        return read_document(path, max_bytes), None
    except InputError as err:
        return b"", (str(err), err.kind)


def failed(item: Item, message: str, options: BatchOptions) -> CleanDocument:
    """The error record of a document that never reached the pipeline (unreadable, timed out, crashed)."""
    own = _item_options(item, options)
    doc = assemble.failed(
        b"",
        message,
        item.error_kind,
        source=item.name,
        url=own.url,
        options=own.recorded(),
        ruleset_version=own.ruleset().version,
    )
    if item.origin and doc.provenance is not None:
        doc = dataclasses.replace(doc, provenance=dataclasses.replace(doc.provenance, origin=item.origin))
    return doc


def _failed_result(item: Item, message: str, kind: str, options: BatchOptions) -> Result:
    return clean_item(dataclasses.replace(item, error=message, error_kind=kind, path=None, content=None), options)


# ---------------------------------------------------------------------------------------------
# the pool


def _work(conn: Connection, options: BatchOptions, parent: int) -> None:
    """Clean what the parent sends until it sends None, closes the pipe or dies.

    A forked worker holds copies of the parent's pipe ends, so a parent killed outright (SIGKILL,
    out of memory) may never close the pipe for it: the worker checks that its parent is alive.
    """
    # Ctrl-C reaches the whole process group: the parent stops the run, not each worker with a traceback;
    # and a worker forked while the parent's SIGTERM handler is set must not run that handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    options.clean.ruleset()  # compiled before the first document's time limit starts
    while True:
        try:
            while not conn.poll(_PARENT_CHECK_S):
                if os.getppid() != parent:
                    return
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        seq, item = task
        conn.send((seq, clean_item(item, options)))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: tuple[int, Item, float] | None = None  # seq, item, start time


class OrderedPool:
    """``jobs`` worker processes; :meth:`map` yields results in input order with a bounded window."""

    def __init__(self, jobs: int, options: BatchOptions, window: int | None = None) -> None:
        self.jobs, self.options = max(1, jobs), options
        self.window = window or self.jobs * 8
        self.context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        _warm_up(options.clean)
        self.workers = [self._start() for _ in range(self.jobs)]

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_work, args=(child, self.options, os.getpid()), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker) -> _Worker:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        fresh = self._start()
        self.workers[self.workers.index(worker)] = fresh
        return fresh

    def close(self, *, now: bool = False) -> None:
        """Let the workers finish and exit; ``now``: stop them at once (an interrupted run resumes later)."""
        if now:
            for worker in self.workers:
                worker.process.kill()
                worker.process.join()
            return
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()

    def map(self, items: Iterable[Item]) -> Iterator[Result]:
        source = enumerate(items)
        done: dict[int, Result] = {}
        next_in = next_out = 0
        exhausted = False
        hard_limit = None if not self.options.clean.timeout else self.options.clean.timeout + GRACE_S
        while True:
            for worker in self.workers:
                if worker.task is None and not exhausted and next_in - next_out < self.window:
                    try:
                        seq, item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    self._send(worker, seq, _prepared(item, self.options))
                    next_in += 1
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            busy = [w for w in self.workers if w.task is not None]
            if exhausted and not busy and next_out == next_in:
                return
            if not busy:
                continue
            for conn in wait([w.conn for w in busy], timeout=0.2):
                worker = next(w for w in busy if w.conn is conn)
                seq, item, _ = worker.task
                try:
                    _, result = conn.recv()
                    worker.task = None
                except (EOFError, OSError):
                    code = worker.process.exitcode
                    result = _failed_result(item, f"worker crashed (exit code {code})", INTERNAL, self.options)
                    self._replace(worker)
                done[seq] = result
            if hard_limit is not None:
                self._kill_overdue(hard_limit, done)

    def _send(self, worker: _Worker, seq: int, item: Item) -> None:
        try:
            worker.conn.send((seq, item))
        except OSError:  # the worker died between tasks
            worker = self._replace(worker)
            worker.conn.send((seq, item))
        worker.task = (seq, item, time.monotonic())

    def _kill_overdue(self, hard_limit: float, done: dict[int, Result]) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task is None:
                continue
            # a download has its own time limit, before the document's
            limit = hard_limit + (self.options.clean.timeout or 0) * worker.task[1].fetch
            if now - worker.task[2] > limit:
                seq, item, _ = worker.task
                message = f"timeout: over {self.options.clean.timeout:g} s"
                done[seq] = _failed_result(item, message, TIMEOUT, self.options)
                self._replace(worker)


def _warm_up(options: Options) -> None:
    """Load the models, trafilatura and the language identifier once, before the workers are forked:
    they share those pages, and the first document's time limit is not spent on loading."""
    prose = "A warm-up paragraph, long enough to be read as prose by every step of the pipeline. " * 4
    text = f"Warm up\n\nby Admin\n\n{prose}\n\nRecent Posts\n\nShare this article"
    html = f"<html><head><title>Warm up</title></head><body><nav>Home</nav><h1>Warm up</h1><p>{prose}</p></body></html>"
    for mode, sample in (("html", html), ("text", text)):
        clean(sample, options, mode=mode, timeout=None)


def _prepared(item: Item, options: BatchOptions) -> Item:
    """stdin is read by the parent: workers do not share it."""
    if item.name == "stdin" and item.path is None and item.content is None and item.error is None:
        try:  # within --max-bytes: an endless stdin (``cat /dev/zero |``) is refused, not held
            return dataclasses.replace(item, content=read_stream(sys.stdin.buffer, options.clean.max_bytes))
        except InputError as err:
            return dataclasses.replace(item, error=str(err), error_kind=err.kind)
    return item


def _fetched(item: Item, options: BatchOptions) -> Item:
    """A URL to fetch, downloaded within the run's limits (its own time limit: :mod:`cleaner.input.fetch`)."""
    if item.fetch and item.content is None and item.error is None and item.url:
        from cleaner.input.fetch import FetchError, fetch

        try:
            fetched = fetch(item.url, max_bytes=options.clean.max_bytes, timeout=options.clean.timeout)
        except FetchError as err:
            return dataclasses.replace(item, error=str(err), error_kind=err.kind)
        return dataclasses.replace(item, content=fetched.content, url=fetched.url)
    return item


# ---------------------------------------------------------------------------------------------
# statistics


@dataclass
class Stats:
    documents: int = 0
    resumed: int = 0
    nbytes: int = 0
    errors: Counter = field(default_factory=Counter)  # by kind
    removed: Counter = field(default_factory=Counter)  # by reason
    duplicates: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, result: Result) -> None:
        self.documents += 1
        self.nbytes += result.nbytes
        if result.error:
            self.errors[result.error_kind or INTERNAL] += 1
        for reason, count in result.reasons:
            self.removed[reason] += count

    @property
    def failures(self) -> int:
        return sum(self.errors.values())

    def lines(self) -> list[str]:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        resumed = f" (+{self.resumed} from the interrupted run)" if self.resumed else ""
        out = [
            f"cleaner: {self.documents} documents{resumed}, {self.nbytes / 1e6:.1f} MB in {elapsed:.1f} s: "
            f"{self.documents / elapsed:.1f} docs/s, {self.nbytes / 1e6 / elapsed:.2f} MB/s",
            f"cleaner: errors: {self.failures}" + _counts(self.errors),
            f"cleaner: removed blocks: {sum(self.removed.values())}" + _counts(self.removed),
        ]
        if self.duplicates:
            out.append(f"cleaner: near duplicates flagged: {self.duplicates}")
        return out


def _counts(counter: Counter) -> str:
    return (" (" + ", ".join(f"{key} {n}" for key, n in counter.most_common()) + ")") if counter else ""


# ---------------------------------------------------------------------------------------------
# spool and output


def partial_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


class OutputBusy(Exception):
    """Another run writes the same output: two runs would interleave their records in one file."""


_LOCKS: set[int] = set()  # output locks this process holds: its forked workers close their copies


def _drop_inherited_locks() -> None:
    for handle in _LOCKS:
        os.close(handle)  # the parent's copy still holds the lock; a worker's must not outlive the parent
    _LOCKS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def lock_output(spool: Path) -> int:
    """Hold the output's spool for this run (an exclusive lock until :func:`unlock_output`, or the process's end).

    The spool is the run's working file from its first record to the output's rename, so a second run
    on the same output finds it locked and stops at once, before it writes anything (:class:`OutputBusy`).
    Workers forked later do not keep it: a run killed with SIGKILL leaves no lock behind it.
    """
    import fcntl

    handle = os.open(spool, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)  # the umask decides, as for any file
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise OutputBusy(f"{spool.name[: -len('.partial')]} is being written by another run") from None
    _LOCKS.add(handle)
    return handle


def unlock_output(handle: int) -> None:
    _LOCKS.discard(handle)
    os.close(handle)


def resume_point(spool: Path) -> tuple[int, int]:
    """(complete records, of which errors) in an interrupted spool; a torn last line is cut off."""
    if not spool.exists():
        return 0, 0
    count = errors = 0
    keep = 0
    with open(spool, "rb+") as stream:
        for line in stream:
            if not line.endswith(b"\n"):
                break
            count += 1
            keep += len(line)
            if json.loads(line).get("error") is not None:
                errors += 1
        stream.truncate(keep)
    return count, errors


def finish(
    spool: Path,
    out: IO[str],
    fmt: str,
    several: bool,
    options: CorpusOptions,
    stats: Stats,
) -> int:
    """Second pass: read the spool, apply the corpus decisions, write every record to ``out``; errors seen."""
    templates: set[tuple[str, int]] = set()
    if options.site_template:
        counts = corpus.SiteCounts(threshold=options.dedup_threshold)
        for record in _spool_records(spool):
            extra = record.get(CORPUS_KEY)
            if extra:
                print_, sig = corpus.Fingerprint(extra["site"], tuple(extra["blocks"])), extra.get("signature")
                counts.add(print_, record.get("url"), record.get("text") or "", corpus.decode_signature(sig))
        templates = counts.templates(options.thresholds)
    deduper = corpus.Deduper(options.dedup_threshold) if options.dedup else None
    writer = Writer(out, fmt, several=several)
    errors = 0
    for record in _spool_records(spool):
        extra = record.pop(CORPUS_KEY, None) or {}
        signed = record.get("text") or ""  # the text the worker signed, before the site template came out
        if templates and "kept" in extra:
            before = len(record.get("removed") or [])
            record = corpus.remove_templates(record, extra["kept"], extra["site"], templates)
            stats.removed[corpus.REASON] += len(record["removed"]) - before
        if deduper is not None and not record.get("error"):
            source = (record.get("provenance") or {}).get("source") or ""
            text = record.get("text") or ""
            sig = corpus.decode_signature(extra["signature"]) if "signature" in extra and text == signed else None
            record["duplicate_of"] = deduper.add(source, text, sig)
            stats.duplicates += record["duplicate_of"] is not None
        errors += bool(record.get("error"))
        writer.write_record(record)
    return errors


def _spool_records(spool: Path) -> Iterator[dict]:
    with open(spool, encoding="utf-8") as stream:
        for line in stream:
            yield json.loads(line)


def _temporary_prefix(final: Path) -> str:
    return f".{final.name}."


def remove_stale_temporaries(final: Path) -> None:
    """Remove what a run killed during its final pass (SIGKILL, a power cut) left beside ``final``.

    Called while holding the output's lock (:func:`lock_output`): no other run is writing ``final``,
    so every temporary file of its name there is a dead run's.
    """
    folder = final.parent
    try:
        names = [n for n in os.listdir(folder) if n.startswith(_temporary_prefix(final)) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        (folder / name).unlink(missing_ok=True)


def replace_atomically(final: Path, write: Callable[[IO[str]], Any]) -> Any:
    """Write ``final`` through a temporary file beside it, renamed over it only when complete."""
    handle, temp = _temporary_beside(final)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, final)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


def _temporary_beside(final: Path) -> tuple[int, Path]:
    """A new hidden temporary file beside ``final``, with the mode any new file gets (0666 less the umask).

    Not ``tempfile.mkstemp``: its file is 0600, and the rename would hand that mode on to the output.
    """
    for _ in range(100):
        temp = final.parent / f"{_temporary_prefix(final)}{secrets.token_hex(6)}.tmp"
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {final}")
