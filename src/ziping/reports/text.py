"""The text report: findings grouped per form, errors first, with the figures behind them.

Each line is built once as pieces of text with their styles; rich draws them on a terminal, and anywhere
else (a pipe, a file) they are written plainly: the same words and layout without the styling.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING

from ziping.checks import FileResult, FormResult, tally_file
from ziping.findings import Finding
from ziping.reports.contract import llm_line
from ziping.reports.output import notice
from ziping.rules import REGISTRY
from ziping.rules.common import fmt
from ziping.scoring import num

if TYPE_CHECKING:
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
        "unscored": "本表没有分值和得分（无此栏或未填写），得分类检查未进行",
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
        "unscored": "this form has no weights or scores (no such columns, or left empty): score checks were not run",
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


# A line of the report: pieces of text, each with the rich style it has on a terminal (None: plain).
Line = list[tuple[str, str | None]]


def _finding_lines(finding: Finding, lang: str) -> list[Line]:
    rule = REGISTRY[finding.code]
    w = WORDS[lang]
    where = finding.location.describe(lang) if finding.location else ""
    head: Line = [("  ", None), (f"{finding.severity.label(lang)} {finding.code}", STYLE[finding.severity.value])]
    head.append((" " + rule.message(finding, lang), None))
    if where:
        head += [(" ", None), (w["aside"].format(where).strip(), "dim")]
    lines = [head]
    if formula := rule.formula(finding, lang):
        lines.append([("      ", None), (f"{w['formula']}{w['sep']}{formula}", "dim")])
    return lines


def _figures_line(result: FormResult, lang: str) -> Line:
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
    return [("    " + w["semicolon"].join(parts), None)]


def form_lines(path: str, result: FormResult, lang: str = "zh") -> list[Line]:
    """One checked form as the report shows it: its heading, figures and findings, then a blank line."""
    w = WORDS[lang]
    form, fig = result.form, result.figures
    code = form.header.project_code.raw if form.header.project_code else ""
    year = form.header.year.raw if form.header.year else ""
    where = form.location.describe(lang) if form.location else ""
    heading: Line = [(path, "bold"), (f" {w['form']} {form.index} · ", None), (form.title, "bold")]
    heading += [(f" {code} {year} ", None), (where, "dim")]
    lines = [heading, _figures_line(result, lang)]
    if fig.profile.name != "standard":
        lines.append(
            [("    ", None), (f"{w['profile']}{w['sep']}{fig.profile.description or fig.profile.name}", "dim")]
        )
    if not fig.scored:
        lines.append([("    ", None), (w["unscored"], "dim")])
    if not result.findings:
        lines.append([("  ", None), (w["clean"], "green")])
    for finding in result.findings:
        lines += _finding_lines(finding, lang)
    return [*lines, []]


def file_lines(result: FileResult, lang: str = "zh") -> list[Line]:
    """What the report says of a file once its forms are written: why it was skipped or could not be read."""
    w = WORDS[lang]
    if result.skipped is not None:
        return [[(notice(result, None, lang), "dim")], []]
    if result.error is not None:
        return [[(result.path, "bold"), (" ", None), (w["file_error"], "red")], *_finding_lines(result.error, lang)]
    return []


def summary_lines(counts: Counter[str], lang: str = "zh", llm: LLMRun | None = None) -> list[Line]:
    """The batch's last lines: counts by severity, unreadable and skipped files, what the LLM layer did."""
    w = WORDS[lang]
    summary = w["summary"].format(**{k: counts[k] for k in ("files", "forms", "error", "warning", "info")})
    if counts["unreadable"]:
        summary += w["unreadable"].format(unreadable=counts["unreadable"])
    if counts["skipped"]:
        summary += w["skipped"].format(skipped=counts["skipped"])
    return [[(summary, None)], [(llm_line(llm, lang), "dim")]]


def render(
    results: Iterable[FileResult], out: IO[str], lang: str = "zh", llm: LLMRun | None = None, styled: bool | None = None
) -> Counter[str]:
    """Write each form as soon as it is checked; returns counts by severity.

    Styled by rich on a terminal (or where FORCE_COLOR asks for colour); anywhere else the same lines are
    written plainly, which costs a fraction of rich's rendering.
    """
    if styled is None:
        styled = out.isatty() or bool(os.environ.get("FORCE_COLOR"))
    write = _styled_writer(out) if styled else _plain_writer(out)
    counts: Counter[str] = Counter()
    for result in results:
        for form in result.counted(counts).stream():
            write(form_lines(result.path, form, lang))
        tally_file(counts, result)
        write(file_lines(result, lang))
    write(summary_lines(counts, lang, llm))
    return counts


def _plain_writer(out: IO[str]) -> Callable[[list[Line]], None]:
    def write(lines: list[Line]) -> None:
        out.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        out.flush()

    return write


def _styled_writer(out: IO[str]) -> Callable[[list[Line]], None]:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, soft_wrap=True, highlight=False)

    def write(lines: list[Line]) -> None:
        for line in lines:
            console.print(Text.assemble(*line))

    return write
