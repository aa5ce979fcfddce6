"""Values placed in a row's columns by their kinds and the row's arithmetic (`readers/align.py`): numbers
that ran together are split only where one split makes the row's arithmetic hold."""

from __future__ import annotations

import pytest

from ziping.readers import align
from ziping.readers.cells import Cell

FUNDS = ["initial_budget", "budget", "executed", "execution_weight", "execution_rate", "execution_score"]


def _placed(text: str, bounds: dict[str, float] | None = None) -> tuple[dict[str, str], bool]:
    placed = align.place([Cell(text, {"line": 1}, glued=True)], FUNDS, align.funds_check(bounds or {}))
    return {column: cell.text for column, cell in placed.cells.items()}, placed.unsure


@pytest.mark.parametrize(
    ("glued", "bounds", "expected"),
    [
        # The example: 全年预算数 30, 全年执行数 30, 分值 10, 执行率 100% (年初预算数 left empty).
        ("303010100%", None, {"budget": "30", "executed": "30", "execution_weight": "10", "execution_rate": "100%"}),
        # Five numbers run together.
        (
            "40404010100%",
            None,
            {
                "initial_budget": "40",
                "budget": "40",
                "executed": "40",
                "execution_weight": "10",
                "execution_rate": "100%",
            },
        ),
        # A source row as large as its total: equal to it, not some smaller cut ("2|0").
        ("2020", {"budget": 20, "executed": 20}, {"budget": "20", "executed": "20"}),
    ],
)
def test_a_run_of_digits_is_split_where_the_arithmetic_holds(glued, bounds, expected):
    cells, unsure = _placed(glued, bounds)
    assert cells == expected and not unsure


def test_splits_as_good_as_each_other_leave_the_row_unsure():
    # 40 | 40 | 40 | 100%: the third 40 is 全年执行数 or 分值 alike; the row is read but no finding rests on it.
    _, unsure = _placed("404040100%", {"budget": 40, "executed": 40})
    assert unsure


def test_zeros_carved_out_of_digits_prove_nothing():
    # "3030101 | 0 | 0%" holds (nothing spent, 0%), as any cut ending in zeros would: not chosen over 30 | 30.
    cells, _ = _placed("303010100%")
    assert cells.get("executed") != "0" and cells.get("execution_rate") != "0%"


def test_a_whole_number_is_not_split_without_arithmetic_to_show_for_it():
    cells, unsure = _placed("1350000.00", {"budget": 2_000_000})
    assert cells == {"initial_budget": "1350000.00"} or cells == {"budget": "1350000.00"}
    assert "executed" not in cells
