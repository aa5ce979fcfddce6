"""The triage queue as XLSX, CSV, JSON and HTML: one writer per format, all fed the same rows.

Every export holds the same columns (COLUMNS) with the same values (`values`), in rank order.
openpyxl and jinja2 are imported inside their writers: only the formats asked for are loaded.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ziping import __version__
from ziping.triage import QueueRow

# (key, Chinese header, English header), in the order every export shows them.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("rank", "序号", "rank"),
    ("form_id", "编号", "ID"),
    ("risk", "风险分", "risk"),
    ("explanation", "风险说明", "why this risk"),
    ("project_code", "项目编码", "project code"),
    ("project_name", "项目名称", "project name"),
    ("unit", "实施单位", "implementing unit"),
    ("year", "年度", "year"),
    ("file", "文件", "file"),
    ("form_index", "表序", "form"),
    ("declared_total", "填报总分", "declared total"),
    ("computed_total", "复核总分", "recomputed total"),
    ("declared_grade", "填报等级", "declared grade"),
    ("computed_grade", "复核等级", "recomputed grade"),
    ("errors", "错误", "errors"),
    ("warnings", "警告", "warnings"),
    ("infos", "提示", "info"),
    ("top1", "主要问题一", "top finding 1"),
    ("top2", "主要问题二", "top finding 2"),
    ("top3", "主要问题三", "top finding 3"),
    ("llm_status", "大模型检查", "LLM checks"),
    ("status_label", "审阅状态", "review status"),
    ("note", "审阅备注", "review note"),
    # Last, so the columns before it keep their places for readers that count them.
    ("duplicates", "内容相同的文件", "same content as"),
)
FINDING_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("rank", "序号", "rank"),
    ("form_id", "编号", "ID"),
    ("project_name", "项目名称", "project name"),
    ("code", "代码", "code"),
    ("severity_label", "级别", "severity"),
    ("field", "字段", "field"),
    ("declared", "填报值", "declared"),
    ("expected", "复核值", "expected"),
    ("where", "位置", "where"),
    ("message", "问题说明", "message"),
)
WORDS = {
    "zh": {
        "queue": "审核队列",
        "findings": "问题明细",
        "title": "绩效自评表审核队列",
        "summary": "共 {forms} 张表、{unreadable} 个无法读取的文件；错误 {error}，警告 {warning}，提示 {info}",
        "generated": "生成时间",
        "no_findings": "未发现问题",
        "back": "回到队列",
        "ran": "共 {files} 个文件：本次检查 {checked_files} 个（{checked_forms} 张表），沿用结果库中的 {reused_files} 个；进程数 {workers}",
        "head": "序号\t编号\t风险分\t错误/警告/提示\t审阅状态\t项目\t文件\t主要问题",
        "duplicate": "{file}（与 {others} 内容相同）",
        "more": "……另有 {more} 行，见导出文件或 `ziping queue list`",
        "written": "已写入 {path}",
        "empty": "队列为空",
        "unreadable": "{n} 个文件无法读取，已列在队列最前",
        "skipped": "另跳过文件夹中 {n} 个不是自评表的文件（不列入队列）",
        "no_paths": "请给出要审核的文件或文件夹，例如 `ziping triage 收件箱/ --out 队列.xlsx`",
        "bad_out": "不支持的导出格式“{suffix}”（{path}）：可用 .xlsx、.csv、.json、.html",
        "bad_since": "无法识别时间“{value}”：请写成 2026-11-25 或 2026-11-25T09:30 这样的格式",
        "bad_workers": "--workers 须为正整数，不是 {value}",
        "no_store": "结果库 {path} 不存在：先运行 `ziping triage 文件夹/` 生成它，或用 --db 指向它",
        "unknown_id": "结果库中没有编号为 {id} 的表；运行 `ziping queue list` 查看编号",
        "bad_status": "审阅状态须为 reviewed（已审阅）、returned（已退回）或 accepted（已通过），不是“{status}”",
        "bad_list_status": "只能按 reviewed、returned、accepted 或 pending（待审阅）筛选，不是“{status}”",
        "marked": "已将 {id} 标记为{label}",
        "write_failed": "无法写入 {path}：{reason}",
        "dry_run": (
            "预估（未检查任何表，未写入结果库）：\n"
            "  文件 {files} 个，表 {forms} 张；其中 {stored_files} 个文件（{stored_forms} 张表）已在结果库中，无需再查；"
            "{unreadable} 个文件无法读取，{skipped} 个不是自评表的文件将跳过\n"
            "  大模型调用 {llm_calls} 次（每张尚未入库的表 1 次）\n"
            "  输入约 {input_tokens:,} token，输出约 {output_tokens:,} token\n"
            "  这是估算：每个汉字约计 1 个 token、其他字符每 4 个约计 1 个，每次调用另加约 {prompt:,} token 的提示词与事实、"
            "约 {output:,} token 的回答；triage 尚未调用大模型，实际用量以服务商计费为准。"
        ),
    },
    "en": {
        "queue": "Queue",
        "findings": "Findings",
        "title": "Self-evaluation review queue",
        "summary": "{forms} form(s), {unreadable} unreadable file(s); {error} error(s), {warning} warning(s), {info} info",
        "generated": "generated",
        "no_findings": "no findings",
        "back": "back to the queue",
        "ran": "{files} file(s): {checked_files} checked now ({checked_forms} forms), {reused_files} taken from the store; {workers} process(es)",
        "head": "rank\tID\trisk\terrors/warnings/info\treview\tproject\tfile\ttop finding",
        "duplicate": "{file} (same content as {others})",
        "more": "... {more} more row(s): see the exports or `ziping queue list`",
        "written": "written: {path}",
        "empty": "the queue is empty",
        "unreadable": "{n} file(s) could not be read; they head the queue",
        "skipped": "{n} file(s) in the folders that are not forms were skipped (not queued)",
        "no_paths": "name the files or folders to triage, e.g. `ziping triage inbox/ --out queue.xlsx`",
        "bad_out": 'unsupported export format "{suffix}" ({path}): use .xlsx, .csv, .json or .html',
        "bad_since": 'cannot read the time "{value}": write it as 2026-11-25 or 2026-11-25T09:30',
        "bad_workers": "--workers must be a positive integer, not {value}",
        "no_store": "the store {path} does not exist: run `ziping triage FOLDER/` first, or point --db at it",
        "unknown_id": "no form with ID {id} in the store; run `ziping queue list` to see the IDs",
        "bad_status": 'the status must be reviewed, returned or accepted, not "{status}"',
        "bad_list_status": 'filter by reviewed, returned, accepted or pending, not "{status}"',
        "marked": "{id} marked {label}",
        "write_failed": "cannot write {path}: {reason}",
        "dry_run": (
            "Estimate (nothing checked, nothing written to the store):\n"
            "  {files} file(s), {forms} form(s); {stored_files} file(s) ({stored_forms} forms) already in the store, "
            "no work; {unreadable} file(s) unreadable, {skipped} file(s) that are not forms to be skipped\n"
            "  {llm_calls} LLM call(s) (one per form not yet stored)\n"
            "  about {input_tokens:,} input and {output_tokens:,} output tokens\n"
            "  This is an estimate: one token per CJK character and per four other characters, plus about {prompt:,} "
            "tokens of prompt and facts and {output:,} tokens of answer per call; triage does not call the LLM yet; "
            "the provider's bill is what counts."
        ),
    },
}
SEVERITY_FILL = {"error": "F8CBAD", "warning": "FFE699", "info": "BDD7EE"}


def headers(lang: str, columns: Sequence[tuple[str, str, str]] = COLUMNS) -> list[str]:
    return [zh if lang == "zh" else en for _, zh, en in columns]


def values(row: QueueRow, columns: Sequence[tuple[str, str, str]] = COLUMNS) -> list[Any]:
    """A row's cells in COLUMNS order (or of the columns given): numbers stay numbers, missing values are None."""
    top = [*row.top, None, None, None][:3]
    cells = {**{key: getattr(row, key, None) for key, _, _ in COLUMNS}, "top1": top[0], "top2": top[1], "top3": top[2]}
    return [cells[key] for key, _, _ in columns]


def finding_values(row: QueueRow, finding: dict[str, Any]) -> list[Any]:
    cells = {**finding, "rank": row.rank, "form_id": row.form_id, "project_name": row.project_name}
    return [cells.get(key) for key, _, _ in FINDING_COLUMNS]


def summary(rows: Sequence[QueueRow]) -> dict[str, int]:
    return {
        "forms": sum(1 for r in rows if not r.unreadable),
        "unreadable": sum(1 for r in rows if r.unreadable),
        "error": sum(r.errors for r in rows),
        "warning": sum(r.warnings for r in rows),
        "info": sum(r.infos for r in rows),
    }


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(rows: Sequence[QueueRow], path: Path, lang: str = "zh") -> None:
    """The queue sheet (frozen header, filters, fitted widths, colours, links) and a sheet of every finding."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    words = WORDS[lang]
    book = Workbook()
    queue = book.active
    queue.title = words["queue"]
    details = book.create_sheet(words["findings"])
    bold = Font(bold=True)
    link = Font(color="0563C1", underline="single")
    fills = {s: PatternFill("solid", fgColor=c) for s, c in SEVERITY_FILL.items()}
    count_columns = {key: k + 1 for k, (key, _, _) in enumerate(COLUMNS) if key in ("errors", "warnings", "infos")}
    severity_of = {"errors": "error", "warnings": "warning", "infos": "info"}
    id_column = [key for key, _, _ in COLUMNS].index("form_id") + 1
    detail_severity = [key for key, _, _ in FINDING_COLUMNS].index("severity_label") + 1

    queue.append(headers(lang))
    details.append(headers(lang, FINDING_COLUMNS))
    for sheet in (queue, details):
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="center")
    detail_row = 2
    for k, row in enumerate(rows, start=2):
        queue.append(values(row))
        for key, column in count_columns.items():
            if getattr(row, key):
                queue.cell(k, column).fill = fills[severity_of[key]]
        if row.findings:
            # The first of this form's findings on the second sheet, and back.
            cell = queue.cell(k, id_column)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{details.title}'!A{detail_row}")
            cell.font = link
        for finding in row.findings:
            details.append(finding_values(row, finding))
            details.cell(detail_row, detail_severity).fill = fills[finding["severity"]]
            back = details.cell(detail_row, 1)
            back.hyperlink = Hyperlink(ref=back.coordinate, location=f"'{queue.title}'!A{k}")
            back.font = link
            detail_row += 1
    for sheet in (queue, details):
        sheet.freeze_panes = "C2"  # the header and the rank and ID stay in view
        sheet.auto_filter.ref = sheet.dimensions
        for column, cells in enumerate(sheet.iter_cols(values_only=True), start=1):
            widest = max((display_width(str(v)) for v in cells if v is not None), default=4)
            # A little padding for the filter button; very long texts are capped and can be widened by hand.
            sheet.column_dimensions[get_column_letter(column)].width = min(max(widest + 3, 6), 80)
    book.save(path)


def write_csv(rows: Sequence[QueueRow], path: Path, lang: str = "zh") -> None:
    """UTF-8 with a BOM: without it Excel reads Chinese CSV as the local code page."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers(lang))
        for row in rows:
            writer.writerow(["" if v is None else v for v in values(row)])


def write_json(rows: Sequence[QueueRow], path: Path, lang: str = "zh") -> None:
    """The queue with each row's findings; Chinese kept readable."""
    data = {
        "schema_version": "1.0",
        "tool": {"name": "ziping", "version": __version__},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "columns": [{"key": key, "label": label} for (key, _, _), label in zip(COLUMNS, headers(lang))],
        "summary": summary(rows),
        "rows": [{**dict(zip([key for key, _, _ in COLUMNS], values(row))), "findings": row.findings} for row in rows],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_html(rows: Sequence[QueueRow], path: Path, lang: str = "zh") -> None:
    """A self-contained page (inline styles, no network) with the queue and each form's findings."""
    from ziping.reports.html import environment

    path.write_text(environment().get_template("queue.html.j2").render(**page_context(rows, lang)), encoding="utf-8")


def page_context(
    rows: Sequence[QueueRow], lang: str, totals: dict[str, int] | None = None, keys: Sequence[str] | None = None
) -> dict[str, Any]:
    """What queue.html.j2 (and the pages extending it) draws the queue from; `totals`: the summary's counts
    when `rows` are one page of a larger queue; `keys`: only these columns (a screen shows fewer than an export)."""
    columns = [c for c in COLUMNS if keys is None or c[0] in keys]
    return {
        "lang": lang,
        "words": WORDS[lang],
        "headers": headers(lang, columns),
        "finding_headers": headers(lang, FINDING_COLUMNS)[3:],
        "rows": [(row, ["" if v is None else v for v in values(row, columns)]) for row in rows],
        "finding_row": lambda row, f: ["" if v is None else v for v in finding_values(row, f)][3:],
        "summary": WORDS[lang]["summary"].format(**(totals or summary(rows))),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "columns": [key for key, _, _ in columns],
    }


def render_terminal(rows: Sequence[QueueRow], out: TextIO, lang: str = "zh", limit: int | None = None) -> None:
    """The queue as tab-separated lines (rank order), the heaviest first; `limit` rows at most."""
    words = WORDS[lang]
    if not rows:
        out.write(words["empty"] + "\n")
        return
    out.write(words["head"] + "\n")
    shown = rows if limit is None else rows[:limit]
    for row in shown:
        project = row.project_name or "—"
        file = words["duplicate"].format(file=row.file, others=row.duplicates) if row.duplicates else row.file
        note = f"（{row.note}）" if row.note and lang == "zh" else f" ({row.note})" if row.note else ""
        cells = (
            row.rank,
            row.form_id or "—",
            f"{row.risk:g}",
            f"{row.errors}/{row.warnings}/{row.infos}",
            row.status_label + note,
            project,
            file,
            row.top[0] if row.top else "",
        )
        out.write("\t".join(str(c) for c in cells) + "\n")
    if len(rows) > len(shown):
        out.write(words["more"].format(more=len(rows) - len(shown)) + "\n")


WRITERS: dict[str, Callable[[Sequence[QueueRow], Path, str], None]] = {
    ".xlsx": write_xlsx,
    ".csv": write_csv,
    ".json": write_json,
    ".html": write_html,
    ".htm": write_html,
}


def write(rows: Sequence[QueueRow], path: Path, lang: str = "zh") -> None:
    """Write the queue in the format its suffix names (see WRITERS)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[path.suffix.lower()](rows, path, lang)
