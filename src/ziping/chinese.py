"""Traditional characters: forms from some regions write 數量指標, 產出指標, 偏差原因分析.

Labels and words are matched in simplified characters (OpenCC, t2s); raw values and quotes keep the
form's own characters. OpenCC is loaded only for text that needs it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Characters of the template's labels and completion words that only traditional text uses:
# a cheap test before converting anything.
TRADITIONAL_HINT = re.compile(
    r"[項績評資標體總產滿數質時經濟會態續響務對當財撥結轉編碼稱實單級預門際況適進達試運與為個條場戶內導無須"
    r"佔備價優別區問執報審專屬後復採據擬構機權決爲環稅納終組綜縣織聯萬蓋號補計設話說説調論負責過電題額類]"
)


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """The text in simplified characters, exactly as long as the original."""
    if not TRADITIONAL_HINT.search(text):
        return text
    return convert(text)


def convert(text: str) -> str:
    """Traditional to simplified without the quick test (for lines of a text already known to need it)."""
    converted = _converter().convert(text)
    if len(converted) != len(text):  # a phrase mapping changed the length: convert character by character
        converted = "".join(c if len(c := _converter().convert(ch)) == 1 else ch for ch in text)
    return converted
