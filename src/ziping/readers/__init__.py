"""Readers: one per format, each turning a file into forms; file-level failures become ZP001/ZP002."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from ziping.files import os_reason
from ziping.handover import Handover
from ziping.model import Form
from ziping.readers.encoding import UndecodableError, decode, file_encoding, file_lines
from ziping.readers.pdf import read_pdf
from ziping.readers.text import line_forms, text_forms

TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv", ".md", ""}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Word documents; the old binary Word and WPS formats, read through LibreOffice; legacy Excel.
DOCUMENT_SUFFIXES = (".docx",)
CONVERTED_SUFFIXES = (".doc", ".wps", ".et")
LEGACY_WORKBOOK_SUFFIXES = (".xls",)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_BYTES = 50 * 1024 * 1024
# A text file larger than this is read from disk a block at a time (`_read_large_text`), never held whole.
STREAM_FROM = 4 * 1024 * 1024
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES
    | {".json", *WORKBOOK_SUFFIXES}
    | {".pdf"}
    | {*DOCUMENT_SUFFIXES, *CONVERTED_SUFFIXES, *LEGACY_WORKBOOK_SUFFIXES}
)


@dataclass(slots=True)
class FileProblem:
    """Why a whole file yielded no forms: ZP001 (unreadable) or ZP002 (no form)."""

    code: str
    reason_zh: str
    reason_en: str
    line: int | None = None
    # A form is there but cannot be read (a scan without a text layer): never skipped as "not a form".
    holds_form: bool = False

    @property
    def not_a_form(self) -> bool:
        """ZP002 for a file that holds no form at all: in a walked folder such a file is skipped, not an error."""
        return self.code == "ZP002" and not self.holds_form


class ReadResult:
    """The forms read from one file, or the problem that stopped it.

    A reader may hand over its forms still to be read: `stream()` reads them one at a time and keeps none
    (how a batch checks a file of thousands of forms), `forms` reads what is left and keeps them all.
    A reading defect met on the way is raised where the form would have been.
    """

    __slots__ = ("path", "problem", "encoding", "_forms")

    def __init__(
        self,
        path: str,
        forms: Iterable[Form] = (),
        problem: FileProblem | None = None,
        encoding: str | None = None,
    ) -> None:
        self.path = path
        self.problem = problem
        self.encoding = encoding
        self._forms = Handover(forms)

    @property
    def forms(self) -> list[Form]:
        """Every form of the file (those not yet read are read now)."""
        return self._forms.all()

    def stream(self) -> Iterator[Form]:
        """The forms one at a time, none kept once handed over; a file's forms are streamed once."""
        return self._forms.stream()


def read_result(source: str, forms: Iterable[Form], none: FileProblem, encoding: str | None = None) -> ReadResult:
    """A reader's answer: its forms, the first read now and the rest as they are asked for, or `none` (the
    problem of a file that holds no form)."""
    pending = iter(forms)
    first = next(pending, None)
    if first is None:
        return ReadResult(source, problem=none, encoding=encoding)
    return ReadResult(source, forms=chain((first,), pending), encoding=encoding)


def read_path(path: str | Path) -> ReadResult:
    """Read every form in one file; never raises for bad input."""
    shown = str(path)
    try:
        # A FIFO or device would block a batch forever: only regular files are opened.
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return ReadResult(shown, problem=FileProblem("ZP001", "不是普通文件（是目录或设备）", "not a regular file"))
        # No real form is this large; reading it whole would only cost the batch its memory.
        if info.st_size > MAX_BYTES:
            size = f"{info.st_size / 1024 / 1024:.1f} MB"
            return ReadResult(
                shown,
                problem=FileProblem(
                    "ZP001", f"文件过大（{size}，上限 50 MB），未读取", f"too large ({size}, limit 50 MB)"
                ),
            )
        if info.st_size > STREAM_FROM and (streamed := _read_large_text(path, shown)) is not None:
            return streamed
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        zh, en = os_reason(exc, path)  # in Chinese: 符号链接循环, not "Too many levels of symbolic links"
        if not isinstance(exc, FileNotFoundError):
            zh, en = f"无法打开（{zh}）", f"cannot open ({en})"
        return ReadResult(shown, problem=FileProblem("ZP001", zh, en))
    return read_bytes(data, shown)


def _read_large_text(path: str | Path, source: str) -> ReadResult | None:
    """A large text file read from disk a block at a time, never whole (its forms are read as they are asked
    for); None for anything else, which is read whole, so every problem is worded as before."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if _binary_reader(head, source.lower()) is not None or source.lower().endswith(".json"):
        return None
    try:
        encoding = file_encoding(path)  # every byte is decoded before the first form is handed over
    except UndecodableError:
        return None
    first = next((line for line in file_lines(path, encoding) if line.strip()), "")
    if first.lstrip().startswith(("{", "[")):
        return None

    def whole() -> str:
        with open(path, "rb") as fh:
            return decode(fh.read())[0]

    forms = (Form.model_validate(raw) for raw in line_forms(file_lines(path, encoding), source, whole))
    result = read_result(source, forms, _no_heading(), encoding)
    return None if result.problem is not None else result


def read_bytes(data: bytes, source: str) -> ReadResult:
    """Read every form from a file's bytes; `source` names it in messages."""
    if not data.strip():
        return ReadResult(source, problem=FileProblem("ZP002", "文件为空", "the file is empty"))
    if len(data) > MAX_BYTES:  # standard input has no size to stat beforehand
        return ReadResult(
            source, problem=FileProblem("ZP001", "文件过大（上限 50 MB），未读取", "too large (limit 50 MB)")
        )
    reader = _binary_reader(data, source.lower())
    if reader is not None:
        return reader(data, source)
    try:
        text, encoding = decode(data)
    except UndecodableError as exc:
        if str(exc) == "binary":
            reason = ("不是文本文件（含有二进制内容）", "not a text file (binary content)")
        else:
            reason = ("不是 UTF-8 或 GB18030 编码的文本", "not UTF-8 or GB18030 text")
        return ReadResult(source, problem=FileProblem("ZP001", *reason))
    if source.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        from ziping.readers.jsonform import read_json

        return read_json(text, source, encoding)
    forms = (Form.model_validate(raw) for raw in text_forms(text, source))
    return read_result(source, forms, _no_heading(), encoding)


def _no_heading() -> FileProblem:
    # A form is found by its content (issue 12): a title, or a funds block and an indicator table.
    return FileProblem(
        "ZP002",
        "既没有自评表标题，也没有资金或绩效指标表格",
        "neither a self-evaluation form's title nor a funds or indicator table",
    )


def _binary_reader(data: bytes, lower: str) -> Callable[[bytes, str], ReadResult] | None:
    """The reader of a file that is not text (PDF, Office, OLE2), told by its name (lower case) and first
    bytes; None for text."""
    # The PDF header may follow up to 1 KB of junk (PDF 1.7, §7.5.2); the suffix alone also decides.
    if lower.endswith(".pdf") or b"%PDF-" in data[:1024]:
        return read_pdf
    # Old Word and WPS files need LibreOffice, unless the file is really a .docx under the old name.
    if lower.endswith(CONVERTED_SUFFIXES) and not data.startswith(ZIP_MAGIC):
        from ziping.readers.office import TARGETS, read_converted

        return lambda data, source: read_converted(data, source, TARGETS[Path(lower).suffix])
    # OLE2: a legacy .xls, an old Word file under another name, or a password-protected .xlsx/.docx.
    if data.startswith(OLE_MAGIC) or (lower.endswith(LEGACY_WORKBOOK_SUFFIXES) and not data.startswith(ZIP_MAGIC)):
        from ziping.readers.ole import read_ole

        return read_ole
    # A .docx is a zip too: where the suffix does not say which, the member names tell it from a workbook.
    if lower.endswith((*DOCUMENT_SUFFIXES, ".doc", ".wps")) or (
        not lower.endswith(WORKBOOK_SUFFIXES + LEGACY_WORKBOOK_SUFFIXES + (".et",))
        and data.startswith(ZIP_MAGIC)
        and b"word/document.xml" in data
        and b"xl/workbook.xml" not in data
    ):
        from ziping.readers.docx import read_docx

        return read_docx
    # A workbook is a zip; its magic bytes count when the suffix lies (自评表.txt saved from Excel).
    if lower.endswith(WORKBOOK_SUFFIXES + LEGACY_WORKBOOK_SUFFIXES) or data.startswith(ZIP_MAGIC):
        from ziping.readers.xlsx import read_workbook

        return read_workbook
    return None
