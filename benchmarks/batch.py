"""Batch throughput and memory: a generated WARC, ``cleaner clean --jobs 1/2``, beside trafilatura.

    python -m benchmarks.batch [--data ../shared/data] [--size 1000] [--out benchmarks/results/batch.json]

Builds a WARC.gz of about ``--size`` MB (uncompressed HTML) in a temporary folder by cycling
through the pages of ``DATA/*.jsonl.gz`` (each copy gets its own URL), then runs, each as a child
process whose peak RSS is measured (its own, its largest worker's and its process tree's; see
:func:`measure`):

- ``cleaner clean WARC --jobs 1`` and ``--jobs 2`` (HTML mode),
- the same over a JSONL of the pages' visible text (text mode),
- trafilatura ``extract`` over the same WARC records, in one process (``--jobs 1``) and two.

Nothing is written but the JSON result; the temporary folder is removed.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pages(data: Path) -> Iterator[dict]:
    for path in sorted(data.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if isinstance(record.get("html"), str) and record["html"].strip():
                    yield record


def build(data: Path, folder: Path, size_mb: float) -> tuple[Path, Path, int]:
    """The WARC.gz and a text JSONL of about ``size_mb`` MB of HTML; the number of documents."""
    from lxml import html as lxml_html

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from warc_writer import WarcWriter  # the test suite's WARC writer: cleaner only reads WARC files

    warc, text = folder / "pages.warc.gz", folder / "pages.jsonl"
    budget, count, round_ = size_mb * 1e6, 0, 0
    with open(warc, "wb") as raw, open(text, "w", encoding="utf-8") as lines:
        writer = WarcWriter(raw, gzip=True)
        while budget > 0:
            for page in pages(data):
                body = page["html"].encode("utf-8")
                url = f"{round_}/{page.get('id', count)}"
                writer.write_response(f"https://bench.example/{round_}/{count}", body)
                try:
                    visible = lxml_html.fromstring(body).text_content()
                except Exception:
                    visible = ""
                lines.write(json.dumps({"id": url, "text": visible}) + "\n")
                budget -= len(body)
                count += 1
                if budget <= 0:
                    break
            round_ += 1
    return warc, text, count


def measure(command: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run ``command``: wall time, and peak RSS of the main process, of its largest worker and of the whole tree.

    The tree is sampled every 0.2 s: each process's high-water mark (VmHWM) and the summed RSS.
    ``wait4`` gives the largest high-water mark of the command and every process it reaped. The end
    is looked for every 10 ms, so that the wall time of a short command is not rounded to the sampling.
    """
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
    peak, marks, sampled = 0, {}, 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - sampled >= 0.2:
            sampled = time.monotonic()
            peak = max(peak, _tree_rss(process.pid, marks))
        time.sleep(0.01)
    wall = time.monotonic() - started
    workers = [mark for pid, mark in marks.items() if pid != process.pid]
    largest = usage.ru_maxrss * 1024
    # the largest mark of all is the main process's own unless a worker's was larger: then take the sampled one
    main = largest if largest > max(workers, default=0) else marks.get(process.pid, largest)
    return {
        "command": " ".join(command),
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": round(wall, 2),
        "peak_rss_mb_main": round(main / 1e6, 1),
        "peak_rss_mb_worker": round(max(workers) / 1e6, 1) if workers else None,
        "peak_rss_mb_tree": round(max(peak, largest) / 1e6, 1),
    }


def _tree_rss(pid: int, marks: dict[int, int] | None = None) -> int:
    """The summed RSS of ``pid`` and its descendants; ``marks`` gets each one's high-water mark (bytes)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            total += int(fields["VmRSS"].split()[0]) * 1024
            if marks is not None:
                marks[current] = max(marks.get(current, 0), int(fields["VmHWM"].split()[0]) * 1024)
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo += [int(c) for c in children.read().split()]
        except (OSError, ValueError, KeyError):
            continue
    return total


TRAFILATURA = """
import sys
from concurrent.futures import ProcessPoolExecutor
import trafilatura
from cleaner.input.warc import iter_warc

def run(content):
    return trafilatura.extract(content) or ""

jobs = int(sys.argv[2])
records = (r.content for r in iter_warc(sys.argv[1]))
if jobs == 1:
    n = sum(1 for _ in map(run, records))
else:
    with ProcessPoolExecutor(jobs) as pool:
        n = sum(1 for _ in pool.map(run, records, chunksize=8))
print(n)
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--size", type=float, default=1000.0, help="MB of HTML in the WARC (default 1000)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--modes", nargs="+", choices=("html", "text"), default=["html", "text"])
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "batch.json")
    args = parser.parse_args(argv)
    cleaner = str(Path(sys.executable).parent / "cleaner")
    runs = []
    with tempfile.TemporaryDirectory(prefix="cleaner-batch-") as folder:
        warc, text, count = build(args.data, Path(folder), args.size)
        html_mb = args.size
        print(f"built {warc.name}: {count} documents, {warc.stat().st_size / 1e6:.0f} MB gzipped", file=sys.stderr)
        text_mb = sum(len(json.loads(line)["text"].encode()) for line in open(text, encoding="utf-8")) / 1e6
        for jobs in args.jobs:
            for mode, source, megabytes in (("html", warc, html_mb), ("text", text, text_mb)):
                if mode not in args.modes:
                    continue
                command = [cleaner, "clean", str(source), "--mode", mode, "--jobs", str(jobs), "--quiet"]
                command += ["-o", str(Path(folder) / f"out-{mode}-{jobs}.jsonl")]
                runs.append(
                    _rates({"tool": "cleaner", "mode": mode, "jobs": jobs, **measure(command)}, count, megabytes)
                )
                print(json.dumps(runs[-1]), file=sys.stderr)
            if not args.no_trafilatura:
                command = [sys.executable, "-c", TRAFILATURA, str(warc), str(jobs)]
                run = {"tool": "trafilatura", "mode": "html", "jobs": jobs, **measure(command)}
                runs.append(_rates(run, count, html_mb))
                print(json.dumps(runs[-1]), file=sys.stderr)
    from benchmarks.common import environment

    result = {
        "date": datetime.date.today().isoformat(),
        "environment": environment(),
        "what": "cleaner clean over a generated WARC.gz (HTML) and a JSONL of visible text (text), vs trafilatura",
        "documents": count,
        "html_mb": round(html_mb, 1),
        "text_mb": round(text_mb, 1),
        "cpus": os.cpu_count(),
        "command": "python -m benchmarks.batch " + " ".join(argv if argv is not None else sys.argv[1:]),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


def _rates(run: dict, documents: int, megabytes: float) -> dict:
    run["docs_per_s"] = round(documents / run["seconds"], 2)
    run["mb_per_s"] = round(megabytes / run["seconds"], 3)
    return run


def markdown(report: dict) -> str:
    """The runs as a table: throughput and peak memory, cleaner beside trafilatura."""
    lines = [
        f"{report['documents']} documents: {report['html_mb']} MB of HTML in a generated WARC.gz, "
        f"{report['text_mb']} MB of visible text as JSONL. Command: `{report['command']}`.",
        "",
        "| tool | mode | jobs | docs/s | MB/s | peak RSS, main process (MB) | peak RSS, largest worker (MB) "
        "| peak RSS, with workers (MB) | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        worker = run.get("peak_rss_mb_worker")
        lines.append(
            f"| {run['tool']} | {run['mode']} | {run['jobs']} | {run['docs_per_s']} | {run['mb_per_s']} | "
            f"{run['peak_rss_mb_main']} | {'–' if worker is None else worker} | {run['peak_rss_mb_tree']} | "
            f"{run['seconds']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
