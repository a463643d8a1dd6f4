"""What every check may know besides the element it is given."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from .document import View


@dataclass(frozen=True)
class Context:
    root: etree._Element
    channel: View
    now: datetime
    feed_url: str | None  # where the feed was fetched from, when known
    size: int  # bytes of the document
    tags: set[str] = field(default_factory=set)  # every channel/item child tag seen in the walk
