"""The ``cleaner`` command."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from cleaner import corpus
from cleaner.api import clean, clean_file
from cleaner.options import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, FAVORS, MAIN_CONTENT, MODES, PRESETS, Options
from cleaner.output.write import FORMATS
from cleaner.rules import (
    RuleError,
    builtin_ruleset,
    check_cost,
    load_ruleset,
    parse_ruleset,
)
from cleaner.rules.examples import check_examples
from cleaner.version import __version__

# options that several commands share
MODE_OPTION = click.option(
    "--mode",
    type=click.Choice(MODES),
    default="auto",
    show_default=True,
    help="Read input as HTML, as text, or decide from the content.",
)
RULES_OPTION = click.option(
    "--rules",
    "rule_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra TOML ruleset (repeatable).",
)
FAVOR_OPTION = click.option(
    "--favor",
    type=click.Choice(FAVORS),
    default="balanced",
    show_default=True,
    help="precision removes more, recall keeps more (the headline stays in the text).",
)
PRESET_OPTION = click.option(
    "--preset",
    type=click.Choice(PRESETS),
    default="default",
    show_default=True,
    help="fast: resiliparse's main content, the rules and the text model; no trafilatura (several times faster).",
)
MAIN_CONTENT_OPTION = click.option(
    "--main-content",
    type=click.Choice(MAIN_CONTENT),
    default="trafilatura",
    show_default=True,
    help="The default preset's main-content verdict on HTML: auto asks trafilatura only where the densest "
    "region of prose is unsure (about 0.7x the CPU time, lower F1 on news); region never asks it.",
)


EXIT_OUTPUT = 3  # the output could not be written
EXIT_BUSY = 4  # another run is writing the same output
EXIT_PIPE = 141  # 128 + SIGPIPE: the reader of stdout went away, as the shell reports it for other tools


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def main() -> None:
    """Clean messy web pages and scraped article text."""
    # the application, not the library, configures logging: trafilatura and htmldate report every
    # page they find little in, which is what cleaner's own records already say
    for name in ("trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@main.command("clean")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@MODE_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format [default: text for one input, jsonl for several].",
)
@click.option(
    "--markdown",
    "with_markdown",
    is_flag=True,
    help="With --format jsonl: add each record's structured Markdown (a markdown field).",
)
@click.option("--links", is_flag=True, help="With --format markdown or --markdown: keep links, as [text](href).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Write here (atomically: the file appears when complete) instead of stdout.",
)
@click.option("--url", default=None, help="The URL of a single input (metadata, provenance).")
@RULES_OPTION
@click.option("--summary", is_flag=True, help="Print one line per document to stderr: kept/removed blocks and title.")
@FAVOR_OPTION
@PRESET_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores].")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds per document before it becomes an error record (0: no limit).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Larger documents become error records (0: no limit).",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted JSONL run into the same --output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no final summary.")
@click.option("--stats", is_flag=True, help="Print the final summary even when stderr is not a terminal.")
@click.option("--field", "content_field", default=None, help="JSONL: the content field [default: html, text].")
@click.option("--id-field", default="id", show_default=True, help="JSONL: the id field, kept in provenance.")
@click.option("--url-field", default="url", show_default=True, help="JSONL: the URL field.")
@click.option("--no-site-template", is_flag=True, help="Do not remove blocks repeated across a site's documents.")
@click.option(
    "--site-template-min-docs",
    type=click.IntRange(min=2),
    default=corpus.SITE_TEMPLATE_MIN_DOCS,
    show_default=True,
    help="A site template block appears in at least this many documents of the site...",
)
@click.option(
    "--site-template-share",
    type=click.FloatRange(min=0, max=1),
    default=corpus.SITE_TEMPLATE_SHARE,
    show_default=True,
    help="...and in at least this share of them.",
)
@click.option("--no-dedup", is_flag=True, help="Do not flag near-duplicate documents (duplicate_of).")
@click.option(
    "--fetch",
    is_flag=True,
    help="Download http(s) URL inputs (within --max-bytes, --timeout and 5 redirects); without it they are errors.",
)
@click.option(
    "--only-articles",
    is_flag=True,
    help="Empty the text of pages that are not articles (page_type); their blocks are removed as not_article.",
)
@MAIN_CONTENT_OPTION
def clean_command(
    inputs, mode, fmt, output, url, rule_files, summary, favor, preset, only_articles, main_content, **batch
) -> None:
    """Clean each INPUT: a file (.gz too), a directory (walked recursively), a glob, a JSON Lines file
    (.jsonl, .jsonl.gz), a WARC file (.warc, .warc.gz), - for stdin, or an http(s) URL with --fetch.

    Exit status: 0 when every document was cleaned, 1 when some failed (their records
    still appear, with an error field), 2 for usage errors, 3 when the output cannot be written
    (a missing or read-only folder, a full disk); 141 when the reader of stdout went away (``| head``).
    """
    from cleaner.batch.pool import CorpusOptions, OutputBusy
    from cleaner.batch.run import run_clean

    single = _single_input(inputs)
    if url and not single:
        raise click.UsageError("--url applies to a single input")
    if batch["resume"] and (output == "-" or (fmt or "jsonl") != "jsonl"):
        raise click.UsageError("--resume needs --output FILE and the jsonl format")
    options = _options(
        mode=mode,
        favor=favor,
        preset=preset,
        rules=rule_files,
        url=url,
        only_articles=only_articles,
        main_content=main_content,
    )
    options = options.replace(timeout=batch.pop("timeout") or None, max_bytes=batch.pop("max_bytes") or None)
    with_markdown = batch.pop("with_markdown")
    if with_markdown and (fmt or ("text" if single else "jsonl")) != "jsonl":
        raise click.UsageError("--markdown applies to --format jsonl (--format markdown writes Markdown alone)")
    if batch["links"] and fmt != "markdown" and not with_markdown:
        raise click.UsageError("--links applies to --format markdown or --markdown")
    options = options.replace(markdown=fmt == "markdown" or with_markdown, markdown_links=batch.pop("links"))
    corpus_options = CorpusOptions(
        site_template=not batch.pop("no_site_template"),
        thresholds=corpus.Thresholds(batch.pop("site_template_min_docs"), batch.pop("site_template_share")),
        dedup=not batch.pop("no_dedup"),
    )
    try:
        code = run_clean(
            inputs,
            options,
            fmt=fmt or ("text" if single else "jsonl"),
            output=output,
            summary=summary,
            several=not single,
            corpus_options=corpus_options,
            **batch,
        )
    except BrokenPipeError:
        # the reader stopped reading (``| head``): nothing is wrong, and nothing more is written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_PIPE)
    except OutputBusy as busy:
        click.echo(f"cleaner: error: {busy}; wait for it, or write elsewhere", err=True)
        sys.exit(EXIT_BUSY)
    except OSError as err:  # documents are read inside the batch: what reaches here is the output
        where = "stdout" if output == "-" else output
        click.echo(f"cleaner: error: cannot write {where}: {err.strerror or err}", err=True)
        sys.exit(EXIT_OUTPUT)
    sys.exit(code)


def _options(**values) -> Options:
    """The options of one run; a value the options refuse, or a rule file that does not load, is a usage
    error (exit 2)."""
    try:
        options = Options(**{**values, "rules": tuple(values.get("rules") or ())})
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    try:
        options.ruleset()
    except RuleError as err:
        raise click.UsageError(str(err)) from None
    return options


def _single_input(inputs: tuple[str, ...]) -> bool:
    """One plain file or stdin: the output defaults to text, and --url may be given."""
    if len(inputs) != 1:
        return False
    spec = inputs[0]
    return spec == "-" or (not Path(spec).is_dir() and not any(c in spec for c in "*?[") and not _container(spec))


def _container(spec: str) -> bool:
    from cleaner.input.read import JSONL_SUFFIXES, WARC_SUFFIXES

    return spec.lower().endswith(WARC_SUFFIXES + JSONL_SUFFIXES)


@main.command("explain")
@click.argument("input_path", metavar="INPUT")
@MODE_OPTION
@click.option("--url", default=None, help="The URL of the input (metadata, provenance).")
@RULES_OPTION
@click.option(
    "--html",
    "report",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="REPORT.html",
    help="Also write a self-contained HTML report here.",
)
@FAVOR_OPTION
@PRESET_OPTION
@MAIN_CONTENT_OPTION
def explain_command(input_path, mode, url, rule_files, report, favor, preset, main_content) -> None:
    """Show every block of INPUT (one file or - for stdin): kept or removed, the reason and the rule.

    Exit status: 0 when the document was cleaned, 1 when it failed (the blocks it has are still
    shown), 2 for usage errors.
    """
    from rich.console import Console

    from cleaner.output.explain import print_explanation, render_html

    if input_path != "-" and Path(input_path).is_dir():
        raise click.UsageError(f"INPUT must be one file or -, not a directory: {input_path}")
    options = _options(mode=mode, favor=favor, rules=rule_files, url=url, preset=preset, main_content=main_content)
    if input_path == "-":
        name = "stdin"
        doc = clean(sys.stdin.buffer.read(), options, source=name)
    else:
        name = input_path
        doc = clean_file(input_path, options)
    if doc.decisions:  # a failed document can still have blocks, e.g. when all of them were removed
        print_explanation(doc, Console(highlight=False))
        if report:
            try:
                Path(report).write_text(render_html(doc), encoding="utf-8")
            except OSError as err:
                click.echo(f"cleaner: error: cannot write {report}: {err.strerror or err}", err=True)
                sys.exit(1)
            click.echo(f"cleaner: wrote HTML report to {report}", err=True)
    if doc.error:
        click.echo(f"cleaner: error: {name}: {doc.error}", err=True)
        sys.exit(1)


@main.group("rules")
def rules_group() -> None:
    """List and test rulesets (the built-in rules and your own TOML files)."""


@rules_group.command("list")
@click.option(
    "--rules",
    "rule_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Also list the rules of this TOML file (repeatable).",
)
@click.option("--class", "cls", default=None, help="Only rules of this class.")
@click.option("--language", default=None, help="Only rules for this language (ISO 639-1).")
def rules_list(rule_files, cls, language) -> None:
    """Print every rule: id, class, target, measured precision, whether it decides alone, languages, description.

    Precision is the share of the words a built-in rule removes that are not in the gold, measured on
    the train split; under 0.95, or when the rule reads only markup, its hit is evidence for the model.
    A markup rule removes alone only blocks that are not prose ("not prose"); a structure rule parameterizes a
    step of the decision ("step"), such as moving the headline into the title.
    """
    try:
        ruleset = load_ruleset(rule_files)
    except RuleError as err:
        raise click.UsageError(str(err)) from None
    shown = [
        rule
        for rule in ruleset.rules
        if (cls is None or rule.cls == cls) and (language is None or language in rule.languages)
    ]
    width = max((len(rule.id) for rule in shown), default=2)
    click.echo(
        f"{'rule':<{width}}  {'class':<19}  {'target':<10}  precision  decides    {'languages':<23}  description"
    )
    for rule in shown:
        languages = ",".join(rule.languages) or "-"
        site = f" [{', '.join(rule.domains)}]" if rule.domains else ""
        precision = "-" if rule.precision is None else f"{rule.precision:.3f}"
        decides = "alone" if rule.decides_alone else "evidence"
        if rule.target in ("structure", "attributes", "tag", "role"):
            decides = "step" if rule.target == "structure" else "not prose"
        click.echo(
            f"{rule.id:<{width}}  {rule.cls:<19}  {rule.target:<10}  {precision:>9}  {decides:<9}  {languages:<23}  "
            f"{rule.description}{site}"
        )
    click.echo(f"{len(shown)} rules, ruleset {ruleset.version}", err=True)


@rules_group.command("test")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--builtin", is_flag=True, help="Also test the built-in rules.")
def rules_test(files, builtin) -> None:
    """Run the positive and negative examples of each rule in FILES; exit 1 on any failure."""
    if not files and not builtin:
        raise click.UsageError("give one or more TOML files, or --builtin")
    failures: list[str] = []
    tested = 0
    if builtin:
        for rule in builtin_ruleset().rules:
            failures += check_examples(rule)
            tested += 1
    for path in files:
        try:
            rules = parse_ruleset(Path(path).read_text(encoding="utf-8"), path)
            for rule in rules:
                check_cost(rule)
        except (RuleError, UnicodeDecodeError) as err:
            failures.append(str(err))
            continue
        for rule in rules:
            failures += check_examples(rule)
            tested += 1
    for failure in failures:
        click.echo(f"FAIL {failure}")
    click.echo(f"{tested} rules tested, {len(failures)} failures")
    sys.exit(1 if failures else 0)


@main.command("train")
@click.option(
    "--data",
    type=click.Path(exists=True, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="A folder of <dataset>.jsonl.gz files, or one labeled .jsonl(.gz) file.",
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Where to write the models."
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--dataset", "datasets", multiple=True, default=("wcxb",), show_default=True, help="Repeatable.")
@click.option("--split", default="train", show_default=True)
@click.option(
    "--any-licence",
    is_flag=True,
    help="Also train on records whose licence does not allow shipping the model (experiments only).",
)
@click.option("--jobs", type=int, default=2, show_default=True)
@click.option(
    "--augment",
    is_flag=True,
    help="Also learn every block as if its class and id names said nothing (so that no single name decides).",
)
@click.option(
    "--page-type",
    is_flag=True,
    help="Train only the page-type model (wcxb train, read by the installed block models), beside the others in --out.",
)
def train_command(data, out, seed, datasets, split, any_licence, jobs, augment, page_type) -> None:
    """Train the HTML and text block classifiers on labeled pages (the shared data's record format)."""
    from cleaner.model.train import SHIPPABLE_LICENCES, train

    if page_type:
        from cleaner.model import train_page_type as pages

        try:
            pages.train(data, out, seed=seed, jobs=jobs, log=lambda line: click.echo(line, err=True))
        except (ValueError, OSError) as err:
            click.echo(f"cleaner: error: {err}", err=True)
            sys.exit(1)
        click.echo(f"wrote page_type.txt and its entry in model.json to {out}", err=True)
        return
    try:
        train(
            data,
            out,
            seed=seed,
            datasets=datasets,
            split=split,
            licences=() if any_licence else SHIPPABLE_LICENCES,
            jobs=jobs,
            log=lambda line: click.echo(line, err=True),
            augment=augment,
        )
    except (ValueError, OSError) as err:
        click.echo(f"cleaner: error: {err}", err=True)
        sys.exit(1)
    click.echo(f"wrote the models (html, text, their class and context models) and model.json to {out}", err=True)


@main.command("bench", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench_command(ctx: click.Context) -> None:
    """Run the quality benchmark (python -m benchmarks.quality); options are passed on, see --help there."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / "quality.py").exists():
        click.echo("cleaner: error: the benchmarks live in a source checkout of cleaner; run it from there", err=True)
        sys.exit(2)
    sys.path.insert(0, str(root))
    from benchmarks.quality import main as quality

    quality(list(ctx.args))
