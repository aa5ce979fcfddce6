"""The rule catalog. Families are imported explicitly, in code order, so registration is visible."""

from ziping.rules import cross, funds, indicator_values, indicators, input, llm, narrative, totals  # noqa: F401
from ziping.rules.registry import REGISTRY, Rule, UnknownRuleError, select

__all__ = ["REGISTRY", "Rule", "UnknownRuleError", "select"]
