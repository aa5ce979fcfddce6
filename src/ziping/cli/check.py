"""`ziping check` and `ziping parse`: check forms and report, or print what was read."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import (
    COLON,
    BaseUrlOpt,
    ConcurrencyOpt,
    Exit,
    ForceOpt,
    IgnoreOpt,
    Lang,
    LangOpt,
    LlmOpt,
    MaxTokensOpt,
    ModelOpt,
    ModeOpt,
    NoCacheOpt,
    PresetOpt,
    ProfileOpt,
    SelectOpt,
    app,
    current_lang,
    fail,
    llm_settings,
    make_checker,
    make_reviewer,
    say,
    t,
)


class Format(StrEnum):
    text = "text"
    json = "json"


class CheckFormat(StrEnum):
    """`check` also writes per-form reports; `parse` keeps text and JSON only."""

    text = "text"
    json = "json"
    html = "html"  # one self-contained page per input file
    md = "md"  # the same report as Markdown


class Extract(StrEnum):
    rules = "rules"
    llm = "llm"


OUT_ONLY_FOR_REPORTS = t("--out 只用于 --format html 或 md", "--out is for --format html or md only")
HTML_NEEDS_OUT = t(
    "HTML 报告需要用 --out 指定输出文件（多个输入时为文件夹），例如 --out 自评报告.html",
    "an HTML report needs --out: a file (a folder for several inputs), e.g. --out report.html",
)


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


@app.command(help=t("检查自评表，复核全部结构化字段", "Check forms and re-score every structured field."))
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar=t("路径", "PATH"),
            help=t("自评表文件或文件夹（- 为标准输入）", "form files or folders (- for standard input)"),
            show_default=False,
        ),
    ],
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help=t("输出格式", "output format"))
    ] = CheckFormat.text,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = Lang.zh,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            help=t("出现该级别及以上的问题时退出码为 1", "exit with 1 when findings of this severity or above")
        ),
    ] = FailOn.error,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar=t("路径", "PATH"),
            help=t(
                "html/md 报告写到哪里：以文件后缀结尾（如 报告.html）为一个文件，只用于一个输入；否则为文件夹，"
                "每个输入一份报告；缺少的上级文件夹会自动创建",
                "where html/md reports go: a path with a file suffix (report.html) is one file, for one input; "
                "otherwise a folder with a report per input; missing parent folders are created",
            ),
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
    mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_tokens: MaxTokensOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    from ziping.checks import expand, tune_gc_for_batch

    if out is not None and format not in (CheckFormat.html, CheckFormat.md):
        raise fail(say(OUT_ONLY_FOR_REPORTS))
    if format is CheckFormat.html and out is None:
        raise fail(say(HTML_NEEDS_OUT))
    checker = make_checker(select, ignore, profile)
    settings = llm_settings(
        llm=llm,
        model=model,
        base_url=base_url,
        preset=preset,
        mode=mode,
        concurrency=concurrency,
        max_tokens=max_tokens,
    )
    reviewer = make_reviewer(ctx, settings, checker, use_cache=not no_cache)
    tune_gc_for_batch()
    if format in (CheckFormat.html, CheckFormat.md):
        counts = _form_reports(checker, paths, format, out, checker.profile.name, lang.value, reviewer, force)
        raise typer.Exit(_exit_code(counts, fail_on))
    results = (_check_one(checker, found) for found in expand(paths))
    llm_run = None
    if reviewer is not None:
        results = list(results)  # every form is reviewed concurrently before the report starts
        llm_run = reviewer(results)
    if format is CheckFormat.json:
        from ziping.reports.contract import write_report

        counts = write_report(results, sys.stdout, profile or "standard", lang.value, llm_run)
    else:
        from ziping.reports.text import render

        counts = render(results, sys.stdout, lang.value, llm_run)
    raise typer.Exit(_exit_code(counts, fail_on))


STDIN = "-"  # the path that names standard input, as in cat and grep


def _stdin_bytes() -> bytes:
    """Standard input, read up to one byte past the size limit so an oversized stream is refused."""
    from ziping.readers import MAX_BYTES

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def _check_one(checker, found):
    """Check a file of the batch, or standard input when the path is "-": its forms are read and checked as
    the report writes them."""
    if str(found.path) != STDIN:
        return checker.check_found(found, stream=True)
    return checker.check_bytes(_stdin_bytes(), STDIN, stream=True)


def _form_reports(
    checker,
    paths: list[Path],
    format: CheckFormat,
    out: Path | None,
    profile: str,
    lang: str,
    reviewer=None,
    force: bool = False,
):
    """One HTML or Markdown report per input file: into --out, or Markdown on stdout."""
    from rich.console import Console

    from ziping.checks import expand
    from ziping.reports.output import OutputError, renderer, write_reports

    render_file = renderer(format.value)
    runs: dict[str, object] = {}

    def check_file(found):
        result = _check_one(checker, found)
        if reviewer is not None:
            runs[result.path] = reviewer([result])
        return result

    def render(result) -> str:
        return render_file(result, lang=lang, profile=profile, llm=runs.get(result.path))

    stderr = Console(stderr=True, soft_wrap=True, highlight=False, markup=False)
    try:
        return write_reports(
            list(expand(paths)), paths, out, format.value, check_file, render,
            force=force, stream=sys.stdout, tell=stderr.print, lang=lang,
        )  # fmt: skip
    except OutputError as exc:
        raise fail(exc.say(lang)) from None


def _exit_code(counts, fail_on: FailOn) -> Exit:
    if counts["unreadable"]:
        return Exit.UNUSABLE
    if fail_on is FailOn.never:
        return Exit.OK
    levels = ("error",) if fail_on is FailOn.error else ("error", "warning")
    return Exit.FINDINGS if any(counts[level] for level in levels) else Exit.OK


@app.command(
    help=t(
        "读取自评表并输出解析结果（JSON 可再作为 check 的输入）",
        "Print the parsed forms (the JSON is valid input to check).",
    )
)
def parse(
    path: Annotated[
        Path,
        typer.Argument(
            metavar=t("路径", "PATH"),
            help=t("自评表文件（- 为标准输入）", "a form file (- for standard input)"),
            show_default=False,
        ),
    ],
    format: Annotated[Format, typer.Option("--format", "-f", help=t("输出格式", "output format"))] = Format.json,
    extract: Annotated[
        Extract,
        typer.Option(
            help=t(
                "rules：按已知版式读取；llm：由大模型读取未知版式（会发送原文）",
                "rules: read known layouts; llm: a model reads an unknown layout (sends the text)",
            )
        ),
    ] = Extract.rules,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
) -> None:
    if extract is Extract.llm:
        result = _read_with_model(path, model=model, base_url=base_url, preset=preset)
    elif str(path) == STDIN:
        from ziping.readers import read_bytes

        result = read_bytes(_stdin_bytes(), STDIN)
    else:
        from ziping.readers import read_path

        result = read_path(path)
    if result.problem is not None:
        reason = result.problem.reason_en if current_lang() == "en" else result.problem.reason_zh
        raise fail(f"{path}{say(COLON)}{result.problem.code} {reason}")
    if format is Format.json:
        import json

        from ziping.reports.parsed import parsed_json

        sys.stdout.write(json.dumps(parsed_json(result), ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console

    from ziping.reports.parsed import render_parsed

    render_parsed(result.forms, Console(soft_wrap=True, highlight=False))


def _read_with_model(path: Path, **flags):
    """`parse --extract llm`: the model reads the layout; setup and endpoint failures are usage errors."""
    from ziping.llm.client import LLMError
    from ziping.llm.extract import ExtractionError, read_with_model

    settings = llm_settings(required=True, **flags)
    try:
        return read_with_model(path, settings)
    except ExtractionError as exc:
        raise fail(f"{path}{say(COLON)}{exc}") from None
    except LLMError as exc:
        raise fail(f"{path}{say(COLON)}{exc.zh}") from None
