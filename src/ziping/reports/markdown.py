"""The per-form report as Markdown, for pasting into a reply: the HTML page's content, in GFM tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ziping.checks import FileResult
from ziping.reports.formview import Cell, FileView, FormView, Row, Table, file_view
from ziping.reports.pins import Pin

if TYPE_CHECKING:
    from ziping.llm.run import LLMRun

# Characters Markdown would read as syntax (a `|` would split a table cell, `<` open an HTML tag).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def escape(text: str) -> str:
    """Text as Markdown shows it literally, on one line (table cells cannot hold line breaks)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _badge(pin: Pin, w: dict[str, str]) -> str:
    expected = f" {w['should_be']} {escape(pin.expected)}" if pin.expected is not None else ""
    return f"**{pin.code}{expected}**"


def _cell(cell: Cell, w: dict[str, str]) -> str:
    if cell.segments:
        text = "".join(f"**{escape(s.text)}**" if s.anchor else escape(s.text) for s in cell.segments)
    else:
        text = escape(cell.text)
    if cell.column == "level1" and text:
        text = f"**{text}**"
    if cell.recomputed is not None:
        text += f"{w['open']}{w['recomputed']} {escape(cell.recomputed)}{w['close']}"
    badges = " ".join(_badge(pin, w) for pin in cell.pins + cell.refs)
    return " ".join(part for part in (text, badges) if part)


def _finding(pin: Pin, w: dict[str, str], place: str = "") -> list[str]:
    where = f"{w['open']}{pin.where}{w['close']}" if pin.where else ""
    head = f"- **{pin.severity_label} {pin.code}**" + (f" {escape(place)}{w['sep']}" if place else " ")
    lines = [head + escape(pin.message) + where]
    if pin.formula:
        lines.append(f"  {w['formula']}{w['sep']}{escape(pin.formula)}")
    if pin.quote:
        lines.append(f"  {w['quote']}{w['sep']}「{escape(pin.quote)}」")
    return lines


def _row_findings(row: Row, w: dict[str, str]) -> list[str]:
    lines = []
    for cell in row.cells:
        for pin in cell.pins:
            lines += _finding(pin, w, f"{row.label} · {cell.label}" if cell.label else row.label)
    for pin in row.row_pins:
        lines += _finding(pin, w, f"{row.label} · {w['row']}")
    return lines


def _table(table: Table, w: dict[str, str], columns: list[str] | None = None) -> list[str]:
    columns = columns or table.columns
    lines = ["| " + " | ".join(escape(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    findings: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            # A cell spanning several columns in HTML keeps its text in the first and leaves the rest empty.
            cells += [_cell(cell, w)] + [""] * (cell.span - 1)
        lines.append("| " + " | ".join(cells) + " |")
        findings += _row_findings(row, w)
    for pin in table.pins:
        findings += _finding(pin, w)
    return lines + ([""] + findings if findings else [])


def _form(form: FormView, w: dict[str, str]) -> list[str]:
    counts = " · ".join(f"{label} {count}" for _, label, count in form.counts)
    lines = [f"## {escape(form.heading)}", "", f"{w['counts']}{w['sep']}{counts}", ""]
    lines += _table(form.identity, w, [w["identity"], ""]) + [""]
    lines += [f"### {form.figures.title}", ""] + _table(form.figures, w) + [""]
    lines += [f"### {escape(form.funds.title)}", ""] + _table(form.funds, w) + [""]
    lines += [f"### {w['goals']}", ""]
    for row in form.goals:
        cell = row.cells[0]
        lines += [f"**{cell.label}**", "", "> " + (_cell(cell, w) or w["none"]), ""]
        lines += [line for pin in cell.pins for line in _finding(pin, w)]
        lines += [""] if cell.pins else []
    lines += [f"### {form.indicators.title}", ""] + _table(form.indicators, w) + [""]
    if form.other:
        lines += [f"### {w['other']}", ""] + [line for pin in form.other for line in _finding(pin, w)] + [""]
    if not form.findings:
        lines += [w["clean"], ""]
    return lines


def markdown_chunks(
    result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None
) -> Iterator[str]:
    """The Markdown report of one checked file, form by form as each is checked: the contents, which need
    every form, and an error that stopped the file come after the forms."""
    return view_chunks(file_view(result, lang, profile, llm))


def view_chunks(view: FileView) -> Iterator[str]:
    """The Markdown of a report view, form by form as the view hands them over."""
    w = view.words
    yield "\n".join([f"# {w['title']}", "", f"{w['file']}{w['sep']}{escape(view.path)}", "", f"> {view.llm_note}", ""])
    yield "\n"
    for form in view.forms:
        yield "\n".join(_form(form, w)) + "\n"
    lines: list[str] = []
    if (error := view.error) is not None:
        lines += [f"## {w['unreadable']}", ""] + _finding(error, w) + [""]
    elif not view.contents:
        lines += [w["no_forms"], ""]
    if len(view.contents) > 1:
        lines += [f"## {w['toc']}", ""]
        lines += [f"{k}. {escape(form.heading)}" for k, form in enumerate(view.contents, 1)] + [""]
    lines.append(f"*{escape(view.footer)}*")
    yield "\n".join(lines) + "\n"


def render_view(view: FileView) -> str:
    """The Markdown of an already built report view."""
    return "".join(view_chunks(view))


def render_markdown(result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None) -> str:
    """The Markdown report of one checked file."""
    return "".join(markdown_chunks(result, lang, profile, llm))
