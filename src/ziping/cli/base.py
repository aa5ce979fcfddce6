"""The `ziping` app itself: the Typer object, the options several command groups share, exit codes, the error exit.

Every command group is a sibling module that imports this one; this module imports no command, so a new
group (a web server, say) is one new module added to the list in `ziping.cli`. Commands stay thin: what
they do is in the library, where the Python API and the web layer reach it too.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ziping.cli.i18n import COLON, Command, Group, current_lang, say, t

# What the command modules take from here; the i18n helpers are theirs too, so they import nothing else of the CLI.
__all__ = [
    "App",
    "BaseUrlOpt",
    "DEFAULT_DB",
    "DbOption",
    "COLON",
    "ConcurrencyOpt",
    "MaxTokensOpt",
    "Exit",
    "ForceOpt",
    "IgnoreOpt",
    "Lang",
    "LangOpt",
    "LlmOpt",
    "ModeOpt",
    "ModelOpt",
    "NO_RULE",
    "NoCacheOpt",
    "PresetOpt",
    "ProfileOpt",
    "SelectOpt",
    "app",
    "current_lang",
    "fail",
    "group",
    "llm_settings",
    "make_checker",
    "make_reviewer",
    "say",
    "t",
]


class App(typer.Typer):
    """A typer app whose commands and groups speak the run's language (ziping.cli.i18n)."""

    def __init__(self, *, help: str, name: str | None = None) -> None:
        super().__init__(
            name=name,
            help=help,
            cls=Group,
            no_args_is_help=True,
            add_completion=False,
            pretty_exceptions_enable=False,
            rich_markup_mode=None,
        )

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or Command, **kwargs)


app = App(
    name="ziping",
    help=t(
        "检查项目支出绩效自评表：复核执行率、指标得分和总分，核对必填说明。",
        "Checks 项目支出绩效自评表 (project expenditure performance self-evaluation forms): re-scores the "
        "execution rate, every indicator's score and the totals, and checks the explanations that must be there.",
    ),
)


def group(name: str, help: str) -> App:
    """A command group (`ziping queue …`) added to the app."""
    sub = App(help=help)
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
    list[str] | None,
    typer.Option(
        metavar=t("代码", "CODE"),
        help=t(
            "只运行这些规则：代码或前缀，逗号分隔，如 ZP2,ZP304",
            "run only these rules: codes or prefixes, e.g. ZP2,ZP304",
        ),
    ),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option(
        metavar=t("代码", "CODE"), help=t("不运行这些规则：代码或前缀", "skip these rules: codes or prefixes")
    ),
]
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        metavar=t("名称或路径", "NAME|PATH"),
        help=t(
            "评分标准：内置名称或 TOML 文件；不指定时按版式识别，否则为 standard",
            "scoring profile: a built-in name or a TOML file; by default the one the layout names, else standard",
        ),
    ),
]
LangOpt = Annotated[Lang, typer.Option(envvar="ZIPING_LANG", show_envvar=False, help=t("输出语言", "output language"))]

# The LLM options, for every command that talks to an endpoint.
LlmOpt = Annotated[
    bool | None,
    typer.Option(
        "--llm/--no-llm",
        help=t(
            "运行大模型叙述检查（会把表格内容发送到端点）",
            "run the LLM narrative checks (sends the forms to the endpoint)",
        ),
    ),
]
ModelOpt = Annotated[str | None, typer.Option(metavar=t("模型", "MODEL"), help=t("模型名称", "model name"))]
BaseUrlOpt = Annotated[
    str | None, typer.Option(metavar=t("地址", "URL"), help=t("OpenAI 兼容端点地址", "OpenAI-compatible endpoint URL"))
]
PresetOpt = Annotated[
    str | None,
    typer.Option(
        metavar=t("预设", "PRESET"),
        help=t("服务商预设，如 qwen、deepseek、ollama", "provider preset: qwen, deepseek, ollama …"),
    ),
]
ModeOpt = Annotated[
    str | None,
    typer.Option(
        metavar="json_schema|json_object|tools",
        help=t("结构化输出方式；不指定时自动选择", "structured-output mode; chosen automatically by default"),
    ),
]
ConcurrencyOpt = Annotated[
    int | None, typer.Option(metavar=t("数量", "N"), help=t("同时进行的请求数", "requests in flight"))
]
MaxTokensOpt = Annotated[
    int | None,
    typer.Option(metavar=t("数量", "N"), help=t("每次回答的最大 token 数", "the most tokens an answer may take")),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help=t("不使用大模型回答缓存", "bypass the LLM answer cache"))]

DEFAULT_DB = Path(".ziping") / "triage.db"  # = ziping.store.DEFAULT_DB, spelled here so --help imports nothing
DbOption = Annotated[
    Path, typer.Option("--db", metavar=t("路径", "PATH"), help=t("结果库（SQLite）路径", "the triage store (SQLite)"))
]

ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=t("覆盖已存在的输出文件（输入文件永不覆盖）", "overwrite existing output files (never an input)"),
    ),
]

NO_RULE = t(
    "没有规则代码为 {code} 的规则；运行 `ziping rules` 查看全部规则",
    "No rule has the code {code}; `ziping rules` lists them",
)
NO_PROFILE = t(
    "找不到评分标准 {name}；内置标准：{builtin}，也可给出 TOML 文件路径",
    "No profile named {name}; built in: {builtin}, or give the path of a TOML file",
)


def fail(message: str) -> typer.Exit:
    """Print a usage or setup error on stderr; raise the returned Exit (code 2)."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True).print(f"[red]ziping{say(COLON)}{escape(message)}[/]")
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
        raise fail(say(NO_RULE).format(code=exc)) from None
    except UnknownProfileError as exc:
        raise fail(say(NO_PROFILE).format(name=exc, builtin=", ".join(available()))) from None
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


def make_reviewer(ctx: typer.Context, settings, checker, use_cache: bool, show_progress: bool = True):
    """The run's LLM reviewer (closed with the command), or None when the LLM checks are off."""
    if not settings.enabled:
        return None
    from ziping.llm.batch import Reviewer

    selected = frozenset(r.code for r in checker.rules)
    reviewer = Reviewer(settings, selected, use_cache=use_cache, show_progress=show_progress)
    ctx.call_on_close(reviewer.close)
    return reviewer
