"""Hostile and broken input, generated here (no committed binaries): each gives a correct result or a clear
error record, within the time limit and with bounded memory, through the library and through the batch CLI.

The heavy cases run in a subprocess under an address-space limit (RLIMIT_AS), which reports its peak RSS.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from warc_writer import WarcWriter, response_record

from cleaner import clean, clean_file
from cleaner.input.warc import iter_warc

PROSE = (
    "Readers of this article learn how the committee voted on the budget today, and why the vote matters "
    "to the schools, the roads and the parks of the city for the next ten years."
)
ARTICLE = "<html><body><article>" + f"<p>{PROSE}</p>" * 8 + "</article></body></html>"
MB = 1024 * 1024
LIMIT_S = 30.0  # the default per-document time limit


def _random_bytes(size: int) -> bytes:
    return random.Random(0).randbytes(size)


def _mixed_encodings() -> bytes:
    """A UTF-8 page with windows-1252 and KOI8-R paragraphs pasted in: no single charset fits."""
    utf8 = f"<p>Café déjà vu, a naïve reader wrote. {PROSE}</p>".encode()
    legacy = f"<p>Crème brûlée for the committee. {PROSE}</p>".encode("cp1252")
    russian = "<p>Москва.</p>".encode("koi8-r")
    return b"<html><body><article>" + utf8 * 5 + legacy + russian + b"</article></body></html>"


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><html><body><p>&lol9;</p>{ARTICLE}'.encode()


def _nested(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + f"<p>{PROSE}</p>" * 3 + "</div>" * depth + "</body></html>").encode()


def _many_attributes(count: int) -> bytes:
    attributes = " ".join(f"a{i}=1" for i in range(count))  # 8 MB for a million
    return f"<html><body><div {attributes}>{ARTICLE}</div></body></html>".encode()


def _big_page(size: int) -> bytes:
    """About ``size`` bytes of HTML: paragraphs of varied prose."""
    rng = random.Random(1)
    words = PROSE.replace(",", "").replace(".", "").lower().split()
    paragraph_count = size // 800
    paragraphs = (" ".join(rng.choice(words) for _ in range(160)).capitalize() for _ in range(paragraph_count))
    return ("<html><body><article>" + "".join(f"<p>{p}.</p>" for p in paragraphs) + "</article></body></html>").encode()


# name -> (input, ("ok", a phrase the text must hold) or ("error", the start of the error message))
LIGHT: dict[str, tuple[Callable[[], bytes], tuple[str, str]]] = {
    "empty": (lambda: b"", ("error", "empty input")),
    "whitespace": (lambda: b" \n\t\r\n  " * 100, ("error", "empty input")),
    "binary": (lambda: _random_bytes(100_000), ("error", "not text: binary data")),
    "binary_high_bytes": (lambda: bytes(b | 0x80 for b in _random_bytes(50_000)), ("error", "undecodable")),
    "truncated_gzip": (lambda: gzip.compress(ARTICLE.encode())[:100], ("error", "not text: gzip data")),
    "invalid_utf8": (lambda: ARTICLE.encode().replace(b"budget", b"bud\xff\xfeget"), ("ok", "the committee voted")),
    "utf16_le_without_bom": (lambda: ARTICLE.encode("utf-16-le"), ("ok", "the committee voted on the budget")),
    "utf16_be_without_bom": (lambda: ARTICLE.encode("utf-16-be"), ("ok", "the committee voted on the budget")),
    "mixed_encodings": (_mixed_encodings, ("ok", "Crème brûlée for the committee")),
    "nul_bytes_everywhere": (lambda: ARTICLE.encode().replace(b" ", b"\x00"), ("error", "not text: binary data")),
    "a_nul_byte": (lambda: ARTICLE.encode().replace(b"committee", b"comm\x00ittee", 1), ("ok", "the committee voted")),
    "json": (
        lambda: json.dumps({"html": ARTICLE, "ids": list(range(500))}).encode(),
        ("error", "not a web page: JSON"),
    ),
    "json_array": (lambda: json.dumps([PROSE] * 20).encode(), ("error", "not a web page: JSON")),
    "pdf": (
        lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nstream\n" + _random_bytes(5000),
        ("error", "not text: PDF"),
    ),
    "pdf_after_blank_line": (lambda: b"\r\n%PDF-1.4\n" + b"(" + PROSE.encode() + b")" * 50, ("error", "not text: PDF")),
    "billion_laughs": (_billion_laughs, ("ok", "the committee voted")),
    "nested_3000": (lambda: _nested(3000), ("ok", "the committee voted")),
    # found while hardening: each took from 20 s to days inside one C regex call (no alarm stops those)
    "comments_before_text": (lambda: ("<!--a-->" * 60 + PROSE).encode(), ("ok", "the committee voted")),
    "unclosed_scripts": (lambda: (ARTICLE[:-14] + "<script>x" * 50_000).encode(), ("ok", "the committee voted")),
    "unclosed_templates": (lambda: (ARTICLE[:-14] + "<template x>" * 50_000).encode(), ("ok", "the committee")),
    "unclosed_comments": (lambda: (ARTICLE[:-14] + "<!--x" * 50_000).encode(), ("ok", "the committee voted")),
    "unclosed_tags": (lambda: (ARTICLE[:-14] + "<a" * 200_000).encode(), ("ok", "the committee voted")),
    # html.parser (the fallback parser) was quadratic in start tags that no ">" ends: 90 s
    "unterminated_meta": (lambda: (ARTICLE[:-14] + "<meta charset=" * 20_000).encode(), ("ok", "the committee")),
    "unterminated_attribute": (lambda: (ARTICLE[:-14] + "<p a='" * 20_000).encode(), ("ok", "the committee")),
}


@pytest.mark.parametrize("name", list(LIGHT))
def test_light_bad_input_through_the_library(name):
    make, (outcome, expected) = LIGHT[name]
    start = time.monotonic()
    doc = clean(make())
    assert time.monotonic() - start < LIMIT_S
    if outcome == "ok":
        assert doc.error is None, doc.error
        assert expected in doc.text
        assert "\x00" not in doc.text
    else:
        assert doc.text == ""
        assert doc.error is not None and doc.error.startswith(expected), doc.error
    assert doc.provenance is not None  # an error record is still a full record
    json.dumps(doc.to_dict())


@pytest.mark.parametrize(
    "page",
    ["<!--a-->" * 40 + "x", "<script>x" * 20_000, "<!--x" * 20_000, "<template x>" * 20_000, "<noscript>" * 20_000],
)
def test_no_regex_backtracks_on_runs_of_markup(page):
    """Regression: the doctype regex was exponential in leading comments; the nesting bound's scan of the
    markup must stay linear in unclosed raw-text elements and comments."""
    from cleaner.input.detect import detect_kind
    from cleaner.segment.parse import html_page

    start = time.monotonic()
    detect_kind(page)
    html_page(page)
    assert time.monotonic() - start < 1


def test_a_broken_xml_declaration_on_a_string_page_is_dropped():
    """A real page opens with an XML declaration whose encoding runs into its keywords meta tag,
    and holds a NUL character: lxml refuses the declaration and the fallback parser the NUL."""
    keywords = ", ".join(["ceasefire", "columnist", "democracy"] * 30)
    doc = clean(f'<?xml version="1.0" encoding="{keywords}" />\n<p>\x00</p>{ARTICLE}')
    assert doc.error is None
    assert PROSE in doc.text


def test_billion_laughs_is_not_expanded():
    doc = clean(_billion_laughs())
    assert "lollol" not in doc.text and "lollol" not in json.dumps(doc.to_dict())


def test_the_windows_1252_part_of_a_mixed_page_is_read_as_such():
    doc = clean(_mixed_encodings())
    assert "Café déjà vu, a naïve reader wrote." in doc.text
    assert doc.provenance.encoding == "utf-8+cp1252"


# ---------------------------------------------------------------------------------------------
# external entities and links: no local file is opened, nothing is fetched


@pytest.fixture()
def watched_fifo(tmp_path) -> Iterator[tuple[Path, list[bool]]]:
    """A named pipe with a canary behind it: opening it for reading blocks until a writer comes, and the
    watcher thread comes (and records it) as soon as anyone opens it, C code included."""
    fifo = tmp_path / "canary"
    os.mkfifo(fifo)
    opened: list[bool] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader
                time.sleep(0.002)
                continue
            opened.append(True)
            os.write(fd, b"CANARY-7f3a9c-SECRET")
            os.close(fd)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield fifo, opened
    stop.set()
    thread.join(timeout=2)


@pytest.fixture()
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"CANARY-FROM-THE-NETWORK")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_external_entities_and_links_are_never_followed(tmp_path, watched_fifo, recording_server):
    fifo, opened = watched_fifo
    base, requests = recording_server
    canary_file = tmp_path / "canary.txt"
    canary_file.write_text("CANARY-FROM-A-FILE")
    doctype = (
        f'<!DOCTYPE html [<!ENTITY a SYSTEM "file://{fifo}"><!ENTITY b SYSTEM "file://{canary_file}">'
        f'<!ENTITY c SYSTEM "{base}/entity"><!ENTITY % d SYSTEM "{base}/dtd"> %d;]>'
    )
    links = (
        f'<link rel="stylesheet" href="{base}/css"><script src="{base}/js"></script><img src="{base}/img">'
        f'<iframe src="{base}/frame"></iframe><object data="{base}/object"></object>'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{canary_file}"/>'
    )
    page = f'<?xml version="1.0"?>{doctype}<html><head>{links}</head><body><p>&a;&b;&c;</p>{ARTICLE[12:]}'
    for mode in ("auto", "html", "text"):
        record = json.dumps(clean(page, mode=mode).to_dict())
        assert "CANARY" not in record
    time.sleep(0.05)
    assert not opened, "the canary file was opened"
    assert requests == [], "a URL was fetched"


# ---------------------------------------------------------------------------------------------
# heavy cases: a subprocess under an address-space limit, which reports its time and peak RSS

MEMORY_LIMIT = 3 * 1024 * MB  # RLIMIT_AS: address space, not RSS (numpy, lxml and the models take some)
MEASURE = """
import json, resource, sys, time
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from cleaner import clean, clean_file
kwargs = json.loads(sys.argv[3])
start = time.monotonic()
doc = clean_file(sys.argv[1], **kwargs)
seconds = time.monotonic() - start
try:  # this process's own peak: ru_maxrss would also count the forked parent's pages
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"error": doc.error, "chars": len(doc.text), "head": doc.text[:200], "seconds": seconds,
                  "peak_mb": peak_kb / 1024}))
"""

HEAVY: dict[str, tuple[Callable[[], bytes], dict, tuple[str, str], float]] = {
    # name -> (input, clean_file options, expected outcome, peak RSS bound in MB)
    "nested_100000_divs": (lambda: _nested(100_000), {}, ("ok", "the committee voted"), 800),
    "million_attributes": (lambda: _many_attributes(1_000_000), {}, ("ok", "the committee voted"), 800),
    "single_10mb_line": (lambda: (PROSE + " ") * (10 * MB // (len(PROSE) + 1)), {}, ("ok", "the committee"), 1200),
    "page_50mb_over_the_limit": (lambda: _big_page(50 * MB), {}, ("error", "too large"), 400),
    "page_50mb_allowed_times_out": (
        lambda: _big_page(50 * MB),
        {"max_bytes": None, "timeout": 3.0},
        ("error", "timeout: over 3 s"),
        1500,
    ),
    "page_2mb_allowed": (lambda: _big_page(2 * MB), {}, ("ok", "the"), 600),
}


def _measure(path: Path, kwargs: dict) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-c", MEASURE, str(path), str(MEMORY_LIMIT), json.dumps(kwargs)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(HEAVY))
def test_heavy_bad_input_in_bounded_time_and_memory(name, tmp_path):
    make, kwargs, (outcome, expected), peak_bound = HEAVY[name]
    data = make()
    path = tmp_path / "input"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    del data
    result = _measure(path, kwargs)
    print(f"{name}: {result['seconds']:.1f} s, peak RSS {result['peak_mb']:.0f} MB, error {result['error']!r}")
    if outcome == "ok":
        assert result["error"] is None
        assert expected in result["head"]
    else:
        assert result["error"] is not None and result["error"].startswith(expected)
    limit = kwargs.get("timeout") or LIMIT_S
    assert result["seconds"] < limit + 5  # C code (the parse) cannot be interrupted; it ends soon after
    assert result["peak_mb"] < peak_bound


def test_a_page_over_max_bytes_is_refused_without_work():
    start = time.monotonic()
    doc = clean(b"<p>" + b"x" * (50 * MB) + b"</p>")
    assert doc.error.startswith("too large: 52428807 bytes")
    assert time.monotonic() - start < 2


def test_clean_file_does_not_read_a_file_over_max_bytes(tmp_path):
    path = tmp_path / "big.html"
    with open(path, "wb") as stream:
        stream.truncate(50 * MB)  # sparse: nothing to read
    assert clean_file(path).error.startswith("too large")


# ---------------------------------------------------------------------------------------------
# WARC records whose Content-Length is wrong


def _page(number: int) -> bytes:
    return f"<html><body><article><p>Page {number}. {PROSE}</p><p>{PROSE}</p></article></body></html>".encode()


def _warc_with_wrong_length(path: Path, delta: int) -> None:
    """Three HTML responses; the second one's WARC Content-Length is off by ``delta``."""
    record = response_record("http://a.example/2", _page(2))
    length = re.search(rb"\r\nContent-Length: (\d+)\r\n\r\nHTTP", record)
    record = record[: length.start(1)] + str(int(length.group(1)) + delta).encode() + record[length.end(1) :]
    with open(path, "wb") as stream:
        writer = WarcWriter(stream)
        writer.write_response("http://a.example/1", _page(1))
        writer.write_raw(record)
        writer.write_response("http://a.example/3", _page(3))


@pytest.mark.parametrize("delta", [-40, 40, 100_000])
def test_a_warc_record_with_a_wrong_length(tmp_path, delta):
    """The first page always survives; the others are read or reported, and a bad spot that loses text is
    an error. A length that runs on into the next record loses nothing: every page is read whole."""
    path = tmp_path / "bad.warc"
    _warc_with_wrong_length(path, delta)
    records = list(iter_warc(path))
    assert records[0].target_uri == "http://a.example/1" and records[0].error is None
    assert all(b"WARC/1." not in record.content for record in records)
    if delta > 0:
        assert [(r.target_uri, r.error) for r in records] == [(f"http://a.example/{n}", None) for n in (1, 2, 3)]
        assert all(record.content == _page(n) for n, record in enumerate(records, 1))
    else:
        assert any(record.error for record in records)
    for record in records:
        doc = clean(record.content) if record.error is None else None
        assert doc is None or doc.error is None or doc.error.startswith(("no article", "not text"))
    if delta < 10_000:  # the reader finds the third record again
        assert records[-1].target_uri == "http://a.example/3" and records[-1].error is None


# ---------------------------------------------------------------------------------------------
# the batch CLI: one record per input, the batch goes on


def test_every_bad_input_gets_its_record_in_a_batch(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    expected: dict[str, tuple[str, str]] = {}
    cases = {**{name: (make, outcome) for name, (make, outcome) in LIGHT.items()}}
    cases["nested_100000_divs"] = (lambda: _nested(100_000), ("ok", "the committee voted"))
    cases["million_attributes"] = (lambda: _many_attributes(1_000_000), ("ok", "the committee voted"))
    cases["single_10mb_line"] = (HEAVY["single_10mb_line"][0], ("ok", "the committee"))
    cases["page_50mb"] = (lambda: b"<p>" + b"x" * (50 * MB) + b"</p>", ("error", "too large"))
    for number, (name, (make, outcome)) in enumerate(cases.items()):
        data = make()
        path = inputs / f"{number:02d}_{name}.html"
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        expected[str(path)] = outcome
    warc = tmp_path / "bad.warc"
    _warc_with_wrong_length(warc, -40)  # a record that ends short of its length: garbage before the next one
    gz = inputs / "zz_truncated.html.gz"
    gz.write_bytes(gzip.compress(ARTICLE.encode())[:-30])
    expected[str(gz)] = ("error", "cannot read file")
    out = tmp_path / "out.jsonl"
    start = time.monotonic()
    done = run_cli("clean", str(inputs), str(warc), "-o", str(out), "-j", "2", "-q", "--no-dedup", "--no-site-template")
    elapsed = time.monotonic() - start
    assert done.returncode == 1, done.stderr.decode()[-2000:]  # some documents failed, none stopped the batch
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_source = {record["provenance"]["source"]: record for record in records}
    assert len(records) == len(expected) + len(list(iter_warc(warc)))
    for source, (outcome, phrase) in expected.items():
        record = by_source[source]
        if outcome == "ok":
            assert record["error"] is None and phrase in record["text"], (source, record["error"])
        else:
            assert record["error"].startswith(phrase), (source, record["error"])
    warc_records = [r for r in records if r["provenance"]["source"].startswith(str(warc))]
    assert [r["provenance"]["origin"]["target_uri"] for r in warc_records if r["error"] is None] == [
        "http://a.example/1",
        "http://a.example/2",
        "http://a.example/3",
    ]
    assert any(r["error"] for r in warc_records)
    assert elapsed < 90


LONE = [
    "The council approved the budget on Tuesday after a long debate about the cost of repairs \ud83d to the bridge.",
    "The second paragraph carries on with the story of the bridge and its closure since the floods of last spring.",
    "A third paragraph says when the bridge will reopen and what the works will cost the city in the next two years.",
]


@pytest.mark.parametrize("preset", ["default", "fast"])
def test_a_lone_surrogate_does_not_cut_the_page(preset):
    """Half of a JSON-escaped emoji in a page: U+FFFD in its place, and every paragraph after it stays."""
    page = "<html><body><article><h1>Bridge</h1>" + "".join(f"<p>{p}</p>" for p in LONE) + "</article></body></html>"
    for doc in (clean(page, preset=preset), clean("\n\n".join(LONE), mode="text", preset=preset)):
        assert doc.error is None
        assert "repairs \ufffd to the bridge" in doc.text and LONE[2] in doc.text
        doc.text.encode("utf-8")  # every output can hold it
    pair = clean("<p>" + LONE[1].replace("spring", "spring \ud83d\ude00") + "</p>", mode="html")
    assert "spring \U0001f600." in pair.text  # a surrogate pair is the character it stands for


def test_a_lone_surrogate_in_a_jsonl_page_is_cleaned_whole(tmp_path):
    page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in LONE) + "</article></body></html>"
    lines = tmp_path / "pages.jsonl"
    lines.write_text(json.dumps({"id": "a", "html": page}) + "\n", encoding="utf-8")  # "\ud83d" escaped
    result = run_cli("clean", str(lines), "--format", "jsonl", "--no-dedup", "--no-site-template")
    assert result.returncode == 0, result.stderr.decode()
    (record,) = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert record["error"] is None and LONE[2] in record["text"] and "\ufffd" in record["text"]


@pytest.mark.parametrize("void", ["embed", "source", "track", "wbr", "keygen"])
def test_an_html5_void_element_does_not_swallow_the_article(void):
    """libxml2 opens ``<embed src=...>`` (no end tag in HTML5) as a container of the rest of the page."""
    paragraphs = "".join(f"<p>{p}</p>" for p in LONE[1:] * 3)
    inside = f"<html><body><article><h1>Bridge</h1><p>{LONE[1]}</p><{void} src=a>{paragraphs}</article></body></html>"
    before = f"<html><body><{void} src=a><article><h1>Bridge</h1>{paragraphs}</article></body></html>"
    for page in (inside, before):
        doc = clean(page)
        assert doc.error is None
        assert doc.text.count(LONE[2]) >= 1 and doc.text.count(LONE[1]) >= 1


def test_void_elements_give_their_content_back_in_order():
    from lxml import etree

    from cleaner.segment.parse import parse_page

    tree = parse_page(
        "<html><body><div><p>a</p><embed src=x>b<p>c</p><wbr>d<p>e <source src=y>f</p></div>g</body></html>"
    ).tree
    assert etree.tostring(tree.body).decode() == (
        '<body><div><p>a</p><embed src="x"/>b<p>c</p><wbr/>d<p>e <source src="y"/>f</p></div>g</body>'
    )


PARAGRAPH = "<p>A paragraph of the page that is long enough to keep as prose, and it ends here.</p>"


def test_odd_inputs_each_give_one_record_and_the_batch_goes_on(tmp_path):
    """A file name that is not UTF-8, a JSONL file that opens with a byte order mark and has lone
    surrogates in its id and URL, and a JSONL line nested 100,000 deep."""
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.html").write_text(PARAGRAPH, encoding="utf-8")
    odd = os.fsdecode(b"caf\xe9.html")
    (folder / odd).write_text(PARAGRAPH, encoding="utf-8")
    bom = tmp_path / "bom.jsonl"
    line = '{"id": "x\\ud83d", "url": "https://a.example/\\ud83d", "html": ' + json.dumps(PARAGRAPH) + "}"
    bom.write_bytes(b"\xef\xbb\xbf" + line.encode("utf-8") + b"\n")
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "\n" + json.dumps({"html": PARAGRAPH}) + "\n", encoding="utf-8")
    result = run_cli("clean", str(folder), str(bom), str(deep), "--format", "jsonl", "--no-dedup", "--no-site-template")
    assert result.returncode == 1, result.stderr.decode()  # one document failed: the deep line
    records = [json.loads(text) for text in result.stdout.decode("utf-8").splitlines()]
    sources = [r["provenance"]["source"] for r in records]
    assert sources == [f"{folder}/a.html", f"{folder}/caf\\xe9.html", f"{bom}:1", f"{deep}:1", f"{deep}:2"]
    assert [r["error"] is None for r in records] == [True, True, True, False, True]
    assert records[2]["provenance"]["origin"]["id"] == "x\ufffd" and records[2]["url"] == "https://a.example/\ufffd"
    assert records[3]["error"] == "bad JSON line: nested too deeply" and records[3]["error_kind"] == "unreadable"


def test_a_subdirectory_that_cannot_be_read_gets_a_record(tmp_path, monkeypatch):
    from cleaner.input.read import iter_items

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text(PARAGRAPH, encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "c.html").write_text(PARAGRAPH, encoding="utf-8")
    scandir = os.scandir

    def refuse(path="."):  # what a directory without read permission does (root may read anything)
        if os.fspath(path).endswith("/a"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    items = list(iter_items([str(tmp_path)]))
    assert [(item.name, item.error) for item in items] == [
        (str(tmp_path / "a"), "cannot read directory: Permission denied"),
        (str(tmp_path / "c.html"), None),
    ]


def test_an_output_that_cannot_be_written_is_one_line_and_its_own_exit_code(tmp_path):
    from conftest import SEED_FILES, cleaner_command

    seed = str(SEED_FILES[0])
    missing = run_cli("clean", seed, "-o", str(tmp_path / "no" / "such" / "out.jsonl"))
    assert missing.returncode == 3
    assert missing.stderr.decode().strip() == (
        f"cleaner: error: cannot write {tmp_path / 'no' / 'such' / 'out.jsonl'}: No such file or directory"
    )
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            result = subprocess.run([cleaner_command(), "clean", seed], stdout=full, stderr=subprocess.PIPE)
        assert result.returncode == 3 and b"No space left on device" in result.stderr
        assert b"Traceback" not in result.stderr


def test_a_reader_that_stops_reading_ends_the_run_quietly(tmp_path):
    from conftest import SEED_FILES, cleaner_command

    for n in range(40):  # more output than a pipe holds
        (tmp_path / f"{n:02}.txt").write_bytes(SEED_FILES[2].read_bytes())
    process = subprocess.Popen(
        [cleaner_command(), "clean", str(tmp_path), "--format", "jsonl", "--jobs", "1", "--no-dedup"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.read(100)
    process.stdout.close()
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 141, errors.decode()
    assert b"Traceback" not in errors and b"Exception ignored" not in errors


def _many_inputs(folder: Path, count: int = 2000) -> Path:
    from conftest import SEED_FILES

    folder.mkdir()
    data = SEED_FILES[2].read_bytes()
    for n in range(count):
        (folder / f"{n:05}.txt").write_bytes(data)
    return folder


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run did not start in time"
        time.sleep(0.05)


def test_sigterm_stops_the_run_with_a_message_and_leaves_no_temporary_files(tmp_path):
    import signal

    from conftest import cleaner_command

    inputs, temp = _many_inputs(tmp_path / "in"), tmp_path / "tmp"
    temp.mkdir()
    run = subprocess.Popen(
        [cleaner_command(), "clean", str(inputs), "--format", "jsonl", "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    _wait_for(lambda: any(p.stat().st_size for p in temp.glob("cleaner-*/spool.jsonl")))
    run.send_signal(signal.SIGTERM)
    _, errors = run.communicate(timeout=60)
    assert run.returncode == 143
    assert errors.decode().strip() == "cleaner: terminated"
    assert list(temp.iterdir()) == []


def test_ctrl_c_stops_the_workers_without_tracebacks_and_the_run_resumes(tmp_path):
    import signal

    from conftest import cleaner_command

    inputs, output = _many_inputs(tmp_path / "in", 1500), tmp_path / "out.jsonl"
    command = [cleaner_command(), "clean", str(inputs), "--jobs", "2", "--no-dedup", "--no-site-template"]
    command += ["-o", str(output)]

    # a suite started in the background (`make test &`) ignores SIGINT, and its children inherit that
    def interruptible() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    run = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=interruptible)
    spool = output.with_name("out.jsonl.partial")
    _wait_for(lambda: spool.exists() and spool.stat().st_size > 0)
    os.killpg(run.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the parent and its workers
    _, errors = run.communicate(timeout=60)
    assert run.returncode == 130
    assert errors.decode().strip() == "cleaner: interrupted; run again with --resume to continue"
    resumed = subprocess.run([*command, "--resume"], capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    sources = [json.loads(line)["provenance"]["source"] for line in output.read_text(encoding="utf-8").splitlines()]
    assert sources == [str(path) for path in sorted(inputs.iterdir())]


def test_a_second_run_on_the_same_output_stops_before_writing(tmp_path):
    """Two runs writing one -o would interleave their records; the second stops at once with its own code."""
    from conftest import SEED_FILES, cleaner_command

    out = tmp_path / "out.jsonl"
    first = subprocess.Popen(
        [cleaner_command(), "clean", "-", "-o", str(out), "-q", "--format", "jsonl"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "out.jsonl.partial").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = run_cli("clean", str(SEED_FILES[2]), str(SEED_FILES[3]), "-o", str(out))
        assert second.returncode == 4
        assert second.stderr.decode().strip() == (
            "cleaner: error: out.jsonl is being written by another run; wait for it, or write elsewhere"
        )
        _, err = first.communicate(SEED_FILES[0].read_bytes(), timeout=120)
    finally:
        first.kill()
    assert first.returncode == 0, err.decode()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["provenance"]["source"] for r in records] == ["stdin"]
    assert not (tmp_path / "out.jsonl.partial").exists()
    again = run_cli("clean", str(SEED_FILES[2]), "-o", str(out))  # the lock went with the first run
    assert again.returncode == 0


# ---------------------------------------------------------------------------------------------
# every read bounded by --max-bytes while it streams


def test_an_endless_stdin_is_refused_within_max_bytes():
    from conftest import cleaner_command

    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run(
            [cleaner_command(), "clean", "-", "--max-bytes", "1000000", "--format", "jsonl"],
            stdin=zeros,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    (record,) = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert record["error"] == "too large: over the limit of 1000000 bytes" and record["error_kind"] == "too_large"


def _gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped without ever holding them."""
    import zlib

    packer, chunk, out = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20), []
    for _ in range(size // len(chunk)):
        out.append(packer.compress(chunk))
    return b"".join(out) + packer.flush()


def test_a_gzip_encoded_warc_record_is_not_inflated_past_max_bytes(tmp_path):
    import tracemalloc

    path = tmp_path / "bomb.warc"
    with open(path, "wb") as stream:
        writer = WarcWriter(stream)
        writer.write_response("http://a.example/bomb", _gzip_bomb(300 << 20), headers=["Content-Encoding: gzip"])
        writer.write_response("http://a.example/2", _page(2))
    tracemalloc.start()
    records = list(iter_warc(path, max_bytes=1_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(r.target_uri, r.error_kind if r.error else None) for r in records] == [
        ("http://a.example/bomb", "too_large"),
        ("http://a.example/2", None),
    ]
    assert records[0].error == "too large: over the limit of 1000000 bytes"
    assert peak < 20_000_000
    assert len(next(iter_warc(path, max_bytes=None)).content) == 300 << 20  # no limit, no refusal


def test_a_jsonl_line_too_long_for_max_bytes_is_not_read_whole(tmp_path):
    import tracemalloc

    from cleaner.input.read import iter_items

    path = tmp_path / "pages.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "huge", "html": "<p>" + "x" * (40 << 20) + "</p>"}) + "\n")
        stream.write(json.dumps({"id": "fine", "html": _page(2).decode()}) + "\n")
    tracemalloc.start()
    items = list(iter_items([str(path)], max_bytes=1_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(item.error_kind if item.error else None) for item in items] == ["too_large", None]
    assert items[0].error.startswith("too large: a JSON line over") and items[1].content == _page(2).decode()
    assert peak < 30_000_000


def test_memory_per_block_stays_small_on_a_text_of_many_short_lines():
    """A text of 100,000 short lines: blocks, decisions and the model's rows together stay under 2.6 kB a
    line at their peak (slotted records, one-hot columns without a tuple per entry, the context model's
    input made a chunk at a time). The feature matrix itself is 1.2 kB a line."""
    import tracemalloc

    clean("A line to load the models.\n\nAnother line of text.", mode="text")
    text = "\n".join(f"line {i} of the list" for i in range(100_000))
    tracemalloc.start()
    try:
        doc = clean(text, mode="text", timeout=None, max_bytes=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc.error is None and len(doc.decisions) == 100_000
    assert peak < 100_000 * 2_600


def test_a_run_removes_what_a_killed_final_pass_left_beside_its_output(tmp_path):
    """SIGKILL during the final pass cannot be caught: the next run on that output, holding its lock,
    removes the dead run's hidden temporary file (and only files of that output's name)."""
    from conftest import SEED_FILES

    out = tmp_path / "out.jsonl"
    stale = tmp_path / ".out.jsonl.k3j2_x.tmp"
    stale.write_text('{"text": "half a recor', encoding="utf-8")
    other = tmp_path / ".other.jsonl.abc.tmp"
    other.write_text("", encoding="utf-8")
    done = run_cli("clean", str(SEED_FILES[2]), str(SEED_FILES[3]), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr.decode()
    assert not stale.exists() and other.exists()
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_the_core_parse_stops_at_the_documents_deadline(monkeypatch):
    """Compiled code holds no Python instruction at which the alarm could stop it: the parse checks the
    deadline it is handed, and a page past it is a timeout record, as the alarm would make it."""
    from cleaner import _core, limits

    with pytest.raises(TimeoutError):
        _core.HtmlPage("<p>" + "word " * 100_000 + "</p>", 0.0)
    assert _core.HtmlPage("<p>in time</p>", 60.0).visible_words == 2
    monkeypatch.setattr(limits, "seconds_left", lambda: 0.0)
    doc = clean("<html><body><p>" + "A sentence of the article. " * 50 + "</p></body></html>", timeout=30)
    assert doc.error_kind == "timeout"


@pytest.mark.parametrize(
    "page",
    [
        "<script>x " * 100_000,
        "<body>" + "<noscript>x " * 100_000,
        "<div/>x " * 100_000,
        "<rb>x " * 100_000,
        "<div><script></script>x " * 40_000,
    ],
)
def test_the_core_parse_stays_linear_on_runs_of_unclosed_or_nesting_tags(page):
    """Regression: unclosed raw-text elements made the markup's word count search to the end once per tag,
    and nesting that the depth bound under-counted (a script's end tag, ``<div/>``, ``<rb>`` outside
    ``<ruby>``) made html5ever's tree builder quadratic; the core ignores the alarm while it runs."""
    from cleaner.segment.parse import html_page

    start = time.monotonic()
    html_page(page)
    assert time.monotonic() - start < 1
