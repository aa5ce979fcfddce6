"""Prompt files: versioned, rendered strictly (a missing or unknown variable fails loudly); data between
delimiters it cannot forge."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from string import Template

from ziping.llm.textfold import fold, visible

# An installed wheel carries prompts/ inside the package; a source checkout keeps it at the top level.
REPO_PROMPTS = Path(__file__).resolve().parents[3] / "prompts"


class PromptError(ValueError):
    """A prompt file that is missing, unversioned, or rendered with the wrong variables."""


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    version: str
    body: str

    @property
    def digest(self) -> str:
        """A hash of the text: part of the cache key, so an edited prompt is never served stale answers."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()[:16]

    def render(self, **values: str) -> str:
        template = Template(self.body)
        wanted = set(template.get_identifiers())
        if wanted != set(values):
            missing, unknown = wanted - set(values), set(values) - wanted
            raise PromptError(f"prompt {self.name}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        return template.substitute(values)


def _read(name: str) -> str:
    packaged = files("ziping").joinpath("prompts", f"{name}.md")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    path = REPO_PROMPTS / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"prompt {name} not found")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def load_prompt(name: str) -> Prompt:
    """A prompt by name: its first line is `version: …`, then a line `---`, then the body."""
    head, sep, body = _read(name).partition("\n---\n")
    if not sep or not head.startswith("version:"):
        raise PromptError(f"prompt {name} has no version line")
    return Prompt(name, head.split(":", 1)[1].strip(), body.strip() + "\n")


# A delimiter as the text may forge it, seen in folded text (llm/textfold.py: full-width ＜＞ are <>,
# 《》 and 〈〉 are ", whitespace and zero-width characters are gone): two or more opening brackets, the
# delimiter's word in simplified or traditional characters, an optional 结束 and boundary, any closing.
FORGED = '[<"]{{2,}}(?:{words})(?:结束|結束)?[0-9A-Za-z]*[>"]*'
BRACKETS = re.compile(r"[<>＜＞﹤﹥〈〉《》‹›«»⟨⟩]")


def unforgeable(text: str, words: str) -> str:
    """The text without invisible characters and without anything that folds to a delimiter (`words`: a
    regular expression of the delimiter's word), so it cannot close the data it is sent in."""
    text = visible(text)
    if BRACKETS.search(text):  # no bracket of any kind, no forged delimiter: the common case costs one search
        folded = fold(text)
        forged = re.compile(FORGED.format(words=words))
        cuts = [(folded.origin[m.start()], folded.origin[m.end() - 1] + 1) for m in forged.finditer(folded.text)]
        for start, end in reversed(cuts):
            text = text[:start] + text[end:]
    return text


def boundary(text: str) -> str:
    """The boundary that marks a request's delimiters: derived from the data sent between them, so the data
    cannot carry it (that would change it) while a re-run sends the same request and hits the cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
