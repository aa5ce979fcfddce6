"""Forms flow one at a time: readers hand them over as they are read, `check` writes each one as soon as it is
checked, in every format, and triage stores a large file's forms in parts as they come."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from ziping.checks import Checker, FileResult, FormResult
from ziping.readers import read_bytes, read_path
from ziping.readers import text as text_reader
from ziping.reports.contract import write_report
from ziping.reports.html import html_chunks
from ziping.reports.markdown import markdown_chunks
from ziping.reports.output import write_stream
from ziping.reports.text import render

from .conftest import FIXTURES, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
COPIES = 3  # the seed's three forms three times over: forms 1 to 9 of one text


def nine_forms() -> list[FormResult]:
    result = Checker.create().check_bytes((SEED_TEXT * COPIES).encode("utf-8"), "nine.txt")
    assert [f.form.index for f in result.forms] == list(range(1, 10))
    return result.forms


class Timeline:
    """When each form was handed over by the checker and when the writer first wrote it."""

    def __init__(self, marker: str) -> None:
        self.events: list[tuple[str, int]] = []
        self.marker = re.compile(marker)
        self.tail = ""  # a marker may be written in several pieces

    def produce(self, forms: list[FormResult]) -> Iterator[FormResult]:
        for form in forms:
            self.events.append(("checked", form.form.index))
            yield form

    def saw(self, text: str) -> None:
        window = self.tail + str(text)  # str(): jinja hands over Markup, which would escape what it is added to
        self.tail = window[-200:]
        for m in self.marker.finditer(window):
            event = ("written", int(m.group(1)))
            if event not in self.events:
                self.events.append(event)

    def assert_streamed(self, ahead: int = 0) -> None:
        """Each form written before the form `ahead + 1` after it was checked: nothing waits for the file's end."""
        order = self.events.index
        written = [e for e in self.events if e[0] == "written"]
        assert [k for _, k in written] == list(range(1, 10))
        for k in range(1, 10 - ahead - 1):
            assert order(("written", k)) < order(("checked", k + ahead + 1)), self.events


class RecordingOut(io.StringIO):
    def __init__(self, timeline: Timeline) -> None:
        super().__init__()
        self.timeline = timeline

    def write(self, text: str) -> int:
        self.timeline.saw(text)
        return super().write(text)


@pytest.fixture(scope="module")
def forms() -> list[FormResult]:
    return nine_forms()


def test_json_writes_each_form_before_the_next_is_checked(forms):
    timeline = Timeline(r'"index": (\d+),')
    out = RecordingOut(timeline)
    counts = write_report([FileResult("nine.txt", timeline.produce(forms))], out, "standard")
    timeline.assert_streamed()
    data = json.loads(out.getvalue())  # still one valid JSON document, summary last
    assert [f["index"] for f in data["files"][0]["forms"]] == list(range(1, 10))
    assert data["summary"]["forms"] == counts["forms"] == 9
    assert list(data)[-1] == "summary"


@pytest.mark.parametrize("styled", [False, True], ids=["plain", "rich"])
def test_text_writes_each_form_before_the_next_is_checked(forms, styled):
    timeline = Timeline(r"表 (\d+) · ")
    out = RecordingOut(timeline)
    render([FileResult("nine.txt", timeline.produce(forms))], out, styled=styled)
    timeline.assert_streamed()
    assert "共 1 个文件、9 张表" in out.getvalue()


def test_markdown_writes_each_form_before_the_next_is_checked(forms):
    timeline = Timeline(r"## 表 (\d+) · ")
    out = RecordingOut(timeline)
    write_stream([FileResult("nine.txt", timeline.produce(forms))], markdown_chunks, out)
    timeline.assert_streamed()
    # The contents need every form: they come after the forms.
    text = out.getvalue()
    assert text.index("## 表 9 ·") < text.index("## 目录") < text.index("9. 表 9 ·")


def test_html_draws_each_form_before_the_next_is_checked(forms):
    timeline = Timeline(r'<section class="form" id="form-(\d+)">')
    page = []
    for piece in html_chunks(FileResult("nine.txt", timeline.produce(forms))):
        timeline.saw(piece)
        page.append(piece)
    # Two forms are read ahead: the page of a file of one form is titled by that form.
    timeline.assert_streamed(ahead=1)
    html = "".join(page)
    assert "<title>nine.txt · " in html
    # The contents come after the forms in the page and are shown above them.
    assert html.index('id="form-9"') < html.index('<nav class="toc">')
    assert "nav.toc { order: -1; }" in html


def test_a_defect_part_way_keeps_the_forms_before_it(forms):
    def defective() -> Iterator[FormResult]:
        yield from forms[:2]
        raise RuntimeError("a defect on form 3")

    out = io.StringIO()
    counts = write_report([FileResult("bad.txt", defective()), FileResult("ok.txt", forms[:1])], out, "standard")
    data = json.loads(out.getvalue())
    bad, ok = data["files"]
    assert [f["index"] for f in bad["forms"]] == [1, 2]
    assert bad["error"]["code"] == "ZP009" and "RuntimeError" in bad["error"]["message"]
    assert ok["error"] is None and len(ok["forms"]) == 1
    assert counts["unreadable"] == data["summary"]["unreadable"] == 1
    assert data["summary"]["forms"] == 3


def test_plain_text_is_what_rich_draws_without_styling(forms, tmp_path):
    """Off a terminal the report is written plainly: the very lines rich writes there, in the same order."""
    results = lambda: [FileResult("nine.txt", iter(forms)), Checker.create().check_file(tmp_path / "none.txt")]  # noqa: E731
    plain, styled = io.StringIO(), io.StringIO()
    render(results(), plain, styled=False)
    render(results(), styled, styled=True)  # rich on a StringIO: no terminal, so no colour codes
    assert plain.getvalue() == styled.getvalue()
    assert "无法检查" in plain.getvalue() and "\x1b[" not in plain.getvalue()


# --- readers ------------------------------------------------------------------------------------------


def text_fixtures() -> list:
    paths = sorted(FIXTURES.rglob("*.txt"))
    assert len(paths) >= 10
    return paths


@pytest.mark.parametrize("path", text_fixtures(), ids=lambda p: p.name)
def test_a_text_read_block_by_block_gives_the_forms_of_the_whole_text(path, monkeypatch):
    from ziping.readers.assemble import read_forms

    text = path.read_text(encoding="utf-8") * 2  # at least two forms to cut between
    whole = list(read_forms(text_reader.text_cells(text), str(path)))
    monkeypatch.setattr(text_reader, "BLOCK_CHARS", 1)  # every form a block of its own
    blocks = list(text_reader.line_forms(text_reader.split_lines(text, 64), str(path), lambda: text))
    assert blocks == whole


def test_traditional_characters_read_block_by_block(monkeypatch):
    from opencc import OpenCC

    from ziping.readers.assemble import read_forms

    text = OpenCC("s2t").convert(SEED_TEXT) + SEED_TEXT
    whole = list(read_forms(text_reader.text_cells(text), "mixed.txt"))
    monkeypatch.setattr(text_reader, "BLOCK_CHARS", 1)
    assert list(text_reader.text_forms(text, "mixed.txt")) == whole
    assert len(whole) == 6


def test_forms_are_assembled_as_they_are_asked_for(monkeypatch):
    from ziping.readers import assemble

    assembled = Counter()
    real = assemble.FormAssembler.read

    def counting(self):
        assembled["forms"] += 1
        return real(self)

    monkeypatch.setattr(assemble.FormAssembler, "read", counting)
    monkeypatch.setattr(text_reader, "BLOCK_CHARS", 1)
    read = read_bytes((SEED_TEXT * COPIES).encode("utf-8"), "nine.txt")
    forms = read.stream()
    assert next(forms).index == 1
    assert assembled["forms"] == 1  # the first form handed over before the second is read
    assert [form.index for form in forms] == list(range(2, 10))
    assert assembled["forms"] == 9


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("utf-16"),
        lambda t: t.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf-8", "bom-crlf", "gb18030", "utf-16", "cr"],
)
def test_a_large_text_file_is_read_from_disk_as_read_whole(encode, tmp_path, monkeypatch):
    import ziping.readers as readers

    data = encode(SEED_TEXT * COPIES)
    path = tmp_path / "large.txt"
    path.write_bytes(data)
    whole = read_bytes(data, str(path))
    monkeypatch.setattr(readers, "STREAM_FROM", 0)
    monkeypatch.setattr(text_reader, "BLOCK_CHARS", 1)
    opened = []
    real_open = open

    def watched(file, mode="r", *args, **kwargs):
        opened.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watched)
    streamed = read_path(path)
    assert "r" in opened  # read as text, a piece at a time, not as one block of bytes
    assert streamed.encoding == whole.encoding
    assert [f.model_dump() for f in streamed.stream()] == [f.model_dump() for f in whole.forms]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01binary" * 100,
        "不是自评表的文字\n".encode() * 100,
        b'{"forms": []}',
        "项目支出绩效自评表\n".encode("gb18030"),
    ],
    ids=["binary", "no-form", "json", "heading-only"],
)
def test_a_large_file_that_is_not_a_seed_form_reads_as_before(content, tmp_path, monkeypatch):
    import ziping.readers as readers

    path = tmp_path / "other.txt"
    path.write_bytes(content)
    before = read_bytes(content, str(path))
    monkeypatch.setattr(readers, "STREAM_FROM", 0)
    after = read_path(path)
    assert (after.problem, after.encoding, after.forms) == (before.problem, before.encoding, before.forms)


# --- triage -------------------------------------------------------------------------------------------


def test_triage_stores_a_large_file_in_parts(tmp_path, monkeypatch):
    from ziping import triage
    from ziping.store import Store

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "nine.txt").write_text(SEED_TEXT * COPIES, encoding="utf-8")
    (tmp_path / "in" / "seed.txt").write_text(SEED_TEXT, encoding="utf-8")
    checker = Checker.create()

    def queue(db, large: int) -> list[tuple]:
        monkeypatch.setattr(triage, "STREAM_FROM", large)
        batch = triage.sources([tmp_path / "in"])
        with Store(db) as store:
            stats = triage.run(batch, store, checker)
            rows = triage.triage_rows(batch, store, checker, "zh")
            parts = store.db.execute("SELECT count(*) FROM result_parts").fetchone()[0]
        return stats, [(r.form_id, r.risk, r.top, r.file) for r in rows], parts

    monkeypatch.setattr(triage, "PART_FORMS", 2)
    _, whole, none = queue(tmp_path / "whole.db", 1 << 30)
    stats, parted, parts = queue(tmp_path / "parts.db", len(SEED_TEXT.encode()) + 1)  # nine.txt only is large
    assert none == 0 and parts == 5  # 9 forms, 2 a part
    assert stats.checked_files == 2 and stats.checked_forms == 12
    assert parted == whole and len(parted) == 12
    again, rows, _ = queue(tmp_path / "parts.db", len(SEED_TEXT.encode()) + 1)
    assert again.checked_files == 0 and rows == whole  # the parts are a stored result like any other


def test_triage_checks_again_a_large_file_changed_while_read(tmp_path, monkeypatch):
    from ziping import triage
    from ziping.store import Store

    path = tmp_path / "nine.txt"
    path.write_text(SEED_TEXT * COPIES, encoding="utf-8")
    monkeypatch.setattr(triage, "STREAM_FROM", 0)
    batch = triage.sources([path])
    checker = Checker.create()
    real = checker.check_file

    def changing(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_text(SEED_TEXT, encoding="utf-8")  # the file changes while its forms are read
        return result

    monkeypatch.setattr(Checker, "check_file", lambda self, *a, **k: changing(*a, **k))
    with Store(tmp_path / "t.db") as store:
        triage.run(batch, store, checker)
        rows = triage.triage_rows(batch, store, checker, "zh")
        parts = store.db.execute("SELECT count(*) FROM result_parts").fetchone()[0]
        stored = store.db.execute("SELECT content_sha256, forms FROM results").fetchall()
    # Checked again from the bytes read: the three forms the file now holds, under their own hash.
    assert parts == 0 and len(rows) == 3
    assert stored == [(triage.hash_file(str(path)), 3)]
