"""`ziping synth`: a labelled corpus of synthetic forms with injected defects (scored by `ziping eval --corpus`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import app, current_lang, fail, say, t

FORMATS = ("txt", "json", "xlsx", "pdf")
UNKNOWN_FORMAT = t("未知的格式：{unknown}；可选 {known}", "unknown format: {unknown}; choose from {known}")
NOT_EMPTY = t(
    "{out} 不是空文件夹；语料只写入新的或空的文件夹", "{out} is not empty; a corpus goes into a new or empty folder"
)


@app.command(
    "synth",
    help=t(
        "生成带缺陷标注的合成自评表语料（供 ziping eval --corpus 评估）",
        "Write a labelled corpus of synthetic forms with injected defects (for ziping eval --corpus).",
    ),
)
def synth_command(
    out: Annotated[
        Path,
        typer.Argument(
            metavar=t("文件夹", "DIR"),
            help=t("写入语料的文件夹（新的或空的）", "a new or empty folder"),
            show_default=False,
        ),
    ],
    count: Annotated[int, typer.Option(min=1, metavar=t("数量", "N"), help=t("表的数量", "number of forms"))] = 2000,
    seed: Annotated[
        int, typer.Option(metavar=t("整数", "N"), help=t("随机种子：相同种子生成相同文件", "same seed, same bytes"))
    ] = 1,
    formats: Annotated[
        str, typer.Option(metavar=t("格式", "FORMATS"), help=t("输出格式，逗号分隔", "formats, comma-separated"))
    ] = ",".join(FORMATS),
) -> None:
    from ziping.synth.generate import generate_corpus

    chosen = [f.strip().lower() for f in formats.replace("，", ",").split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        raise fail(say(UNKNOWN_FORMAT).format(unknown=", ".join(unknown) or formats, known=", ".join(FORMATS)))
    if out.exists() and any(out.iterdir()):
        raise fail(say(NOT_EMPTY).format(out=out))
    summary = generate_corpus(out, count, seed, chosen)
    if summary.skipped:
        typer.echo(f"已跳过 {summary.skipped}", err=True)
    typer.echo(summary.describe(current_lang()))
