"""Decoding the bytes of a text file: UTF-8 (with or without BOM) and GB18030 are all met in practice."""

from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with; raises UndecodableError for binary data."""
    if b"\x00" in data[:4096]:
        # UTF-16 or a binary file: GB18030 would "decode" it into nonsense.
        raise UndecodableError("binary")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UndecodableError("encoding")
