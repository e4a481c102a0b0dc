"""Model and rule files are data: parsed by safe parsers (JSON, TOML, numpy over LightGBM's text), never
unpickled or evaluated. A hostile file is refused; the code it carries never runs."""

from __future__ import annotations

import ast
import json
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from cleaner import model
from cleaner.rules import RuleError, load_ruleset

PACKAGE = ROOT / "cleaner"
UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve", "yaml", "jsonpickle"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
# pickle of MinHash signatures that the same Spark job made a step earlier (never read from a file)
ALLOWED = {("cleaner/integrations/spark_corpus.py", "pickle")}


def _unsafe_uses(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names} & UNSAFE_MODULES
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module.split(".")[0]} & UNSAFE_MODULES
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in UNSAFE_CALLS:
            found.add(node.func.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "load" and isinstance(node.func.value, ast.Name) and node.func.value.id == "np":
                if not any(k.arg == "allow_pickle" and getattr(k.value, "value", True) is False for k in node.keywords):
                    found.add("np.load")
    return found


def test_the_package_never_unpickles_or_evaluates():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        for use in _unsafe_uses(path):
            if (relative, use) not in ALLOWED:
                offenders.append(f"{relative}: {use}")
    assert offenders == []


def test_shipped_model_files_are_text_and_json():
    folder = PACKAGE / "model"
    data_files = [p for p in folder.iterdir() if p.suffix not in (".py",) and p.is_file() and p.name != "__pycache__"]
    assert data_files
    for path in data_files:
        assert path.suffix in (".txt", ".json"), path
        head = path.read_bytes()[:2]
        assert head != b"\x80\x04" and head[:1] != b"\x80", f"{path} looks like a pickle"
    json.loads((folder / "model.json").read_text(encoding="utf-8"))


class _Touch:
    """A pickle payload: unpickling it creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _hostile_model_folder(tmp_path: Path, marker: Path, poisoned: str) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(PACKAGE / "model", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / poisoned).write_bytes(pickle.dumps(_Touch(marker)))
    return folder


@pytest.mark.parametrize("poisoned", ["model.json", "html.txt", "text.txt"])
def test_a_pickled_model_file_is_refused_and_never_run(tmp_path, poisoned):
    marker = tmp_path / "pwned"
    folder = _hostile_model_folder(tmp_path, marker, poisoned)
    kind = "text" if poisoned == "text.txt" else "html"
    with pytest.raises((ValueError, KeyError, RuntimeError)):
        model.load(kind, folder)
    assert not marker.exists()


def test_a_model_file_with_python_in_it_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    folder = tmp_path / "model"
    shutil.copytree(PACKAGE / "model", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "html.txt").read_text(encoding="utf-8")
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    (folder / "html.txt").write_text(text.replace("threshold=", f"threshold={code} ", 1), encoding="utf-8")
    with pytest.raises(ValueError):
        model.load("html", folder)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(a+)+$", "backtrack catastrophically"),
        (r"(x+x+)+y", "backtrack catastrophically"),  # caught by the probes made of its examples
        (r"(?P<a", "bad pattern"),
    ],
)
def test_a_rule_file_with_a_malicious_pattern_is_refused(tmp_path, pattern, message):
    rules = tmp_path / "evil.toml"
    rules.write_text(_ruleset(pattern), encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_ruleset([rules])


def test_a_rule_file_is_data_not_code(tmp_path):
    """Strings that would run in YAML, pickle or eval are only regex text in TOML."""
    marker = tmp_path / "pwned"
    rules = tmp_path / "data.toml"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    rules.write_text(_ruleset(r"never-matches-\d{9}", description=f"!!python/object/apply:os.system [{code}]"))
    ruleset = load_ruleset([rules])
    assert any(rule.id == "evil.one" for rule in ruleset.rules)
    assert not marker.exists()
    bad = tmp_path / "yaml.toml"
    bad.write_text("!!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not valid TOML"):
        load_ruleset([bad])


def _ruleset(pattern: str, description: str = "a test rule") -> str:
    return (
        '[ruleset]\nclass = "evil"\nnew_classes = ["evil"]\n\n[[rules]]\nid = "evil.one"\ntarget = "text"\n'
        f"pattern = '''{pattern}'''\ndescription = {json.dumps(description)}\n"
        'positive = ["aaaaaaaaaaaaaaaay", "never-matches-123456789", "xxxxy"]\nnegative = ["plain prose here"]\n'
    )
