"""Corpus-level boilerplate: blocks repeated across a site's documents, and near-duplicate documents."""

from __future__ import annotations

import hashlib
import json
import re

import numpy
import pytest
from conftest import FIXTURES, SEED_FILES, SEEDS, load_expected, run_cli

from cleaner import corpus

TEMPLATE = "The Valley Ledger is an independent newsroom owned by its readers since 1998."
ARTICLES = [load_expected(p)["text"] for p in sorted((FIXTURES / "html").glob("*.expected.json"))][:7]


def _site_jsonl(tmp_path, site: str = "https://ledger.example") -> str:
    path = tmp_path / "site.jsonl"
    rows = [{"id": i, "url": f"{site}/news/{i}", "text": f"{text}\n\n{TEMPLATE}"} for i, text in enumerate(ARTICLES)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return str(path)


def _records(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_a_block_under_every_article_of_a_site_is_removed_as_site_template(tmp_path):
    records = _records(run_cli("clean", _site_jsonl(tmp_path), "--field", "text", "--mode", "text"))
    assert len(records) == len(ARTICLES)
    for record, article in zip(records, ARTICLES, strict=True):
        assert TEMPLATE not in record["text"]
        assert record["text"].startswith(article.split("\n")[0][:40])
        template = [r for r in record["removed"] if r["reason"] == "site_template"]
        assert [r["text"] for r in template] == [TEMPLATE] and template[0]["rule"] == "corpus.site_template"
        assert record["provenance"]["blocks"]["kept"] == record["text"].count("\n\n") + 1


def test_site_template_thresholds_and_off_switch(tmp_path):
    source = _site_jsonl(tmp_path)
    off = _records(run_cli("clean", source, "--field", "text", "--mode", "text", "--no-site-template"))
    assert all(TEMPLATE in r["text"] for r in off)
    strict = ["--site-template-min-docs", str(len(ARTICLES) + 1)]
    assert all(TEMPLATE in r["text"] for r in _records(run_cli("clean", source, "--field", "text", *strict)))


def test_seeds_000_and_001_are_flagged_near_duplicates():
    result = run_cli("clean", *[str(p) for p in SEED_FILES], "--format", "jsonl")
    records = _records(result)
    assert [r["duplicate_of"] for r in records] == [None, str(SEED_FILES[0]), None, None]
    off = _records(run_cli("clean", *[str(p) for p in SEED_FILES], "--format", "jsonl", "--no-dedup"))
    assert [r["duplicate_of"] for r in off] == [None] * 4
    assert SEED_FILES[0].parent == SEEDS


def test_functions_for_a_distributed_job():
    assert corpus.is_template(5, 10) and not corpus.is_template(4, 4) and not corpus.is_template(5, 11)
    assert corpus.is_template(3, 3, corpus.Thresholds(min_docs=3, share=0.9))
    assert corpus.block_hash("Read  our 2024 policy") == corpus.block_hash("read our 1999 policy")
    assert corpus.site_of("https://www.Ledger.example/a", "dir") == "ledger.example"
    assert corpus.site_of(None, "dir") == "dir"
    a = corpus.signature(ARTICLES[0])
    b = corpus.signature(ARTICLES[0] + " One more closing sentence for the record.")
    c = corpus.signature(ARTICLES[1])
    assert set(corpus.band_keys(a)) & set(corpus.band_keys(b)) and corpus.is_duplicate(a, b)
    assert not corpus.is_duplicate(a, c)


@pytest.mark.parametrize(
    "text",
    [
        "  Read  our 2024\tpolicy \n",
        "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ 12",  # final sigma: lower case depends on what follows
        "Preis:\u00a0١٢٣ € –\u2003Stand 2025\u3000",
        "İstanbul\x1cIZMIR\x85 42",
        "",
    ],
)
def test_block_hash_is_the_hash_of_the_normalized_text(text):
    """The fast paths (split, bytes.translate) hash what the plain definition says: whitespace runs to
    one space, trimmed, lower case, every digit a 0."""
    normalized = re.sub(r"\d", "0", re.sub(r"\s+", " ", text.strip().lower()))
    digest = hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest()
    assert corpus.block_hash(text) == int.from_bytes(digest, "big", signed=True)


def test_a_document_made_only_of_template_blocks_is_left_whole():
    record = {"text": "A\n\nB", "removed": [], "error": None, "provenance": {"blocks": {"total": 2, "kept": 2}}}
    kept = [("A", 0, 1), ("B", 3, 4)]
    site = "s"
    both = {(site, corpus.block_hash("A")), (site, corpus.block_hash("B"))}
    assert corpus.remove_templates(record, kept, site, both) == record
    one = corpus.remove_templates(record, kept, site, {(site, corpus.block_hash("B"))})
    assert one["text"] == "A" and one["removed"][0]["reason"] == "site_template"
    assert one["provenance"]["blocks"]["kept"] == 1


def test_the_lsh_bands_are_found_once_per_process():
    """The bands are found by numerical integration over every split: once per process, never per document."""
    corpus.bands.cache_clear()
    deduper = corpus.Deduper()
    for seed in SEED_FILES:
        deduper.add(seed.name, seed.read_text(encoding="utf-8"))
    assert corpus.bands.cache_info().misses == 1
    assert corpus.bands.cache_info().hits == len(SEED_FILES) - 1


def test_minhash_signatures_are_datasketchs():
    """cleaner.corpus computes MinHash itself (datasketch's import costs SciPy); the values must be datasketch's."""
    datasketch = pytest.importorskip("datasketch")
    texts = [*ARTICLES, *(seed.read_text(encoding="utf-8") for seed in SEED_FILES), "one", "two words"]
    texts.append(" ".join(f"word{i % 9973} item{i % 7919}" for i in range(12_000)))  # more shingles than one step
    assert len(corpus.shingles(texts[-1])) > corpus._SHINGLE_STEP
    for text in texts:
        reference = datasketch.MinHash(num_perm=corpus.NUM_PERM, seed=corpus.SEED, scheme="affine32")
        reference.update_batch(list(corpus.shingles(text)))
        ours = corpus.signature(text)
        assert ours.minhash.dtype == numpy.uint32
        assert numpy.array_equal(ours.minhash, reference.hashvalues), text[:60]


def test_lsh_bands_are_datasketchs_optimum():
    from datasketch.lsh import _optimal_param

    for threshold in (0.1, 0.3, 0.5, 0.8, 0.95):
        for num_perm in (16, 64, 128, 256):
            assert corpus.bands(num_perm, threshold) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_the_band_index_finds_what_a_dict_of_lists_finds():
    """BandIndex keeps most entries in sorted arrays, merged as it grows; lookups must not notice."""
    rng = numpy.random.default_rng(7)
    index, reference = corpus.BandIndex(), {}
    for doc in range(3000):
        keys = rng.integers(-(2**40), 2**40, size=64).tolist()
        if doc % 3:
            keys[:8] = rng.integers(0, 500, size=8).tolist()  # shared keys: many documents per key
        query = keys if doc % 5 else rng.integers(0, 500, size=64).tolist()
        assert index.find(query) == {d for key in query for d in reference.get(key, ())}
        index.add(keys, doc)
        for key in keys:
            reference.setdefault(key, []).append(doc)
    assert len(index.keys) > corpus._MIN_MERGE  # merges happened


def test_site_counts_decide_templates_by_share_and_count():
    counts = corpus.SiteCounts()
    for i in range(10):
        counts.add(corpus.Fingerprint("a.example", (1, 2, 100 + i) if i < 6 else (1, 100 + i)))
    counts.add(corpus.Fingerprint("b.example", (1, 2)))
    # block 1 in all 10 documents of a.example, block 2 in 6 of 10; b.example has a single document
    assert counts.templates() == {("a.example", 1), ("a.example", 2)}
    assert counts.templates(corpus.Thresholds(min_docs=7, share=0.5)) == {("a.example", 1)}
    everywhere = {("a.example", 1), ("b.example", 1), ("b.example", 2)}
    assert counts.templates(corpus.Thresholds(min_docs=1, share=0.9)) == everywhere


def test_a_signature_survives_the_spool():
    sig = corpus.signature(ARTICLES[0])
    back = corpus.decode_signature(json.loads(json.dumps(corpus.encode_signature(sig))))
    assert back.size == sig.size and back.minhash.dtype == numpy.uint32
    assert numpy.array_equal(back.minhash, sig.minhash)
    assert corpus.encode_signature(None) is None and corpus.decode_signature(None) is None


def test_documents_alike_only_in_their_site_template_are_no_duplicates(tmp_path):
    """The workers sign each text before the site template comes out; a text that loses it is signed again."""
    template = [
        f"{TEMPLATE} Paragraph {n} of the masthead repeats on every page of the site, word for word." for n in "ABCDEF"
    ]
    notes = [
        f"Note {i}: the {word} market opened late on Monday after the storm."
        for i, word in enumerate(("fish", "flower", "book", "cattle", "antiques", "farmers"))
    ]
    path = tmp_path / "site.jsonl"
    rows = [
        {"id": i, "url": f"https://ledger.example/n/{i}", "text": "\n\n".join([note, *template])}
        for i, note in enumerate(notes)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    records = _records(run_cli("clean", str(path), "--field", "text", "--mode", "text"))
    assert [r["text"] for r in records] == notes  # the template came out of every one
    assert [r["duplicate_of"] for r in records] == [None] * len(notes)
    # with the template left in, the same texts are near duplicates of the first
    kept = _records(run_cli("clean", str(path), "--field", "text", "--mode", "text", "--no-site-template"))
    first = kept[0]["provenance"]["source"]
    assert [r["duplicate_of"] for r in kept] == [None] + [first] * (len(notes) - 1)


def test_the_workers_sign_each_text_for_the_dedup_pass():
    from cleaner import Options
    from cleaner.batch.pool import CORPUS_KEY, BatchOptions, clean_item
    from cleaner.input.read import Item

    item = Item(name="a", content=ARTICLES[0])
    for signatures in (True, False):
        result = clean_item(item, BatchOptions(Options(mode="text"), signatures=signatures))
        record = json.loads(result.line)
        if not signatures:
            assert CORPUS_KEY not in record
            continue
        sig = corpus.decode_signature(record[CORPUS_KEY]["signature"])
        assert numpy.array_equal(sig.minhash, corpus.signature(record["text"]).minhash)


def test_versions_of_one_updated_story_keep_their_shared_paragraphs(tmp_path):
    """Six versions of one story under one URL (``?v=N``), each adding a paragraph: the paragraphs they
    share are the story's own, not the site's template; a line under every page of the site still is."""
    story = [p for p in ARTICLES[0].split("\n\n") if len(p.split()) > 12][:4]
    updates = [
        f"Update {n}: officials confirmed a further detail of the vote at {n} pm on Tuesday." for n in range(1, 7)
    ]
    rows = []
    for version in range(1, 7):
        text = "\n\n".join([*story, *updates[:version], TEMPLATE])
        rows.append({"id": f"v{version}", "url": f"https://ledger.example/story?v={version}", "text": text})
    for i, article in enumerate(ARTICLES[1:6]):
        rows.append({"id": f"a{i}", "url": f"https://ledger.example/news/{i}", "text": f"{article}\n\n{TEMPLATE}"})
    path = tmp_path / "site.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    records = _records(run_cli("clean", str(path), "--field", "text", "--mode", "text"))
    assert len(records) == len(rows)
    for record in records[:6]:
        assert all(paragraph in record["text"] for paragraph in story), record["id"]
        assert TEMPLATE not in record["text"]
    assert all(TEMPLATE not in record["text"] for record in records[6:])
    assert [r["duplicate_of"] is not None for r in records[:6]] == [False] + [True] * 5


def test_site_counts_count_a_version_of_an_earlier_page_once():
    counts = corpus.SiteCounts()
    for version in range(6):
        counts.add(corpus.Fingerprint("a.example", (1, 2)), f"https://www.a.example/story/?v={version}", ARTICLES[0])
    counts.add(corpus.Fingerprint("a.example", (1,)), "https://a.example/other", ARTICLES[1])
    counts.add(corpus.Fingerprint("a.example", (1,)), "https://a.example/again", ARTICLES[1])  # another address
    assert counts.sites["a.example"] == 3
    assert counts.templates(corpus.Thresholds(min_docs=2, share=0.5)) == {("a.example", 1)}
    assert corpus.page_of("https://www.a.example/story/?v=2#top") == corpus.page_of("http://a.example/story")
    assert corpus.page_of(None) is None and corpus.page_of("notes/a.txt") is None
