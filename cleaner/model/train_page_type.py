"""Training the page-type classifier (:mod:`cleaner.model.page_type`): wcxb's train split, LightGBM.

Kept apart from the classifier, which cleaning imports: training cleans every page with the whole
pipeline (:func:`cleaner.api.clean`), and the pipeline imports the classifier, never the other way.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy

from cleaner.model.page_type import FORMS, NAMES, TYPES, features, load

# training: a small multiclass model. Five-fold cross-validation on wcxb train (pages in folds by id) gave
# the same accuracy, 0.82-0.83 for HTML pages, for 4 to 15 leaves, 5 to 20 rows per leaf and 100 to 400
# rounds: a small one ships (4 leaves, 100 rounds); its folds' accuracy is in model.json ("cv_accuracy")
FOLDS = 5
PARAMS = {
    "objective": "multiclass",
    "num_class": len(TYPES),
    "learning_rate": 0.1,
    "num_leaves": 4,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
ROUNDS = 100


def rows_of(record: dict) -> list[numpy.ndarray]:
    """One page's rows, one per form, with its URL and without: cleaned by the shipped block models as the
    pipeline cleans it. A folder of saved pages comes with no URL, and the URL's words weigh much."""
    from cleaner.api import clean
    from cleaner.model.train import visible_text

    html = record["html"]
    page = html.encode("utf-8", errors="surrogatepass")  # as clean() reads a str
    text = visible_text(html)
    docs = []
    for url in dict.fromkeys((record.get("url"), None)):
        docs += [
            (clean(html, mode="html", url=url, timeout=None), "html", page),
            (clean(html, mode="html", preset="fast", url=url, timeout=None), "lines", page),
            (clean(text, mode="text", url=url, timeout=None), "text", None),
        ]
    return [features(doc, form, page) for doc, form, page in docs if doc.decisions]


def train(data: Path, out: Path, *, seed: int = 0, jobs: int = 2, log=print) -> dict:
    """Train the page-type model on wcxb's train split; write ``page_type.txt`` and its entry in ``out/model.json``
    (the other entries stay as they are)."""
    import hashlib
    from multiprocessing import Pool

    import lightgbm

    from cleaner.model.train import SHIPPABLE_LICENCES, read_records

    path = data if data.is_file() else data / "wcxb.jsonl.gz"
    pages = [
        {"id": r["id"], "html": r["html"], "url": r.get("url"), "page_type": r["page_type"]}
        for r in read_records([path])
        if r.get("split") == "train" and r.get("licence") in SHIPPABLE_LICENCES and r.get("page_type") in TYPES
    ]
    if not pages:
        raise ValueError(f"no labeled pages with a page_type in {path}")
    pages.sort(key=lambda r: r["id"])
    with Pool(jobs) as pool:
        per_page = pool.map(rows_of, pages, chunksize=4)
    rows = numpy.asarray([row for page in per_page for row in page])
    marks = numpy.asarray([TYPES.index(p["page_type"]) for p, page in zip(pages, per_page, strict=True) for _ in page])
    folds = numpy.asarray([i % FOLDS for i, page in enumerate(per_page) for _ in page])
    params = {**PARAMS, "seed": seed, "bagging_seed": seed, "feature_fraction_seed": seed}
    accuracy = _cross_validate(lightgbm, params, rows, marks, folds)
    text = lightgbm.train(params, lightgbm.Dataset(rows, label=marks), num_boost_round=ROUNDS).model_to_string()
    out.mkdir(parents=True, exist_ok=True)
    (out / "page_type.txt").write_text(text, encoding="utf-8")
    meta_path = out / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {"models": {}}
    digest = hashlib.sha256("\n".join(p["id"] for p in pages).encode()).hexdigest()[:16]
    meta["models"]["page_type"] = {
        "file": "page_type.txt",
        "types": list(TYPES),
        "features": list(NAMES),
        "forms": list(FORMS),
        "data": {"datasets": ["wcxb"], "split": "train", "licences": list(SHIPPABLE_LICENCES), "ids_sha256": digest},
        "pages": len(pages),
        "rows": len(rows),
        "rounds": ROUNDS,
        "params": params,
        "cv_accuracy": accuracy,
        "version": f"page_type-1.0+{hashlib.sha256(text.encode()).hexdigest()[:12]}",
    }
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"page_type: {len(pages)} pages, {len(rows)} rows, model {meta['models']['page_type']['version']}")
    load.cache_clear()
    return meta


def _cross_validate(lightgbm, params: dict, rows, marks, folds) -> dict[str, float]:
    """Accuracy per form on each fold's pages, by a model trained on the other folds' pages."""
    right = {form: [] for form in FORMS}
    for fold in range(FOLDS):
        test = folds == fold
        booster = lightgbm.train(params, lightgbm.Dataset(rows[~test], label=marks[~test]), num_boost_round=ROUNDS)
        predicted = booster.predict(rows[test], num_threads=1).argmax(axis=1)
        for i, form in enumerate(FORMS):
            mine = rows[test][:, i] == 1.0
            right[form] += (predicted[mine] == marks[test][mine]).tolist()
    return {form: round(sum(hits) / max(1, len(hits)), 4) for form, hits in right.items()}
