"""`ziping synth`: a labelled corpus of synthetic forms with injected defects (scored by `ziping eval --corpus`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import app, fail

FORMATS = ("txt", "json", "xlsx", "pdf")


@app.command("synth")
def synth_command(
    out: Annotated[Path, typer.Argument(help="输出文件夹 / folder to write the corpus into", show_default=False)],
    count: Annotated[int, typer.Option(min=1, help="表的数量 / number of forms")] = 2000,
    seed: Annotated[int, typer.Option(help="随机种子：相同种子生成相同文件 / same seed, same bytes")] = 1,
    formats: Annotated[str, typer.Option(help="输出格式，逗号分隔 / formats: txt,json,xlsx,pdf")] = ",".join(FORMATS),
) -> None:
    """生成带缺陷标注的合成自评表语料 / write a labelled corpus of synthetic forms with injected defects."""
    from ziping.synth.generate import generate_corpus

    chosen = [f.strip().lower() for f in formats.replace("，", ",").split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        raise fail(f"未知的格式：{', '.join(unknown) or formats}；可选 {', '.join(FORMATS)}")
    if out.exists() and any(out.iterdir()):
        raise fail(f"{out} 不是空文件夹；语料只写入新的或空的文件夹 / {out} is not empty")
    summary = generate_corpus(out, count, seed, chosen)
    if summary.skipped:
        typer.echo(f"已跳过 {summary.skipped}", err=True)
    shares = "，".join(f"{fmt} {n}" for fmt, n in sorted(summary.by_format.items()))
    typer.echo(
        f"已生成 {summary.forms} 张表（{summary.files} 个文件：{shares}；无缺陷 {summary.clean} 张）到 {out}，"
        f"标注在 {out / 'labels.jsonl'}，用时 {summary.seconds:.1f} 秒 / "
        f"wrote {summary.forms} forms in {summary.files} files"
    )
