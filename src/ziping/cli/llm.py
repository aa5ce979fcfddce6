"""`ziping llm ping`, `ziping cache clear`, `ziping eval`: the endpoint, its answer cache, and how well checks score."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import BaseUrlOpt, ModelOpt, ModeOpt, NoCacheOpt, PresetOpt, app, fail, group, llm_settings, say, t

GOLD_OR_CORPUS = t(
    "请给出 --gold（大模型检查）、--corpus（确定性规则）或 --real（真实表格）之一",
    "give --gold (the LLM checks), --corpus (the rules) or --real (real forms)",
)
NO_LABELS = t(
    "{corpus} 中没有 labels.jsonl；先运行 ziping synth {corpus} 生成语料",
    "{corpus} holds no labels.jsonl; make the corpus with ziping synth {corpus} first",
)

llm_app = group("llm", t("大模型端点", "The LLM endpoint."))
cache_app = group("cache", t("大模型回答缓存", "The LLM answer cache."))


@llm_app.command("ping", help=t("用一次极小的结构化调用检查端点", "One tiny structured call to check the endpoint."))
def ping_command(
    model: ModelOpt = None, base_url: BaseUrlOpt = None, preset: PresetOpt = None, mode: ModeOpt = None
) -> None:
    from ziping.llm.client import LLMError
    from ziping.llm.ping import ping

    settings = llm_settings(required=True, model=model, base_url=base_url, preset=preset, mode=mode)
    try:
        result = ping(settings)
    except LLMError as exc:
        raise fail(exc.zh) from None
    usage = result.usage
    tokens = f"{usage.prompt_tokens}/{usage.completion_tokens}" + ("（估算）" if usage.estimated else "")
    typer.echo(
        f"端点可用：{settings.endpoint()}，模型 {settings.model}，结构化方式 {result.mode}，"
        f"耗时 {result.seconds:.2f} 秒，输入/输出 token {tokens}" + ("" if result.echo_ok else "（回答内容与要求不符）")
    )


@cache_app.command("clear", help=t("清空大模型回答缓存", "Remove every cached LLM answer."))
def cache_clear() -> None:
    from ziping.llm.cache import AnswerCache, default_path

    if not default_path().exists():
        typer.echo("缓存为空")
        return
    cache = AnswerCache()
    removed = cache.clear()
    cache.close()
    typer.echo(f"已清除 {removed} 条缓存的回答（{cache.path}）")


class EvalFormat(StrEnum):
    table = "table"
    json = "json"


@app.command(
    "eval",
    help=t(
        "评估检查的精确率与召回率：--gold 评估大模型检查，--corpus 评估确定性规则和读取，--real 评估真实表格的读取与检查",
        "Precision and recall per code: --gold for the LLM checks, --corpus for the rules and readers, --real for "
        "reading and checking real forms.",
    ),
)
def eval_command(
    gold: Annotated[
        Path | None,
        typer.Option(
            metavar=t("文件夹", "DIR"), help=t("大模型检查：标注文件所在文件夹", "LLM checks: the folder of gold files")
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar=t("文件夹", "DIR"),
            help=t("确定性规则：ziping synth 生成的带标注语料", "deterministic rules: a corpus made by ziping synth"),
        ),
    ] = None,
    real: Annotated[
        Path | None,
        typer.Option(
            metavar=t("文件夹", "DIR"),
            help=t(
                "读取与检查：带人工标注的真实表格文件夹（NN.txt + NN.json + expected_codes.json）",
                "reading and checks: a folder of annotated real forms (NN.txt + NN.json + expected_codes.json)",
            ),
        ),
    ] = None,
    format: Annotated[
        EvalFormat,
        typer.Option("--format", "-f", help=t("--corpus 和 --real 的输出格式", "the output of --corpus and --real")),
    ] = EvalFormat.table,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
    mode: ModeOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    if sum(x is not None for x in (gold, corpus, real)) != 1:
        raise fail(say(GOLD_OR_CORPUS))
    if corpus is not None:
        _eval_corpus(corpus, format)
        return
    if real is not None:
        _eval_real(real, format)
        return
    from ziping.llm.cache import AnswerCache
    from ziping.llm.evaluate import GoldError, evaluate

    settings = llm_settings(required=True, model=model, base_url=base_url, preset=preset, mode=mode)
    cache = None if no_cache else AnswerCache()
    try:
        score, run = evaluate(gold, settings, cache)
    except GoldError as exc:
        raise fail(str(exc)) from None
    finally:
        if cache:
            cache.close()
    typer.echo("| 代码 | 命中 | 误报 | 漏报 | 精确率 | 召回率 |")
    typer.echo("|---|---:|---:|---:|---:|---:|")
    for code, tp, fp, fn, precision, recall in score.rows():
        p = f"{precision:.2f}" if precision is not None else "—"
        r = f"{recall:.2f}" if recall is not None else "—"
        typer.echo(f"| {code} | {tp} | {fp} | {fn} | {p} | {r} |")
    typer.echo(f"{run.reviewed}/{run.forms} 张表完成检查；{run.reason_zh or ''}".rstrip("；"))


def _eval_real(folder: Path, format: EvalFormat) -> None:
    """Reading and checking measured on a folder of annotated real forms; no model runs."""
    from ziping.realforms import RealFormsError, evaluate_real, render_table

    try:
        score = evaluate_real(folder)
    except RealFormsError as exc:
        raise fail(str(exc)) from None
    if format is EvalFormat.json:
        import json

        sys.stdout.write(json.dumps(score.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    typer.echo(render_table(score))


def _eval_corpus(corpus: Path, format: EvalFormat) -> None:
    """The deterministic rules and the readers scored on a labelled corpus; no model runs, none is imported."""
    from ziping.synth.evaluate import evaluate_corpus

    if not (corpus / "labels.jsonl").is_file():
        raise fail(say(NO_LABELS).format(corpus=corpus))
    if format is EvalFormat.json:
        import json

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
