"""WARC input: real WARC and WARC.gz files written in tmp_path from the fixture pages."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import HTML_FIXTURES, run_cli
from warc_writer import WarcWriter, response_record, write_warc

from cleaner.input.warc import iter_warc, origin

PAGES = [(f"https://news.example/{path.stem}", path.read_bytes()) for path in HTML_FIXTURES[:5]]


@pytest.mark.parametrize("name", ["pages.warc", "pages.warc.gz"])
def test_every_html_response_is_read_with_its_offset_and_uri(tmp_path, name):
    path = tmp_path / name
    offsets = write_warc(path, PAGES)
    records = list(iter_warc(path))
    assert [r.target_uri for r in records] == [url for url, _ in PAGES]
    assert [r.content for r in records] == [body for _, body in PAGES]
    assert [r.offset for r in records] == offsets
    assert all(r.error is None and r.record_id.startswith("<urn:uuid:") for r in records)
    assert records[0].http_charset == "utf-8"
    assert origin(records[1]) == {
        "warc_file": str(path),
        "warc_record_id": records[1].record_id,
        "target_uri": PAGES[1][0],
        "offset": offsets[1],
    }


def test_offsets_point_at_the_records(tmp_path):
    path = tmp_path / "pages.warc.gz"
    write_warc(path, PAGES)
    for record in iter_warc(path):
        with open(path, "rb") as stream:
            stream.seek(record.offset)
            member = gzip.GzipFile(fileobj=stream).read(4096)  # the gzip member that starts there
        assert member.startswith(b"WARC/1.1") and record.record_id.encode() in member


def test_non_html_responses_are_skipped_and_encodings_undone(tmp_path):
    page = PAGES[0][1]
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page)
    path = tmp_path / "mixed.warc"
    with open(path, "wb") as stream:
        writer = WarcWriter(stream)
        writer.write_response("https://x.example/logo.png", b"\x89PNG....", content_type="image/png")
        writer.write_response("https://x.example/a", chunked, headers=["Transfer-Encoding: chunked"])
        writer.write_response("https://x.example/b", gzip.compress(page), headers=["Content-Encoding: gzip"])
    records = list(iter_warc(path))
    assert [r.target_uri for r in records] == ["https://x.example/a", "https://x.example/b"]
    assert all(r.content == page and r.error is None for r in records)


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
def test_a_truncated_file_yields_what_it_has_and_an_error(tmp_path, name):
    whole = tmp_path / ("whole" + name[3:])
    offsets = write_warc(whole, PAGES)
    cut = tmp_path / name
    data = whole.read_bytes()
    cut.write_bytes(data[: (offsets[3] + offsets[4]) // 2])
    records = list(iter_warc(cut))
    assert [r.error is None for r in records] == [True, True, True, False]
    assert records[3].offset == offsets[3] and "truncated" in records[3].error


def test_a_broken_record_in_the_middle_does_not_stop_the_stream(tmp_path):
    path = tmp_path / "broken.warc"
    offsets = write_warc(path, PAGES)
    data = bytearray(path.read_bytes())
    data[offsets[2] : offsets[2] + 8] = b"GARBAGE!"
    path.write_bytes(bytes(data))
    records = list(iter_warc(path))
    good = [r.target_uri for r in records if r.error is None]
    assert good == [PAGES[i][0] for i in (0, 1, 3, 4)]
    assert sum(r.error is not None for r in records) == 1


def test_cli_cleans_a_warc_with_provenance_and_an_error_record_for_a_cut_record(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, PAGES)
    path.write_bytes(path.read_bytes()[: offsets[4] + 40])  # the last record is cut
    result = run_cli("clean", str(path), "--jobs", "2", "--no-site-template", "--no-dedup")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(records) == len(PAGES)
    assert [r["provenance"]["origin"]["offset"] for r in records] == offsets
    assert all(r["error"] is None and r["text"] for r in records[:4])
    assert "truncated" in records[4]["error"]
    assert records[0]["provenance"]["origin"]["target_uri"] == PAGES[0][0]
    assert records[0]["provenance"]["origin"]["warc_file"] == str(path)


def test_response_record_is_valid_warc(tmp_path):
    record = response_record("https://x.example/", b"<p>hi</p>")
    assert record.startswith(b"WARC/1.1\r\n") and record.endswith(b"\r\n\r\n<p>hi</p>\r\n\r\n")


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
@pytest.mark.parametrize("cut", ["html", "image"])
def test_a_record_cut_mid_body_is_an_error_and_the_next_record_is_read(tmp_path, name, cut):
    """A record whose bytes stop half way (its Content-Length runs on into the next records) must not be
    cleaned with the next record's headers as its text, nor swallow that record."""
    if cut == "html":
        record = response_record("https://news.example/cut", PAGES[1][1])
    else:
        record = response_record("https://news.example/cut.png", b"\x89PNG" + bytes(5000), content_type="image/png")
    path = tmp_path / name
    with open(path, "wb") as stream:
        writer = WarcWriter(stream, gzip=name.endswith(".gz"))
        writer.write_response(*PAGES[0])
        half = gzip.compress(record) if writer.gzip else record
        stream.write(half[: len(half) // 2])
        writer.write_response(*PAGES[2])
        writer.write_response(*PAGES[3])
    records = list(iter_warc(path))
    whole = [r for r in records if r.error is None]
    assert [r.target_uri for r in whole] == [PAGES[0][0], PAGES[2][0], PAGES[3][0]]
    assert all(b"WARC/1." not in r.content and b"WARC-Type" not in r.content for r in records)
    assert len(records) == 4 and records[1].error  # the cut record is reported, in its place
    if cut == "html" and not writer.gzip:
        assert records[1].target_uri == "https://news.example/cut" and "cut short" in records[1].error
