"""`ziping serve`: the checker and the review queue in a browser (Starlette on uvicorn)."""

from ziping.web.app import create_app
from ziping.web.config import Limits, ServeConfig

__all__ = ["Limits", "ServeConfig", "create_app"]
