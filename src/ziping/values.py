"""The value parser: numbers, quantities, units, targets, actual values and dates as forms write them.

Values on these forms are text first ("≥95%", "50-200条", "2023年12月31日前", "十五期", "有效提高").
Everything here is a pure function of the text (and, for direction, the indicator's name).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

TargetKind = Literal["at_least", "at_most", "equal", "range", "deadline", "qualitative"]
ActualKind = Literal["quantity", "date", "qualitative"]
Comparator = Literal["ge", "gt", "le", "lt", "eq"]
Completion = Literal["full", "partial", "none"]


class Quantity(BaseModel):
    """A number with its canonical unit ('%', '元', '小时', '天', '个', '期', '人', '条' ...); money is in 元."""

    model_config = ConfigDict(frozen=True)

    value: float
    unit: str | None = None


class Target(BaseModel):
    """A typed 年度指标值."""

    model_config = ConfigDict(frozen=True)

    kind: TargetKind
    low: float | None = None  # at_least / equal / range: the lower bound (equal: the value)
    high: float | None = None  # at_most / equal / range: the upper bound (equal: the value)
    strict: bool = False  # '>' or '<' rather than '≥' or '≤'
    unit: str | None = None
    deadline: date | None = None  # deadline: the last day that still counts as on time
    text: str = ""  # the normalised text the target was parsed from


class Actual(BaseModel):
    """A typed 实际完成值."""

    model_config = ConfigDict(frozen=True)

    kind: ActualKind
    value: float | None = None
    unit: str | None = None
    comparator: Comparator | None = None  # "48小时内" is le 48, "超过90%" is gt 90
    earliest: date | None = None  # kind == 'date': the span the text allows ("2023年11月份")
    latest: date | None = None
    completion: Completion | None = None  # what completion words say ("基本完成" is partial)
    text: str = ""


# ---------------------------------------------------------------------------
# Implementation. Everything below is pure and cached: forms repeat the same
# short strings ("100%", "≥95%", "10.00") thousands of times per batch.
# ---------------------------------------------------------------------------

__all__ = [
    "ActualKind",
    "Comparator",
    "Completion",
    "TargetKind",
    "Quantity",
    "Target",
    "Actual",
    "normalize",
    "parse_number",
    "decimals",
    "parse_quantity",
    "unit_from_name",
    "unit_dimension",
    "convert",
    "parse_target",
    "parse_actual",
    "completion_of",
    "parse_date_span",
]

# Targets, units and names repeat across a batch and hit; amounts rarely repeat. A small bound
# keeps the hits and keeps a long batch's memory flat.
_CACHE = 1 << 12

# --- normalisation ----------------------------------------------------------

# Chinese punctuation that carries structure in names and notes stays full-width.
_KEEP_FULLWIDTH = {0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F}
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c not in _KEEP_FULLWIDTH}
_FOLD.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",
        0x2212: "-",  # minus sign
        0xFE63: "-",  # small hyphen-minus
        0x301C: "~",  # wave dash
        0xFE6A: "%",  # small percent sign
        0x2267: "≥",  # ≧
        0x2266: "≤",  # ≦
        0x2A7E: "≥",  # ⩾
        0x2A7D: "≤",  # ⩽
        0x200B: None,  # zero-width space from PDF extraction
        0xFEFF: None,  # stray BOM
    }
)
_FOLD_TABLE = str.maketrans(_FOLD)

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
# PDF extraction breaks cells inside words ("2023年12\n月31日"); Chinese never uses spaces, so
# whitespace next to a CJK character is dropped rather than collapsed.
_WS_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_WS = re.compile(r"\s+")
# A full-width comma is a thousands separator only when exactly three digits follow.
_CN_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
# '-' is deliberately absent: "10 -3" may be two cells, and '-' needs no rewriting anyway.
_RANGE_SEP = re.compile(r"(?<=\d)\s*[~至—–―]+\s*(?=\d)")


@lru_cache(maxsize=_CACHE)
def normalize(text: str) -> str:
    """Fold full-width ASCII, unify comparators and range dashes, and tidy whitespace."""
    # Each step is guarded by a cheap membership test: most cells ("100%", "10.00") need none of them.
    t = text if text.isascii() else text.translate(_FOLD_TABLE)
    if "=" in t:
        t = t.replace(">=", "≥").replace("<=", "≤")
    if " " in t or not t.isprintable():
        t = _WS_NEAR_CJK.sub("", t)
        t = _WS.sub(" ", t).strip()
    if "，" in t:
        t = _CN_THOUSANDS.sub(",", t)
    if "~" in t or "至" in t or "—" in t or "–" in t or "―" in t:
        t = _RANGE_SEP.sub("-", t)
    if len(t) <= 32 and (" " in t or not _CONFUSABLE.isdisjoint(t)):
        t = _repair_digits(t)
    return t


# OCR misreads digits as look-alike letters ("l00%", "1O") and splits numbers with stray spaces
# ("9 5%", "1 350 000"). Only a cell that is a number and nothing else — an optional comparator,
# digits, look-alikes, separators, then % or a short unit — is repaired; prose never is.
_CONFUSABLE = frozenset("OolI|")
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", " ": None})
_OCR_NUMBER = re.compile(
    r"(?P<pre>[<>≥≤=]?) ?(?P<num>[\dOolI|](?:[\dOolI|,.]| (?=[\dOolI|.]))*)(?P<post> ?(?:%|[\u4e00-\u9fff]{1,3})?)"
)


def _repair_digits(t: str) -> str:
    m = _OCR_NUMBER.fullmatch(t)
    if m is None:
        return t
    num = m["num"]
    digits = sum(c.isdigit() for c in num)
    alike = sum(c in _CONFUSABLE for c in num)
    # A run with no real digit is a word ("IO", "lol"); one that starts with a look-alike needs at least
    # as many digits as look-alikes ("l00" and "l0" are numbers, "O2O" stays a word). A lone look-alike
    # ("O" in an amount cell) is the digit: no value on these forms is a single Latin letter.
    if len(num) > 1 and (digits == 0 or (not num[0].isdigit() and digits < alike)):
        return t
    return m["pre"] + num.translate(_DIGIT_FIX) + m["post"].strip()


# --- numbers ----------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN = rf"[{_CN_CHARS}]+"


def _cn_to_int(s: str) -> int | None:
    """Read a Chinese numeral (十五, 一百零五, 三万五千); None when it is not well formed."""
    if s[0] not in _CN_DIGITS and s[0] != "十":
        return None  # "万", "百" alone are words, not numbers
    total = section = number = 0
    prev = ""  # 'd' non-zero digit, 'z' zero, 'u' unit
    for ch in s:
        d = _CN_DIGITS.get(ch)
        if d is not None:
            if prev == "d" or (prev == "z" and d == 0):
                return None  # "二〇二三" is a digit string, not a numeral
            number = d
            prev = "z" if d == 0 else "d"
        elif ch in _CN_SMALL:
            if prev == "u" and number == 0 and ch != "十":
                return None
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
            prev = "u"
        elif ch == "万":
            if section + number == 0:
                return None
            total += (section + number) * 10_000
            section = number = 0
            prev = "u"
        else:  # 亿
            if total + section + number == 0:
                return None
            total = (total + section + number) * 100_000_000
            section = number = 0
            prev = "u"
    n = total + section + number
    return n if n < 10**16 else None  # "一亿亿亿…" would overflow a float; no form means that


_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER_RE = re.compile(rf"^(?P<num>{_NUM}|[+-]?\.\d+)\s?(?P<suf>万元|亿元|万|亿|元|分|%)?$")
_CN_NUMBER_RE = re.compile(rf"^(?P<cn>{_CN})(?P<suf>元|分|%)?$")
# "5.8万" is 5.8万元 written short, as the funds rows of transfer-payment forms do.
_SUFFIX_FACTOR = {
    None: 1,
    "元": 1,
    "分": 1,
    "%": 1,
    "万元": 10_000,
    "亿元": 100_000_000,
    "万": 10_000,
    "亿": 100_000_000,
}
_NUMTOK = re.compile(r"\d+(?:[.,]\d+)*")
_HAS_NUMERAL = re.compile(rf"[\d{_CN_CHARS}]")
_PCT_WORD = re.compile(rf"百分之([\d.]+|{_CN})")


def _scaled(num: str, factor: int) -> float:
    """A written decimal times a power of ten, rounded once (so 0.0001万元 is exactly 1元)."""
    num = num.replace(",", "")
    if factor == 1:
        return float(num)
    return float(Decimal(num) * factor)


@lru_cache(maxsize=_CACHE)
def parse_number(text: str) -> float | None:
    """A numeric cell as a float ("1,350,000.00", "１０", "10分", "99.73%", "十五", "135万元"), else None."""
    t = normalize(text)
    if not t:
        return None
    m = _NUMBER_RE.match(t)
    if m:
        return _scaled(m["num"], _SUFFIX_FACTOR[m["suf"]])
    m = _CN_NUMBER_RE.match(t)
    if m:
        n = _cn_to_int(m["cn"])
        return None if n is None else float(n)
    return None


@lru_cache(maxsize=_CACHE)
def decimals(text: str) -> int | None:
    """The number of decimal places written in a numeric cell ("19.45" → 2), None if not a number."""
    t = normalize(text)
    m = _NUMBER_RE.match(t)
    if m:
        num = m["num"]
        dot = num.find(".")
        return 0 if dot < 0 else len(num) - dot - 1
    if parse_number(t) is not None:
        return 0  # Chinese numerals are whole numbers
    return None


# --- units ------------------------------------------------------------------

_MONEY = {
    "元": 1,
    "千元": 1_000,
    "万元": 10_000,
    "十万元": 100_000,
    "百万元": 1_000_000,
    "千万元": 10_000_000,
    "亿元": 100_000_000,
}
_TIME = {
    "秒": "秒",
    "秒钟": "秒",
    "分钟": "分钟",
    "min": "分钟",
    "小时": "小时",
    "个小时": "小时",
    "h": "小时",
    "天": "天",
    "日": "天",
    "工作日": "工作日",
    "个工作日": "工作日",
    "周": "周",
    "星期": "周",
    "个星期": "周",
    "月": "月",
    "个月": "月",
    "季度": "季度",
    "个季度": "季度",
    "年": "年",
}
_LENGTH = {
    "米": "米",
    "m": "米",
    "公里": "公里",
    "千米": "公里",
    "km": "公里",
    "厘米": "厘米",
    "cm": "厘米",
    "毫米": "毫米",
    "mm": "毫米",
}
_AREA = {
    "平方米": "平方米",
    "平米": "平方米",
    "㎡": "平方米",
    "m2": "平方米",
    "m²": "平方米",
    "平方公里": "平方公里",
    "平方千米": "平方公里",
    "km2": "平方公里",
    "km²": "平方公里",
    "亩": "亩",
    "公顷": "公顷",
}
_PERCENT = {"%": "%", "个百分点": "百分点", "百分点": "百分点"}
_PEOPLE = {"人": "人", "名": "人", "位": "人"}
# Count units stay as written; they are not convertible into each other.
_COUNT = set(
    "个 期 条 篇 次 项 场 份 户 家 册 本 套 台 件 批 所 辆 座 处 张 幅 部 宗 起 支 只 棵 株 块 间 栋 门 例 封 首 集 版 "
    "节 页 组 队 村 校 班 床 头 匹 单 笔 盏 根 口 眼 扇 道 艘 架 颗 枚 束 盒 箱 袋 瓶 桶 片 粒 站 点 课 讲 "
    "人次 户次 家次 场次 个次 份次 期次 批次 车次 架次 条次 篇次 课时 学时 人天 人日 台套 台次 项次 所次".split()
)
# Known units that are neither counts nor convertible: weight, energy, volume, score.
_OTHER = {
    "分": "分",
    "吨": "吨",
    "公斤": "公斤",
    "千克": "千克",
    "克": "克",
    "斤": "斤",
    "度": "度",
    "千瓦时": "千瓦时",
    "kWh": "千瓦时",
    "立方米": "立方米",
    "升": "升",
}

_ALIASES: dict[str, tuple[str, int]] = {}
_ALIASES.update({u: ("元", f) for u, f in _MONEY.items()})
for _table in (_TIME, _LENGTH, _AREA, _PERCENT, _PEOPLE, _OTHER):
    _ALIASES.update({u: (c, 1) for u, c in _table.items()})
_ALIASES.update({u: (u, 1) for u in _COUNT})

_DIMENSION: dict[str, str] = {"元": "money", "%": "percent", "百分点": "percent"}
_DIMENSION.update({c: "time" for c in _TIME.values()})
_DIMENSION.update({c: "length" for c in _LENGTH.values()})
_DIMENSION.update({c: "area" for c in _AREA.values()})
_DIMENSION.update({c: "count" for c in _COUNT | {"人"}})
_NOT_COUNT = set(_OTHER.values())

# Exact conversions only: a month is not a fixed number of days, a 工作日 is not a 天.
_CONVERT_GROUPS: list[dict[str, float]] = [
    {"秒": 1, "分钟": 60, "小时": 3600, "天": 86400, "周": 604800},
    {"月": 1, "季度": 3, "年": 12},
    {"米": 1, "公里": 1000, "厘米": 0.01, "毫米": 0.001},
    {"平方米": 1, "平方公里": 1_000_000, "公顷": 10_000, "亩": 10_000 / 15},
    {"元": 1},
]
_CONVERT = {u: (i, f) for i, g in enumerate(_CONVERT_GROUPS) for u, f in g.items()}


def _alt(words) -> str:
    """A regex alternation, longest first so that 个月 wins over 个 and 千米 over 米."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        e = re.escape(w)
        parts.append(e + "(?![A-Za-z])" if w[-1].isascii() and w[-1].isalpha() else e)
    return "|".join(parts)


_UNITS = _alt(_ALIASES) + r"|[A-Za-z]{1,5}(?![A-Za-z])"
_MULT = "千万|百万|万|亿"
_MULT_FACTOR = {None: 1, "万": 10_000, "亿": 100_000_000, "百万": 1_000_000, "千万": 10_000_000}
_PER = r"[\u4e00-\u9fff]{1,3}|[A-Za-z]{1,4}"
# Characters that follow a number without being a unit ("100完成", "48内", "3万").
_NOT_UNIT = (
    "内上下前后余多左右以及等的了之着过含约共各每和与或至为是有无不未已完成达到超低高少大小"
    + _CN_CHARS
    + "年月日时分秒"
)

_PRE = {
    "≥": "ge",
    "不低于": "ge",
    "不少于": "ge",
    "大于等于": "ge",
    "大于或等于": "ge",
    "至少": "ge",
    "达到": "ge",
    "不得低于": "ge",
    "不得少于": "ge",
    "不应低于": "ge",
    "不应少于": "ge",
    "不小于": "ge",
    "最少": "ge",
    "最低": "ge",
    ">": "gt",
    "大于": "gt",
    "超过": "gt",
    "高于": "gt",
    "多于": "gt",
    "≤": "le",
    "不高于": "le",
    "不超过": "le",
    "不多于": "le",
    "小于等于": "le",
    "小于或等于": "le",
    "控制在": "le",
    "不得超过": "le",
    "不得高于": "le",
    "不应超过": "le",
    "不大于": "le",
    "最多": "le",
    "最高": "le",
    "至多": "le",
    "<": "lt",
    "小于": "lt",
    "低于": "lt",
    "少于": "lt",
    "不足": "lt",
    "=": "eq",
    "等于": "eq",
    "约": "approx",
    "大约": "approx",
    "约为": "approx",
}
_SUF = {
    "以上": "ge",
    "及以上": "ge",
    "或以上": "ge",
    "以上(含)": "ge",
    "以上（含）": "ge",
    "以内": "le",
    "之内": "le",
    "内": "le",
    "以下": "le",
    "及以下": "le",
    "或以下": "le",
    "以下(含)": "le",
    "以下（含）": "le",
    "左右": "approx",
}
_PRE_ALT = _alt(_PRE)
_SUF_ALT = _alt(_SUF)
_FALLBACK = rf"(?![{_NOT_UNIT}])[\u4e00-\u9fff]"

_UNIT_PART = rf"(?P<mult>{_MULT})?(?:(?P<unit>{_UNITS})|(?P<fb>{_FALLBACK}))?(?:/(?P<per>{_PER}))?"
_QUANTITY_RE = re.compile(rf"^(?P<num>{_NUM})\s?(?P<approx>余|多)?{_UNIT_PART}$")
# Chinese numerals only stand alone ("十五期", "不少于两名"): inside prose, 一 and 十 are words ("统一", "十分").
# Known units only, for the same reason; the empty groups keep the group names of _PHRASE_RE.
_CN_QUANTITY_RE = re.compile(
    rf"^(?P<pre>{_PRE_ALT})?\s?(?P<num>{_CN})(?P<approx>余|多)?(?P<mult>)(?:(?P<unit>{_alt(_ALIASES)})|(?P<fb>(?!)))?"
    rf"(?:/(?P<per>{_PER}))?(?P<suf>{_SUF_ALT})?(?P<label>)(?P<tail>)$"
)
# A number inside a short phrase: label, comparator, number, unit, comparator, tail.
_PHRASE_RE = re.compile(
    rf"^(?P<label>\D{{0,40}}?)(?P<pre>{_PRE_ALT})?\s?(?P<num>{_NUM})\s?(?P<approx>余|多)?"
    rf"(?P<mult>{_MULT})?(?:(?P<unit>{_UNITS})|(?P<fb>{_FALLBACK}(?=\s?(?:{_SUF_ALT})?$)))?"
    rf"(?:/(?P<per>{_PER}))?\s?(?P<suf>{_SUF_ALT})?(?P<tail>\D{{0,20}})$"
)
_RANGE_RE = re.compile(
    rf"^(?P<label>\D{{0,40}}?)(?:{_PRE_ALT})?\s?(?P<a>\d+(?:\.\d+)?)\s?(?P<ma>{_MULT})?(?P<ua>{_UNITS})?"
    rf"\s?[-~至到—]\s?(?P<b>\d+(?:\.\d+)?)\s?(?P<mb>{_MULT})?(?P<ub>{_UNITS})?\s?(?:{_SUF_ALT})?(?P<tail>\D{{0,20}})$"
)
_UNIT_ONLY_RE = re.compile(rf"^{_UNIT_PART}$")
_NAME_UNIT_RE = re.compile(r"[（(]\s*(?:单位\s*[:：]?\s*)?([^（）()]{1,10}?)\s*[）)]\s*$")
# A month or day number followed by these is a date fragment ("12月底前", "31日前"), not a duration.
_DATE_TAIL = re.compile(r"^(?:底|末|份|前|初|中旬|上旬|下旬|之前|以前)")


def _canonical(unit: str | None, fallback: str | None = None, per: str | None = None) -> tuple[str | None, int]:
    """The canonical unit and its factor for a written unit (万元 is handled by the multiplier)."""
    if unit is None:
        if fallback is None:
            return None, 1
        canon, factor = fallback, 1
    else:
        canon, factor = _ALIASES.get(unit, (unit, 1))
    if per:
        canon = f"{canon}/{_ALIASES.get(per, (per, 1))[0]}"
    return canon, factor


def _quantity_from(m: re.Match) -> tuple[float, str | None] | None:
    """Value and canonical unit of a match carrying num/mult/unit/fb/per groups."""
    canon, factor = _canonical(m["unit"], m["fb"], m["per"])
    factor *= _MULT_FACTOR[m["mult"] or None]
    num = m["num"]
    if num[-1].isdigit():
        return _scaled(num, factor), canon
    n = _cn_to_int(num)
    if n is None:
        return None
    return float(n * factor), canon


def _prepare(text: str) -> str:
    """Normalise and spell out 百分之X as X%."""
    t = normalize(text)
    if "百分之" in t:
        t = _PCT_WORD.sub(r"\1%", t)
    return t


@lru_cache(maxsize=_CACHE)
def parse_quantity(text: str) -> Quantity | None:
    """A cell that is a number with an optional unit ("135万元" → 1350000 元, "两名" → 2 人), else None."""
    t = _prepare(text)
    if not t:
        return None
    m = _QUANTITY_RE.match(t) or _CN_QUANTITY_RE.match(t)
    if m is None or (m.re is _CN_QUANTITY_RE and (m["pre"] or m["suf"])):
        return None
    q = _quantity_from(m)
    return None if q is None else Quantity(value=q[0], unit=q[1])


@lru_cache(maxsize=_CACHE)
def unit_from_name(name: str) -> tuple[str, float] | None:
    """The unit in an indicator name's trailing brackets and the factor to it: "资金（万元）" → ('元', 10000.0)."""
    m = _NAME_UNIT_RE.search(normalize(name))
    if m is None:
        return None
    u = _UNIT_ONLY_RE.match(m[1])
    if u is None or (u["unit"] is None and u["fb"] is None):
        return None
    canon, factor = _canonical(u["unit"], u["fb"], u["per"])
    return canon, float(factor * _MULT_FACTOR[u["mult"] or None])


@lru_cache(maxsize=1024)
def unit_dimension(unit: str | None) -> str | None:
    """'money' | 'time' | 'percent' | 'count' | 'length' | 'area' for a unit, None when unknown or compound."""
    if not unit:
        return None
    canon = _ALIASES.get(unit, (unit, 1))[0]
    dim = _DIMENSION.get(canon)
    if dim is not None:
        return dim
    # An unlisted Chinese measure word ("辆", "盏") is still a count.
    if (
        "/" not in canon
        and canon not in _NOT_COUNT
        and all("\u4e00" <= c <= "\u9fff" for c in canon)
        and len(canon) <= 2
    ):
        return "count"
    return None


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """Convert within a dimension (48 小时 → 2 天, 1 万元 → 10000 元); None when not exactly convertible."""
    a, fa = _ALIASES.get(unit, (unit, 1))
    b, fb = _ALIASES.get(to_unit, (to_unit, 1))
    value = value * fa / fb  # aliases such as 万元 carry a factor to their canonical unit
    if a == b:
        return value
    ga, gb = _CONVERT.get(a), _CONVERT.get(b)
    if ga is None or gb is None or ga[0] != gb[0]:
        return None
    return value * ga[1] / gb[1]


# --- dates ------------------------------------------------------------------

_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?:年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?"
    r"|(?P<sep>[-./])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d))"
)


def _month_end(y: int, m: int) -> date:
    """The last day of a month."""
    return (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)) - timedelta(days=1)


def _date_match(t: str) -> tuple[re.Match, date, date] | None:
    """The first valid date in normalised text with its span."""
    for m in _DATE_RE.finditer(t):
        y = int(m["y"])
        mo = m["m"] or m["m2"]
        if mo is None or not 1900 <= y <= 2199:
            continue
        mo = int(mo)
        d = m["d"] or m["d2"]
        try:
            if d is None:
                return m, date(y, mo, 1), _month_end(y, mo)
            day = date(y, mo, int(d))
            return m, day, day
        except ValueError:  # 2023年13月, 2月30日: not a date, keep looking
            continue
    return None


@lru_cache(maxsize=_CACHE)
def parse_date_span(text: str) -> tuple[date, date] | None:
    """The first date in the text as (earliest, latest): a day, or a whole month for "2023年11月份"."""
    found = _date_match(normalize(text))
    return None if found is None else (found[1], found[2])


# --- completion words -------------------------------------------------------

_VERB = "完成|开展|达到|实现|达成|落实|启动|实施|运行|到位"
_COMPLETION_RE = re.compile(
    "|".join(
        [
            r"(?P<neutral>未发生|未出现|未造成)",
            rf"(?P<partial>(?:尚|暂|还)?未能?(?:全面|完全|全部)(?:{_VERB})?|基本(?:{_VERB})|部分(?:{_VERB})"
            r"|试运行|正在|推进中|进行中|尚在|有待)",
            rf"(?P<none>(?:尚|暂|还)?未能?(?:按时|及时|如期|按期)?(?:{_VERB})|尚未|暂未|还未|未能|没有(?:{_VERB})?|没能)",
            r"(?P<full>已完成|全部完成|完成|达成|达到|实现|有效提高|良好)",
        ]
    )
)


@lru_cache(maxsize=_CACHE)
def completion_of(text: str) -> Completion | None:
    """What completion words in a text say: 'full', 'partial' (基本完成, 试运行…), 'none' (未完成…) or None."""
    t = normalize(text)
    if t.isascii():
        return None  # every completion word is Chinese
    found = {m.lastgroup for m in _COMPLETION_RE.finditer(t)}
    if "partial" in found or ("none" in found and "full" in found):
        return "partial"  # "基本完成…未全面开展", "完成80%，其余未完成" are both partly done
    if "none" in found:
        return "none"
    if "full" in found:
        return "full"
    return None


# --- targets ----------------------------------------------------------------

_PLACEHOLDERS = {"", "-", "--", "—", "——", "/", "\\", "无", "暂无", "不适用", "N/A", "n/a", "NA", "×"}
_BEFORE = re.compile(r"^(?:底|末)?(?:之前|以前|前)")
_DEADLINE_LEAD = re.compile(r"(?:截止|截至)(?:到|于)?$")
_DEADLINE_NAME = re.compile(r"时间|时限|日期|期限|时点")
_BARE_DATE_REST = re.compile(r"^(?:前|止|完成|底|末)?[。.]?$")

_BAD_RATE = re.compile(
    "故障率|差错率|错误率|投诉率|发生率|事故率|超支率|损失率|误差率|失误率|返工率|不合格率|流失率|违约率|"
    "空置率|闲置率|逾期率|缺陷率|漏报率|误报率|延误率|超标率|偏差率|失败率|返修率|退件率"
)
_GOOD_RATE = re.compile(
    "完成率|合格率|满意度|满意率|覆盖率|达标率|使用率|执行率|到位率|知晓率|及时率|准确率|排除率|完好率|正确率|"
    "通过率|参与率|利用率|出勤率|完整率|优良率|就业率|普及率|受益率|响应率|解决率|办结率|结案率|支付率|处置率|"
    "修复率|处理率|成功率|回复率|采纳率|转化率|在线率|可用率|上线率|开通率|接通率|入学率|巩固率|落实率|增长率|"
    "提升率|节约率|节支率|达成率|实现率|考核率|验收率|审核率|录入率|更新率|留存率|运行率"
)
_BAD_WORD = re.compile("成本|费用|单价|时间|时长|时限|响应|周期|天数|事故|超支|损失|误差|耗时|用时|延误|逾期|能耗|造价")
_QUANTITY_WORD = re.compile("数|量|规模|面积|长度|里程")

_DIRECTION = {"ge": ("at_least", False), "gt": ("at_least", True), "le": ("at_most", False), "lt": ("at_most", True)}


def _infer_direction(name: str, category: str, unit: str | None = None) -> str:
    """The direction a bare target number means, from what the indicator measures."""
    if _BAD_RATE.search(name):
        return "at_most"
    if _GOOD_RATE.search(name):
        return "at_least"  # before the bad words: 响应及时率, and 资金使用率 under 成本指标
    if _BAD_WORD.search(name):
        return "at_most"
    if "成本" in category:
        return "at_most"
    if _QUANTITY_WORD.search(name):
        return "at_least"
    if "时效" in category:
        # A duration (48小时) is a ceiling; a share done on time (当期完成 90%) is a floor.
        return "at_least" if unit == "%" else "at_most"
    if "数量" in category or "满意" in category:
        return "at_least"
    return "equal"


def _comparator(pre: str | None, suf: str | None, approx: str | None) -> str | None:
    """One comparator from the words around a number; the trailing word wins on a conflict."""
    p = _PRE.get(pre) if pre else None
    s = _SUF.get(suf) if suf else None
    if s and s != "approx":
        if p in _DIRECTION and _DIRECTION[p][0] == _DIRECTION[s][0]:
            return p  # "超过90%以上": keep the strictness of the leading word
        return s
    if p and p != "approx":
        return p
    if p == "approx" or s == "approx":
        return "approx"
    return "gt" if approx else None


def _phrase(t: str, n: int) -> re.Match | None:
    """The single-number phrase match of normalised text with n digit runs, or None when it is not one."""
    if n == 1:
        m = _PHRASE_RE.match(t)
    elif n == 0:
        m = _CN_QUANTITY_RE.match(t)
    else:
        return None
    if m is None:
        return None
    label = m["label"]
    if label and label[-1] in "不未非无没":
        return None  # "不得…" or a negated phrase: the comparator reading would flip
    unit = m["unit"]
    rest = (m["suf"] or "") + m["tail"]
    if unit == "年" and m["num"].isdigit() and 1900 <= int(m["num"]) <= 2199:
        return None  # "2023年内完成" names a year, not a duration
    if unit in ("月", "日", "号") and _DATE_TAIL.match(rest):
        return None
    return m


def _range(t: str) -> tuple[float, float, str | None] | None:
    """low, high and unit of a range "50-200条", "10-20万元", "90%-100%"."""
    m = _RANGE_RE.match(t)
    if m is None or (m["label"] and m["label"][-1] in "不未非无没"):
        return None
    ua, fa = _canonical(m["ua"])
    ub, fb = _canonical(m["ub"])
    if ua and ub and ua != ub:
        return None
    ma, mb = m["ma"], m["mb"]
    if ua is None and ma is None:
        fa, ma = fb, mb  # "10-20万元": the trailing unit covers both ends
    if ub is None and mb is None:
        fb, mb = fa, ma
    unit = ua or ub
    low = _scaled(m["a"], fa * _MULT_FACTOR[ma])
    high = _scaled(m["b"], fb * _MULT_FACTOR[mb])
    if low > high or (unit == "年" and low >= 1900):
        return None  # "2023-12" is a date, "2023-2025年" a span of years
    return low, high, unit


def _deadline(t: str, name: str, category: str) -> date | None:
    """The last on-time day a target text sets, or None."""
    found = _date_match(t)
    if found is None:
        return None
    m, _, latest = found
    after, before = t[m.end() :], t[: m.start()]
    if _BEFORE.match(after) or _DEADLINE_LEAD.search(before):
        return latest
    if not before and _BARE_DATE_REST.match(after) and ("时效" in category or _DEADLINE_NAME.search(name)):
        return latest  # a date written as a time target is the deadline
    return None


def _apply_name_unit(value: float, unit: str | None, num: str, name: str) -> tuple[float, str | None]:
    """Take the unit from the name when the text has none, scaling bare 万元 figures to 元."""
    if unit is not None or not name:
        return value, unit
    nu = unit_from_name(name)
    if nu is None:
        return value, None
    if nu[1] != 1.0:
        value = _scaled(num, int(nu[1])) if num[-1].isdigit() else value * nu[1]
    return value, nu[0]


@lru_cache(maxsize=_CACHE)
def parse_target(text: str, name: str = "", category: str = "") -> Target:
    """Type a 年度指标值 using its indicator's 三级指标 name and 二级指标 category for direction and unit."""
    t = _prepare(text)
    name = normalize(name)
    category = normalize(category)
    if t in _PLACEHOLDERS or (t == "0" and (name in _PLACEHOLDERS or name == "0")):
        return Target(kind="qualitative", text=t)
    if not _HAS_NUMERAL.search(t):
        return Target(kind="qualitative", text=t)  # fast path for prose targets
    n = len(_NUMTOK.findall(t))
    if n >= 2:  # a date needs at least a year and a month, a range two ends
        d = _deadline(t, name, category)
        if d is not None:
            return Target(kind="deadline", deadline=d, text=t)
        r = _range(t) if n == 2 else None
        if r is None:
            return Target(kind="qualitative", text=t)
        low, high, unit = r
        if unit is None and name:
            nu = unit_from_name(name)
            if nu is not None:
                unit = nu[0]
                if nu[1] != 1.0:  # via the shortest decimal repr, so 0.1-0.3 万元 scales exactly
                    low = float(Decimal(repr(low)) * int(nu[1]))
                    high = float(Decimal(repr(high)) * int(nu[1]))
        return Target(kind="range", low=low, high=high, unit=unit, text=t)
    m = _phrase(t, n)
    if m is None:
        return Target(kind="qualitative", text=t)
    q = _quantity_from(m)
    if q is None:
        return Target(kind="qualitative", text=t)
    value, unit = _apply_name_unit(q[0], q[1], m["num"], name)
    cmp = _comparator(m["pre"], m["suf"], m["approx"])
    if cmp in _DIRECTION:
        kind, strict = _DIRECTION[cmp]
    elif cmp in ("eq", "approx"):
        kind, strict = "equal", False
    else:
        kind, strict = _infer_direction(name, category, unit), False
    if kind == "at_least":
        return Target(kind=kind, low=value, strict=strict, unit=unit, text=t)
    if kind == "at_most":
        return Target(kind=kind, high=value, strict=strict, unit=unit, text=t)
    return Target(kind="equal", low=value, high=value, unit=unit, text=t)


# --- actual values ----------------------------------------------------------

_DATE_LEAD_FILLER = re.compile(r"^(?:已于|已在|于|在|截止|截至|截止到|截至到)?$")
_DATE_TRAIL_FILLER = re.compile(r"^(?:底|末)?(?P<before>前|之前|以前)?(?:止|为止)?[。.]?$")


@lru_cache(maxsize=_CACHE)
def parse_actual(text: str) -> Actual:
    """Type a 实际完成值: a quantity ("48小时内", "民众满意度超过90%"), a date, or qualitative text."""
    t = _prepare(text)
    completion = completion_of(t)
    if not _HAS_NUMERAL.search(t):
        return Actual(kind="qualitative", completion=completion, text=t)
    n = len(_NUMTOK.findall(t))
    found = _date_match(t) if n >= 2 else None
    if found is not None:
        m, earliest, latest = found
        before, after = t[: m.start()], t[m.end() :]
        if not _NUMTOK.search(before + after):
            tail = _DATE_TRAIL_FILLER.match(after)
            if tail is not None and _DATE_LEAD_FILLER.match(before):
                if tail["before"]:  # "2023年12月31日前": any day up to that one
                    return Actual(kind="date", latest=latest, comparator="le", completion=completion, text=t)
                return Actual(kind="date", earliest=earliest, latest=latest, completion=completion, text=t)
            if completion is not None:
                return Actual(kind="date", earliest=earliest, latest=latest, completion=completion, text=t)
    m = _phrase(t, n) if n <= 1 else None
    if m is not None:
        q = _quantity_from(m)
        if q is not None:
            cmp = _comparator(m["pre"], m["suf"], m["approx"])
            return Actual(
                kind="quantity",
                value=q[0],
                unit=q[1],
                comparator=None if cmp == "approx" else cmp,
                completion=completion,
                text=t,
            )
    return Actual(kind="qualitative", completion=completion, text=t)
