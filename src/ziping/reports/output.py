"""Where per-form reports go: one file for one input, a folder of reports for several; inputs are never overwritten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from ziping.checks import FileResult

SUFFIXES = {"html": ".html", "md": ".md"}


class OutputError(ValueError):
    """An --out that cannot be used; the message says why, in Chinese."""


def plan(files: Sequence[Path], inputs: Sequence[Path], out: Path, fmt: str) -> list[tuple[Path, Path]]:
    """Each input file with the report path it gets; raises OutputError before anything is written."""
    if not files:
        raise OutputError("没有找到可检查的文件")
    into_folder = len(files) > 1 or out.is_dir() or any(p.is_dir() for p in inputs)
    if into_folder and out.exists() and not out.is_dir():
        raise OutputError(f"有多个输入文件时 --out 应是文件夹，但 {out} 是已有的文件")
    targets = list(_folder_targets(files, out, SUFFIXES[fmt])) if into_folder else [out]
    given = {p.resolve() for p in [*files, *inputs]}
    for target in targets:
        if target.resolve() in given:
            raise OutputError(f"不会覆盖输入文件 {target}；请给 --out 另选一个路径")
    return list(zip(files, targets, strict=True))


def _folder_targets(files: Sequence[Path], folder: Path, suffix: str) -> Iterator[Path]:
    """A report named after each input (自评表.txt → 自评表.html); same-named inputs get -2, -3."""
    taken: set[str] = set()
    for path in files:
        name, n = path.stem + suffix, 1
        while name.casefold() in taken:  # case-insensitive file systems would merge 表.html and 表.HTML
            n += 1
            name = f"{path.stem}-{n}{suffix}"
        taken.add(name.casefold())
        yield folder / name


def tally(counts: Counter[str], result: FileResult) -> None:
    """Add one file to the counts the exit code is computed from."""
    counts["files"] += 1
    counts["forms"] += len(result.forms)
    counts["unreadable"] += result.error is not None
    for finding in result.findings:
        counts[finding.severity.value] += 1


def write_files(
    pairs: Iterable[tuple[Path, Path]], check: Callable[[Path], FileResult], render: Callable[[FileResult], str]
) -> Iterator[tuple[Path, FileResult]]:
    """Check each input and write its report; yields each written path with its result."""
    for source, target in pairs:
        result = check(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(result), encoding="utf-8")
        yield target, result


def write_stream(results: Iterable[FileResult], render: Callable[[FileResult], str], out: IO[str]) -> Counter[str]:
    """Reports one after another on a stream (Markdown to stdout), separated by a rule."""
    counts: Counter[str] = Counter()
    for k, result in enumerate(results):
        tally(counts, result)
        out.write(("\n---\n\n" if k else "") + render(result))
    return counts
