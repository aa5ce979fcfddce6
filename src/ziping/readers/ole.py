"""OLE2 compound files, which are several formats under one magic number: which reader gets one.

The magic `D0 CF 11 E0 A1 B1 1A E1` starts a legacy .xls, a legacy .doc, a WPS file, and an
.xlsx or .docx saved with a password (Office wraps the encrypted zip in OLE2). The suffix has
already sent .doc/.wps/.et to LibreOffice; everything else is tried as an .xls, and an OLE2 file
that is not a workbook and does not claim to be one (自评表.txt saved from Word) is taken for a
Word file.
"""

from __future__ import annotations

from ziping.readers import ReadResult

_WORKBOOK_SUFFIXES = (".xls", ".xlsx", ".xlsm")


def read_ole(data: bytes, source: str) -> ReadResult:
    from ziping.readers.xls import read_xls
    from ziping.readers.xlsx import is_encrypted_package

    result = read_xls(data, source)
    if (
        result.problem is None
        or result.problem.code != "ZP001"
        or is_encrypted_package(data)
        or source.lower().endswith(_WORKBOOK_SUFFIXES)
    ):
        return result
    from ziping.readers.office import read_converted

    return read_converted(data, source, "docx")
