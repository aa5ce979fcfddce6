"""ziping (自评): checks 项目支出绩效自评表 — deterministic re-scoring, with an LLM layer for narratives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Checker", "FileResult", "FormResult", "check_path", "check_paths", "__version__"]

if TYPE_CHECKING:
    from ziping.checks import Checker, FileResult, FormResult, check_path, check_paths


def __getattr__(name: str) -> Any:
    # The API loads pydantic and the rules; `ziping --help` must not pay for that.
    if name in __all__:
        from ziping import checks

        return getattr(checks, name)
    raise AttributeError(name)
