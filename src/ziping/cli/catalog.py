"""`ziping rules`, `ziping schema`, `ziping template`: what ziping ships, asked for without checking a form."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import NO_RULE, ForceOpt, Lang, LangOpt, app, current_lang, fail, say, t


@app.command(
    help=t("列出全部规则，或解释一条规则并运行它的示例", "List the rules, or explain one and run its examples.")
)
def rules(
    code: Annotated[
        str | None,
        typer.Argument(
            metavar=t("代码", "CODE"), help=t("规则代码，如 ZP304", "a rule code, e.g. ZP304"), show_default=False
        ),
    ] = None,
    lang: LangOpt = Lang.zh,
) -> None:
    from rich.console import Console

    from ziping.reports.ruledoc import render_rule, render_rules
    from ziping.rules import REGISTRY, select

    console = Console(soft_wrap=True, highlight=False)
    if code is None:
        render_rules(select(), console, lang.value)
        return
    rule = REGISTRY.get(code.strip().upper())
    if rule is None:
        raise fail(say(NO_RULE).format(code=code))
    render_rule(rule, console, lang.value)


@app.command(help=t("输出自评表数据模型的 JSON Schema", "Print the JSON Schema of the form model."))
def schema() -> None:
    import json

    from ziping.model import Form

    sys.stdout.write(json.dumps(Form.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command(
    help=t(
        "写出空白自评表（.xlsx，含数据验证和批注），填写后用 check 检查",
        "Write a blank form workbook (data validation, comments) to fill in and check.",
    )
)
def template(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar=t("路径", "PATH"),
            help=t("要写出的 .xlsx 文件", "the workbook to write"),
            show_default=False,
        ),
    ],
    force: ForceOpt = False,
) -> None:
    from ziping.files import OutputError, claim
    from ziping.template import write_template

    if out.suffix.lower() != ".xlsx":
        raise fail(say(NOT_XLSX).format(out=out))
    try:
        claim(out, force=force)
        write_template(out, overwrite=force)
    except OutputError as exc:
        raise fail(exc.say(current_lang())) from None
    except OSError as exc:
        from ziping.files import os_reason

        raise fail(say(CANNOT_WRITE).format(out=out, reason=os_reason(exc, out)[current_lang() == "en"])) from None
    sys.stdout.write(say(WROTE_TEMPLATE).format(out=out) + "\n")


NOT_XLSX = t("模板只能保存为 .xlsx 文件：{out}", "The template is an .xlsx file: {out}")
CANNOT_WRITE = t("无法写入 {out}（{reason}）", "Cannot write {out} ({reason})")
WROTE_TEMPLATE = t(
    "已写出空白自评表：{out}（填写后运行 ziping check {out}）",
    "Wrote a blank form: {out} (fill it in, then ziping check {out})",
)
