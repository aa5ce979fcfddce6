"""The `ziping` command: a thin typer layer over the Python API in ziping.checks."""

from __future__ import annotations

import sys
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli_llm import (
    BaseUrlOpt,
    ConcurrencyOpt,
    LlmOpt,
    MaxTokensOpt,
    ModelOpt,
    ModeOpt,
    NoCacheOpt,
    PresetOpt,
)

app = typer.Typer(
    name="ziping",
    help="检查项目支出绩效自评表：复核执行率、指标得分和总分，核对必填说明。 / Checks 项目支出绩效自评表 forms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Exit(IntEnum):
    """Exit codes, documented in README.md."""

    OK = 0  # no finding at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    UNUSABLE = 2  # a file could not be read, the command was used wrongly, or (triage) LLM reviews did not complete


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


class Lang(StrEnum):
    zh = "zh"
    en = "en"


# Options several commands share, declared once.
SelectOpt = Annotated[
    list[str] | None, typer.Option(help="只运行这些规则（代码或前缀，逗号分隔）/ rule codes or prefixes")
]
IgnoreOpt = Annotated[list[str] | None, typer.Option(help="不运行这些规则 / rule codes or prefixes to skip")]
ProfileOpt = Annotated[
    str | None,
    typer.Option(help="评分标准名称或 TOML 路径；不指定时为 standard，版式可识别的按版式 / scoring profile"),
]
LangOpt = Annotated[Lang, typer.Option(help="输出语言 / language")]


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


def _codes(values: list[str] | None) -> list[str]:
    return [code for value in values or [] for code in value.replace("，", ",").split(",") if code.strip()]


def _fail(message: str) -> typer.Exit:
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(f"[red]ziping：{message}[/]")
    return typer.Exit(Exit.UNUSABLE)


def _checker(select: list[str] | None, ignore: list[str] | None, profile: str | None):
    from ziping.checks import Checker
    from ziping.profiles import ProfileError, UnknownProfileError, available
    from ziping.rules import UnknownRuleError

    try:
        return Checker.create(_codes(select), _codes(ignore), profile)
    except UnknownRuleError as exc:
        raise _fail(f"没有规则代码为 {exc} 的规则；运行 `ziping rules` 查看全部规则") from None
    except UnknownProfileError as exc:
        raise _fail(f"找不到评分标准 {exc}；内置标准：{', '.join(available())}，也可给出 TOML 文件路径") from None
    except ProfileError as exc:
        raise _fail(str(exc)) from None


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="自评表文件或文件夹 / form files or folders", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="输出格式 / output format")] = CheckFormat.text,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = Lang.zh,
    fail_on: Annotated[
        FailOn, typer.Option(help="出现该级别及以上的问题时退出码为 1 / exit 1 at this severity")
    ] = FailOn.error,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="html/md 报告的输出文件；多个输入时为文件夹 / report file, or a folder for several inputs",
            show_default=False,
        ),
    ] = None,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
    mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_tokens: MaxTokensOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """检查自评表，复核全部结构化字段 / check forms and re-score every structured field."""
    from ziping.checks import expand, tune_gc_for_batch

    if out is not None and format not in (CheckFormat.html, CheckFormat.md):
        raise _fail("--out 只用于 --format html 或 md")
    if format is CheckFormat.html and out is None:
        raise _fail("HTML 报告需要用 --out 指定输出文件（多个输入时为文件夹），例如 --out 自评报告.html")
    checker = _checker(select, ignore, profile)
    settings = _llm_settings(
        llm=llm, model=model, base_url=base_url, preset=preset, mode=mode, concurrency=concurrency, max_tokens=max_tokens
    )
    reviewer = _reviewer(ctx, settings, checker, use_cache=not no_cache)
    tune_gc_for_batch()
    if format in (CheckFormat.html, CheckFormat.md):
        counts = _form_reports(checker, paths, format, out, checker.profile.name, lang.value, reviewer)
        raise typer.Exit(_exit_code(counts, fail_on))
    results = (_check_one(checker, path) for path in expand(paths))
    llm_run = None
    if reviewer is not None:
        results = list(results)  # every form is reviewed concurrently before the report starts
        llm_run = reviewer(results)
    if format is CheckFormat.json:
        from ziping.reports.contract import write_report

        counts = write_report(results, sys.stdout, profile or "standard", lang.value, llm_run)
    else:
        from rich.console import Console

        from ziping.reports.text import render

        counts = render(results, Console(soft_wrap=True, highlight=False), lang.value, llm_run)
    raise typer.Exit(_exit_code(counts, fail_on))


STDIN = "-"  # the path that names standard input, as in cat and grep


def _stdin_bytes() -> bytes:
    """Standard input, read up to one byte past the size limit so an oversized stream is refused."""
    from ziping.readers import MAX_BYTES

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def _check_one(checker, path: Path):
    """Check a file, or standard input when the path is "-"."""
    if str(path) != STDIN:
        return checker.check_file(path)
    return checker.check_bytes(_stdin_bytes(), STDIN)


def _llm_settings(**flags):
    """LLM settings from flags > environment > ziping.toml > [tool.ziping]; never imports openai."""
    from ziping.llm.batch import LLMSetupError, check_ready, load_settings

    try:
        settings = load_settings(enabled=flags.pop("llm"), **flags)
        if settings.enabled:
            check_ready(settings)
    except LLMSetupError as exc:
        raise _fail(str(exc)) from None
    return settings


def _reviewer(ctx: typer.Context, settings, checker, use_cache: bool, show_progress: bool = True):
    """The run's LLM reviewer (closed with the command), or None when the LLM checks are off."""
    if not settings.enabled:
        return None
    from ziping.llm.batch import Reviewer

    selected = frozenset(r.code for r in checker.rules)
    reviewer = Reviewer(settings, selected, use_cache=use_cache, show_progress=show_progress)
    ctx.call_on_close(reviewer.close)
    return reviewer


def _form_reports(
    checker, paths: list[Path], format: CheckFormat, out: Path | None, profile: str, lang: str, reviewer=None
):
    """One HTML or Markdown report per input file: into --out, or Markdown on stdout."""
    from collections import Counter

    from ziping.checks import expand

    if format is CheckFormat.html:
        from ziping.reports.html import render_html as render_file
    else:
        from ziping.reports.markdown import render_markdown as render_file
    runs: dict[str, object] = {}

    def check_file(path: Path):
        result = _check_one(checker, path)
        if reviewer is not None:
            runs[result.path] = reviewer([result])
        return result

    def render(result) -> str:
        return render_file(result, lang=lang, profile=profile, llm=runs.get(result.path))

    if out is None:
        from ziping.reports.output import write_stream

        return write_stream((check_file(path) for path in expand(paths)), render, sys.stdout)
    from rich.console import Console

    from ziping.reports.output import OutputError, plan, tally, write_files

    try:
        pairs = plan(list(expand(paths)), paths, out, format.value)
    except OutputError as exc:
        raise _fail(str(exc)) from None
    counts: Counter[str] = Counter()
    stderr = Console(stderr=True, soft_wrap=True, highlight=False)
    for target, result in write_files(pairs, check_file, render):
        tally(counts, result)
        stderr.print(f"已写入 {target}")
    return counts


def _exit_code(counts, fail_on: FailOn) -> Exit:
    if counts["unreadable"]:
        return Exit.UNUSABLE
    if fail_on is FailOn.never:
        return Exit.OK
    levels = ("error",) if fail_on is FailOn.error else ("error", "warning")
    return Exit.FINDINGS if any(counts[level] for level in levels) else Exit.OK


@app.command()
def parse(
    path: Annotated[Path, typer.Argument(help="自评表文件 / a form file", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="输出格式 / output format")] = Format.json,
    extract: Annotated[
        Extract,
        typer.Option(help="rules：按已知版式读取；llm：由大模型读取未知版式（会发送原文）/ who reads the layout"),
    ] = Extract.rules,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
) -> None:
    """读取自评表并输出解析结果（JSON 可再作为输入）/ print the parsed forms (the JSON is valid input)."""
    import json

    from ziping.model import SCHEMA_VERSION
    from ziping.readers import read_path

    if extract is Extract.llm:
        result = _extract_with_llm(path, model=model, base_url=base_url, preset=preset)
    elif str(path) == STDIN:
        from ziping.readers import read_bytes

        result = read_bytes(_stdin_bytes(), STDIN)
    else:
        result = read_path(path)
    if result.problem is not None:
        code = result.problem.code
        raise _fail(f"{path}：{code} {result.problem.reason_zh}")
    if format is Format.json:
        payload = {
            "schema_version": SCHEMA_VERSION,
            "files": [
                {
                    "path": result.path,
                    "encoding": result.encoding,
                    "forms": [f.model_dump(mode="json") for f in result.forms],
                }
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console

    from ziping.reports.parsed import render_parsed

    render_parsed(result.forms, Console(soft_wrap=True, highlight=False))


def _extract_with_llm(path: Path, **flags):
    """The forms a model reads from a file's text, checked number by number against that text."""
    from ziping.llm.client import LLMError
    from ziping.llm.extract import ExtractionError, extract
    from ziping.model import Form
    from ziping.readers import ReadResult, read_path
    from ziping.readers.encoding import UndecodableError, decode

    settings = _llm_settings(llm=True, mode=None, concurrency=None, max_tokens=None, **flags)
    probe = read_path(path)  # the same checks on the file itself: missing, not a file, not text
    if probe.problem is not None and probe.problem.code == "ZP001":
        return probe
    try:
        text, encoding = decode(path.read_bytes())
        forms = [Form.model_validate(raw) for raw in extract(text, str(path), settings)]
    except (UndecodableError, OSError):
        return probe
    except ExtractionError as exc:
        raise _fail(f"{path}：{exc}") from None
    except LLMError as exc:
        raise _fail(f"{path}：{exc.zh}") from None
    if not forms:
        from ziping.readers import FileProblem

        return ReadResult(
            str(path), problem=FileProblem("ZP002", "大模型未在文中找到自评表", "no form found by the model")
        )
    return ReadResult(str(path), forms=forms, encoding=encoding)


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="规则代码，如 ZP304 / a rule code", show_default=False)] = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """列出全部规则，或解释一条规则及其示例 / list the rules, or explain one with its examples."""
    from rich.console import Console

    from ziping.reports.ruledoc import render_rule, render_rules
    from ziping.rules import REGISTRY, select

    console = Console(soft_wrap=True, highlight=False)
    if code is None:
        render_rules(select(), console, lang.value)
        return
    rule = REGISTRY.get(code.strip().upper())
    if rule is None:
        raise _fail(f"没有规则代码为 {code} 的规则；运行 `ziping rules` 查看全部规则")
    render_rule(rule, console, lang.value)


@app.command()
def schema() -> None:
    """输出自评表数据模型的 JSON Schema / print the JSON Schema of the form model."""
    import json

    from ziping.model import Form

    sys.stdout.write(json.dumps(Form.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def template(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="输出的 .xlsx 文件 / the workbook to write", show_default=False)
    ],
) -> None:
    """写出空白自评表（.xlsx，含数据验证和批注）/ write a blank form workbook for drafting staff."""
    from ziping.template import TemplateExistsError, write_template

    if out.suffix.lower() != ".xlsx":
        raise _fail(f"模板只能保存为 .xlsx 文件：{out}")
    try:
        write_template(out)
    except TemplateExistsError:
        raise _fail(f"{out} 已存在，不会覆盖；请换一个文件名或先删除它") from None
    except OSError as exc:
        raise _fail(f"无法写入 {out}（{exc.strerror}）") from None
    sys.stdout.write(f"已写出空白自评表：{out}（填写后运行 ziping check {out}）\n")


DEFAULT_DB = Path(".ziping") / "triage.db"  # = ziping.store.DEFAULT_DB, spelled here so --help imports nothing
DbOption = Annotated[Path, typer.Option("--db", help="结果库（SQLite）路径 / the triage store")]


def _since(value: str | None, lang: str):
    """--since as an aware UTC time; a time without a zone is local time."""
    if value is None:
        return None
    from datetime import UTC, datetime

    from ziping.reports.queue import WORDS

    try:
        return datetime.fromisoformat(value.strip()).astimezone(UTC)
    except ValueError:
        raise _fail(WORDS[lang]["bad_since"].format(value=value)) from None


def _open_store(db: Path, lang: str, must_exist: bool = False):
    from ziping.reports.queue import WORDS
    from ziping.store import Store, StoreError

    if must_exist and not db.is_file():
        raise _fail(WORDS[lang]["no_store"].format(path=db))
    try:
        return Store(db)
    except StoreError as exc:
        raise _fail(str(exc)) from None


@app.command()
def triage(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="自评表文件或文件夹 / form files or folders", show_default=False)
    ] = None,
    out: Annotated[
        list[Path] | None,
        typer.Option("--out", "-o", help="导出队列，可重复；按后缀 .xlsx/.csv/.json/.html / export (repeatable)"),
    ] = None,
    db: DbOption = DEFAULT_DB,
    since: Annotated[
        str | None, typer.Option(help="只列出此时间之后新增或改动的表 / only forms new since this time")
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="说明风险分的算法 / print the risk formula")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只统计并估算大模型用量，不检查 / count and estimate only")
    ] = False,
    workers: Annotated[
        int | None, typer.Option(help="进程数；默认超过 200 个文件时用全部核 / processes", show_default=False)
    ] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = Lang.zh,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
    mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_tokens: MaxTokensOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """按风险排序审核队列，增量检查并导出 / rank forms by risk into a review queue, incrementally."""
    if explain:
        from ziping.risk import formula

        sys.stdout.write(formula(lang.value) + "\n")
        return
    from ziping import triage as tri
    from ziping.reports import queue

    words = queue.WORDS[lang.value]
    if not paths:
        raise _fail(words["no_paths"])
    for target in out or []:
        if target.suffix.lower() not in queue.WRITERS:
            raise _fail(words["bad_out"].format(suffix=target.suffix or "（无）", path=target))
    if workers is not None and workers < 1:
        raise _fail(words["bad_workers"].format(value=workers))
    since_time = _since(since, lang.value)
    checker = _checker(select, ignore, profile)
    settings = _llm_settings(
        llm=llm, model=model, base_url=base_url, preset=preset, mode=mode, concurrency=concurrency, max_tokens=max_tokens
    )
    batch = tri.sources(paths)
    if dry_run:
        store = _open_store(db, lang.value) if db.is_file() else None
        found = tri.estimate(batch, store, checker, settings)
        prompt, output = tri.PROMPT_TOKENS_PER_CALL, tri.OUTPUT_TOKENS_PER_CALL
        sys.stdout.write(words["dry_run"].format(**_fields(found), prompt=prompt, output=output) + "\n")
        return
    from ziping.reports.progress import BarProgress

    reviewer = _reviewer(ctx, settings, checker, use_cache=not no_cache, show_progress=False)  # triage has its bar
    with _open_store(db, lang.value) as store:
        bar = BarProgress(lang.value)
        try:
            stats = tri.run(batch, store, checker, workers, bar, settings, reviewer)
        finally:
            bar.close()
        rows = tri.select_rows(tri.triage_rows(batch, store, checker, lang.value), since_time)
    sys.stdout.write(words["ran"].format(**_fields(stats)) + "\n")
    queue.render_terminal(rows, sys.stdout, lang.value, limit=20)
    for target in out or []:
        try:
            queue.write(rows, target, lang.value)
        except OSError as exc:
            raise _fail(words["write_failed"].format(path=target, reason=exc.strerror or exc)) from None
        sys.stderr.write(words["written"].format(path=target) + "\n")
    if reviewer is not None:
        from ziping.reports.contract import llm_line

        sys.stdout.write(llm_line(reviewer.total, lang.value) + "\n")
    unreadable = sum(1 for row in rows if row.unreadable)
    if unreadable:
        sys.stderr.write(words["unreadable"].format(n=unreadable) + "\n")
    if unreadable or (reviewer is not None and reviewer.total.incomplete):
        raise typer.Exit(Exit.UNUSABLE)


def _fields(record) -> dict:
    """A slotted dataclass's fields, for formatting a message."""
    from dataclasses import asdict

    return asdict(record)


queue_app = typer.Typer(
    help="审核队列：标记与列出 / the review queue: mark forms, list them", no_args_is_help=True, add_completion=False
)
app.add_typer(queue_app, name="queue")


@queue_app.command("mark")
def queue_mark(
    form_id: Annotated[str, typer.Argument(metavar="ID", help="表的编号，见队列 / the form's ID", show_default=False)],
    status: Annotated[str, typer.Argument(metavar="STATUS", help="reviewed | returned | accepted", show_default=False)],
    note: Annotated[str, typer.Option(help="审阅备注 / a note")] = "",
    db: DbOption = DEFAULT_DB,
    lang: LangOpt = Lang.zh,
) -> None:
    """标记一张表的审阅状态 / mark a form reviewed, returned or accepted, with a note."""
    from ziping.reports.queue import WORDS
    from ziping.store import STATUSES
    from ziping.triage import STATUS_LABELS

    words = WORDS[lang.value]
    status = status.strip().lower()
    if status not in STATUSES:
        raise _fail(words["bad_status"].format(status=status))
    with _open_store(db, lang.value, must_exist=True) as store:
        if not store.form_exists(form_id.strip()):
            raise _fail(words["unknown_id"].format(id=form_id))
        store.mark(form_id.strip(), status, note)
    sys.stdout.write(words["marked"].format(id=form_id, label=STATUS_LABELS[lang.value][status]) + "\n")


@queue_app.command("list")
def queue_list(
    status: Annotated[
        str | None, typer.Option(help="reviewed | returned | accepted | pending", show_default=False)
    ] = None,
    since: Annotated[str | None, typer.Option(help="只列出此时间之后新增或改动的表 / new since")] = None,
    db: DbOption = DEFAULT_DB,
    lang: LangOpt = Lang.zh,
) -> None:
    """列出结果库中的全部表，按风险排序 / list every stored form, ranked by risk."""
    from ziping.reports.queue import WORDS, render_terminal
    from ziping.store import STATUSES
    from ziping.triage import queue_rows, select_rows

    words = WORDS[lang.value]
    if status is not None and status.strip().lower() not in (*STATUSES, "pending"):
        raise _fail(words["bad_list_status"].format(status=status))
    since_time = _since(since, lang.value)
    with _open_store(db, lang.value, must_exist=True) as store:
        rows = queue_rows(store.files().values(), store.marks(), lang.value)
    rows = select_rows(rows, since_time, status.strip().lower() if status else None)
    render_terminal(rows, sys.stdout, lang.value)


def _register_llm_commands() -> None:
    from ziping.cli_llm import cache_app, eval_command, llm_app

    app.add_typer(llm_app, name="llm")
    app.add_typer(cache_app, name="cache")
    app.command("eval")(eval_command)


_register_llm_commands()


def _register_quality_commands() -> None:
    from ziping.cli_quality import synth_command

    app.command("synth")(synth_command)


_register_quality_commands()


def main() -> None:
    """Console-script entry point: usage errors exit 2, and no traceback reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
