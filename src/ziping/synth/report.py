"""`ziping eval --corpus` output: the per-rule table, the per-format reading table, and what they mean."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ziping.rules import REGISTRY
from ziping.synth.evaluate import CorpusScore

TARGET_PRECISION, TARGET_RECALL, TARGET_READING = 0.98, 0.95, 0.99


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _mark(value: float | None, target: float) -> str:
    if value is None:
        return "—"
    text = _ratio(value)
    return text if value >= target else f"[red]{text}[/]"


def rule_table(score: CorpusScore, formats: list[str], title: str, only_seen: bool = False) -> Table:
    """TP/FP/FN, precision and recall per rule code over the given formats."""
    table = Table(title=title, title_justify="left")
    for name, justify in (("规则 rule", "left"), ("名称 name", "left"), ("命中 TP", "right"), ("误报 FP", "right"),
                          ("漏报 FN", "right"), ("精确率 precision", "right"), ("召回率 recall", "right")):  # fmt: skip
        table.add_column(name, justify=justify)
    for code, tp, fp, fn, precision, recall in score.rows(formats):
        if only_seen and not (tp or fp or fn):
            continue
        table.add_row(
            code, REGISTRY[code].title.zh, str(tp), str(fp), str(fn),
            _mark(precision, TARGET_PRECISION), _mark(recall, TARGET_RECALL),
        )  # fmt: skip
    return table


def reading_table(score: CorpusScore) -> Table:
    """Per input format: the share of fields read back exactly."""
    table = Table(title="字段读取准确率 / fields read correctly", title_justify="left")
    for name in (
        "格式 format",
        "文件 files",
        "表 forms",
        "字段 fields",
        "读对 correct",
        "准确率 accuracy",
        "读错最多 most misread",
    ):
        table.add_column(name, justify="left" if name.startswith(("格式", "读错")) else "right")
    for fmt, r in sorted(score.reading.items()):
        target = TARGET_READING if fmt in score.formats() else 0.0
        misread = "，".join(f"{k} {n}" for k, n in r.wrong.most_common(3)) or "—"
        label = fmt if fmt in score.formats() else f"{fmt}（仅报告 reported）"
        table.add_row(
            label, str(r.files), str(r.forms), str(r.fields), str(r.correct), _mark(r.accuracy, target), misread
        )
    return table


def render(score: CorpusScore, console: Console) -> None:
    """The whole report for a terminal."""
    formats = score.formats()
    console.print(
        f"语料 {score.files} 个文件、{score.forms} 张表，用时 {score.seconds:.1f} 秒 / {score.files} files, {score.forms} forms"
    )
    console.print(rule_table(score, formats, f"各规则命中情况（{'、'.join(formats)}）/ per rule"))
    forms, flagged, codes = score.clean(formats)
    shown = "，".join(f"{c} {n}" for c, n in sorted(codes.items())) or "无"
    console.print(
        f"无缺陷的表 {forms} 张，其中出现警告或错误的 {flagged} 张（{shown}）/ clean forms with a warning or error: {flagged} of {forms}"
    )
    negatives = "，".join(f"{k} {score.negatives_flagged[k]}/{n}" for k, n in sorted(score.negatives.items())) or "无"
    console.print(f"看似缺陷而不是缺陷的字段（被误报数/总数）/ negative controls flagged: {negatives}")
    console.print(reading_table(score))
    reported = score.formats(pdf=True)
    if reported:
        console.print(
            rule_table(score, reported, f"{'、'.join(reported)}（仅报告，不计入目标）/ reported only", only_seen=True)
        )
        forms, flagged, _ = score.clean(reported)
        console.print(f"{'、'.join(reported)}：无缺陷的表 {forms} 张，出现警告或错误的 {flagged} 张")
    console.print(
        "命中 = 注入的缺陷被对应规则在对应字段报出；误报 = 没有注入缺陷的字段被报出；漏报 = 注入的缺陷未被报出。"
        "精确率 = 命中 ÷ (命中 + 误报)，召回率 = 命中 ÷ (命中 + 漏报)；红色为未达目标（精确率 0.98、召回率 0.95、读取 0.99）。"
    )
