"""The command line's own words in Chinese, or English with --lang en / ZIPING_LANG=en.

Help texts and metavars are written in both languages where they are declared, `t("中文", "English")`.
What typer's parser says by itself (usage lines, "Missing argument", "Invalid value for") is told again
from the parts of its exception, and help pages are drawn here, so nothing of the framework's English
reaches a reader of Chinese. `Command` and `Group` are the classes every command of the app is built
from; rich is imported only when a page or an error is drawn.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Sequence
from contextvars import ContextVar
from difflib import get_close_matches
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

ENV = "ZIPING_LANG"
LANG: ContextVar[str] = ContextVar("ziping_cli_lang", default="zh")
ENGLISH: dict[str, str] = {}  # each Chinese text → its English


def t(zh: str, en: str) -> str:
    """A help text or metavar in both catalogs: the Chinese, with its English recorded beside it."""
    key = inspect.cleandoc(zh)
    if ENGLISH.setdefault(key, en) != en:
        raise ValueError(f"{zh!r} is already translated as {ENGLISH[key]!r}, not {en!r}")
    return zh


def say(text: str | None) -> str:
    """A declared text in the language of this run."""
    if not text:
        return ""
    return ENGLISH.get(text, text) if LANG.get() == "en" else text


def current_lang() -> str:
    """The language of this run: "zh" or "en"."""
    return LANG.get()


def lang_of(args: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """The language a run asks for: --lang on the command line, else ZIPING_LANG, else Chinese."""
    for k, arg in enumerate(args):
        if arg == "--lang" and k + 1 < len(args):
            return "en" if args[k + 1].strip().lower() == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.partition("=")[2].strip().lower() == "en" else "zh"
    value = (os.environ if environ is None else environ).get(ENV, "")
    return "en" if value.strip().lower() == "en" else "zh"


COLON = t("：", ": ")
USAGE = t("用法：", "Usage: ")
OPTIONS_METAVAR = t("[选项]", "[OPTIONS]")
SUBCOMMAND_METAVAR = t("命令 [参数]...", "COMMAND [ARGS]...")
ARGUMENTS = t("参数：", "Arguments:")
OPTIONS = t("选项：", "Options:")
COMMANDS = t("命令：", "Commands:")
DEFAULT = t("默认：{value}", "default: {value}")
REQUIRED = t("必填", "required")
REPEATABLE = t("可重复", "repeatable")
HELP_OPTION = t("显示此帮助并退出", "Show this message and exit.")
TRY_HELP = t("运行 {command} --help 查看帮助。", "Try '{command} --help' for help.")
ERROR = t("错误：{message}", "Error: {message}")
ABORTED = t("已中止。", "Aborted.")
MISSING_ARGUMENT = t("缺少参数 {name}", "Missing argument {name}.")
MISSING_OPTION = t("缺少选项 {name}", "Missing option {name}.")
NO_SUCH_OPTION = t("没有选项 {name}", "No such option: {name}")
SIMILAR_OPTIONS = t("；相近的选项：{names}", " (similar options: {names})")
LIST_SEPARATOR = t("、", ", ")
NO_SUCH_COMMAND = t("没有命令 {name}", "No such command {name}.")
SIMILAR_COMMANDS = t("；是不是要用：{names}", " Did you mean {names}?")
MISSING_COMMAND = t("缺少命令；可用的命令见 --help", "Missing command; --help lists them.")
NEEDS_VALUE = t("选项 {name} 后面需要一个值", "Option {name} requires a value.")
TAKES_NO_VALUE = t("选项 {name} 不接受取值", "Option {name} does not take a value.")
EXTRA_ARGUMENTS = t("多余的参数：{args}", "Unexpected extra arguments: {args}")
BAD_VALUE = t("{name} 的值 {value} 无效：{reason}", "Invalid value {value} for {name}: {reason}")
CHOOSE_FROM = t("可选 {choices}", "choose from {choices}")
# The parser's fixed sentences that carry no parts to tell them from.
PARSER_MESSAGES = {"Missing command.": MISSING_COMMAND}


def _choices(param: Any, ctx: Any) -> list[str]:
    """The values a choice parameter takes, as typer shows them (<text|json>); empty for other types."""
    shown = param.display_type(ctx) if hasattr(param, "display_type") else ""
    inner = (shown or "").strip("<>")
    return inner.split("|") if "|" in inner and "[" not in inner else []


def _metavar(param: Any, ctx: Any) -> str:
    """What stands for a parameter's value in help and usage: its declared metavar, or its choices."""
    if param.metavar:
        return say(param.metavar)
    choices = _choices(param, ctx)
    return f"[{'|'.join(choices)}]" if choices else (param.name or "").upper()


def _name(param: Any, ctx: Any) -> str:
    """A parameter as an error names it: an option by its flags, an argument by its metavar."""
    if param.param_type_name == "argument":
        return _metavar(param, ctx)
    return " / ".join(param.opts)


def _flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def _default(param: Any) -> str:
    """The default as help shows it, or "" when there is none worth showing."""
    if param.param_type_name != "option" or _flag(param) or param.show_default is False:
        return ""
    value = param.default
    if value is None or value in ((), [], "") or callable(value):
        return ""
    value = getattr(value, "value", value)  # an enum member shows its value
    return say(DEFAULT).format(value=value)


def _usage(command: Any, ctx: Any) -> str:
    pieces = [ctx.command_path]
    if command.options_metavar:
        pieces.append(say(OPTIONS_METAVAR))
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = _metavar(param, ctx) + ("..." if param.nargs != 1 else "")
        pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, TyperGroup):
        pieces.append(say(SUBCOMMAND_METAVAR))
    return " ".join(pieces)


def _param_rows(command: Any, ctx: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    arguments, options = [], []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        notes = [n for n in (_default(param), say(REQUIRED) if param.required else "") if n]
        if param.param_type_name == "option" and getattr(param, "multiple", False):
            notes.append(say(REPEATABLE))
        help_text = say(getattr(param, "help", None) or "")
        if notes:
            help_text = f"{help_text}  [{'；'.join(notes) if LANG.get() == 'zh' else '; '.join(notes)}]".strip()
        if param.param_type_name == "argument":
            arguments.append((_metavar(param, ctx) + ("..." if param.nargs != 1 else ""), help_text))
            continue
        flags = ", ".join(sorted(param.opts, key=lambda o: (o.startswith("--"), o)))
        if param.secondary_opts:
            flags += " / " + ", ".join(param.secondary_opts)
        if not _flag(param):
            flags += " " + _metavar(param, ctx)
        options.append((flags, help_text))
    return arguments, options


def render_help(command: Any, ctx: Any) -> str:
    """A command's help page in the language of this run, wrapped to the terminal (CJK-aware)."""
    from io import StringIO
    from shutil import get_terminal_size

    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    width = min(get_terminal_size((100, 24)).columns, 100)
    out = StringIO()
    console = Console(file=out, width=width, color_system=None, highlight=False, markup=False, emoji=False)
    console.print(Text(say(USAGE) + _usage(command, ctx)))
    if command.help:
        console.print()
        console.print(Padding(Text(say(inspect.cleandoc(command.help))), (0, 0, 0, 2)))

    def section(title: str, rows: list[tuple[str, str]]) -> None:
        if not rows:
            return
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(ratio=1, overflow="fold")
        for left, right in rows:
            table.add_row(Text(left), Text(right))
        console.print()
        console.print(Text(say(title)))
        console.print(Padding(table, (0, 0, 0, 2)))

    arguments, options = _param_rows(command, ctx)
    section(ARGUMENTS, arguments)
    section(OPTIONS, options)
    if isinstance(command, TyperGroup):
        listed = [(name, cmd) for name, cmd in command.commands.items() if not cmd.hidden]
        section(COMMANDS, [(name, say(cmd.short_help or cmd.help or "")) for name, cmd in listed])
    return "\n".join(line.rstrip() for line in out.getvalue().rstrip("\n").splitlines())


def _exception_kinds(exc: BaseException) -> set[str]:
    # The parser's exception classes are private to typer; their names and attributes are what it documents.
    return {cls.__name__ for cls in type(exc).__mro__}


def error_message(exc: Any) -> str:
    """A usage error told in the language of this run, from the parts of typer's exception."""
    kinds, ctx = _exception_kinds(exc), getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    if "MissingParameter" in kinds and param is not None:
        template = MISSING_ARGUMENT if param.param_type_name == "argument" else MISSING_OPTION
        return say(template).format(name=_name(param, ctx))
    if "NoSuchOption" in kinds:
        message = say(NO_SUCH_OPTION).format(name=exc.option_name)
        if exc.possibilities:
            message += say(SIMILAR_OPTIONS).format(names=say(LIST_SEPARATOR).join(sorted(exc.possibilities)))
        return message
    if "BadOptionUsage" in kinds:
        option = next((p for p in ctx.command.get_params(ctx) if exc.option_name in p.opts), None) if ctx else None
        template = TAKES_NO_VALUE if option is not None and _flag(option) else NEEDS_VALUE
        return say(template).format(name=exc.option_name)
    if "BadParameter" in kinds and param is not None:
        return say(BAD_VALUE).format(name=_name(param, ctx), value=_bad_value(exc), reason=_reason(exc, param, ctx))
    message = exc.format_message()
    return say(PARSER_MESSAGES.get(message, message))


def _bad_value(exc: Any) -> str:
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    return repr(errors[0]["input"]) if errors and "input" in errors[0] else "—"


def _reason(exc: Any, param: Any, ctx: Any) -> str:
    from ziping.validation import problem

    choices = _choices(param, ctx)
    if choices:
        return say(CHOOSE_FROM).format(choices=say(LIST_SEPARATOR).join(choices))
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    return problem(errors[0], LANG.get()) if errors else say(exc.message)


def show_error(exc: Any) -> None:
    """Usage line, the error, and where help is, on stderr."""
    ctx = getattr(exc, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(say(USAGE) + _usage(ctx.command, ctx))
    lines.append(say(ERROR).format(message=error_message(exc)))
    if ctx is not None:
        lines.append(say(TRY_HELP).format(command=ctx.command_path))
    typer.echo("\n".join(lines), err=True)


class _Localised:
    """Help, usage and the parser's complaints in the run's language; mixed into typer's command classes."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(render_help(self, ctx) + "\n")

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write(say(USAGE) + _usage(self, ctx) + "\n")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Extra arguments are reported here, in the run's language, instead of by the parser in English.
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)  # type: ignore[misc]
        except typer.TyperException as exc:
            if getattr(exc, "ctx", "absent") is None:  # the option parser raises without the command's context
                exc.ctx = ctx
            raise
        finally:
            ctx.allow_extra_args = allowed
        if not allowed and ctx.args and not ctx.resilient_parsing:
            ctx.fail(say(EXTRA_ARGUMENTS).format(args=" ".join(ctx.args)))
        return rest


class Command(_Localised, TyperCommand):
    """A `ziping` command."""


class Group(_Localised, TyperGroup):
    """A group of `ziping` commands; the root one decides the language and shows usage errors."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            message = say(NO_SUCH_COMMAND).format(name=name)
            close = get_close_matches(name, list(self.commands))
            if close:
                message += say(SIMILAR_COMMANDS).format(names=say(LIST_SEPARATOR).join(close))
            ctx.fail(message)
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        args = list(sys.argv[1:] if args is None else args)
        token = LANG.set(lang_of(args))
        try:
            try:
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except typer.TyperException as exc:  # the parser's usage errors
                if not standalone_mode:
                    raise
                if "NoArgsIsHelpError" in _exception_kinds(exc):
                    typer.echo(exc.format_message())
                else:
                    show_error(exc)
                sys.exit(getattr(exc, "exit_code", 2))
            except typer.Abort:
                if not standalone_mode:
                    raise
                typer.echo(say(ABORTED), err=True)
                sys.exit(1)
            if standalone_mode:
                sys.exit(result if isinstance(result, int) else 0)
            return result
        finally:
            LANG.reset(token)
