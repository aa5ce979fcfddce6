"""Property tests: whatever text arrives, reading and checking never raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ziping.checks import Checker

from .conftest import SEED

CHECKER = Checker.create()
SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
FORM_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str):
    result = CHECKER.check_bytes(text.encode("utf-8"), "fuzz.txt")
    for form in result.forms:
        for finding in form.findings:
            assert finding.code.startswith("ZP")
    return result


@FORM_SETTINGS
@given(st.sets(st.integers(min_value=0, max_value=len(SEED_LINES) - 1), max_size=60))
def test_seed_with_lines_deleted(deleted):
    _check("\n".join(line for k, line in enumerate(SEED_LINES) if k not in deleted))


@FORM_SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(SEED_LINES) - 1), st.text(max_size=30)), max_size=20))
def test_seed_with_lines_replaced(replacements):
    lines = list(SEED_LINES)
    for k, text in replacements:
        lines[k] = text
    _check("\n".join(lines))


@FORM_SETTINGS
@given(st.lists(st.sampled_from(SEED_LINES), max_size=120))
def test_seed_lines_shuffled(lines):
    _check("项目支出绩效自评表\n" + "\n".join(lines))


@FORM_SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_after_a_heading(text):
    _check("项目支出绩效自评表\n" + text)
