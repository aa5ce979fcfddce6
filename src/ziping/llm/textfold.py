"""The one normalisation in which a model's quote and the form text meet.

The renderer uses it to find forged delimiters in the text it sends, grounding to find a quote in
that text, and the HTML report to mark the quote in the form's cells. Folding applies NFKC (full and
half width), drops whitespace and invisible characters, and maps the punctuation pairs models swap
when they copy Chinese text (“”/"", 《》/"", 「」/"", ‘’/'', 、/,). Every folded character remembers
where it came from, so a match maps back to a verbatim span of the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Zero-width and other invisible format characters: they change nothing a reader sees.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
DROP_INVISIBLE = {ord(ch): None for ch in INVISIBLE}
# Applied after NFKC, which already folds full-width ，；：（）＜＞ to their ASCII forms.
SWAPPED = {
    "“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "《": '"', "》": '"',
    "〈": '"', "〉": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‹": "'", "›": "'", "、": ",",
    "⟨": "<", "⟩": ">",
}  # fmt: skip


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in INVISIBLE or ch.isspace():
        return ""
    return "".join(SWAPPED.get(c, c) for c in unicodedata.normalize("NFKC", ch) if not c.isspace())


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded for comparison; `origin[i]` is the index in the original of folded character i."""

    text: str
    origin: list[int]

    def spans(self, folded_needle: str) -> list[tuple[int, int]]:
        """Where an already folded text occurs, as (start, end) spans of the original text."""
        out: list[tuple[int, int]] = []
        if not folded_needle:
            return out
        at = self.text.find(folded_needle)
        while at >= 0:
            out.append((self.origin[at], self.origin[at + len(folded_needle) - 1] + 1))
            at = self.text.find(folded_needle, at + len(folded_needle))
        return out


def fold(text: str) -> Folded:
    """The text folded for comparison, with where each character came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for out in ch if ch.isascii() and not ch.isspace() else _fold_char(ch):
            chars.append(out)
            origin.append(index)
    return Folded("".join(chars), origin)


def folded(text: str) -> str:
    """Only the folded text (what two texts are compared in)."""
    return fold(text).text


def visible(text: str) -> str:
    """The text without invisible characters (what the renderer sends)."""
    return text.translate(DROP_INVISIBLE)
