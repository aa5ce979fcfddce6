"""The quality commands of the CLI: `ziping synth` and `ziping eval --corpus`. Thin, like cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

FORMATS = ("txt", "json", "xlsx", "pdf")


def synth_command(
    out: Annotated[Path, typer.Argument(help="输出文件夹 / folder to write the corpus into", show_default=False)],
    count: Annotated[int, typer.Option(min=1, help="表的数量 / number of forms")] = 2000,
    seed: Annotated[int, typer.Option(help="随机种子：相同种子生成相同文件 / same seed, same bytes")] = 1,
    formats: Annotated[str, typer.Option(help="输出格式，逗号分隔 / formats: txt,json,xlsx,pdf")] = ",".join(FORMATS),
) -> None:
    """生成带缺陷标注的合成自评表语料 / write a labelled corpus of synthetic forms with injected defects."""
    from ziping.cli import _fail
    from ziping.synth.generate import generate_corpus

    chosen = [f.strip().lower() for f in formats.replace("，", ",").split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        raise _fail(f"未知的格式：{', '.join(unknown) or formats}；可选 {', '.join(FORMATS)}")
    if out.exists() and any(out.iterdir()):
        raise _fail(f"{out} 不是空文件夹；语料只写入新的或空的文件夹 / {out} is not empty")
    summary = generate_corpus(out, count, seed, chosen)
    if summary.skipped:
        typer.echo(f"已跳过 {summary.skipped}", err=True)
    shares = "，".join(f"{fmt} {n}" for fmt, n in sorted(summary.by_format.items()))
    typer.echo(
        f"已生成 {summary.forms} 张表（{summary.files} 个文件：{shares}；无缺陷 {summary.clean} 张）到 {out}，"
        f"标注在 {out / 'labels.jsonl'}，用时 {summary.seconds:.1f} 秒 / "
        f"wrote {summary.forms} forms in {summary.files} files"
    )


def eval_corpus(corpus: Path, format: str) -> None:
    """Score the deterministic rules and the readers on a labelled corpus; table or JSON on stdout."""
    from ziping.cli import _fail
    from ziping.synth.evaluate import evaluate_corpus

    if not (corpus / "labels.jsonl").is_file():
        raise _fail(f"{corpus} 中没有 labels.jsonl；先运行 ziping synth {corpus} 生成语料")
    if format == "json":
        score = evaluate_corpus(corpus)
        sys.stdout.write(json.dumps(score.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console

    from ziping.reports.progress import BarProgress
    from ziping.synth.report import render

    bar = BarProgress()
    try:
        score = evaluate_corpus(corpus, progress=bar)
    finally:
        bar.close()
    render(score, Console(soft_wrap=True, highlight=False))


def eval_real(folder: Path, format: str) -> None:
    """Measure reading and checking on a folder of annotated real forms; table or JSON on stdout."""
    from ziping.cli import _fail
    from ziping.realforms import RealFormsError, evaluate_real, render_table

    try:
        score = evaluate_real(folder)
    except RealFormsError as exc:
        raise _fail(str(exc)) from None
    if format == "json":
        sys.stdout.write(json.dumps(score.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    typer.echo(render_table(score))
