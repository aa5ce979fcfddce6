"""The property tests every binary reader gets: random bytes, truncations and flipped bytes of a valid file
give only ZP001/ZP002, never an exception, and leave nothing in the temporary folder."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ziping.checks import Checker

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHECKER = Checker.create()


def never_raises(private_tmp: Path, data: bytes, name: str) -> None:
    """Only ZP001/ZP002, and nothing left in the temporary folder (`private_tmp`, made the default for the call)."""
    saved, tempfile.tempdir = tempfile.tempdir, str(private_tmp)
    try:
        result = CHECKER.check_bytes(data, name)
    finally:
        tempfile.tempdir = saved
    assert result.error is None or result.error.code in ("ZP001", "ZP002")
    assert list(private_tmp.iterdir()) == []


def fuzz_tests(valid: bytes, magic: bytes, name: str) -> tuple[Callable, Callable, Callable]:
    """The three tests for a reader whose files start with `magic`, built around one `valid` file."""

    @FUZZ
    @given(st.binary(max_size=2000))
    def random_bytes(private_tmp, data):
        never_raises(private_tmp, magic + data, name)
        never_raises(private_tmp, data, name)

    @FUZZ
    @given(st.integers(min_value=0, max_value=len(valid)))
    def truncations(private_tmp, cut):
        never_raises(private_tmp, valid[:cut], name)

    @FUZZ
    @given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(valid) - 1), st.integers(0, 255)), max_size=8))
    def flipped_bytes(private_tmp, flips):
        data = bytearray(valid)
        for at, byte in flips:
            data[at] = byte
        never_raises(private_tmp, bytes(data), name)

    return random_bytes, truncations, flipped_bytes
