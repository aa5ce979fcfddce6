"""A small DOM for report tests: html.parser into nodes that know their parent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "link", "input", "col", "area", "base", "source", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants with the tag and attribute values (class_ matches one class)."""
        return [node for node in self.walk() if _matches(node, tag, attrs)]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} matches for {tag} {attrs}"
        return found[0]

    def ancestor(self, test: Callable[[Node], bool]) -> Node | None:
        node = self.parent
        while node is not None and not test(node):
            node = node.parent
        return node


def _matches(node: Node, tag: str | None, attrs: dict[str, str]) -> bool:
    if tag is not None and node.tag != tag:
        return False
    for key, value in attrs.items():
        if key == "class_":
            if value not in node.classes:
                return False
        elif node.attrs.get(key.replace("_", "-")) != value:
            return False
    return True


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"unmatched </{tag}>"
        self.current = node.parent or self.root

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    """The page as a tree; an end tag without its start fails the test."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def screenshot_module():
    """scripts/screenshot.py, which drives headless chromium, loaded as a module."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "screenshot.py"
    spec = importlib.util.spec_from_file_location("screenshot", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
