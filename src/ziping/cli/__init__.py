"""The `ziping` command: a thin typer layer over the Python API (ziping.checks and the modules it uses).

`base` holds the app, the shared options and the error exit; each command group is one module that
imports `base` and nothing else of the CLI. Adding a group is one module and one name in the import below.
"""

from __future__ import annotations

import sys

from ziping.cli.base import app

# Importing a group registers its commands, in the order `ziping --help` lists them.
from ziping.cli import check, catalog, triage, llm, synth  # noqa: E402, F401, I001

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: usage errors exit 2, and no traceback reaches the user."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
