"""The LLM commands of the CLI: `ziping llm ping`, `ziping cache clear`, `ziping eval` (whose --corpus lives in cli_quality). Thin, like cli.py."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

llm_app = typer.Typer(help="大模型端点 / the LLM endpoint", no_args_is_help=True)
cache_app = typer.Typer(help="大模型回答缓存 / the LLM answer cache", no_args_is_help=True)

# The LLM options, declared once for every command that talks to an endpoint.
LlmOpt = Annotated[
    bool | None, typer.Option("--llm/--no-llm", help="运行大模型叙述检查（会把表格内容发送到端点）/ LLM checks")
]
ModelOpt = Annotated[str | None, typer.Option(help="模型名称 / model name")]
BaseUrlOpt = Annotated[str | None, typer.Option(help="OpenAI 兼容端点地址 / endpoint base URL")]
PresetOpt = Annotated[str | None, typer.Option(help="服务商预设 / provider preset")]
ModeOpt = Annotated[str | None, typer.Option(help="结构化输出方式 / json_schema|json_object|tools")]
ConcurrencyOpt = Annotated[int | None, typer.Option(help="同时进行的请求数 / requests in flight")]
MaxTokensOpt = Annotated[int | None, typer.Option(help="每次回答的最大 token 数 / max tokens an answer may take")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="不使用大模型回答缓存 / bypass the cache")]


def _settings(**flags):
    from ziping.cli import _fail
    from ziping.llm.batch import LLMSetupError, check_ready, load_settings

    try:
        settings = load_settings(**flags)
        check_ready(settings)
    except LLMSetupError as exc:
        raise _fail(str(exc)) from None
    return settings


def _llm_failure(exc) -> typer.Exit:
    from ziping.cli import _fail

    return _fail(exc.zh)


@llm_app.command("ping")
def ping_command(
    model: ModelOpt = None, base_url: BaseUrlOpt = None, preset: PresetOpt = None, mode: ModeOpt = None
) -> None:
    """用一次极小的结构化调用检查端点 / one tiny structured call to check the endpoint."""
    from ziping.llm.client import LLMError
    from ziping.llm.ping import ping

    settings = _settings(model=model, base_url=base_url, preset=preset, mode=mode)
    try:
        result = ping(settings)
    except LLMError as exc:
        raise _llm_failure(exc) from None
    usage = result.usage
    tokens = f"{usage.prompt_tokens}/{usage.completion_tokens}" + ("（估算）" if usage.estimated else "")
    typer.echo(
        f"端点可用：{settings.endpoint()}，模型 {settings.model}，结构化方式 {result.mode}，"
        f"耗时 {result.seconds:.2f} 秒，输入/输出 token {tokens}" + ("" if result.echo_ok else "（回答内容与要求不符）")
    )


@cache_app.command("clear")
def cache_clear() -> None:
    """清空大模型回答缓存 / remove every cached LLM answer."""
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


def eval_command(
    gold: Annotated[
        Path | None, typer.Option(help="大模型检查：标注文件所在文件夹 / LLM checks: folder of gold files")
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(help="确定性规则：ziping synth 生成的带标注语料 / deterministic rules: a labelled corpus"),
    ] = None,
    format: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="--corpus 的输出格式 / output of --corpus")
    ] = EvalFormat.table,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
    mode: ModeOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """评估检查的准确率与召回率：--gold 评估大模型检查，--corpus 评估确定性规则和读取 / precision and recall per code."""
    from ziping.cli import _fail

    if (gold is None) == (corpus is None):
        raise _fail("请给出 --gold（大模型检查）或 --corpus（确定性规则）之一 / give --gold or --corpus")
    if corpus is not None:
        # The corpus evaluation runs no model: nothing of the LLM layer is imported on this path.
        from ziping.cli_quality import eval_corpus

        eval_corpus(corpus, format.value)
        return
    from ziping.llm.cache import AnswerCache
    from ziping.llm.evaluate import GoldError, evaluate

    settings = _settings(model=model, base_url=base_url, preset=preset, mode=mode)
    cache = None if no_cache else AnswerCache()
    try:
        score, run = evaluate(gold, settings, cache)
    except GoldError as exc:
        raise _fail(str(exc)) from None
    finally:
        if cache:
            cache.close()
    typer.echo("| 代码 | 命中 | 误报 | 漏报 | 准确率 | 召回率 |")
    typer.echo("|---|---:|---:|---:|---:|---:|")
    for code, tp, fp, fn, precision, recall in score.rows():
        p = f"{precision:.2f}" if precision is not None else "—"
        r = f"{recall:.2f}" if recall is not None else "—"
        typer.echo(f"| {code} | {tp} | {fp} | {fn} | {p} | {r} |")
    typer.echo(f"{run.reviewed}/{run.forms} 张表完成检查；{run.reason_zh or ''}".rstrip("；"))
