"""Where documents come from: files, directories (walked recursively in sorted order) and stdin."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"


@dataclass(frozen=True)
class Source:
    """One input document to clean: a path, or standard input."""

    name: str
    path: Path | None  # None for stdin


def expand(inputs: Sequence[str]) -> list[Source]:
    """Files as given, directories as their files (hidden ones skipped), ``-`` as stdin.

    A path that does not exist is kept, so that its error record appears in the output in its place.
    """
    sources: list[Source] = []
    for spec in inputs:
        if spec == STDIN:
            sources.append(Source("stdin", None))
            continue
        path = Path(spec)
        if path.is_dir():
            sources.extend(Source(str(p), p) for p in _walk(path))
        else:
            sources.append(Source(spec, path))
    return sources


def _walk(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).parts
        if path.is_file() and not any(part.startswith(".") for part in relative):
            yield path
