"""The `ziping` command: a thin typer layer over the Python API in ziping.checks."""

from __future__ import annotations

import sys
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

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
    UNUSABLE = 2  # a file could not be read, or the command was used wrongly


class Format(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


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


def _checker(select: list[str] | None, ignore: list[str] | None, profile: str):
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
    paths: Annotated[list[Path], typer.Argument(help="自评表文件或文件夹 / form files or folders", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="输出格式 / output format")] = Format.text,
    select: Annotated[
        list[str] | None, typer.Option(help="只运行这些规则（代码或前缀，逗号分隔）/ rule codes or prefixes")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="不运行这些规则 / rule codes or prefixes to skip")] = None,
    profile: Annotated[str, typer.Option(help="评分标准名称或 TOML 路径 / scoring profile")] = "standard",
    lang: Annotated[Lang, typer.Option(help="输出语言 / language")] = Lang.zh,
    fail_on: Annotated[
        FailOn, typer.Option(help="出现该级别及以上的问题时退出码为 1 / exit 1 at this severity")
    ] = FailOn.error,
) -> None:
    """检查自评表，复核全部结构化字段 / check forms and re-score every structured field."""
    from ziping.checks import expand, tune_gc_for_batch

    checker = _checker(select, ignore, profile)
    tune_gc_for_batch()
    results = (checker.check_file(path) for path in expand(paths))
    if format is Format.json:
        from ziping.reports.contract import write_report

        counts = write_report(results, sys.stdout, profile, lang.value)
    else:
        from rich.console import Console

        from ziping.reports.text import render

        counts = render(results, Console(soft_wrap=True, highlight=False), lang.value)
    raise typer.Exit(_exit_code(counts, fail_on))


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
) -> None:
    """读取自评表并输出解析结果（JSON 可再作为输入）/ print the parsed forms (the JSON is valid input)."""
    import json

    from ziping.model import SCHEMA_VERSION
    from ziping.readers import read_path

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


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="规则代码，如 ZP304 / a rule code", show_default=False)] = None,
    lang: Annotated[Lang, typer.Option(help="输出语言 / language")] = Lang.zh,
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


def main() -> None:
    """Console-script entry point: usage errors exit 2, and no traceback reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
