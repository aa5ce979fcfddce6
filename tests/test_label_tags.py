"""A cell's Tag bits: numbers and codes (ASCII) are never labels, so the form finder skips them unasked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ziping.readers.assemble import Tag, _tags, tags
from ziping.readers.cells import Cell
from ziping.readers.labels import _ALL_LABELS, LEVEL1_ALIASES


def test_no_label_of_the_vocabulary_that_tags_is_ascii() -> None:
    labels = [label for label in (*_ALL_LABELS, *LEVEL1_ALIASES) if _tags.__wrapped__(label)]
    assert len(labels) > 100
    assert [label for label in labels if label.isascii()] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30))
def test_an_ascii_cell_tags_nothing_when_asked_in_full(text: str) -> None:
    assert _tags.__wrapped__(text) == 0
    assert tags(Cell(text, {"line": 1})) == 0


def test_labels_and_full_width_numbers_keep_their_tags() -> None:
    assert tags(Cell("总分", {"line": 1})) & Tag.TOTAL
    assert tags(Cell("项目名称", {"line": 1})) & Tag.PROJECT
    assert tags(Cell("产出指标(50分)", {"line": 1})) & Tag.LEVEL1
    assert tags(Cell("１０", {"line": 1})) == 0  # normalised to "10": a number
