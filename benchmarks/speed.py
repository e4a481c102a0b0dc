"""Speed and memory, one process per system, on the same dev pages; then the CLI with one and two jobs.

    python -m benchmarks.speed [--data ../shared/data] [--split dev] [--limit N] [--repeat R]
                               [--systems NAME ...] [--no-cli] [--out benchmarks/results/speed.json]

Each system (cleaner with its defaults, its fast preset and ``main_content="auto"``, and the
anchors: trafilatura with its defaults, its ``fast`` mode and as the gate runs it (no comments,
with metadata), rs-trafilatura, readability-lxml, resiliparse) runs in a fresh child process of
its own, so that its peak RSS (``ru_maxrss``) is its own: the child imports the system, warms it
up on a small page, then reads the pages one at a time from a JSONL file and times only the
extraction calls. Documents per second and MB of HTML per second come from that time; peak RSS
includes the interpreter, the imports and the largest page's working set. With ``--repeat R``
every system runs R times, the systems interleaved, and the fastest run counts (the machine is
shared; the spread is reported).

Then ``cleaner clean FOLDER --jobs 1`` and ``--jobs 2`` over the same pages written as ``.html``
files to a temporary folder: wall time of the whole command (start-up included) and peak RSS of
the main process and of its process tree.
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.batch import _tree_rss
from benchmarks.common import arguments, environment, pages, write_report

WARM_UP = (
    "<html><body><h1>Warm-up</h1><p>" + "A warm-up sentence for the models and the rules. " * 8 + "</p></body></html>"
)


def _cleaner(html: str, url: str | None) -> str:
    from cleaner import clean

    return clean(html, url=url).text


def _cleaner_fast(html: str, url: str | None) -> str:
    from cleaner import clean

    return clean(html, url=url, preset="fast").text


def _cleaner_auto(html: str, url: str | None) -> str:
    from cleaner import clean

    return clean(html, url=url, main_content="auto").text


def _trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def _trafilatura_strongest(html: str, url: str | None) -> str:
    """trafilatura as the gate runs it (no comments), with its metadata as cleaner reads a page's."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False, with_metadata=True) or ""


def _rs_trafilatura(html: str, url: str | None) -> str:
    from benchmarks.anchors import _rs_trafilatura

    return _rs_trafilatura(html)


def _trafilatura_fast(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, fast=True) or ""


def _readability(html: str, url: str | None) -> str:
    from benchmarks.anchors import _readability

    return _readability(html)


def _resiliparse(html: str, url: str | None) -> str:
    from benchmarks.anchors import _resiliparse

    return _resiliparse(html)


SYSTEMS: dict[str, Callable[[str, str | None], str]] = {
    "cleaner": _cleaner,
    "cleaner (fast)": _cleaner_fast,
    "cleaner (main_content=auto)": _cleaner_auto,
    "trafilatura": _trafilatura,
    "trafilatura (no comments, metadata)": _trafilatura_strongest,
    "rs-trafilatura": _rs_trafilatura,
    "trafilatura (fast)": _trafilatura_fast,
    "readability-lxml": _readability,
    "resiliparse": _resiliparse,
}
PACKAGES = ("trafilatura", "readability-lxml", "resiliparse", "rs-trafilatura")


def _rss_mb(pid: int | str = "self") -> float:
    """Peak RSS of a process since its last exec (``VmHWM``).

    Not ``ru_maxrss``: Linux carries it over fork and exec, so a child would report at least the
    parent's peak (the parent holds every page in memory).
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


def worker(system: str, pages_file: Path) -> dict:
    """Run one system over the pages in this process: its time, throughput and peak RSS."""
    extract = SYSTEMS[system]
    extract(WARM_UP, None)
    rss_ready = _rss_mb()
    seconds, cpu, documents, size, failures = 0.0, 0.0, 0, 0, 0
    with open(pages_file, encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                extract(page["html"], page.get("url"))
            except Exception:  # an anchor that crashes on a page still spent its time there
                failures += 1
            seconds += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            documents += 1
            size += len(page["html"].encode("utf-8"))
    return {
        "system": system,
        "documents": documents,
        "mb": size / 1e6,
        "seconds": seconds,
        "docs_per_s": documents / seconds,
        "mb_per_s": size / 1e6 / seconds,
        "ms_per_doc": 1000 * seconds / documents,
        "cpu_ms_per_doc": 1000 * cpu / documents,  # process CPU time: steadier than wall time on a shared machine
        "peak_rss_mb": _rss_mb(),
        "rss_after_warm_up_mb": rss_ready,
        "failures": failures,
    }


def _child(system: str, pages_file: Path) -> dict:
    command = [sys.executable, "-m", "benchmarks.speed", "--worker", system, "--pages", str(pages_file)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def systems(names: list[str], pages_file: Path, repeat: int) -> dict:
    """Every system ``repeat`` times, interleaved; the fastest run of each, with the spread of its times."""
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(repeat):
        for name in names:
            runs[name].append(_child(name, pages_file))
            print(f"{name}: {runs[name][-1]['ms_per_doc']:.1f} ms/doc", file=sys.stderr)
    best = {}
    for name, tries in runs.items():
        fastest = min(tries, key=lambda run: run["seconds"])
        best[name] = {**fastest, "runs_ms_per_doc": [round(run["ms_per_doc"], 2) for run in tries]}
    return best


def cli(chosen: list[dict], folder: Path, jobs: tuple[int, ...] = (1, 2)) -> list[dict]:
    """``cleaner clean FOLDER --jobs N`` over the pages written as files: whole-command throughput and RSS."""
    pages_dir = folder / "pages"
    pages_dir.mkdir()
    size = 0
    for number, record in enumerate(chosen):
        data = record["html"].encode("utf-8")
        (pages_dir / f"{number:05d}.html").write_bytes(data)
        size += len(data)
    cleaner = str(Path(sys.executable).parent / "cleaner")
    runs = []
    for n in jobs:
        command = [cleaner, "clean", str(pages_dir), "--jobs", str(n), "--quiet", "-o", str(folder / f"out-{n}.jsonl")]
        run = {"jobs": n, **_measure(command)}
        run["command"] = f"cleaner clean PAGES --jobs {n} --quiet -o OUT.jsonl"
        run["docs_per_s"] = len(chosen) / run["seconds"]
        run["mb_per_s"] = size / 1e6 / run["seconds"]
        runs.append(run)
        print(f"cli --jobs {n}: {run['docs_per_s']:.1f} docs/s", file=sys.stderr)
    return runs


def _measure(command: list[str]) -> dict:
    """Wall time, the main process's peak RSS (its ``VmHWM``) and the peak summed RSS of its process tree."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main_peak, tree_peak = 0.0, 0
    while process.poll() is None:
        main_peak = max(main_peak, _rss_mb(process.pid))
        tree_peak = max(tree_peak, _tree_rss(process.pid))
        time.sleep(0.05)
    return {
        "exit": process.returncode,
        "seconds": time.monotonic() - started,
        "peak_rss_mb_main": main_peak,
        "peak_rss_mb_tree": tree_peak / 2**20,
    }


def markdown(report: dict) -> str:
    results = report["results"]
    lines = [
        f"{report['documents']} {report['split']} documents ({results['mb']:.1f} MB of HTML), one process per system;"
        f" fastest of {report['repeat']} run(s).\n",
        "| system | docs/s | MB/s | ms/doc | CPU ms/doc | peak RSS MB | vs trafilatura |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    reference = results["systems"].get("trafilatura", {}).get("docs_per_s")
    for name, row in sorted(results["systems"].items(), key=lambda item: -item[1]["docs_per_s"]):
        ratio = f"{row['docs_per_s'] / reference:.2f}x" if reference else "-"
        shown = f"**{name}**" if name == "cleaner" else name
        lines.append(
            f"| {shown} | {row['docs_per_s']:.1f} | {row['mb_per_s']:.2f} | {row['ms_per_doc']:.1f} |"
            f" {row.get('cpu_ms_per_doc', float('nan')):.1f} |"
            f" {row['peak_rss_mb']:.0f} | {ratio} |"
        )
    if results.get("cli"):
        lines += ["", "| command | docs/s | MB/s | seconds | peak RSS MB (main) | peak RSS MB (all processes) |"]
        lines.append("|---|---:|---:|---:|---:|---:|")
        for run in results["cli"]:
            lines.append(
                f"| `{run['command']}` | {run['docs_per_s']:.1f} | {run['mb_per_s']:.2f} | {run['seconds']:.1f} |"
                f" {run['peak_rss_mb_main']:.0f} | {run['peak_rss_mb_tree']:.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Speed and peak RSS of cleaner and the anchors, one process each.", "speed.json")
    parser.add_argument("--repeat", type=int, default=1, help="runs per system, interleaved; the fastest counts")
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--no-cli", action="store_true", help="skip the cleaner clean --jobs 1/2 runs")
    parser.add_argument("--worker", choices=list(SYSTEMS), help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.pages)))
        return
    chosen = pages(args)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="cleaner-speed-") as folder:
        pages_file = Path(folder) / "pages.jsonl"
        with open(pages_file, "w", encoding="utf-8") as out:
            for record in chosen:
                out.write(json.dumps({"html": record["html"], "url": record.get("url")}) + "\n")
        results = {"mb": sum(len(r["html"].encode("utf-8")) for r in chosen) / 1e6}
        results["systems"] = systems(args.systems, pages_file, args.repeat)
        results["cli"] = [] if args.no_cli else cli(chosen, Path(folder))
    report = {
        "date": datetime.date.today().isoformat(),
        "split": args.split,
        "documents": len(chosen),
        "repeat": args.repeat,
        "seconds": round(time.time() - started, 1),
        "command": "python -m benchmarks.speed " + " ".join(argv if argv is not None else sys.argv[1:]),
        "environment": environment(extra=PACKAGES),
        "results": results,
    }
    write_report(args.out, report)
    print(markdown(report))


if __name__ == "__main__":
    main()
