"""Each speed change's own effect: the commit before it and the commit itself, side by side.

    python -m benchmarks.speed_changes [--data ../shared/data] [--split dev] [--limit 35] [--rounds 2]
                                       [--changes COMMIT ...] [--out benchmarks/results/speed_changes.json]

Both commits of every change in ``CHANGES`` are checked out in temporary git worktrees (so this
needs the project's git history). Each one, in a fresh child process whose ``PYTHONPATH`` is its
worktree, either cleans the same dev pages with ``clean()`` (or ``preset="fast"``, or their
visible text in text mode, or one large page made of their gold paragraphs) and times only those
calls (CPU time), or, for a change to the corpus pass, runs ``cleaner clean FOLDER --jobs 1`` over
them (or ``--mode text --jobs 2`` over their visible text) and takes the wall time and peak RSS of the
whole command. It also hashes what it produced,
so the table says whether the change left the output as it was. Before and after alternate, round after round, and
the fastest round of each counts. With ``--changes``, only those are measured again; the other
entries of ``--out`` are kept. The large page is cleaned without the time limit, so that a
version that would time out is measured all the same.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import arguments, environment, pages, write_report
from cleaner.model.train import visible_text

ROOT = Path(__file__).resolve().parent.parent

# (commit, what it changed, how it is measured): "clean" times clean() per page, "fast" the same with
# preset="fast", "text" cleans each page's visible text in text mode, "big" cleans one page of BIG_MB
# made of the pages' gold paragraphs, "cli" runs the batch command, "cli-text" the batch command over the
# pages' visible text in text mode with 2 workers
CHANGES = (
    ("5a0c697", "rules: a ruleset remembers its matches for short strings; a block's words counted once", "clean"),
    ("64ccdfb", "parse: visible text read from plain strings", "clean"),
    ("3d384dd", "rules: a literal prefilter (Aho-Corasick) so that most rules are never tried", "clean"),
    ("a67d1bf", "model: trees evaluated node-major, one test per distinct split", "clean"),
    ("f003945", "segment: a direct walk, fewer attribute lookups", "clean"),
    ("8c83ed4", "features: one-hot columns set by index", "clean"),
    ("17a0df5", "corpus: LSH bands found once per process", "cli"),
    ("bff16aa", "corpus: MinHash and LSH index with numpy, block counts as arrays", "cli"),
    ("2f414c4", "fast preset: resiliparse's minimal HTML read as lines by two substitutions", "fast"),
    ("fffd98a", "label: search from the last match; word-triple index on long outputs", "big"),
    ("f36ea67", "features: computed over the whole page, per-word statistics in C-level loops", "text"),
    ("6e4e091", "model: retrained; text trees of 15 leaves instead of 31 (the output changes)", "text"),
    ("9f1844a", "fast preset: <meta> tags read from the serialized <head>; normalize over the whole text", "fast"),
    ("3a20a78", "model: leaves ruled out one node layer at a time, in uint16 for trees of 15 leaves", "text"),
    ("2bc0720", "features: per-word statistics over all of a page's words at once", "text"),
    ("296aecc", "rules: the prefilter walks the set bits of its candidates, not every rule", "text"),
    ("72873fd", "normalize: the newline and space passes run only where they change something", "text"),
    ("ad3d265", "model: leaf values gathered by flat offsets; class names by one argmax", "text"),
    ("b3be094", "language: told from 1,500 characters instead of 3,000", "clean"),
    ("6cac454", "fast preset: the text model without its context model (the output changes)", "fast"),
    ("f24ea60", "metadata: trafilatura's metadata steps without the date guess, tags and licence", "clean"),
    (
        "68c35bd",
        "parse: the page's visible text handed on to segmentation"
        " (both commits run trafilatura without its fallback, reverted since)",
        "clean",
    ),
    ("516db16", "batch: MinHash signatures made in the workers, not in the second pass", "cli-text"),
    ("c9b194e", "features: punctuation and digits of an ASCII block counted by deleting bytes", "text"),
    ("5f93a43", "corpus: block hashes normalized by split() and, for ASCII, bytes.translate", "cli-text"),
    ("70eceab", "parse: lxml's C-level element class lookup instead of lxml.html's Python one", "clean"),
    ("00c034f", "rules as evidence, safety net, article lists; model retrained (the output changes)", "clean"),
)
BIG_MB = 5

CLEAN_CHILD = r"""
import hashlib, json, sys, time
from cleaner import clean
pages = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
options = json.loads(sys.argv[2])
field = options.pop("input", "html")
clean(pages[0][field], url=pages[0]["url"], **options)  # loads models and rules
digest = hashlib.sha256()
started = time.process_time()
for page in pages:
    digest.update(clean(page[field], url=page["url"], **options).text.encode("utf-8", "surrogatepass"))
seconds = time.process_time() - started
print(json.dumps({"cpu_ms_per_doc": 1000 * seconds / len(pages), "digest": digest.hexdigest()[:16]}))
"""


def _worktree(commit: str, folder: Path) -> Path:
    path = folder / commit
    if not path.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit], check=True, capture_output=True
        )
    return path


def _parent(commit: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", f"{commit}^"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _env(tree: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")


def _clean_run(tree: Path, page_file: Path, options: dict | None = None) -> dict:
    command = [sys.executable, "-c", CLEAN_CHILD, str(page_file), json.dumps(options or {})]
    out = subprocess.run(command, env=_env(tree), cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _big_page(chosen: list[dict], megabytes: float) -> str:
    """One article page of about ``megabytes`` MB: the pages' gold paragraphs, over and over, each numbered."""
    paragraphs = [line for page in chosen for line in page["gold"].split("\n") if len(line.split()) >= 8]
    if not paragraphs:
        raise ValueError("no gold paragraph of 8 words or more in the chosen pages")
    parts, size = [], 0
    while size < megabytes * 1e6:
        for paragraph in paragraphs:
            parts.append(f"<p>{len(parts) + 1}. {html.escape(paragraph)}</p>")
            size += len(parts[-1])
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def _cli_run(tree: Path, source: Path, out_dir: Path, extra: tuple[str, ...] = ("--jobs", "1")) -> dict:
    from benchmarks.batch import measure

    output = out_dir / f"{tree.name}.jsonl"
    command = [sys.executable, "-c", "from cleaner.cli import main; main()", "clean", str(source), *extra]
    command += ["--quiet", "-o", str(output)]
    # in the worktree: ``python -c`` puts the current folder first on the path
    run = measure(command, cwd=tree, env=_env(tree))
    records = [json.loads(line) for line in open(output, encoding="utf-8")]
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps([record.get("text"), record.get("duplicate_of")]).encode("utf-8"))
    return {"seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb_main"], "digest": digest.hexdigest()[:16]}


def _best(runs: list[dict], key: str) -> dict:
    best = min(runs, key=lambda run: run[key])
    return {**best, "spread": [round(run[key], 2) for run in runs]}


def main(argv: list[str] | None = None) -> None:
    parser = arguments(__doc__.split("\n\n")[0], "speed_changes.json")
    parser.set_defaults(limit=35)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--changes", nargs="+", help="only these commits of CHANGES")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # so that the worktrees are removed on a kill too
    started = time.monotonic()
    chosen = pages(args)
    changes = [c for c in CHANGES if not args.changes or c[0] in args.changes]
    results = []
    with tempfile.TemporaryDirectory(prefix="cleaner-changes-") as tmp:
        folder = Path(tmp)
        page_file, html_folder = folder / "pages.jsonl", folder / "pages"
        html_folder.mkdir()
        with open(page_file, "w", encoding="utf-8") as stream:
            for i, page in enumerate(chosen):
                text = visible_text(page["html"])
                stream.write(json.dumps({"html": page["html"], "text": text, "url": page.get("url")}) + "\n")
                (html_folder / f"{i:04d}.html").write_text(page["html"], encoding="utf-8", errors="surrogatepass")
        big_file = folder / "big.jsonl"
        big_file.write_text(json.dumps({"html": _big_page(chosen, BIG_MB), "url": None}) + "\n", encoding="utf-8")
        try:
            for commit, what, kind in changes:
                trees = {"before": _worktree(_parent(commit), folder), "after": _worktree(commit, folder)}
                runs: dict[str, list[dict]] = {"before": [], "after": []}
                for _ in range(args.rounds):
                    for side, tree in trees.items():
                        if kind == "cli":
                            runs[side].append(_cli_run(tree, html_folder, folder))
                        elif kind == "cli-text":
                            text_mode = ("--field", "text", "--mode", "text", "--jobs", "2")
                            runs[side].append(_cli_run(tree, page_file, folder, text_mode))
                        else:
                            source = big_file if kind == "big" else page_file
                            options = {
                                "fast": {"preset": "fast"},
                                "text": {"mode": "text", "input": "text"},
                                "big": {"timeout": None},
                            }.get(kind)
                            runs[side].append(_clean_run(tree, source, options))
                key = "seconds" if kind.startswith("cli") else "cpu_ms_per_doc"
                entry = {"commit": commit, "change": what, "kind": kind}
                entry.update({side: _best(side_runs, key) for side, side_runs in runs.items()})
                entry["same_output"] = entry["before"]["digest"] == entry["after"]["digest"]
                results.append(entry)
                print(json.dumps(entry), file=sys.stderr)
        finally:
            for tree in folder.iterdir():
                if tree.is_dir() and (tree / ".git").exists():
                    subprocess.run(
                        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True
                    )
    if args.changes and args.out.exists():  # re-measured changes replace theirs; the others stay as measured
        earlier = json.loads(args.out.read_text(encoding="utf-8"))["results"]
        kept = [e for e in earlier if e["commit"] not in args.changes]
        order = [c[0] for c in CHANGES]
        results = sorted(kept + results, key=lambda e: order.index(e["commit"]) if e["commit"] in order else len(order))
    report = {
        "date": datetime.date.today().isoformat(),
        "seconds": round(time.monotonic() - started, 1),
        "split": args.split,
        "documents": len(chosen),
        "environment": environment(),
        "rounds": args.rounds,
        "results": results,
    }
    write_report(args.out, report)


def markdown(report: dict) -> str:
    rows = [
        "| commit | change | measured | before | after | same output |",
        "|---|---|---|---:|---:|---|",
    ]
    for entry in report["results"]:
        before, after = entry["before"], entry["after"]
        if not entry["kind"].startswith("cli"):
            measured = {
                "clean": "CPU ms/doc in clean() (every round)",
                "fast": 'CPU ms/doc in clean(preset="fast") (every round)',
                "text": 'CPU ms/doc in clean(visible text, mode="text") (every round)',
                "big": f"CPU ms to clean one {BIG_MB} MB page (every round)",
            }[entry["kind"]]
            numbers = (
                f"{before['cpu_ms_per_doc']:.1f} ({_rounds(before)}) | {after['cpu_ms_per_doc']:.1f} ({_rounds(after)})"
            )
        else:
            measured = {
                "cli": "`cleaner clean --jobs 1`: s (every round), peak RSS MB",
                "cli-text": "`cleaner clean --mode text --jobs 2` (visible text, JSONL): s (every round), peak RSS MB",
            }[entry["kind"]]
            numbers = (
                f"{before['seconds']:.1f} s ({_rounds(before)}), {before['peak_rss_mb']:.0f} MB | "
                f"{after['seconds']:.1f} s ({_rounds(after)}), {after['peak_rss_mb']:.0f} MB"
            )
        same = "yes" if entry["same_output"] else "no"
        rows.append(f"| {entry['commit']} | {entry['change']} | {measured} | {numbers} | {same} |")
    return "\n".join(rows)


def _interrupted(signum: int, frame) -> None:
    raise KeyboardInterrupt


def _rounds(side: dict) -> str:
    return ", ".join(f"{value:.1f}" for value in side["spread"])


if __name__ == "__main__":
    main()
