"""The seed layout is told by its headings on lines of their own; the quick search over the whole text
answers exactly as the line-by-line definition does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ziping.chinese import convert
from ziping.readers.seed import SEED_HEADINGS, is_seed_layout


def by_lines(text: str) -> bool:
    """The definition: each heading, spaces removed and in simplified characters, is a line of ≤ 20 characters."""
    heads = {convert(line).strip().replace(" ", "") for line in text.splitlines() if len(line) <= 20}
    return all(heading in heads for heading in SEED_HEADINGS)


def spaced(heading: str, gaps: list[str]) -> str:
    return "".join(ch + (gaps[k % len(gaps)] if k < len(heading) - 1 else "") for k, ch in enumerate(heading))


PADS = st.sampled_from(["", " ", "  ", "\t", "\u3000", " " * 12, "\r"])
ENDS = st.sampled_from(["\n", "\r\n", "\r", "\x0c", "\u2028"])
OTHER = st.sampled_from(["项目名称：人大宣传", "资金使用情况说明见附件", "年度绩效指标值", "總分", "100 99.5", ""])


@st.composite
def texts(draw) -> str:
    lines = []
    for heading in SEED_HEADINGS:
        if draw(st.booleans()) or draw(st.booleans()):
            word = (
                heading if draw(st.integers(0, 4)) else "項目支出績效自評表" if heading == SEED_HEADINGS[0] else heading
            )
            gaps = draw(st.lists(st.sampled_from(["", "", " ", "  "]), min_size=1, max_size=3))
            lines.append(draw(PADS) + spaced(word, gaps) + draw(PADS))
        lines.extend(draw(st.lists(OTHER, max_size=2)))
    order = draw(st.permutations(lines))
    end = draw(ENDS)
    return end.join(order)


@settings(max_examples=400, deadline=None)
@given(texts())
def test_quick_search_answers_as_the_line_by_line_definition(text: str) -> None:
    assert is_seed_layout(text) == by_lines(text)


def test_a_heading_inside_a_longer_line_or_padded_past_twenty_characters_is_not_one() -> None:
    body = "\n".join(SEED_HEADINGS)
    assert is_seed_layout(body)
    assert not is_seed_layout(body.replace("资金使用情况", "资金使用情况（万元）及说明"))
    assert not is_seed_layout(body.replace("年度绩效指标", " " * 15 + "年度绩效指标"))
    assert is_seed_layout(body.replace("年度绩效指标", "年 度 绩 效 指 标"))
    assert is_seed_layout(body.replace("\n", "\r\n"))
