"""Answer models and their strict JSON Schemas (every field required, no additional properties)."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

LLMCode = Literal["ZP601", "ZP602", "ZP603", "ZP604", "ZP605", "ZP606", "ZP607"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelFinding(Strict):
    """One problem the model reports, grounded in a verbatim quote of the form."""

    code: LLMCode
    indicator_id: str  # an id given in the prompt ("I3"), or "" when the finding is about no single indicator
    quote: str
    reasoning: str


class FormReview(Strict):
    """Everything the model found in one form."""

    findings: list[ModelFinding]


class Ping(Strict):
    """The answer to `ziping llm ping`."""

    ok: bool
    echo: str


@lru_cache(maxsize=32)
def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the shape strict json_schema mode accepts (shared: do not mutate)."""
    schema = copy.deepcopy(model.model_json_schema())

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("title", None)
            node.pop("default", None)
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node["properties"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema
