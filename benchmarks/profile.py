"""Where cleaner's time goes, stage by stage, over the dev pages, in one process.

    python -m benchmarks.profile [--data ../shared/data] [--split dev] [--limit N]
                                 [--pyinstrument FILE] [--cpu] [--out benchmarks/results/profile.json]
                                 [--before EARLIER.json --before-label COMMIT]

The stages are cleaner's own functions, wrapped from the outside while the benchmark runs (the
package carries no timing code). Times are exclusive: a stage called inside another (rules inside
segmentation, the visible-text count inside parsing) is counted once, in the inner stage.
``write`` is the JSONL serialization of the record; ``other`` is what no stage covers (``clean``'s
own glue, provenance hashing). ``--pyinstrument FILE`` profiles the
same run with pyinstrument instead and writes its text report (stage times are then not written).
``--cpu`` times with this process's CPU clock, so that other work on a shared machine does not count.
``--before`` puts an earlier version's profile (written by this benchmark, run from a checkout of that
version just before) beside this one, stage by stage.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from benchmarks.common import arguments, environment, pages, write_report

# (stage, module, attribute): the attribute is replaced by a timed wrapper while the benchmark runs
STAGES: tuple[tuple[str, str, str], ...] = (
    ("decode", "cleaner.api", "decode"),
    ("detect", "cleaner.api", "detect_kind"),
    ("parse", "cleaner.stages", "parse_page"),
    ("parse: html5ever", "cleaner.segment.parse", "_html5ever"),
    ("parse: lxml", "cleaner.segment.parse", "_lxml_tree"),
    ("parse: visible text", "cleaner.segment.parse", "visible_text"),
    ("segment", "cleaner.stages", "segment_html"),
    ("rules: elements", "cleaner.rules", "RuleSet.match_element"),
    ("prune", "cleaner.stages", "prune"),
    ("metadata: trafilatura", "cleaner.stages", "html_metadata"),
    ("metadata: title", "cleaner.stages", "_title"),
    ("trafilatura", "cleaner.stages", "main_content_text"),
    ("label", "cleaner.stages", "label_main_content"),
    ("decide", "cleaner.stages", "decide"),
    ("rules: text", "cleaner.rules", "RuleSet.match_text"),
    ("model", "cleaner.model", "refine"),
    ("features", "cleaner.model", "features"),
    ("model: trees", "cleaner.model.trees", "Forest.probabilities"),
    ("metadata: language", "cleaner.api", "detect_language"),
    ("assemble", "cleaner.api", "_document"),
    ("assemble", "cleaner.output.assemble", "body_text"),
)


class Timer:
    """Exclusive time per stage: a stage's clock stops while a stage nested inside it runs."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list] = []  # [stage, started, time spent in nested stages]

    def wrap(self, stage: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def timed(*args, **kwargs):
            with self.stage(stage):
                return function(*args, **kwargs)

        return timed

    @contextlib.contextmanager
    def stage(self, stage: str) -> Iterator[None]:
        frame = [stage, self.clock(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            spent = self.clock() - frame[1]
            self.seconds[stage] += spent - frame[2]
            self.calls[stage] += 1
            if self._stack:
                self._stack[-1][2] += spent


@contextlib.contextmanager
def instrumented(timer: Timer) -> Iterator[None]:
    """Replace every stage function by its timed wrapper, and put the originals back afterwards."""
    saved = []
    for stage, module_name, attribute in STAGES:
        owner = importlib.import_module(module_name)
        holder_name, _, name = attribute.rpartition(".")
        holder = getattr(owner, holder_name) if holder_name else owner
        original = holder.__dict__[name] if holder_name else getattr(holder, name)
        saved.append((holder, name, original))
        setattr(holder, name, timer.wrap(stage, original))
    try:
        yield
    finally:
        for holder, name, original in reversed(saved):
            setattr(holder, name, original)


def _clean_and_write(timer: Timer, data: bytes, url: str | None) -> None:
    from cleaner import clean

    with timer.stage("other"):
        doc = clean(data, url=url, mode="html", timeout=None)
        with timer.stage("write"):
            json.dumps(doc.to_dict(), ensure_ascii=False)


def _warm_up() -> None:
    """Load the rules, the models and trafilatura's and py3langid's data before the clock starts.

    The page has a URL: the first URL makes trafilatura's metadata read the public suffix list (once per process).
    """
    from cleaner import clean

    page = b"<html><body><p>" + b"A warm-up sentence for the models and the rules. " * 5 + b"</p></body></html>"
    clean(page, url="https://www.example.org/news/warm-up.html")


def profile(chosen: list[dict], clock: Callable[[], float] = time.perf_counter) -> dict:
    """Stage times over the pages: total ms, ms per document and share of the whole."""
    _warm_up()
    timer = Timer(clock)
    started = clock()
    with instrumented(timer):
        for record in chosen:
            _clean_and_write(timer, record["html"].encode("utf-8"), record.get("url"))
    wall = clock() - started
    total = sum(timer.seconds.values())
    order = [stage for stage, _, _ in STAGES if stage in timer.seconds] + ["write", "other"]
    stages = {
        stage: {
            "ms_per_doc": 1000 * timer.seconds[stage] / len(chosen),
            "share": timer.seconds[stage] / total,
            "calls": timer.calls[stage],
        }
        for stage in dict.fromkeys(order)
    }
    return {"documents": len(chosen), "ms_per_doc": 1000 * wall / len(chosen), "stages": stages}


def pyinstrument_report(chosen: list[dict], out: Path) -> None:
    from pyinstrument import Profiler

    from cleaner import clean

    _warm_up()
    profiler = Profiler(interval=0.0005)
    with profiler:
        for record in chosen:
            doc = clean(record["html"].encode("utf-8"), url=record.get("url"), mode="html", timeout=None)
            json.dumps(doc.to_dict(), ensure_ascii=False)
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")


def markdown(report: dict) -> str:
    clock = "CPU" if report.get("clock") == "cpu" else "wall"
    per_doc = report["results"]["ms_per_doc"]
    before = report.get("before")
    if not before:
        lines = [
            f"{report['documents']} documents, {per_doc:.1f} {clock} ms/doc in all (one process).\n",
            "| stage | ms/doc | share |",
            "|---|---:|---:|",
        ]
        for stage, row in report["results"]["stages"].items():
            lines.append(f"| {stage} | {row['ms_per_doc']:.2f} | {100 * row['share']:.1f}% |")
        return "\n".join(lines)
    lines = [
        f"{report['documents']} documents, {per_doc:.1f} {clock} ms/doc in all (one process); before "
        f"({before['label']}, measured in the same run of the machine): {before['ms_per_doc']:.1f}.\n",
        "| stage | before ms/doc | ms/doc | share |",
        "|---|---:|---:|---:|",
    ]
    stages = report["results"]["stages"]
    for stage in dict.fromkeys([*before["stages"], *stages]):
        old = before["stages"].get(stage)
        new = stages.get(stage)
        old_text = f"{old['ms_per_doc']:.2f}" if old else "-"
        new_text = f"{new['ms_per_doc']:.2f} | {100 * new['share']:.1f}%" if new else "- | -"
        lines.append(f"| {stage} | {old_text} | {new_text} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Where cleaner's time goes, stage by stage.", "profile.json")
    parser.add_argument("--pyinstrument", type=Path, help="write pyinstrument's report here instead")
    parser.add_argument(
        "--before",
        type=Path,
        help="a profile of an earlier version (its --out), shown beside this one: each stage before and after",
    )
    parser.add_argument("--before-label", default="before", help="what the earlier version was (a commit)")
    parser.add_argument(
        "--cpu", action="store_true", help="count this process's CPU time, not wall time (a shared, busy machine)"
    )
    args = parser.parse_args(argv)
    chosen = pages(args)
    if args.pyinstrument:
        pyinstrument_report(chosen, args.pyinstrument)
        print(f"wrote {args.pyinstrument}")
        return
    started = time.time()
    results = profile(chosen, time.process_time if args.cpu else time.perf_counter)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "split": args.split,
        "documents": len(chosen),
        "clock": "cpu" if args.cpu else "wall",
        "seconds": round(time.time() - started, 1),
        "environment": environment(),
        "results": results,
    }
    if args.before:
        earlier = json.loads(args.before.read_text(encoding="utf-8"))["results"]
        report["before"] = {"label": args.before_label, **{k: earlier[k] for k in ("ms_per_doc", "stages")}}
    write_report(args.out, report)
    print(markdown(report))


if __name__ == "__main__":
    main()
