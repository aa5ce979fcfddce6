"""The same seed in the encodings met in practice gives the same findings."""

from __future__ import annotations

import pytest

from ziping.checks import Checker

from .conftest import SEED


def _summary(result):
    return [
        [(f.code, f.field, f.location.line if f.location else None) for f in form.findings] for form in result.forms
    ]


@pytest.fixture(scope="module")
def original():
    return _summary(Checker.create().check_file(SEED))


def test_gb18030_copy(tmp_path, original):
    path = tmp_path / "gb.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    result = Checker.create().check_file(path)
    assert result.error is None
    assert _summary(result) == original


def test_utf8_bom_crlf_copy(tmp_path, original):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    result = Checker.create().check_file(path)
    assert result.error is None
    assert _summary(result) == original
