"""The per-form report as data: the form's tables with each finding pinned, shared by HTML and Markdown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import TYPE_CHECKING

from ziping import __version__
from ziping.checks import FileResult, FormResult
from ziping.findings import Severity
from ziping.model import Form, Indicator, NumberField, TextField
from ziping.reports.contract import finding_json, form_json, llm_line
from ziping.reports.labels import LABELS
from ziping.reports.pins import FUNDS_COLUMNS, FUNDS_ROWS, Pin, PinBoard, Segment, highlight, make_pins
from ziping.rules.common import FUNDS_COLUMN_LABELS, FUNDS_ROW_LABELS, fmt, fmt_plain
from ziping.scoring import Expectation

if TYPE_CHECKING:
    from ziping.llm.run import LLMRun

SEVERITIES = tuple(Severity)


@dataclass(slots=True)
class Cell:
    """One cell as the form shows it, with the findings pinned to it."""

    column: str  # what the cell holds: "score", "actual", ... (data-cell in the HTML)
    label: str  # the column's name, for finding lists
    text: str = ""
    pins: list[Pin] = field(default_factory=list)
    recomputed: str | None = None  # the recomputed figure, shown beside the declared one
    segments: list[Segment] | None = None  # the text with LLM quotes marked, where quotes can land
    span: int = 1
    refs: list[Pin] = field(default_factory=list)  # findings detailed elsewhere, linked from here

    @property
    def severity(self) -> str | None:
        """The most severe finding pinned or linked here, for the cell's colour."""
        return _worst(self.pins + self.refs)


@dataclass(slots=True)
class Row:
    """A row of a table; findings about the row as a whole sit in `row_pins`."""

    key: str  # e.g. "ind4", "total", "funds-total" (data-row in the HTML)
    label: str  # how a finding list names the row
    kind: str  # funds | level1 | indicator | placeholder | total | figure | identity
    cells: list[Cell]
    where: str = ""
    row_pins: list[Pin] = field(default_factory=list)

    def drawn(self) -> FileView:
        """This view with every form drawn now and kept (and the contents complete): a page drawn more than once."""
        self.forms = list(self.forms)
        return self

    @property
    def pins(self) -> list[Pin]:
        """Every finding pinned in this row, cell by cell, then the row's own."""
        return [pin for cell in self.cells for pin in cell.pins] + self.row_pins

    @property
    def severity(self) -> str | None:
        return _worst(self.pins)


@dataclass(slots=True)
class Table:
    """A titled table; `pins` are findings about the table as a whole (e.g. no indicators read)."""

    title: str
    columns: list[str]
    rows: list[Row]
    pins: list[Pin] = field(default_factory=list)


@dataclass(slots=True)
class FormView:
    """One form, ready to draw."""

    anchor: str
    heading: str
    identity: Table
    counts: list[tuple[str, str, int]]  # (severity, label, count)
    figures: Table
    funds: Table
    goals: list[Row]
    indicators: Table
    other: list[Pin]
    findings: list[Pin]


@dataclass(slots=True)
class Contents:
    """A drawn form's entry in the file's table of contents."""

    anchor: str
    heading: str
    counts: list[tuple[str, str, int]]


@dataclass(slots=True)
class FileView:
    """One file's report: its forms, drawn one at a time as they are checked, and what stopped the file.

    `contents` grows as `forms` is drawn, and `error` is known once it has been (a defect met part-way
    through a file ends it there): a report writes them after the forms.
    """

    path: str
    lang: str
    words: dict[str, str]
    forms: Iterable[FormView]
    title: str  # a page's title (file_view(titled=True)): the form's heading for a file of one form, else the file
    llm_note: str
    footer: str
    result: FileResult
    contents: list[Contents] = field(default_factory=list)

    @property
    def error(self) -> Pin | None:
        """Why the file could not be read (or why its reading stopped)."""
        if self.result.error is None:
            return None
        return make_pins([self.result.error], [finding_json(self.result.error, self.lang)], 0, self.lang)[0]

    def drawn(self) -> FileView:
        """This view with every form drawn now and kept (and the contents complete): a page drawn more than once."""
        self.forms = list(self.forms)
        return self

    @property
    def pins(self) -> list[Pin]:
        """Every finding of the file, for tests and summaries (draws every form)."""
        self.forms = list(self.forms)
        return ([self.error] if self.error else []) + [pin for form in self.forms for pin in form.findings]


def _worst(pins: list[Pin]) -> str | None:
    return max((Severity(p.severity) for p in pins), key=lambda s: s.rank, default=None)


def file_view(
    result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None, titled: bool = False
) -> FileView:
    """The report of one checked file, its forms drawn as they are checked; `llm` is the run of LLM checks,
    None when they were skipped. `titled`: the title is wanted first (a page's), so two forms are drawn ahead
    to tell a file of one form, titled by it, from the rest."""
    words = LABELS[lang]
    checked = result.stream()
    ahead = [form_view(form_result, lang) for form_result in islice(checked, 2 if titled else 0)]
    view = FileView(
        path=result.path,
        lang=lang,
        words=words,
        forms=[],
        title=ahead[0].heading if len(ahead) == 1 else result.path,
        llm_note=llm_line(llm, lang),
        footer=words["generated"].format(version=__version__, profile=profile),
        result=result,
    )
    view.forms = _listed(chain(ahead, (form_view(form_result, lang) for form_result in checked)), view.contents)
    return view


def _listed(forms: Iterable[FormView], contents: list[Contents]) -> Iterator[FormView]:
    for form in forms:
        contents.append(Contents(form.anchor, form.heading, form.counts))
        yield form


def form_view(result: FormResult, lang: str = "zh") -> FormView:
    """One form's tables with every finding pinned where it belongs; the rest under 其他问题."""
    w = LABELS[lang]
    form = result.form
    contract = form_json(result, lang)
    pins = make_pins(result.findings, contract["findings"], form.index, lang)
    board = PinBoard(pins)
    llm_quotes = [pin for pin in pins if pin.origin == "llm" and pin.quote]
    counts = Counter(pin.severity for pin in pins)
    view = FormView(
        anchor=f"form-{form.index}",
        heading=w["form"].format(index=form.index) + " · " + form.title,
        identity=_identity(form, board, w, lang),
        counts=[(s.value, s.label(lang), counts[s.value]) for s in SEVERITIES],
        figures=_figures(form, contract, board, w),
        funds=_funds(result, board, w, lang),
        goals=_goals(form, board, llm_quotes, w, lang),
        indicators=_indicators(result, board, llm_quotes, w, lang),
        other=[],
        findings=pins,
    )
    view.other = board.left_over()  # last: whatever no drawn place took
    return view


def _text(field: TextField | NumberField | None) -> str:
    return field.raw if field is not None else ""


def _where(field: TextField | NumberField | Indicator | None, lang: str) -> str:
    location = field.location if field is not None else None
    return location.describe(lang) if location else ""


def _identity(form: Form, board: PinBoard, w: dict[str, str], lang: str) -> Table:
    header = form.header
    rows = []
    for key in ("project_name", "project_code", "implementing_unit", "budget_unit", "year", "contact", "phone"):
        value = getattr(header, key)
        if value is None and key in ("contact", "phone"):
            continue  # only some templates have them: no empty rows for the rest
        cell = Cell(key, w[key], _text(value), board.take(f"header.{key}"))
        rows.append(Row(f"header-{key}", w[key], "identity", [Cell("label", "", w[key]), cell]))
    rows.append(
        Row("file", w["file"], "identity", [Cell("label", "", w["file"]), Cell("file", w["file"], form.source or "")])
    )
    where = form.location.describe(lang) if form.location else ""
    rows.append(Row("lines", w["lines"], "identity", [Cell("label", "", w["lines"]), Cell("lines", w["lines"], where)]))
    return Table(w["identity"], [], rows)


def _figures(form: Form, contract: dict, board: PinBoard, w: dict[str, str]) -> Table:
    """Declared beside recomputed for the five figures a reviewer reads first."""
    computed = contract["computed"]
    # Each figure with the place its findings are pinned to in the tables below.
    declared = {
        "execution_rate": (form.funds.execution_rate, "funds.total.rate"),
        "execution_score": (form.funds.execution_score, "funds.total.score"),
        "total_weight": (form.total.weight, "total.weight"),
        "total_score": (form.total.score, "total.score"),
    }
    rows = []
    for key, (field_, place) in declared.items():
        places = 0 if key == "total_weight" else 2
        shown = fmt(computed[key], places) if computed[key] is not None else "—"
        declared_cell = Cell("declared", w["declared"], _text(field_) or "—", refs=board.peek(place))
        cells = [Cell("label", "", w[key]), declared_cell, Cell("recomputed", w["recomputed"], shown)]
        rows.append(Row(key, w[key], "figure", cells))
    grade_cell = Cell("declared", w["declared"], _text(form.grade) or "—", board.take("grade"))
    rows.append(
        Row(
            "grade",
            w["grade"],
            "figure",
            [Cell("label", "", w["grade"]), grade_cell, Cell("recomputed", w["recomputed"], computed["grade"] or "—")],
        )
    )
    return Table(w["figures"], [w["figure"], w["declared"], w["recomputed"]], rows)


def _funds(result: FormResult, board: PinBoard, w: dict[str, str], lang: str) -> Table:
    funds, fig = result.form.funds, result.figures
    columns = [
        w["funds_item"],
        *(FUNDS_COLUMN_LABELS[c].get(lang) for c in FUNDS_COLUMNS),
        w["weight"],
        w["rate"],
        w["score"],
    ]
    rows = []
    for key in FUNDS_ROWS:
        row = getattr(funds, key)
        if row is None and key != "total":  # the total row is drawn even when missing, to hold its findings
            continue
        label = FUNDS_ROW_LABELS[key].get(lang)
        cells = [Cell("label", "", label)]
        for column in FUNDS_COLUMNS:
            value = getattr(row, column) if row is not None else None
            cells.append(
                Cell(column, FUNDS_COLUMN_LABELS[column].get(lang), _text(value), board.take(f"funds.{key}.{column}"))
            )
        if key == "total":
            cells += [
                Cell("weight", w["weight"], _text(funds.weight), board.take("funds.total.weight")),
                Cell(
                    "rate",
                    w["rate"],
                    _text(funds.execution_rate),
                    board.take("funds.total.rate"),
                    _recomputed(fig.execution_rate),
                ),
                Cell(
                    "score",
                    w["score"],
                    _text(funds.execution_score),
                    board.take("funds.total.score"),
                    _recomputed(fig.execution_score),
                ),
            ]
        else:
            cells.append(Cell("blank", "", span=3))
        rows.append(Row(f"funds-{key}", label, "funds", cells, _where(row, lang)))
    return Table(w["funds"].format(unit=funds.unit), columns, rows, board.take("funds"))


def _recomputed(value: float | None) -> str | None:
    return fmt(value) if value is not None else None


def _goals(form: Form, board: PinBoard, quotes: list[Pin], w: dict[str, str], lang: str) -> list[Row]:
    rows = []
    for key in ("expected", "actual"):
        text = _text(getattr(form.goals, key))
        cell = Cell(key, w[key], text, board.take(f"goals.{key}"), segments=highlight(text, quotes))
        rows.append(Row(f"goals-{key}", w[key], "goals", [cell], _where(getattr(form.goals, key), lang)))
    return rows


def _indicators(result: FormResult, board: PinBoard, quotes: list[Pin], w: dict[str, str], lang: str) -> Table:
    """Level-1 header rows, then their indicators (unused template rows muted), then the 总分 row."""
    form, fig = result.form, result.figures
    columns = [w["level2"], w["name"], w["target"], w["actual_value"], w["weight"], w["score"], w["note"]]
    groups: dict[str, list[tuple[int, Row]]] = {l1.name: [] for l1 in form.level1}
    for k, ind in enumerate(form.indicators):
        line = ind.location.line if ind.location and ind.location.line else 0
        groups.setdefault(ind.level1, []).append(
            (line, _indicator_row(k, ind, fig.expectations[k], board, quotes, w, lang))
        )
    for placeholder in form.placeholders:
        line = placeholder.location.line if placeholder.location and placeholder.location.line else 0
        cells = [Cell("level2", w["level2"], placeholder.level2), Cell("placeholder", "", w["placeholder"], span=6)]
        groups.setdefault(placeholder.level1, []).append(
            (line, Row("placeholder", placeholder.level2, "placeholder", cells))
        )
    level1_by_name = {l1.name: (k, l1) for k, l1 in enumerate(form.level1)}
    rows: list[Row] = []
    for name, members in groups.items():
        if name in level1_by_name:
            k, level1 = level1_by_name[name]
            weight = _text(level1.weight)
            text = w["level1_weight"].format(name=name, weight=weight) if weight else name
            cell = Cell("level1", w["level1"], text, board.take(f"level1{k}"), span=len(columns))
            rows.append(Row(f"level1-{k}", name, "level1", [cell], _where(level1, lang)))
        else:
            rows.append(Row("level1", name, "level1", [Cell("level1", w["level1"], name, span=len(columns))]))
        previous = None
        for _, row in sorted(members, key=lambda member: member[0]):
            # The form writes a level-2 name once for the rows under it; so does the report.
            if row.cells[0].text == previous:
                row.cells[0].text = ""
            else:
                previous = row.cells[0].text
            rows.append(row)
    rows.append(_total_row(form, fig, board, w, lang))
    return Table(w["indicators"], columns, rows, board.take("indicators"))


def _indicator_row(
    k: int, ind: Indicator, expected: Expectation, board: PinBoard, quotes: list[Pin], w: dict[str, str], lang: str
) -> Row:
    note, target, actual = _text(ind.note), _text(ind.target), _text(ind.actual)
    # A model's quote may come from any text cell of the row (ZP605 quotes the actual value).
    cells = [
        Cell("level2", w["level2"], ind.level2),
        Cell("name", w["name"], ind.name.raw, board.take(f"ind{k}.name")),
        Cell("target", w["target"], target, board.take(f"ind{k}.target"), segments=highlight(target, quotes)),
        Cell("actual", w["actual_value"], actual, board.take(f"ind{k}.actual"), segments=highlight(actual, quotes)),
        Cell("weight", w["weight"], _text(ind.weight), board.take(f"ind{k}.weight")),
        Cell("score", w["score"], _text(ind.score), board.take(f"ind{k}.score"), _score_recomputed(ind, expected)),
        Cell("note", w["note"], note, board.take(f"ind{k}.note"), segments=highlight(note, quotes)),
    ]
    label = w["indicator"].format(name=ind.label)
    row_pins = board.take(f"ind{k}.row")
    cells[1].refs = row_pins  # a finding about the whole indicator is flagged at its name
    return Row(f"ind{k}", label, "indicator", cells, _where(ind, lang), row_pins)


def _score_recomputed(ind: Indicator, expected: Expectation) -> str | None:
    """The earned score, shown only where it differs from the declared one as written."""
    if expected.low is None or expected.high is None:
        return None
    shown = (
        fmt_plain(expected.low)
        if abs(expected.high - expected.low) < 1e-9
        else f"{fmt(expected.low)}–{fmt(expected.high)}"
    )
    declared = ind.score.value if ind.score is not None else None
    if declared is not None and expected.low - 1e-9 <= declared <= expected.high + 1e-9:
        return None
    return shown


def _total_row(form: Form, fig, board: PinBoard, w: dict[str, str], lang: str) -> Row:
    cells = [
        Cell("label", "", w["total"], span=4),
        Cell(
            "weight",
            w["weight"],
            _text(form.total.weight),
            board.take("total.weight"),
            fmt(fig.total_weight, 0) if fig.total_weight is not None else None,
        ),
        Cell("score", w["score"], _text(form.total.score), board.take("total.score"), _recomputed(fig.total_score)),
        Cell("blank", ""),
    ]
    where = form.total.location.describe(lang) if form.total.location else ""
    row_pins = board.take("total.row")
    cells[0].refs = row_pins
    return Row("total", w["total"], "total", cells, where, row_pins)
