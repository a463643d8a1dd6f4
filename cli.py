"""The `podcast` command line: parse arguments, call feed_builder, render results and errors.

Exit codes: 0 success, 1 problems in the show (each printed as `file:line: field: message` on
stderr), 2 usage errors (click's own).
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from feed_builder.errors import PodcastError


class _Group(click.Group):
    """Turns the one domain error into exit code 1, in one place, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PodcastError as e:
            for p in e.problems:
                click.echo(str(p), err=True)
            click.echo(f"{len(e.problems)} problem(s) found; nothing was published.", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="The show's repository (default: the current directory).")
@click.version_option(package_name="feed-builder")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Publish a podcast kept in a git repository: episode folders in, feed and tagged audio out."""
    ctx.obj = root


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the build (default: public/ in the show's repository).")
@click.pass_obj
def publish(root: Path, out: Path | None) -> None:
    """Build public/: feed.xml, audio/, transcripts/, images/.

    \b
    Examples:
      podcast publish
      podcast --root ~/shows/4min publish --out /tmp/site
    """
    from feed_builder.publish import publish as run

    report = run(root, out or root / "public")
    click.echo(f"{report.episodes} episode(s) published; {len(report.written)} file(s) written "
               f"({report.bytes_written} bytes), {len(report.removed)} removed.")


@cli.command()
@click.argument("title")
@click.pass_obj
def new(root: Path, title: str) -> None:
    """Scaffold the next episode folder with a fresh GUID.

    \b
    Example:
      podcast new "Putin's Russia – The Road Ahead"
    """
    from feed_builder.scaffold import new_episode

    folder = new_episode(root, title, date.today())
    click.echo(f"created {folder / 'episode.md'}; put its audio at audio/{folder.name}.mp3")


if __name__ == "__main__":
    cli()
