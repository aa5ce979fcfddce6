"""The `ziping` command: a thin typer layer over the Python API (ziping.checks and the modules it uses).

`base` holds the app, the shared options and the error exit; each command group is one module that
imports `base` and nothing else of the CLI. Adding a group is one module and one name in COMMAND_GROUPS.
"""

from __future__ import annotations

import sys
from importlib import import_module

from ziping.cli.base import app

# Importing a group registers its commands; `ziping --help` lists them in this order.
COMMAND_GROUPS = ("check", "catalog", "triage", "serve", "llm", "synth")
for _group in COMMAND_GROUPS:
    import_module(f"ziping.cli.{_group}")

__all__ = ["COMMAND_GROUPS", "app", "main"]


def main() -> None:
    """Console-script entry point: usage errors exit 2, and no traceback reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
