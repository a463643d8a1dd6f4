"""Templates: Jinja2 with autoescaping, the package's own overridden by file name from the show's
`theme/` folder (Pelican's way of theming).

The theme's text was read with the settings (`settings.py`), inside the repository, so rendering
reads nothing else of the show. A template that cannot be parsed or rendered is the user's input
gone wrong, so it is a Problem naming the template file and line, never a traceback.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from feed_builder.core.errors import PodcastError, problem
from feed_builder.site.settings import THEME_DIR

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=4)
def environment(root: Path, theme: tuple[tuple[str, str], ...]) -> jinja2.Environment:
    files = dict(theme)
    folder = root / THEME_DIR

    def from_theme(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if name not in files:
            return None
        return files[name], str(folder / name), lambda: True

    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FunctionLoader(from_theme), jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name in a theme is an error with its line, not a blank
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(root: Path, theme: tuple[tuple[str, str], ...], name: str, **context: Any) -> str:
    env = environment(root, theme)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as e:
        raise PodcastError([problem(e.filename or template_path(root, theme, e.name or name), e.lineno, "template",
                                    f"{e.message} (expected a valid Jinja2 template)")]) from e
    except jinja2.TemplateNotFound as e:
        path, line = _where(e, root, theme, name)
        raise PodcastError([problem(path, line, "template",
                                    f"includes {e.name!r}, which does not exist (expected a template in "
                                    f"{THEME_DIR}/ or the package's)")]) from e
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError,
            ZeroDivisionError) as e:
        path, line = _where(e, root, theme, name)
        raise PodcastError([problem(path, line, "template", f"cannot be rendered: {e} "
                                    "(expected names the site's templates are given, as in the package's)")]) from e


def template_path(root: Path, theme: tuple[tuple[str, str], ...], name: str) -> str:
    return str(root / THEME_DIR / name) if name in dict(theme) else str(PACKAGE_TEMPLATES / name)


def _where(error: Exception, root: Path, theme: tuple[tuple[str, str], ...], name: str) -> tuple[str, int | None]:
    """The innermost template frame of the error: Jinja2 maps its frames to template lines."""
    templates = {str(root / THEME_DIR / n) for n, _ in theme} | {str(p) for p in PACKAGE_TEMPLATES.iterdir()}
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename in templates:
            return frame.filename, frame.lineno
    return template_path(root, theme, name), None
