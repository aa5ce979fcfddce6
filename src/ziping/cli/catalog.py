"""`ziping rules`, `ziping schema`, `ziping template`: what ziping ships, asked for without checking a form."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import Lang, LangOpt, app, fail, t


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
        raise fail(f"没有规则代码为 {code} 的规则；运行 `ziping rules` 查看全部规则")
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
) -> None:
    from ziping.template import TemplateExistsError, write_template

    if out.suffix.lower() != ".xlsx":
        raise fail(f"模板只能保存为 .xlsx 文件：{out}")
    try:
        write_template(out)
    except TemplateExistsError:
        raise fail(f"{out} 已存在，不会覆盖；请换一个文件名或先删除它") from None
    except OSError as exc:
        raise fail(f"无法写入 {out}（{exc.strerror}）") from None
    sys.stdout.write(f"已写出空白自评表：{out}（填写后运行 ziping check {out}）\n")
