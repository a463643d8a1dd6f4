"""`validate/` judges our feeds as it judges anyone's, so it must not share the builder's models:
it imports nothing of the rest of the package, and the builder's rules cannot leak into it."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "feed_builder"
VALIDATE = PACKAGE / "validate"


def imported_modules(source: str, package: tuple[str, ...]) -> list[str]:
    """Every module a file in `package` imports, relative imports resolved against it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
    return found


def test_validate_imports_nothing_of_the_builder():
    files = sorted(VALIDATE.rglob("*.py"))
    assert len(files) > 10
    outside = {f"{path.relative_to(PACKAGE)}: {module}" for path in files
               for module in imported_modules(path.read_text(encoding="utf-8"), _package_of(path))
               if module.startswith("feed_builder") and not module.startswith("feed_builder.validate")}
    assert outside == set()


def _package_of(path: Path) -> tuple[str, ...]:
    return path.relative_to(PACKAGE.parent).parts[:-1]


def test_the_check_sees_an_import_of_the_builder():
    """The test above would pass on a reader that missed relative imports: this one would not."""
    source = "from ...core.model import Show\nfrom .. import findings\nimport feed_builder.publish\n"
    assert imported_modules(source, ("feed_builder", "validate", "rules")) == \
        ["feed_builder.core.model", "feed_builder.validate.findings", "feed_builder.publish"]
