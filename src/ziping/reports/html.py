"""The per-form HTML report: one self-contained page per file (inline styles, no scripts, no network)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ziping.checks import FileResult
from ziping.reports.formview import file_view

if TYPE_CHECKING:
    from jinja2 import Environment

    from ziping.llm.run import LLMRun


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # jinja2 is imported here, not at module level, so `ziping --help` does not pay for it.
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("ziping.reports", "templates"),
        autoescape=True,  # every value comes from a form someone else filled in
        undefined=StrictUndefined,  # a misspelt name in the template fails loudly, not as blank text
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html_chunks(
    result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None
) -> Iterator[str]:
    """The HTML report of one checked file, piece by piece: each form is drawn as soon as it is checked."""
    view = file_view(result, lang, profile, llm, titled=True)
    return (
        _environment()
        .get_template("form.html.j2")
        .generate(
            w=view.words,
            html_lang="zh-CN" if view.lang == "zh" else "en",
            page_title=f"{view.title} · {view.words['title']}",
            path=view.path,
            llm_note=view.llm_note,
            view=view,
            forms=view.forms,
            contents=view.contents,
            footer=view.footer,
        )
    )


def render_html(result: FileResult, lang: str = "zh", profile: str = "standard", llm: LLMRun | None = None) -> str:
    """The HTML report of one checked file."""
    return "".join(html_chunks(result, lang, profile, llm))
