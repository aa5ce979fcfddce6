"""`ziping parse --format text`: the parsed forms as a reader checks them against the source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ziping.model import Form

if TYPE_CHECKING:
    from rich.console import Console


def render_parsed(forms: list[Form], console: Console) -> None:
    """Each form's header, funds, indicators and total, with source lines."""
    from rich.markup import escape
    from rich.table import Table

    for form in forms:
        h = form.header
        console.print(f"[bold]表 {form.index}：{escape(form.title)}[/] {h.project_code.raw if h.project_code else ''}")
        funds = form.funds
        if funds.total:
            t = funds.total
            console.print(
                f"  资金：全年预算数 {t.budget.raw if t.budget else '—'}，全年执行数 {t.executed.raw if t.executed else '—'}，"
                f"执行率 {funds.execution_rate.raw if funds.execution_rate else '—'}，得分 {funds.execution_score.raw if funds.execution_score else '—'}"
            )
        table = Table(box=None, pad_edge=False)
        for heading in ("行", "一级", "二级", "三级指标", "指标值", "实际值", "分值", "得分", "偏差说明"):
            table.add_column(heading)
        for ind in form.indicators:
            table.add_row(
                ind.location.describe() if ind.location else "",
                ind.level1,
                ind.level2,
                escape(ind.label),
                escape(ind.target.raw) if ind.target else "—",
                escape(ind.actual.raw) if ind.actual else "—",
                ind.weight.raw if ind.weight else "—",
                ind.score.raw if ind.score else "—",
                "有" if ind.note else "",
            )
        console.print(table)
        total = form.total
        console.print(f"  总分：{total.weight.raw if total.weight else '—'} / {total.score.raw if total.score else '—'}\n")
