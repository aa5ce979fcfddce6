"""`ziping rules`: the catalog, and one rule's documentation with its examples run live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ziping.findings import confidence_label
from ziping.rules.registry import Example, Rule

if TYPE_CHECKING:
    from rich.console import Console

HEADINGS = {
    "zh": {"what": "检查内容", "why": "为什么", "bad": "反例", "good": "正例", "fires": "结果", "quiet": "结果：不报告",
           "file": "（由读取器对整个文件报告）", "changes": "在示例表上修改", "none": "（不修改）",
           "severity": "级别", "confidence": "置信度", "sep": "："},
    "en": {"what": "What it checks", "why": "Why", "bad": "Bad example", "good": "Good example", "fires": "Result",
           "quiet": "Result: nothing reported", "file": "(reported by the readers for a whole file)",
           "changes": "Changes to the example form", "none": "(unchanged)", "severity": "severity", "confidence": "confidence",
           "sep": ": "},
}  # fmt: skip


def render_rules(rules: list[Rule], console: Console, lang: str = "zh") -> None:
    """The catalog, one rule a line (never cut to the terminal's width)."""
    from rich.markup import escape

    for rule in rules:
        console.print(f"{rule.code}  {rule.severity.label(lang):<4}  {rule.name:<32}  {escape(rule.title.get(lang))}")


def render_rule(rule: Rule, console: Console, lang: str = "zh") -> None:
    """One rule: 检查内容, 为什么, 反例, 正例 — the examples with what they produce."""
    from rich.markup import escape

    h = HEADINGS[lang]
    console.print(f"[bold]{rule.code} {rule.name}[/] — {escape(rule.title.get(lang))}")
    confidence = confidence_label(rule.confidence, lang)
    console.print(f"{h['severity']}{h['sep']}{rule.severity.label(lang)}   {h['confidence']}{h['sep']}{confidence}")
    console.print(f"\n[bold]{h['what']}[/]\n{escape(rule.what.get(lang))}")
    console.print(f"\n[bold]{h['why']}[/]\n{escape(rule.why.get(lang))}")
    if rule.scope == "file":
        console.print(f"\n{h['file']}")
        return
    for key, example in (("bad", rule.bad), ("good", rule.good)):
        if example is not None:
            _example(rule, example, h[key], console, lang)


def _example(rule: Rule, example: Example, heading: str, console: Console, lang: str) -> None:
    from rich.markup import escape

    from ziping.ruledocs import run_example

    h = HEADINGS[lang]
    console.print(f"\n[bold]{heading}[/]{h['sep']}{escape(example.explain.get(lang))}")
    console.print(f"  {h['changes']}{h['sep']}" + ("" if example.changes else h["none"]))
    for path, raw in example.changes.items():
        console.print(f"    {escape(path)} = {escape(repr(raw))}")
    findings = run_example(rule, example)
    if not findings:
        console.print(f"  {h['quiet']}")
    for finding in findings:
        console.print(f"  {h['fires']}{h['sep']}{escape(rule.message(finding, lang))}")
