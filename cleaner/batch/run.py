"""``cleaner clean`` end to end: inputs -> worker pool -> spool -> corpus pass -> output, with progress."""

from __future__ import annotations

import itertools
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from cleaner.batch.pool import (
    BatchOptions,
    CorpusOptions,
    OrderedPool,
    Result,
    Stats,
    finish,
    lock_output,
    partial_path,
    remove_stale_temporaries,
    replace_atomically,
    resume_point,
    unlock_output,
)
from cleaner.input.read import JsonlFields, count_items, iter_items
from cleaner.options import Options
from cleaner.rules.sites import SiteUse


def run_clean(
    inputs: tuple[str, ...],
    options: Options,
    *,
    fmt: str,
    output: str,
    summary: bool,
    several: bool,
    jobs: int | None,
    resume: bool,
    quiet: bool,
    stats: bool,
    content_field: str | None,
    id_field: str,
    url_field: str,
    corpus_options: CorpusOptions,
    fetch: bool = False,
) -> int:
    """Clean every input document into ``output``; the exit status."""
    batch = BatchOptions(clean=options, corpus=corpus_options.site_template, signatures=corpus_options.on)
    fields = JsonlFields(content_field, id_field or None, url_field or None)
    interactive = sys.stderr.isatty() and not quiet
    tally = Stats()
    log = _Log(interactive)
    to_file = output != "-"
    final = Path(output) if to_file else None
    spool = partial_path(final) if final else None
    direct = not to_file and not corpus_options.on  # stream records straight to stdout
    skip = 0
    lock = lock_output(spool) if spool is not None else None  # before resuming: another run may be writing it
    if final is not None:
        remove_stale_temporaries(final)
    if resume and spool is not None:
        skip, resumed_errors = resume_point(spool)
        tally.resumed = skip
    else:
        resumed_errors = 0
    temp_dir = None
    if spool is None and not direct:
        temp_dir = tempfile.TemporaryDirectory(prefix="cleaner-")
        spool = Path(temp_dir.name) / "spool.jsonl"
    total = count_items(inputs)
    if resume and final is not None and not skip and final.exists():
        return _nothing_to_resume(final, spool, total, lock, log)
    items = itertools.islice(iter_items(inputs, fields, fetch=fetch, max_bytes=options.max_bytes), skip, None)
    pool = OrderedPool(jobs or _cores(), batch)
    sites = SiteUse(options.ruleset())
    errors = 0
    previous = signal.signal(signal.SIGTERM, _stop)  # `kill` stops the run as Ctrl-C does
    try:
        with log.progress(None if total is None else total - skip) as advance:
            if direct:
                from cleaner.output.write import Writer

                writer = Writer(sys.stdout, fmt, several=several)
                for result in pool.map(items):
                    writer.write_record(_json(result.line))
                    _report(result, tally, log, summary, advance)
                    sites.add(result.url)
                errors = tally.failures
            else:
                with open(spool, "a" if skip else "w", encoding="utf-8") as stream:
                    for result in pool.map(items):
                        stream.write(result.line + "\n")
                        _report(result, tally, log, summary, advance)
                        sites.add(result.url)
        pool.close()
        if not direct:
            seen = _finish(spool, final, fmt, several, corpus_options, tally)
            renamed = final is not None and fmt == "jsonl" and not corpus_options.on
            errors = tally.failures + resumed_errors if renamed else seen
            spool.unlink(missing_ok=True)
    except (KeyboardInterrupt, Stopped) as stop:
        pool.close(now=True)
        what, code = ("terminated", 128 + stop.signum) if isinstance(stop, Stopped) else ("interrupted", 130)
        log.line(f"cleaner: {what}; run again with --resume to continue" if to_file else f"cleaner: {what}")
        return code
    finally:
        signal.signal(signal.SIGTERM, previous)
        if temp_dir is not None:
            temp_dir.cleanup()
        if lock is not None:
            unlock_output(lock)
    for line in sites.warnings(tally.documents):
        log.line(line)
    if interactive or stats:
        for line in tally.lines():
            log.line(line)
    return 1 if errors else 0


class Stopped(BaseException):
    """SIGTERM during a run: stopped as Ctrl-C stops it (workers stopped, temporary files removed, a message)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def _finish(spool: Path, final: Path | None, fmt, several, corpus_options: CorpusOptions, tally: Stats) -> int:
    """Turn the spool into the output; the number of error records in it (when it was read)."""
    if final is None:
        return finish(spool, sys.stdout, fmt, several, corpus_options, tally)
    if fmt == "jsonl" and not corpus_options.on:
        os.replace(spool, final)  # the spool is the output
        return 0
    return replace_atomically(final, lambda out: finish(spool, out, fmt, several, corpus_options, tally))


def _nothing_to_resume(final: Path, spool: Path, total: int | None, lock: int, log: _Log) -> int:
    """``--resume`` where a run already finished: the output appears only whole, so there is nothing to
    continue, and cleaning every document again would only rewrite it. The exit status."""
    try:
        with open(final, "rb") as stream:
            records = sum(line.endswith(b"\n") for line in stream)
        spool.unlink(missing_ok=True)  # the empty spool that this run's lock made
    finally:
        unlock_output(lock)
    if total is not None and records != total:
        log.line(
            f"cleaner: error: {final} holds {records} records but the inputs have {total} "
            f"document{'s' * (total != 1)}, so it is not their output; run without --resume to clean them all again"
        )
        return 2
    of = "" if total is None else f" of {total}"
    log.line(f"cleaner: {final} is complete: {records}{of} records; nothing to do")
    return 0


def _report(result: Result, tally: Stats, log: _Log, summary: bool, advance: Callable[[Stats], None]) -> None:
    tally.add(result)
    if result.error:
        log.line(f"cleaner: error: {result.name}: {result.error}")
    elif summary:
        log.line(result.summary)
    advance(tally)


def _json(line: str) -> dict:
    import json

    return json.loads(line)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class _Log:
    """stderr lines, and a rich progress bar when stderr is a terminal (lines print above the bar)."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self.console = None

    def line(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)

    def progress(self, total: int | None):
        if not self.interactive:
            return nullcontext(lambda tally: None)
        return _Progress(self, total)


class _Progress:
    def __init__(self, log: _Log, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.log, self.total = log, total
        console = Console(stderr=True)
        # no refresh thread: workers are forked while the bar runs
        self.bar = Progress(
            TextColumn("[bold]cleaning"),
            BarColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            auto_refresh=False,
            transient=False,
        )
        self.task = None
        self.last = 0.0

    def __enter__(self) -> Callable[[Stats], None]:
        self.bar.__enter__()
        self.log.console = self.bar.console
        self.task = self.bar.add_task("", total=self.total)
        return self.advance

    def advance(self, tally: Stats) -> None:
        import time

        now = time.monotonic()
        if now - self.last < 0.1 and (self.total is None or tally.documents < self.total):
            return
        self.last = now
        elapsed = max(now - tally.started, 1e-9)
        description = (
            f"{tally.documents} docs · {tally.nbytes / 1e6:.1f} MB · "
            f"{tally.documents / elapsed:.1f} docs/s · {tally.failures} errors"
        )
        self.bar.update(self.task, completed=tally.documents, description=description)
        self.bar.refresh()

    def __exit__(self, *exc) -> None:
        self.bar.refresh()
        self.bar.__exit__(*exc)
        self.log.console = None
