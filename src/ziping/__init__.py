"""ziping (自评): checks 项目支出绩效自评表 — deterministic re-scoring, with an LLM layer for narratives."""

from ziping.checks import Checker, FileResult, FormResult, check_path, check_paths

__version__ = "0.1.0"
__all__ = ["Checker", "FileResult", "FormResult", "check_path", "check_paths", "__version__"]
