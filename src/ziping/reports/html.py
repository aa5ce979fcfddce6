"""The per-form HTML report: one self-contained page per file (inline styles, no scripts, no network); the one
Jinja2 environment of every HTML page."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ziping.checks import FileResult
from ziping.reports.formview import file_view

if TYPE_CHECKING:
    from jinja2 import Environment

    from ziping.llm.run import LLMRun
    from ziping.reports.formview import FileView


@lru_cache(maxsize=4)
def environment(*packages: str) -> Environment:
    """The Jinja2 environment of every HTML page: the reports' templates, after those of `packages` (whose
    templates extend them, e.g. "ziping.web")."""
    # jinja2 is imported here, not at module level, so `ziping --help` does not pay for it.
    from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

    loaders = [PackageLoader(package, "templates") for package in (*packages, "ziping.reports")]
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,  # every value comes from a form someone else filled in
        undefined=StrictUndefined,  # a misspelt name in the template fails loudly, not as blank text
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_context(view: FileView) -> dict[str, object]:
    """What form.html.j2 (and the pages extending it) draws one file's report from."""
    return {
        "w": view.words,
        "html_lang": "zh-CN" if view.lang == "zh" else "en",
        "page_title": f"{view.title} · {view.words['title']}",
        "path": view.path,
        "llm_note": view.llm_note,
        "view": view,
        "footer": view.footer,
    }


def view_chunks(view: FileView) -> Iterator[str]:
    """The page of a report view, piece by piece: each form drawn as the view hands it over."""
    return environment().get_template("form.html.j2").generate(**page_context(view))


def render_view(view: FileView) -> str:
    """The page for an already built report view."""
    return "".join(view_chunks(view))


def html_chunks(
    result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None
) -> Iterator[str]:
    """The HTML report of one checked file, piece by piece: each form is drawn as soon as it is checked."""
    return view_chunks(file_view(result, lang, profile, llm, titled=True))


def render_html(result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None) -> str:
    """The HTML report of one checked file."""
    return "".join(html_chunks(result, lang, profile, llm))
