"""`ziping parse --format text`: the parsed forms as a reader checks them against the source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ziping.model import Form
from ziping.rules.common import shown

if TYPE_CHECKING:
    from rich.console import Console

    from ziping.readers import ReadResult


def render_parsed(forms: list[Form], console: Console) -> None:
    """Each form's header, funds, indicators and total, with source lines."""
    from rich.markup import escape

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
        for ind in form.indicators:
            where = ind.location.describe() if ind.location else ""
            console.print(
                f"  [dim]{where}[/] {ind.level1}/{ind.level2} [bold]{escape(ind.label)}[/]："
                f"指标值 {escape(shown(ind.target))}，实际值 {escape(shown(ind.actual))}，"
                f"分值 {shown(ind.weight)}，得分 {shown(ind.score)}"
            )
            if ind.note:
                console.print(f"      偏差说明：{escape(ind.note.raw)}")
        if form.placeholders:
            console.print("  未使用的模板行：" + "、".join(p.level2 for p in form.placeholders))
        total = form.total
        console.print(
            f"  总分：{total.weight.raw if total.weight else '—'} / {total.score.raw if total.score else '—'}\n"
        )


def parsed_json(result: ReadResult) -> dict:
    """`ziping parse --format json`: the forms read from one file; itself valid input to `check`."""
    from ziping.model import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "files": [
            {
                "path": result.path,
                "encoding": result.encoding,
                "forms": [f.model_dump(mode="json") for f in result.forms],
            }
        ],
    }
