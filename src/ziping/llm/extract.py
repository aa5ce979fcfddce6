"""LLM-assisted reading (`ziping parse --extract llm`): the model fills the form model for a layout no
reader knows. Every number it returns must occur in the source text, or the field is marked unverified
(ZP011); the deterministic rules then run on the form as usual.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ziping.llm.client import StructuredClient
from ziping.llm.prompts import boundary, load_prompt, unforgeable
from ziping.llm.schemas import Strict
from ziping.llm.settings import LLMSettings

if TYPE_CHECKING:
    from ziping.readers import ReadResult

SOURCE_DELIMITER = "原文"  # the word of prompts/extract.md's delimiters, as `unforgeable` finds forgeries
NUMBER = re.compile(r"\d+(?:\.\d+)?")
MAX_CHARS = 60_000  # one request; a longer text is refused rather than cut silently


class ExtractionError(ValueError):
    """The text cannot be sent for extraction; the message says why, in Chinese."""


class Level1Weight(Strict):
    name: str
    weight: str


class ExtractedIndicator(Strict):
    level1: str
    level2: str
    name: str
    target: str
    actual: str
    weight: str
    score: str
    note: str


class ExtractedForm(Strict):
    project_code: str
    project_name: str
    year: str
    implementing_unit: str
    budget_unit: str
    initial_budget: str
    budget: str
    executed: str
    execution_weight: str
    execution_rate: str
    execution_score: str
    expected_goal: str
    actual_goal: str
    level1_weights: list[Level1Weight]
    indicators: list[ExtractedIndicator]
    total_weight: str
    total_score: str


class Extraction(Strict):
    forms: list[ExtractedForm]


def _compact(text: str) -> str:
    return re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", text))


def unverified_numbers(raw: str, source: str) -> bool:
    """Whether a value carries a number that the source text does not (thousands separators aside)."""
    return any(number not in source for number in NUMBER.findall(_compact(raw)))


def to_form(extracted: ExtractedForm, source_text: str, source: str, index: int) -> dict[str, Any]:
    """Raw form data as the readers produce it, with the fields whose numbers the source lacks listed."""
    compact_source = _compact(source_text)
    unverified: list[str] = []

    def field(path: str, raw: str) -> dict[str, str] | None:
        if not raw.strip():
            return None
        if unverified_numbers(raw, compact_source):
            unverified.append(path)
        return {"raw": raw}

    e = extracted
    total = {"initial_budget": field("funds.total.initial_budget", e.initial_budget),
             "budget": field("funds.total.budget", e.budget), "executed": field("funds.total.executed", e.executed)}  # fmt: skip
    indicators = []
    for k, ind in enumerate(e.indicators):
        item = {"level1": ind.level1, "level2": ind.level2, "name": {"raw": ind.name}}
        for part in ("target", "actual", "weight", "score", "note"):
            item[part] = field(f"indicators[{k}].{part}", getattr(ind, part))
        indicators.append(item)
    return {
        "source": source,
        "index": index,
        "header": {
            "project_code": field("header.project_code", e.project_code),
            "project_name": field("header.project_name", e.project_name),
            "year": field("header.year", e.year),
            "implementing_unit": field("header.implementing_unit", e.implementing_unit),
            "budget_unit": field("header.budget_unit", e.budget_unit),
        },
        "funds": {
            "total": total,
            "weight": field("funds.weight", e.execution_weight),
            "execution_rate": field("funds.execution_rate", e.execution_rate),
            "execution_score": field("funds.execution_score", e.execution_score),
        },
        "goals": {"expected": field("goals.expected", e.expected_goal), "actual": field("goals.actual", e.actual_goal)},
        "level1": [
            {"name": lw.name, "weight": field(f"level1[{k}].weight", lw.weight)}
            for k, lw in enumerate(e.level1_weights)
        ],
        "indicators": indicators,
        "total": {"weight": field("total.weight", e.total_weight), "score": field("total.score", e.total_score)},
        "unverified": unverified,
    }


def extract(text: str, source: str, settings: LLMSettings) -> list[dict[str, Any]]:
    """Every form the model finds in a text, as raw form data (validate with Form.model_validate)."""
    if len(text) > MAX_CHARS:
        raise ExtractionError(f"文本过长（{len(text)} 字），超过一次提取的上限 {MAX_CHARS} 字")
    prompt = load_prompt("extract")
    sent = unforgeable(text, SOURCE_DELIMITER)
    body = prompt.render(text=sent, boundary=boundary(sent))
    messages = [{"role": "system", "content": "你是严谨的数据录入员。只输出 JSON。"}, {"role": "user", "content": body}]

    async def run() -> Extraction:
        client = StructuredClient(settings)
        try:
            return (await client.ask(messages, Extraction, "form_extraction")).value
        finally:
            await client.close()

    extraction = asyncio.run(run())
    return [to_form(form, text, source, k) for k, form in enumerate(extraction.forms, start=1)]


def read_with_model(path: Path, settings: LLMSettings) -> ReadResult:
    """The forms a model reads from a file's text, checked number by number against that text.

    The file itself is checked as every reader checks it (missing, not a file, not text: ZP001);
    raises ExtractionError or LLMError when the model cannot be asked or cannot answer.
    """
    from ziping.model import Form
    from ziping.readers import FileProblem, ReadResult, read_path
    from ziping.readers.encoding import UndecodableError, decode

    probe = read_path(path)
    if probe.problem is not None and probe.problem.code == "ZP001":
        return probe
    try:
        text, encoding = decode(path.read_bytes())
    except (UndecodableError, OSError):
        return probe
    forms = [Form.model_validate(raw) for raw in extract(text, str(path), settings)]
    if not forms:
        return ReadResult(
            str(path), problem=FileProblem("ZP002", "大模型未在文中找到自评表", "no form found by the model")
        )
    return ReadResult(str(path), forms=forms, encoding=encoding)
