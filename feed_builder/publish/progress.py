"""How the pipeline reports progress without knowing who is watching.

The package calls these three methods; the CLI decides whether that becomes a progress bar on a
terminal, one line per stage in CI, one line per episode with --verbose, or nothing with --quiet.
"""
from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int) -> None:
        """A stage of `total` steps begins."""

    def step(self, label: str) -> None:
        """One step of the current stage is done; `label` names what it was (an episode folder)."""

    def end(self) -> None:
        """The current stage is over."""


class Silent:
    def stage(self, name: str, total: int) -> None:
        pass

    def step(self, label: str) -> None:
        pass

    def end(self) -> None:
        pass
