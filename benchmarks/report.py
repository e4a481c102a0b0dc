"""Write BENCHMARKS.md from the result files in benchmarks/results/ (numbers are never typed by hand).

python -m benchmarks.report
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import (
    ablation,
    anchors,
    batch,
    dates,
    gate,
    metadata,
    model_load,
    page_type,
    profile,
    quality,
    rule_precision,
    speed,
    speed_changes,
    text_mode,
    verdict_curve,
)

RESULTS = Path("benchmarks/results")
SECTIONS = (
    (
        "quality.json",
        "Extraction quality (HTML pages)",
        "python -m benchmarks.quality --ablation",
        quality.markdown,
        "Bag-of-tokens precision, recall and F1 of each system's text against the gold, per document, then "
        "averaged; tokens are lower-cased `\\w+` runs counted with multiplicity. `cleaner: rules only` is "
        "cleaner's rules and DOM markers without trafilatura's verdict or the model; `cleaner: rules + "
        "trafilatura` adds trafilatura's verdict (no model); `cleaner: model only` lets the model decide every "
        "block, with no rules (trafilatura's verdict stays one of its features). ms/doc is the mean wall time "
        "per document of each system, measured side by side in the same worker processes.",
    ),
    (
        "rule_precision.json",
        "Rule precision (train split)",
        "python -m benchmarks.rule_precision --write",
        lambda report: rule_precision.markdown(report["results"]),
        "The share of the words each rule removes that are not in the gold (words removed in brackets), with the "
        "rules alone deciding (no model): the page, and its two text inputs as training reads them. wcxb's column "
        "is what `cleaner/rules/precision.json` ships and `cleaner rules list` shows: a text rule under 0.95 is "
        "only evidence for the model, and markup rules are evidence on every block of prose. The other datasets "
        "are evaluation only.",
    ),
    (
        "text_mode.json",
        "Text mode (already-extracted dirty text)",
        "python -m benchmarks.text_mode",
        text_mode.markdown,
        "Dirty text built from each dev page: its full visible text (every block of the page, one per line), "
        "trafilatura's favor_recall output (comments included), and a plain text extraction (lxml's "
        "`text_content()`: scripts and style sheets included, blocks run together where the markup has no line "
        "breaks). The C4-style filter keeps lines that end "
        "in terminal punctuation, have at least 3 words and mention neither cookies nor javascript.",
    ),
    (
        "metadata.json",
        "Metadata (wcxb dev)",
        "python -m benchmarks.metadata",
        metadata.markdown,
        "Exact match after normalisation (see benchmarks/metadata.py); a missing gold author or date counts as "
        "correct when the system gives none.",
    ),
    (
        "dates.json",
        "Publication dates (wcxb dev)",
        "python -m benchmarks.dates",
        dates.markdown,
        "A date is correct when its YYYY-MM-DD equals the gold's (its YYYY-MM where the gold gives a month). "
        "Recall counts the pages whose gold has a date; precision counts every date given, on pages without a "
        "gold date too. ms/page is the whole call's time; the date step's is cleaner's publication-date step, "
        "and in brackets the declared date that each preset's metadata step reads (the whole date step "
        "before; it stands where no source gives a date, except on product pages). The sources were chosen "
        'on the train split (`--split train`; docs/decisions.md, "Publication date").',
    ),
    (
        "ablation.json",
        "Rule classes (ablation)",
        "python -m benchmarks.ablation",
        ablation.markdown,
        "All rules, then all rules minus each class, with everything else as shipped (trafilatura's verdict "
        "and the learned model included). A positive ΔF1 means the pipeline does better without that class. "
        "The model is not retrained for each run, so a class's removals that the model would also make "
        "(it learned from pages the rules had decided) show little.",
    ),
    (
        "ablation-run1.json",
        "Rule classes, first run (before the learned model)",
        "python -m benchmarks.ablation --out benchmarks/results/ablation-run1.json",
        ablation.markdown,
        "The first ablation, measured on the rules of commit 8974f7d (ruleset 1.1, no learned model). It showed "
        "the `sidebar` class costing F1 (a lone `widget` or `rail` class also wraps article text); after an "
        "audit on the train split, those tokens were dropped from the class and buttons from the `form` rule.",
    ),
    (
        "page_type.json",
        "Page types (wcxb, beside rs-trafilatura's classifier)",
        "python -m benchmarks.page_type",
        lambda report: page_type.markdown(report["results"]),
        "cleaner's `page_type` (`cleaner/model/page_type.txt`) against wcxb's own page types, beside the page "
        "type rs-trafilatura's classifier gives, and how well the clean text matches the gold at each level of "
        "cleaner's `confidence`.",
    ),
    (
        "verdict_curve.json",
        "Without trafilatura: the densest region's verdict, and trafilatura only where it is unsure",
        "python -m benchmarks.verdict_curve",
        verdict_curve.markdown,
        "The default's model (`html.txt`) reads trafilatura's main-content verdict; the region model "
        "(`html_region.txt`, trained by `cleaner train` on wcxb train like the other) reads the densest region "
        "of prose (`cleaner/segment/density.py`) in its place. Rows at a bar take the trafilatura run where the "
        "region is unsure; their time adds both runs there (an upper bound); the `auto` row is measured as it "
        "runs. CPU time of `clean()` in two worker processes on a shared 2-core machine. The default stays on "
        "trafilatura's verdict: no row keeps every dataset within 0.002 F1 of it (dragnet); `auto` and "
        "`region` are options (`--main-content`).",
    ),
    (
        "speed.json",
        "Speed (single process, beside the anchors)",
        "python -m benchmarks.speed --limit 35",
        speed.markdown,
        "Each system in a fresh process of its own on the same pages (35 from each dataset's dev split), "
        "measured side by side in one run on an otherwise idle machine.",
    ),
    (
        "profile.json",
        "Where cleaner's time goes (stage by stage)",
        "python -m benchmarks.profile --limit 35",
        profile.markdown,
        "Exclusive wall time of each stage, measured by wrapping cleaner's stage functions from outside.",
    ),
    (
        "speed_changes.json",
        "Each speed change's effect (before and after, side by side)",
        "python -m benchmarks.speed_changes --limit 35 --rounds 3",
        speed_changes.markdown,
        "The commit before each change and the change itself, each checked out in a git worktree and run in a "
        "fresh process on the same pages, rounds alternating; the fastest round of each counts. `clean()` "
        "changes: CPU time of the `clean()` calls alone (default preset, fast preset, the pages' visible text "
        "in text mode, or one 5 MB page of numbered gold paragraphs for a change aimed at large pages). Corpus "
        "changes: the whole `cleaner clean FOLDER --jobs 1` command (start-up, both passes); on 170 pages the "
        "corpus state is small, and the memory effect of the numpy corpus shows on the 1 GB WARC below (main "
        "process 385 MB at commit 3441117, 267 MB on 2026-11-24). Same output: the texts (and `duplicate_of`) hash the "
        "same. The rows from fffd98a on were measured by themselves, with `--changes` (fffd98a after the first "
        "run had cleaned the 5 MB page under the 30 s time limit, which the older version hit; the others as "
        "they were made), so the before and after times of different rows come from different runs and "
        "differ with the machine's load; the seconds in the header are the last run's.",
    ),
    (
        "batch-1gb.json",
        "Batch cleaning of a 1 GB WARC (memory)",
        "python -m benchmarks.batch --size 1000 --jobs 2 --modes html --no-trafilatura",
        batch.markdown,
        "Peak memory while streaming a WARC of 1,000 MB of HTML through `cleaner clean --jobs 2`: the main "
        "process reads, orders and writes, then makes the corpus pass (site-template counts, 8 bytes per block "
        "of each document, and near-duplicate signatures, about 2 KB per document); each worker cleans one "
        "document at a time and signs its text. The same command with the code of 30c62cd (before html5ever "
        "parsed for segmentation), run just after this one on the same idle machine: 213.4 s, main process "
        "360 MB, largest worker 270 MB; the main process's growth past 300 MB (251 MB on 2026-11-24) came "
        "before that commit and is not yet traced. "
        "A worker's RSS counts the pages it shares with the main process (forked after the "
        "models are loaded), so the tree's sum counts them more than once.",
    ),
    (
        "batch.json",
        "Batch throughput (generated WARC, beside trafilatura)",
        "python -m benchmarks.batch --size 20",
        batch.markdown,
        "Documents and MB per second through the CLI, and trafilatura's `extract` over the same WARC records "
        "in one and two processes. `exit` 1 of cleaner means some documents gave error records (for example "
        "pages with no article text); every input still has its output record.",
    ),
    (
        "model_load.json",
        "Model loading",
        "python -m benchmarks.model_load",
        model_load.markdown,
        "Each measurement is a fresh Python process.",
    ),
)


def _header(report: dict, command: str) -> str:
    if "split" not in report:  # the batch benchmark: its own command line and sizes are in its table
        env = report.get("environment", {})
        versions = ", ".join(f"{name} {ver}" for name, ver in env.get("packages", {}).items())
        return f"Run on {report.get('date', 'an unrecorded date')}, {env.get('machine', '2 cores')}. {versions}"
    env = report["environment"]
    packages = ", ".join(f"{name} {ver}" for name, ver in env["packages"].items())
    command = report.get("command") or command  # the command line the run recorded, where it records one
    return (
        f"Command: `{command}`. Run on {report['date']}, {env['machine']}, Python {env['python']}; "
        f"{report['documents']} {report['split']} documents in {report['seconds']} s. Versions: {packages}."
    )


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8"))["results"] if path.exists() else None


def _raw(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def gate_section() -> str:
    """The generalization gate and its targets: the table that decides every change."""
    report = _raw("gate.json")
    if report is None:
        return ""
    results = report["results"]["datasets"]
    rows = [
        "\n## The generalization gate (decides every change)\n",
        _header(report, "python -m benchmarks.gate") + "\n",
        "Each dataset scored only by models that never saw it (the shipped model learned from wcxb's train split "
        "alone, so no dev page was seen), beside each anchor at its strongest setting: trafilatura with "
        "`include_comments=False`, with and without `favor_precision`, and rs-trafilatura without comments. "
        "Mean bag-of-tokens F1 per page. A *collapse* is a page where cleaner's F1 is under 0.5 while the best "
        "anchor's (the best on that dataset) is 0.8 or more; the reverse is counted beside it. *errors*: pages "
        "that cleaner turned into an error record while trafilatura extracted 100 words or more.\n",
        gate.markdown(report["results"]) + "\n",
        "| target | measured | status |",
        "|---|---|---|",
    ]
    overall = results["overall"]
    best = max(overall["systems"][s]["f1"] for s in anchors.STRONGEST)
    ours = overall["systems"][gate.CLEANER]["f1"]
    rows.append(
        f"| overall F1 ≥ best anchor + 0.01 | {ours:.3f} vs {best:.3f} ({ours - best:+.3f})"
        f" | {_mark(ours >= best + 0.01)} |"
    )
    for dataset, row in results.items():
        if dataset == "overall":
            continue
        ours = row["systems"][gate.CLEANER]["f1"]
        best = max(row["systems"][s]["f1"] for s in anchors.STRONGEST)
        ours_c, theirs_c = len(row["collapses"][gate.CLEANER]), len(row["collapses"]["best anchor"])
        rows.append(
            f"| {dataset}: F1 ≥ best anchor ({row['best_anchor']}) | {ours:.3f} vs {best:.3f} | {_mark(ours >= best)} |"
        )
        rows.append(f"| {dataset}: collapses ≤ best anchor's | {ours_c} vs {theirs_c} | {_mark(ours_c <= theirs_c)} |")
    errors = overall["errors_where_trafilatura_extracts"]
    rows.append(f"| no error where trafilatura extracts 100+ words | {len(errors)} | {_mark(not errors)} |")
    return "\n".join(rows) + "\n"


def targets() -> str:
    """The learned-extractor targets besides the gate, each checked against the result files below."""
    rows = ["\n## Targets of the learned extractor (dev split)\n", "| target | measured | status |", "|---|---|---|"]
    text = _load("text_mode.json")
    if text:
        visible, recall = text["visible text"]["overall"], text["trafilatura favor_recall"]["overall"]
        f1, c4 = visible["cleaner"]["f1"], visible["C4-style line filter"]["f1"]
        rows.append(f"| text mode, visible text: F1 ≥ 0.85 | {f1:.3f} | {_mark(f1 >= 0.85)} |")
        rows.append(
            f"| text mode, visible text: F1 ≥ C4 filter + 0.10 | {f1:.3f} vs {c4:.3f} | {_mark(f1 >= c4 + 0.1)} |"
        )
        ours, given = recall["cleaner"], recall["unchanged input"]
        rows.append(
            f"| text mode, favor_recall input: precision up | {ours['precision']:.3f} vs {given['precision']:.3f} |"
            f" {_mark(ours['precision'] > given['precision'])} |"
        )
        rows.append(
            f"| text mode, favor_recall input: F1 ≥ the input's | {ours['f1']:.3f} vs {given['f1']:.3f} |"
            f" {_mark(ours['f1'] >= given['f1'])} |"
        )
        rows.append(
            f"| text mode, favor_recall input: recall within 0.01 | {ours['recall']:.3f} vs {given['recall']:.3f} |"
            f" {_mark(ours['recall'] >= given['recall'] - 0.01)} |"
        )
        favored = recall.get("cleaner (favor recall)")
        if favored:
            up, within = favored["precision"] > given["precision"], favored["recall"] >= given["recall"] - 0.01
            rows.append(
                "| text mode with `--favor recall`, favor_recall input: precision up, recall within 0.01"
                f" | P {favored['precision']:.3f} vs {given['precision']:.3f},"
                f" R {favored['recall']:.3f} vs {given['recall']:.3f} | {_mark(up and within)} |"
            )
        other = visible.get("cleaner (favor precision)")
        if other:
            rows.append(
                "| (beside: text mode with `--favor precision` on the visible text)"
                f" | P {other['precision']:.3f}, R {other['recall']:.3f}, F1 {other['f1']:.3f} | reported |"
            )
    meta = _load("metadata.json")
    if meta:
        for field in ("title", "author", "date"):
            ours, theirs = meta["cleaner"][field], meta["trafilatura"][field]
            rows.append(f"| metadata {field} ≥ trafilatura | {ours:.3f} vs {theirs:.3f} | {_mark(ours >= theirs)} |")
    found = _load("dates.json")
    if found:
        theirs = found["trafilatura/-"]["recall"]
        for key in ("cleaner/default", "cleaner/fast"):
            row = found[key]
            ok = row["recall"] >= theirs and row["precision"] >= 0.9
            rows.append(
                f"| publication date ({row['preset']}): recall ≥ trafilatura's, precision ≥ 0.9 "
                f"| R {row['recall']:.3f} vs {theirs:.3f}, P {row['precision']:.3f} | {_mark(ok)} |"
            )
    load = _load("model_load.json")
    if load:
        total = load["import_ms"] + load["load_ms"]
        rows.append(f"| model loads in < 200 ms (numpy import + both models) | {total:.0f} ms | {_mark(total < 200)} |")
        if "startup_ms" in load:
            startup = load["startup_ms"]
            rows.append(
                f"| start-up (import, model and rules loaded, first page cleaned) < 300 ms | {startup:.0f} ms "
                f"| {_mark(startup < 300)} |"
            )
    return "\n".join(rows) + "\n"


def speed_targets() -> str:
    """The speed targets, each checked against the result files below."""
    rows = ["\n## Targets of the speed work\n", "| target | measured | status |", "|---|---|---|"]
    speed_results = _load("speed.json")
    if speed_results:
        systems = speed_results["systems"]
        # trafilatura as the gate runs it, with its metadata, where the run has it
        strongest = "trafilatura (no comments, metadata)"
        anchor = strongest if strongest in systems else "trafilatura"
        base = systems[anchor]["docs_per_s"]
        for name, factor in (("cleaner", 3), ("cleaner (fast)", 10)):
            if name in systems:
                ratio = systems[name]["docs_per_s"] / base
                rows.append(f"| {name}: ≥ {factor}x {anchor}'s docs/s | {ratio:.2f}x | {_mark(ratio >= factor)} |")
        if "cleaner" in systems and "rs-trafilatura" in systems:
            ours, theirs = systems["cleaner"]["docs_per_s"], systems["rs-trafilatura"]["docs_per_s"]
            rows.append(
                f"| cleaner: faster than rs-trafilatura | {ours:.1f} vs {theirs:.1f} docs/s | {_mark(ours > theirs)} |"
            )
    gate_results = _load("gate.json")
    if gate_results:
        # on every dataset of the gate, against trafilatura as the gate runs it
        for name, dataset in gate_results["datasets"].items():
            systems = dataset["systems"]
            if name == "overall" or "cleaner (fast)" not in systems:
                continue
            ours, theirs = systems["cleaner (fast)"]["f1"], systems["trafilatura (no comments)"]["f1"]
            rows.append(
                f"| cleaner (fast): F1 ≥ trafilatura (no comments) on {name} | {ours:.3f} vs {theirs:.3f} "
                f"| {_mark(ours >= theirs)} |"
            )
    batch_results = _raw("batch.json")
    if batch_results:
        for run in batch_results["runs"]:
            if run["tool"] == "cleaner" and run["mode"] == "text" and run["jobs"] == 1:
                rate = run["mb_per_s"]
                rows.append(f"| text mode: ≥ 20 MB/s per core | {rate:.2f} MB/s | {_mark(rate >= 20)} |")
    large = _raw("batch-1gb.json")
    if large:
        for run in large["runs"]:
            main_mb, worker_mb = run["peak_rss_mb_main"], run.get("peak_rss_mb_worker")
            if worker_mb is None:
                rows.append(
                    f"| peak RSS ≤ 300 MB per worker, 1 GB WARC | main process {main_mb:.0f} MB, "
                    f"workers not measured one by one | {_mark(main_mb <= 300)} (main process) |"
                )
                continue
            ok = max(main_mb, worker_mb) <= 300
            rows.append(
                f"| peak RSS ≤ 300 MB per process, 1 GB WARC | main process {main_mb:.0f} MB, largest of "
                f"{run['jobs']} workers {worker_mb:.0f} MB | {_mark(ok)} |"
            )
    return "\n".join(rows) + "\n"


def main() -> None:
    parts = [
        "# Benchmarks\n",
        "Every number below is read from a result file in `benchmarks/results/`, written by the command "
        "named in its section; `python -m benchmarks.report` rewrites this page from them. The data is "
        "`../shared/data` (see its README): six public boilerplate-removal datasets, scored on their dev split, "
        "without synthetic pages and without pages whose gold cannot come from the input.\n",
    ]
    parts.append(gate_section())
    parts.append(targets())
    parts.append(speed_targets())
    for name, title, command, render, note in SECTIONS:
        path = RESULTS / name
        if not path.exists():
            continue
        report = json.loads(path.read_text(encoding="utf-8"))
        parts += [f"\n## {title}\n", _header(report, command) + "\n", note + "\n", render(report) + "\n"]
        if "notes" in report:
            parts.append("\n" + report["notes"] + "\n")
    Path("BENCHMARKS.md").write_text("\n".join(parts), encoding="utf-8")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
