"""Findings: what a rule (or, later, the LLM layer) says about a form, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from ziping.model import Location

Origin = Literal["rule", "llm"]
# Pylint's axis beside severity: a recomputed sum is certain, a reading of wording is not.
Confidence = Literal["certain", "high", "medium", "low"]
CONFIDENCE_ZH = {"certain": "确定（复核计算）", "high": "高", "medium": "中", "low": "低"}


def confidence_label(confidence: Confidence, lang: str = "zh") -> str:
    """A confidence as users read it; the JSON contract keeps the English value."""
    return confidence if lang == "en" else CONFIDENCE_ZH.get(confidence, confidence)


class Severity(StrEnum):
    """How much a finding matters; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def label(self, lang: str = "zh") -> str:
        """The severity as users read it."""
        return {"zh": {"error": "错误", "warning": "警告", "info": "提示"}, "en": {}}[lang].get(self.value, self.value)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule function yields; the registry turns it into a Finding with the rule's code."""

    field: str
    location: Location | None
    params: dict[str, Any] = field(default_factory=dict)
    declared: float | str | None = None
    expected: float | str | None = None
    variant: str = "default"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a form (or a file), language-neutral until rendered."""

    code: str
    severity: Severity
    field: str
    location: Location | None
    params: dict[str, Any]
    declared: float | str | None = None
    expected: float | str | None = None
    variant: str = "default"
    origin: Origin = "rule"
    confidence: Confidence = "certain"
    quote: str | None = None
    model: str | None = None
    prompt_version: str | None = None

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Errors first, then by position in the form, then by code."""
        line = self.location.line if self.location and self.location.line else 0
        return (-self.severity.rank, line, self.code)
