"""The `ziping` app itself: the Typer object, the options several command groups share, exit codes, the error exit.

Every command group is a sibling module that imports this one; this module imports no command, so a new
group (a web server, say) is one new module added to the list in `ziping.cli`. Commands stay thin: what
they do is in the library, where the Python API and the web layer reach it too.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated

import typer

app = typer.Typer(
    name="ziping",
    help="检查项目支出绩效自评表：复核执行率、指标得分和总分，核对必填说明。 / Checks 项目支出绩效自评表 forms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def group(name: str, help: str) -> typer.Typer:
    """A command group (`ziping queue …`) added to the app, with the app's settings."""
    sub = typer.Typer(help=help, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    app.add_typer(sub, name=name)
    return sub


class Exit(IntEnum):
    """Exit codes, documented in README.md."""

    OK = 0  # no finding at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    UNUSABLE = 2  # a file could not be read, or the command was used wrongly


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

# The LLM options, for every command that talks to an endpoint.
LlmOpt = Annotated[
    bool | None, typer.Option("--llm/--no-llm", help="运行大模型叙述检查（会把表格内容发送到端点）/ LLM checks")
]
ModelOpt = Annotated[str | None, typer.Option(help="模型名称 / model name")]
BaseUrlOpt = Annotated[str | None, typer.Option(help="OpenAI 兼容端点地址 / endpoint base URL")]
PresetOpt = Annotated[str | None, typer.Option(help="服务商预设 / provider preset")]
ModeOpt = Annotated[str | None, typer.Option(help="结构化输出方式 / json_schema|json_object|tools")]
ConcurrencyOpt = Annotated[int | None, typer.Option(help="同时进行的请求数 / requests in flight")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="不使用大模型回答缓存 / bypass the cache")]


def fail(message: str) -> typer.Exit:
    """Print a usage or setup error on stderr; raise the returned Exit (code 2)."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(f"[red]ziping：{message}[/]")
    return typer.Exit(Exit.UNUSABLE)


def codes(values: list[str] | None) -> list[str]:
    """Rule codes from repeated and comma-separated (also full-width ，) option values."""
    return [code for value in values or [] for code in value.replace("，", ",").split(",") if code.strip()]


def make_checker(select: list[str] | None, ignore: list[str] | None, profile: str | None):
    """The Checker for --select/--ignore/--profile, or a usage error naming what does not exist."""
    from ziping.checks import Checker
    from ziping.profiles import ProfileError, UnknownProfileError, available
    from ziping.rules import UnknownRuleError

    try:
        return Checker.create(codes(select), codes(ignore), profile)
    except UnknownRuleError as exc:
        raise fail(f"没有规则代码为 {exc} 的规则；运行 `ziping rules` 查看全部规则") from None
    except UnknownProfileError as exc:
        raise fail(f"找不到评分标准 {exc}；内置标准：{', '.join(available())}，也可给出 TOML 文件路径") from None
    except ProfileError as exc:
        raise fail(str(exc)) from None


def llm_settings(*, required: bool = False, llm: bool | None = None, **flags):
    """LLM settings from flags > environment > ziping.toml > [tool.ziping]; never imports openai.

    `required`: the command talks to the endpoint whatever --llm says (ping, eval, parse --extract llm).
    """
    from ziping.llm.batch import LLMSetupError, check_ready, load_settings

    try:
        settings = load_settings(enabled=True if required else llm, **flags)
        if settings.enabled:
            check_ready(settings)
    except LLMSetupError as exc:
        raise fail(str(exc)) from None
    return settings


def make_reviewer(settings, checker, use_cache: bool, show_progress: bool = True):
    """A function that reviews checked files with the LLM, or None when the LLM checks are off."""
    if not settings.enabled:
        return None
    from functools import partial

    from ziping.llm.batch import review

    selected = frozenset(r.code for r in checker.rules)
    return partial(review, settings=settings, selected=selected, use_cache=use_cache, show_progress=show_progress)

