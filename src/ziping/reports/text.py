"""The terminal report: findings grouped per form, errors first, with the figures behind them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ziping.checks import FileResult, FormResult, tally
from ziping.findings import Finding
from ziping.reports.contract import llm_line
from ziping.reports.output import notice
from ziping.rules import REGISTRY
from ziping.rules.common import fmt
from ziping.scoring import num

if TYPE_CHECKING:
    from rich.console import Console

    from ziping.llm.run import LLMRun

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
WORDS = {
    "zh": {
        "form": "表",
        "file_error": "无法检查",
        "rate": "预算执行率",
        "score": "得分",
        "total": "总分",
        "declared": "填报",
        "computed": "复核",
        "formula": "计算",
        "clean": "未发现问题",
        "unscored": "本表没有分值和得分栏，得分类检查未进行",
        "profile": "评分标准",
        "summary": "共 {files} 个文件、{forms} 张表：错误 {error}，警告 {warning}，提示 {info}",
        "unreadable": "；{unreadable} 个文件无法读取",
        "skipped": "；另跳过 {skipped} 个不是自评表的文件",
        "sep": "：",
        "aside": "（{}）",
        "comma": "，",
        "semicolon": "；",
    },
    "en": {
        "form": "form",
        "file_error": "cannot be checked",
        "rate": "execution rate",
        "score": "score",
        "total": "total",
        "declared": "declared",
        "computed": "recomputed",
        "formula": "formula",
        "clean": "no findings",
        "unscored": "this form has no weight or score columns: score checks were not run",
        "profile": "profile",
        "summary": "{files} file(s), {forms} form(s): {error} error(s), {warning} warning(s), {info} info",
        "unreadable": "; {unreadable} file(s) could not be read",
        "skipped": "; {skipped} file(s) that are not forms skipped",
        "sep": ": ",
        "aside": " ({})",
        "comma": ", ",
        "semicolon": "; ",
    },
}


def _finding_lines(finding: Finding, lang: str) -> list[str]:
    from rich.markup import escape

    rule = REGISTRY[finding.code]
    where = finding.location.describe(lang) if finding.location else ""
    head = f"  [{STYLE[finding.severity.value]}]{finding.severity.label(lang)} {finding.code}[/] "
    lines = [
        head
        + escape(rule.message(finding, lang))
        + (f" [dim]{WORDS[lang]['aside'].format(where).strip()}[/]" if where else "")
    ]
    if formula := rule.formula(finding, lang):
        lines.append(f"      [dim]{WORDS[lang]['formula']}{WORDS[lang]['sep']}{escape(formula)}[/]")
    return lines


def _figures_line(result: FormResult, lang: str) -> str:
    w = WORDS[lang]
    form, fig = result.form, result.figures
    parts = []
    if fig.execution_rate is not None:
        rate = form.funds.execution_rate.raw if form.funds.execution_rate else "—"
        score = form.funds.execution_score.raw if form.funds.execution_score else "—"
        parts.append(
            f"{w['rate']} {fmt(fig.execution_rate)}%{w['aside'].format(w['declared'] + ' ' + rate)}{w['comma']}"
            f"{w['score']} {fmt(fig.execution_score)}{w['aside'].format(w['declared'] + ' ' + score)}"
        )
    if fig.total_score is not None:
        declared = f"{fmt(num(form.total.score))} / {fmt(num(form.total.weight), 0)}" if form.total.score else "—"
        parts.append(
            f"{w['total']} {w['computed']} {fmt(fig.total_score)} / {fmt(fig.total_weight, 0)}"
            + w["aside"].format(f"{w['declared']} {declared}")
        )
    return "    " + w["semicolon"].join(parts)


def render(
    results: Iterable[FileResult], console: Console, lang: str = "zh", llm: LLMRun | None = None
) -> Counter[str]:
    """Print each file as it comes; returns counts by severity."""
    from rich.markup import escape

    w = WORDS[lang]
    counts: Counter[str] = Counter()
    for result in results:
        tally(counts, result)
        if result.skipped is not None:
            console.print(f"[dim]{escape(notice(result, None, lang))}[/]\n")
            continue
        if result.error is not None:
            console.print(f"[bold]{escape(result.path)}[/] [red]{w['file_error']}[/]")
            console.print(*_finding_lines(result.error, lang), sep="\n")
            continue
        for form_result in result.forms:
            form = form_result.form
            code = form.header.project_code.raw if form.header.project_code else ""
            year = form.header.year.raw if form.header.year else ""
            where = form.location.describe(lang) if form.location else ""
            console.print(
                f"[bold]{escape(result.path)}[/] {w['form']} {form.index} · [bold]{escape(form.title)}[/]"
                f" {escape(code)} {escape(year)} [dim]{where}[/]"
            )
            console.print(_figures_line(form_result, lang))
            if form_result.figures.profile.name != "standard":
                console.print(
                    f"    [dim]{w['profile']}{w['sep']}{escape(form_result.figures.profile.description or form_result.figures.profile.name)}[/]"
                )
            if not form_result.figures.scored:
                console.print(f"    [dim]{w['unscored']}[/]")
            if not form_result.findings:
                console.print(f"  [green]{w['clean']}[/]")
            for finding in form_result.findings:
                console.print(*_finding_lines(finding, lang), sep="\n")
            console.print()
    summary = w["summary"].format(**{k: counts[k] for k in ("files", "forms", "error", "warning", "info")})
    if counts["unreadable"]:
        summary += w["unreadable"].format(unreadable=counts["unreadable"])
    if counts["skipped"]:
        summary += w["skipped"].format(skipped=counts["skipped"])
    console.print(summary)
    console.print(f"[dim]{escape(llm_line(llm, lang))}[/]")
    return counts
