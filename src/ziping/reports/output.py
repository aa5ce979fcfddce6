"""Where per-form reports go: one file for one input, a folder of reports for several; nothing existing is
overwritten without --force, and inputs never are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from ziping.checks import FileResult, tally_file
from ziping.files import Found, OutputError, claim, names_a_file

__all__ = ["OutputError", "SUFFIXES", "notice", "plan", "renderer", "write_files", "write_reports", "write_stream"]

SUFFIXES = {"html": ".html", "md": ".md"}


def plan(
    files: Sequence[Path], inputs: Sequence[Path], out: Path, fmt: str, force: bool = False
) -> list[tuple[Path, Path]]:
    """Each input file with the report path it gets; raises OutputError before anything is written.

    The rule of every --out (files.names_a_file): a path with a file suffix is one report, for one input
    only; otherwise a folder gets a report per input, named after it. Existing files are overwritten only
    with `force`, inputs never.
    """
    if not files:
        raise OutputError("没有找到可检查的文件", "no file to check was found")
    suffix = SUFFIXES[fmt]
    if names_a_file(out) and len(files) > 1:
        raise OutputError(
            f"有 {len(files)} 个输入文件，不能都写进一个文件 {out}；请给 --out 一个文件夹，如 --out {out.with_suffix('')}",
            f"{len(files)} input files cannot all go into one file {out}; give --out a folder, e.g. {out.with_suffix('')}",
        )
    targets = [out] if names_a_file(out) else list(_folder_targets(files, out, suffix))
    given = [*files, *inputs]
    for target in targets:
        claim(target, force=force, inputs=given)
    if names_a_file(out) and out.suffix.lower() != suffix:
        raise OutputError(
            f"--format {fmt} 的报告应保存为 {suffix} 文件，--out 却是 {out}",
            f"a --format {fmt} report is a {suffix} file, but --out is {out}",
        )
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


NOTICES = {
    "zh": {"written": "已写入 {path}", "skipped": "已跳过 {path}：不是自评表（{reason}）"},
    "en": {"written": "wrote {path}", "skipped": "skipped {path}: not a form ({reason})"},
}


def notice(result: FileResult, target: Path | None, lang: str = "zh") -> str:
    """The line a command prints on stderr for one report: written, or skipped as no form."""
    words = NOTICES[lang]
    if result.skipped is not None:
        reason = result.skipped.params["reason_en" if lang == "en" else "reason"]
        return words["skipped"].format(path=result.path, reason=reason)
    return words["written"].format(path=target)


def renderer(fmt: str) -> Callable[..., Iterable[str]]:
    """The function that draws one checked file as a report of this format, piece by piece as its forms are
    checked (imported only when asked for)."""
    if fmt == "html":
        from ziping.reports.html import html_chunks

        return html_chunks
    from ziping.reports.markdown import markdown_chunks

    return markdown_chunks


def write_reports(
    found: Sequence[Found],
    inputs: Sequence[Path],
    out: Path | None,
    fmt: str,
    check: Callable[[Found], FileResult],
    render: Callable[[FileResult], Iterable[str]],
    *,
    force: bool = False,
    stream: IO[str] | None = None,
    tell: Callable[[str], None] = lambda line: None,
    lang: str = "zh",
) -> Counter[str]:
    """One report per input file: into `out` (a file, or a folder of reports), or one after another on
    `stream` when there is no `out`. Plans every target before writing any; returns the counts."""
    if out is None:
        return write_stream((check(f) for f in found), render, stream, tell, lang)
    pairs = plan([f.path for f in found], inputs, out, fmt, force)
    by_path = {f.path: f for f in found}
    counts: Counter[str] = Counter()
    for target, result in write_files(pairs, lambda path: check(by_path[path]).counted(counts), render):
        tally_file(counts, result)
        tell(notice(result, target, lang))
    return counts


def write_files(
    pairs: Iterable[tuple[Path, Path]],
    check: Callable[[Path], FileResult],
    render: Callable[[FileResult], Iterable[str]],
) -> Iterator[tuple[Path, FileResult]]:
    """Check each input and write its report as its forms are checked; yields each written path with its result."""
    for source, target in pairs:
        result = check(source)
        if result.skipped is None:  # a folder's file that holds no form gets no report
            with open(target, "w", encoding="utf-8") as fh:
                fh.writelines(render(result))
        yield target, result


def write_stream(
    results: Iterable[FileResult],
    render: Callable[[FileResult], Iterable[str]],
    out: IO[str],
    tell: Callable[[str], None] = lambda line: None,
    lang: str = "zh",
) -> Counter[str]:
    """Reports one after another on a stream (Markdown to stdout), separated by a rule, each piece written
    as soon as its form is checked."""
    counts: Counter[str] = Counter()
    for result in results:
        if result.skipped is not None:
            tally_file(counts, result)
            tell(notice(result, None, lang))
            continue
        if counts["files"]:
            out.write("\n---\n\n")
        for piece in render(result.counted(counts)):
            out.write(piece)
            out.flush()
        tally_file(counts, result)
    return counts
