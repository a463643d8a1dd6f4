"""What `podcast init` asks: six values, from options, from prompts on a terminal, or examples.

A value the podcaster did not give is an example (an `example.com` address, a placeholder name),
and the scaffolded podcast.toml says so beside it: the tool must never present a guess as a fact
about the show.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

# (key, question, example value); the title's example is made from the folder's name
QUESTIONS = (
    ("title", "Show title", ""),
    ("author", "Author (as podcast apps show it)", "Example Author"),
    ("email", "Owner's e-mail (Apple and Podcasting 2.0 send ownership mail here)", "owner@example.com"),
    ("language", "Language code", "en"),
    ("category", "Apple category (Category or Category/Subcategory)", "Technology"),
    ("base_url", "https URL where public/ will be served", "https://example.com/podcast"),
)


@dataclass(frozen=True)
class Answers:
    title: str
    author: str
    email: str
    language: str
    category: str
    subcategory: str | None
    base_url: str
    examples: frozenset[str]  # the keys whose value is the example, not the podcaster's

    def note(self, key: str) -> str:
        return "  # EXAMPLE: replace before publishing for real" if key in self.examples else ""


def example_title(folder: Path) -> str:
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(w.capitalize() for w in words) or "My Podcast"


def gather(folder: Path, given: Mapping[str, str | None], ask: Callable[[str, str], str] | None) -> Answers:
    """Each value from `given`, else from `ask(question, example)` when there is someone to ask,
    else the example."""
    values: dict[str, str] = {}
    examples = set()
    for key, question, example in QUESTIONS:
        example = example or example_title(folder)
        value = given.get(key)
        if value is None:
            value = ask(question, example) if ask else example
        if value == example:
            examples.add(key)
        values[key] = value.strip()
    name, _, sub = values.pop("category").partition("/")
    return Answers(**values, category=name.strip(), subcategory=sub.strip() or None,
                   examples=frozenset(examples))
