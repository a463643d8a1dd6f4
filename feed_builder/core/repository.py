"""The show's repository as the boundary of what a run reads.

CI publishes pull requests, so a show's files come from strangers: a symlink or a `../` path must
not carry a file from elsewhere on the machine into public/, and neither must git's own folder,
where CI keeps the token it checked the repository out with.
"""
from __future__ import annotations

import os
from pathlib import Path

OUTSIDE = "is outside the show's repository (expected a file inside it, neither hidden nor in a hidden folder such as .git)"


def outside(root: Path, path: Path) -> bool:
    """Whether `path`, every symlink followed, is not in `root`, or is hidden there (a dot name,
    or under one such as .git).

    `os.path.realpath`, not `Path.resolve`: a symlink loop is then a file that does not exist,
    which the caller reports as such, rather than a RuntimeError.
    """
    base, real = Path(os.path.realpath(root)), Path(os.path.realpath(path))
    return not real.is_relative_to(base) or any(part.startswith(".") for part in real.relative_to(base).parts)
