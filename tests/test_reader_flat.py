"""Forms flattened to one line of words (the cell boundaries and empty cells lost) read like their tables."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ziping.checks import Checker
from ziping.readers import read_path
from ziping.readers.streams import shape

from .conftest import FIXTURES, SEED
from .test_golden import EXPECTED

FLAT = FIXTURES / "flat"
CHIZHOU = FIXTURES / "published" / "anhui-chizhou-guichi-2022-weituo.txt"


def _value(field):
    if field is None:
        return None
    value = getattr(field, "value", None)
    return value if value is not None else "".join(field.raw.split())


def _model(form) -> dict:
    """What a form says, as values: the flat text keeps no cell formats ("10.00" is "10") nor line breaks."""
    funds = form.funds
    return {
        "header": {k: _value(getattr(form.header, k)) for k in ("project_code", "project_name", "year")},
        "funds": {
            row: [_value(getattr(getattr(funds, row), p)) for p in ("initial_budget", "budget", "executed")]
            for row in ("total", "fiscal", "carryover", "other")
            if getattr(funds, row) is not None
        },
        "rate": [_value(funds.weight), _value(funds.execution_rate), _value(funds.execution_score)],
        "goals": [_value(form.goals.expected), _value(form.goals.actual)],
        "indicators": [
            [ind.level1, ind.level2, ind.name.raw, *(_value(getattr(ind, p)) for p in ("target", "actual"))]
            + [_value(ind.weight), _value(ind.score), _value(ind.note)]
            for ind in form.indicators
        ],
        "total": [_value(form.total.weight), _value(form.total.score)],
    }


@pytest.mark.parametrize("number", [1, 2, 3])
def test_flattened_seed_form_reads_as_the_text(number):
    flat = read_path(FLAT / f"longgang-2023-form{number}.txt")
    assert flat.problem is None and len(flat.forms) == 1
    seed = read_path(SEED).forms[number - 1]
    assert _model(flat.forms[0]) == _model(seed)
    assert flat.forms[0].unread == []


@pytest.mark.parametrize("number", [1, 2, 3])
def test_flattened_seed_form_gives_the_golden_findings(number):
    result = Checker.create().check_file(FLAT / f"longgang-2023-form{number}.txt")
    assert {f.code for form in result.forms for f in form.findings} == EXPECTED[number - 1]


def test_real_flattened_form_reports_its_own_defects():
    """池州 2022: the total row says 0 beside a 90万元 appropriation, and the page stops inside the last row."""
    result = Checker.create().check_file(CHIZHOU)
    (form,) = result.forms
    codes = [f.code for f in form.findings]
    # The total row left at 0 beside its sources is one mistake: one finding, which gives the rate they make.
    [unfilled] = [f for f in form.findings if f.code == "ZP103"]
    assert unfilled.variant == "unfilled" and form.figures.execution_rate == 100.0
    # The text stops inside the last row ("公众满"): the cut is reported once, not as missing fields or values.
    [cut] = [f for f in form.findings if f.code == "ZP012"]
    assert cut.variant == "after" and cut.params["edge"] == "公众满"
    assert "ZP003" not in codes and "ZP206" not in codes
    assert "ZP010" not in codes  # every word was placed


def test_flattened_text_is_read_word_by_word():
    one_line = (FLAT / "longgang-2023-form1.txt").read_text(encoding="utf-8")
    assert shape(one_line) == "words"


def test_the_seed_reader_still_comes_first():
    # The seed's own layout never reaches the flat reader, so its findings cannot change.
    assert [len(f.indicators) for f in read_path(SEED).forms] == [9, 6, 6]


WORDS = (FLAT / "longgang-2023-form2.txt").read_text(encoding="utf-8").split()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sets(st.integers(min_value=0, max_value=len(WORDS) - 1), max_size=40),
    st.lists(st.tuples(st.integers(min_value=0, max_value=len(WORDS) - 1), st.text(max_size=12)), max_size=10),
    st.integers(min_value=1, max_value=len(WORDS)),
)
def test_damaged_flat_text_never_raises(deleted, replaced, cut):
    words = [w for k, w in enumerate(WORDS) if k not in deleted]
    for k, text in replaced:
        if k < len(words):
            words[k] = text
    result = Checker.create().check_bytes(" ".join(words[:cut]).encode("utf-8"), "flat.txt")
    assert result.error is None or result.error.code in {"ZP001", "ZP002"}
    assert all(f.code.startswith("ZP") and f.code != "ZP009" for f in result.findings)


def test_places_on_the_one_line_are_named_by_character():
    result = Checker.create().check_file(CHIZHOU)
    text = CHIZHOU.read_text(encoding="utf-8")
    [funds] = [f for f in result.findings if f.code == "ZP103"]
    # The finding points at the row it is about: the total row's first 0.
    assert text[funds.location.column - 1] == "0"
    [cut] = [f for f in result.findings if f.code == "ZP012"]
    assert text[cut.location.column - 1 :].startswith("公众满")
    assert cut.location.describe() == f"第1行第{cut.location.column}字"
