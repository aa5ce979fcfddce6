"""Readers: one per format, each turning a file into forms; file-level failures become ZP001/ZP002."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ziping.files import os_reason
from ziping.model import Form
from ziping.readers.encoding import UndecodableError, decode
from ziping.readers.pdf import read_pdf
from ziping.readers.text import read_text

TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv", ".md", ""}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Word documents; the old binary Word and WPS formats, read through LibreOffice; legacy Excel.
DOCUMENT_SUFFIXES = (".docx",)
CONVERTED_SUFFIXES = (".doc", ".wps", ".et")
LEGACY_WORKBOOK_SUFFIXES = (".xls",)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_BYTES = 50 * 1024 * 1024
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


@dataclass(slots=True)
class ReadResult:
    """The forms read from one file, or the problem that stopped it."""

    path: str
    forms: list[Form] = field(default_factory=list)
    problem: FileProblem | None = None
    encoding: str | None = None


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
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        zh, en = os_reason(exc, path)  # in Chinese: 符号链接循环, not "Too many levels of symbolic links"
        if not isinstance(exc, FileNotFoundError):
            zh, en = f"无法打开（{zh}）", f"cannot open ({en})"
        return ReadResult(shown, problem=FileProblem("ZP001", zh, en))
    return read_bytes(data, shown)


def read_bytes(data: bytes, source: str) -> ReadResult:
    """Read every form from a file's bytes; `source` names it in messages."""
    if not data.strip():
        return ReadResult(source, problem=FileProblem("ZP002", "文件为空", "the file is empty"))
    if len(data) > MAX_BYTES:  # standard input has no size to stat beforehand
        return ReadResult(
            source, problem=FileProblem("ZP001", "文件过大（上限 50 MB），未读取", "too large (limit 50 MB)")
        )
    # The PDF header may follow up to 1 KB of junk (PDF 1.7, §7.5.2); the suffix alone also decides.
    if source.lower().endswith(".pdf") or b"%PDF-" in data[:1024]:
        return read_pdf(data, source)
    lower = source.lower()
    # Old Word and WPS files need LibreOffice, unless the file is really a .docx under the old name.
    if lower.endswith(CONVERTED_SUFFIXES) and not data.startswith(ZIP_MAGIC):
        from ziping.readers.office import TARGETS, read_converted

        return read_converted(data, source, TARGETS[Path(lower).suffix])
    # OLE2: a legacy .xls, an old Word file under another name, or a password-protected .xlsx/.docx.
    if data.startswith(OLE_MAGIC) or (lower.endswith(LEGACY_WORKBOOK_SUFFIXES) and not data.startswith(ZIP_MAGIC)):
        from ziping.readers.ole import read_ole

        return read_ole(data, source)
    # A .docx is a zip too: where the suffix does not say which, the member names tell it from a workbook.
    if lower.endswith((*DOCUMENT_SUFFIXES, ".doc", ".wps")) or (
        not lower.endswith(WORKBOOK_SUFFIXES + LEGACY_WORKBOOK_SUFFIXES + (".et",))
        and data.startswith(ZIP_MAGIC)
        and b"word/document.xml" in data
        and b"xl/workbook.xml" not in data
    ):
        from ziping.readers.docx import read_docx

        return read_docx(data, source)
    # A workbook is a zip; its magic bytes count when the suffix lies (自评表.txt saved from Excel).
    if lower.endswith(WORKBOOK_SUFFIXES + LEGACY_WORKBOOK_SUFFIXES) or data.startswith(ZIP_MAGIC):
        from ziping.readers.xlsx import read_workbook

        return read_workbook(data, source)
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
    forms = [Form.model_validate(raw) for raw in read_text(text, source)]
    if not forms:
        return ReadResult(
            source,
            problem=FileProblem("ZP002", "没有“项目支出绩效自评表”标题", "no 项目支出绩效自评表 heading"),
            encoding=encoding,
        )
    return ReadResult(source, forms=forms, encoding=encoding)
