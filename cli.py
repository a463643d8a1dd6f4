"""The `podcast` command line: parse arguments, call feed_builder, render results and errors.

Exit codes: 0 success, 1 problems found (each printed as `file:line: field: message` on stderr),
2 usage errors (click's own). Commands import their part of the package when they run, so that a
no-op `podcast publish` never pays for libraries it does not use.
"""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from feed_builder.core.errors import PodcastError


class _Group(click.Group):
    """Turns the one domain error, and the system's errors, into exit code 1 with a message naming
    the file, in one place, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PodcastError as e:
            for p in e.problems:
                click.echo(str(p), err=True)
            click.echo(f"{len(e.problems)} problem(s) found; nothing was changed.", err=True)
            sys.exit(1)
        except OSError as e:  # the machine's, not the input's: a full disk, a read-only public/, ...
            click.echo(f"{e.filename or 'error'}: {e.strerror or e}", err=True)
            sys.exit(1)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), "validate"])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "validate":  # lxml and the rule table load only for validate
            from feed_builder.validate.command import validate

            return validate
        return super().get_command(ctx, name)


@click.group(cls=_Group)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="The show's repository (default: the current directory).")
@click.version_option(package_name="podcast-publisher")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Publish a podcast kept in a git repository: episode folders in, feed and tagged audio out."""
    ctx.obj = root


class TerminalBar:
    """On a terminal: one redrawn line with the stage, a bar, counts and the current episode."""

    def __init__(self) -> None:
        self.name, self.total, self.done = "", 0, 0

    def stage(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0

    def step(self, label: str) -> None:
        self.done += 1
        filled = 30 * self.done // max(self.total, 1)
        click.echo(f"\r\x1b[K{self.name:8} [{'#' * filled}{'.' * (30 - filled)}] "
                   f"{self.done}/{self.total} {label}"[:120], err=True, nl=False)

    def end(self) -> None:
        if self.total:
            click.echo(err=True)


class CiLines:
    """In CI or a pipe: one line per stage, plus one per episode with --verbose."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose

    def stage(self, name: str, total: int) -> None:
        if total:
            click.echo(f"{name}: {total} to do", err=True)

    def step(self, label: str) -> None:
        if self.verbose:
            click.echo(f"  {label}", err=True)

    def end(self) -> None:
        pass


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the build (default: public/ in the show's repository).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for probing, rendering and tagging (default: one per core).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
@click.option("--verbose", "-v", is_flag=True, help="Name every episode as it is processed.")
@click.pass_obj
def publish(root: Path, out: Path | None, jobs: int | None, quiet: bool, verbose: bool) -> None:
    """Build public/: feed.xml, audio/, transcripts/, chapters/, images/.

    Only what changed since the last publish is rebuilt; a bad input anywhere stops the run before
    anything in public/ changes.

    \b
    Examples:
      podcast publish
      podcast publish --jobs 1 --verbose
      podcast --root ~/shows/4min publish --out /tmp/site
    """
    from feed_builder.publish.progress import Silent
    from feed_builder.publish.decide import publish as run

    progress = Silent() if quiet else TerminalBar() if sys.stderr.isatty() and not verbose else CiLines(verbose)
    report = run(root, out or root / "public", jobs=jobs, progress=progress)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(f"{report.episodes} episode(s): {report.built} built, {report.skipped} unchanged, "
                   f"{report.dropped} removed; {len(report.written)} file(s) written "
                   f"({report.bytes_written:,} bytes), {len(report.removed)} deleted.")


@cli.command()
@click.argument("title")
@click.pass_obj
def new(root: Path, title: str) -> None:
    """Scaffold the next episode folder with a fresh GUID.

    \b
    Example:
      podcast new "Putin's Russia – The Road Ahead"
    """
    from feed_builder.show.new import new_episode

    folder = new_episode(root, title, date.today())
    click.echo(f"created {folder / 'episode.md'}; put its audio at audio/{folder.name}.mp3")


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The show's name.")
@click.option("--author", help="The author, as podcast apps show it.")
@click.option("--email", help="The owner's e-mail address.")
@click.option("--language", help="Language code, such as en or en-US.")
@click.option("--category", help="Apple category, as Category or Category/Subcategory.")
@click.option("--base-url", "base_url", help="https URL where public/ will be served.")
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: what no option gives is a marked example.")
@click.pass_obj
def init(root: Path, folder: Path | None, yes: bool, **given: str | None) -> None:
    """Start a new show in FOLDER (default: the show's repository, --root): podcast.toml, a
    placeholder cover and trailer, README.md, .gitignore. It publishes at once; an existing show
    is never overwritten. On a terminal it asks for what no option gives.

    \b
    Examples:
      podcast init my-show
      podcast init my-show --title "My Show" --author "Ann Example" --email ann@example.com \\
        --language en --category "Society & Culture/Documentary" \\
        --base-url https://example.com/my-show --yes
    """
    from feed_builder.init.answers import gather
    from feed_builder.init.scaffold import init_show

    folder = folder or root
    ask = None if yes or not sys.stdin.isatty() else lambda question, example: click.prompt(question, default=example)
    for path in init_show(folder, gather(folder, given, ask), date.today()):
        click.echo(f"created {path}")
    click.echo(f"next: cd {folder} && podcast publish")


@cli.command()
@click.argument("files", nargs=-1, metavar="[FILE]...")
@click.pass_obj
def check(root: Path, files: tuple[str, ...]) -> None:
    """Check podcast.toml, the cover and the episodes that FILEs belong to (all without FILE), as
    publish would, without touching audio: the pre-commit hook (`podcast-check`).

    \b
    Examples:
      podcast check
      podcast check episodes/114-the-road-ahead/episode.md
    """
    from feed_builder.ci.hook import check as run

    checked = run(root, files)
    click.echo(f"podcast.toml and {checked.episodes} episode(s): no problems", err=True)


def check_hook() -> None:
    """The `podcast-check` console script that pre-commit runs: `podcast check` by its own name."""
    cli.main(["check", *sys.argv[1:]], prog_name="podcast-check")


@cli.command()
@click.argument("episodes", nargs=-1, metavar="[EPISODE]...")
@click.option("--in-place", is_flag=True,
              help="Write the tags into the masters in audio/ (copy, tag, fsync, rename).")
@click.pass_obj
def tag(root: Path, episodes: tuple[str, ...], in_place: bool) -> None:
    """Show the tags publish writes into each episode's audio, or write them into the masters.

    EPISODE is a folder name or an episode number; none means every episode. Without --in-place
    nothing is written.

    \b
    Examples:
      podcast tag 113
      podcast tag 113-the-eastern-axis --in-place
    """
    from feed_builder.media.tag import tag_masters

    for path, tags in tag_masters(root, episodes, in_place=in_place):
        click.echo(f"{os.path.relpath(path)}: {'tagged' if in_place else 'would tag'} "
                   f"{tags.title!r} (#{tags.track}, {len(tags.chapters)} chapter(s), fingerprint {tags.fingerprint()[:12]})")


@cli.command("import")
@click.argument("source")
@click.option("--no-audio", is_flag=True, help="Write the episode folders without downloading their audio.")
@click.option("--dry-run", is_flag=True, help="Say what would be imported; write nothing.")
@click.pass_obj
def import_(root: Path, source: str, no_audio: bool, dry_run: bool) -> None:
    """Import a show from another host's feed (URL or file), keeping every GUID.

    Writes podcast.toml (if there is none) and one episode folder per item; items whose GUID is
    already here are skipped, and interrupted downloads resume. A locked feed is refused.

    \b
    Examples:
      podcast import https://feeds.example.com/show.xml
      podcast --root ~/shows/new import old-feed.xml --no-audio
    """
    from feed_builder.importer.run import import_feed, summary

    report = import_feed(root, source, audio=not no_audio, dry_run=dry_run)
    for line in summary(report, source, dry_run=dry_run):
        click.echo(line)
    if report.failed:
        sys.exit(1)


@cli.command()
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded and deleted; change nothing in the bucket.")
@click.option("--yes", is_flag=True, help="Delete superseded files even when more than max_deletes are due.")
@click.option("--no-check", is_flag=True, help="Skip validate --online on the deployed feed URL.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems and warnings.")
@click.pass_obj
def deploy(root: Path, dry_run: bool, yes: bool, no_check: bool, quiet: bool) -> None:
    """Publish, then upload what changed to [deploy] target, feed.xml last; then notify [notify].

    Credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or
    AWS_PROFILE), never from the repository.

    \b
    Examples:
      podcast deploy --dry-run
      AWS_PROFILE=r2 podcast deploy
    """
    from feed_builder.deploy.run import deploy as run
    from feed_builder.publish.progress import Silent

    progress = Silent() if quiet else TerminalBar() if sys.stderr.isatty() else CiLines(False)
    report = run(root, dry_run=dry_run, yes=yes, check_online=not no_check, progress=progress)
    plan = report.plan
    if dry_run and not quiet:
        for upload in plan.uploads:
            click.echo(f"would upload {upload.relpath} ({upload.reason}, {upload.size:,} bytes)")
        for relpath in plan.deletions:
            click.echo(f"would delete {relpath}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        verb = "would upload" if dry_run else "uploaded"
        click.echo(f"{verb} {len(plan.uploads)} file(s) ({sum(u.size for u in plan.uploads):,} bytes), "
                   f"{plan.unchanged} unchanged; {len(plan.deletions)} {'to delete' if dry_run else 'deleted'}, "
                   f"{len(plan.deferred)} kept "
                   f"for the grace period; notified: {', '.join(report.notified) or 'none'}.")


@cli.command()
@click.argument("episodes", nargs=-1, metavar="[EPISODE]...")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The build whose cache to fill (default: public/ in the show's repository).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Masters encoded at once (default: one per core).")
@click.pass_obj
def encode(root: Path, episodes: tuple[str, ...], out: Path | None, jobs: int | None) -> None:
    """Encode and level the masters publish would encode, and print what was measured.

    For each master and each rendition: integrated loudness (stereo-equivalent, and as mono),
    true peak, loudness range, the gain applied and whether the limiter acted. EPISODE is a
    folder name or an episode number; none means every episode. Encodes are cached: publish
    reuses them.

    \b
    Examples:
      podcast encode
      podcast encode 113 --jobs 2
    """
    from feed_builder.media.encode.command import encode_episodes

    for line in encode_episodes(root, out or root / "public", episodes, jobs or os.cpu_count() or 1):
        click.echo(line)


if __name__ == "__main__":
    cli()


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one (the address is printed).")
@click.option("--no-watch", is_flag=True, help="Build once and serve; do not rebuild on edits.")
@click.pass_obj
def serve(root: Path, port: int, no_watch: bool) -> None:
    """Preview the show on http://127.0.0.1:PORT/ as a host would serve it, for a browser or a podcast app.

    Builds into preview/ (git-ignored by itself) with every URL on the local address, serves it
    with byte ranges, and rebuilds on every edit: open pages reload, and a bad edit prints its
    problems while the last good build stays up. Ctrl-C stops.

    \b
    Examples:
      podcast serve
      podcast serve --port 0 --no-watch
      podcast --root ~/shows/4min serve --port 8080
    """
    from feed_builder.serve.run import serve as run

    run(root, port, not no_watch, say=click.echo, warn=lambda text: click.echo(text, err=True))
