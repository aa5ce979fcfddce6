"""OCR noise: a label with one character misread, digits read as look-alike letters, stray spaces inside
numbers. The readers repair what is unambiguous and the form reads, and checks, as the clean one."""

from __future__ import annotations

import random

import pytest

from ziping.checks import Checker
from ziping.readers import read_bytes, read_path
from ziping.readers.labels import _KNOWN, canonical, normalize
from ziping.values import parse_actual, parse_number

from .conftest import FIXTURES
from .test_golden import EXPECTED
from .test_reader_flat import _model as _raw_model

FLAT = FIXTURES / "flat"
QINGSHEN = FIXTURES / "published" / "sichuan-qingshen-2023-wages.txt"
JUNK = "口"  # what OCR makes of a character it cannot read


def _model(form) -> dict:
    """The form's model with targets and actuals as parsed: the raw text keeps the misread characters."""
    model = _raw_model(form)
    for row, ind in zip(model["indicators"], form.indicators):
        row[3:5] = [
            None if parsed is None else parsed.model_dump(exclude={"text"})
            for parsed in (ind.target_parsed, ind.actual_parsed)
        ]
    return model


def _misread_label(word: str) -> str:
    """The label with one character replaced, at the first place where it still names the label alone."""
    key = normalize(word)
    for i, char in enumerate(word):
        if "\u4e00" <= char <= "\u9fff":
            noisy = word[:i] + JUNK + word[i + 1 :]
            if canonical(normalize(noisy)) == key:
                return noisy
    return word


def _misread_digits(word: str) -> str:
    """1 read as l, 0 as O: the first one of either in a number."""
    for digit, alike in (("1", "l"), ("0", "O")):
        if digit in word:
            return word.replace(digit, alike, 1)
    return word


def _noisy_flat(text: str, rng: random.Random) -> tuple[str, int, int]:
    words, labels, numbers = [], 0, 0
    for word in text.split():
        head = normalize(word).partition("(")[0]
        if head in _KNOWN and rng.random() < 0.7:
            noisy = _misread_label(word)
            labels += noisy != word
            word = noisy
        elif parse_number(word) is not None and len(word) < 12 and rng.random() < 0.7:  # codes are not numbers
            noisy = _misread_digits(word)
            numbers += noisy != word
            word = noisy
        words.append(word)
    return " ".join(words), labels, numbers


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("number", [1, 2, 3])
def test_misread_labels_and_digits_read_as_the_clean_form(number, seed):
    clean_path = FLAT / f"longgang-2023-form{number}.txt"
    noisy, labels, numbers = _noisy_flat(clean_path.read_text(encoding="utf-8"), random.Random(seed))
    assert labels >= 3 and numbers >= 5  # the noise is really there
    result = read_bytes(noisy.encode("utf-8"), "ocr.txt")
    assert result.problem is None
    assert _model(result.forms[0]) == _model(read_path(clean_path).forms[0])
    checked = Checker.create().check_bytes(noisy.encode("utf-8"), "ocr.txt")
    assert {f.code for f in checked.findings} == EXPECTED[number - 1]


def test_stray_spaces_inside_numbers_and_labels_in_cell_text():
    text = QINGSHEN.read_text(encoding="utf-8")
    noisy = (
        text.replace("251.89 |", "25 1.89 |")
        .replace("238.93 |", "2 38.93 |")
        .replace("预算执行率 |", "预 算执 行率 |")
        .replace("调整后预算数 |", "调整后预箅数 |")
    )
    assert noisy.count("25 1.89") >= 2 and "预箅数" in noisy
    clean, dirty = read_path(QINGSHEN).forms[0], read_bytes(noisy.encode("utf-8"), "ocr.txt").forms[0]
    for row in ("total", "fiscal"):
        for part in ("initial_budget", "budget", "executed"):
            assert getattr(getattr(dirty.funds, row), part).value == getattr(getattr(clean.funds, row), part).value
    assert _model(dirty) == _model(clean)


@pytest.mark.parametrize(
    ("text", "value"),
    [("l00%", 100), ("1OO", 100), ("9 5%", 95), ("1 350 000", 1350000), ("100 .00", 100), ("l0", 10), ("2O23", 2023)],
)
def test_look_alike_digits_and_stray_spaces_are_repaired(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["IO", "O2O", "lol", "GDP", "IT设备", "A1级"])
def test_words_are_never_made_numbers(text):
    assert parse_number(text) is None
    assert parse_actual(text).kind == "qualitative" or parse_actual(text).value != 0


@pytest.mark.parametrize(
    ("key", "label"),
    [("偏差原因分折", "偏差原因分析"), ("年度指值", "年度指标值"), ("全年预箅数(A)", "全年预算数(A)")],
)
def test_a_label_one_character_off_is_repaired(key, label):
    assert canonical(key) == label


@pytest.mark.parametrize("key", ["项目资金额(元)", "项目资料", "预算执行口", "人大工作影响力", "项目完成率"])
def test_names_and_ambiguous_misreads_stay_as_they_are(key):
    # 预算执行口 could be 预算执行率 or 预算执行数; names that extend a label are names.
    assert canonical(key) == key
