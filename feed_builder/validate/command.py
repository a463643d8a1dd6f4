"""The `podcast validate` click command; the lead adds it with `cli.add_command(validate)`."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from .api import check_bytes
from .findings import Finding, Severity, sorted_findings
from .http import Client, FetchError
from .registry import RULES, explain
from .report import FORMATTERS, summary_line
from .xmlparse import DEFAULT_MAX_BYTES, DEFAULT_MAX_ELEMENTS, Limits

DEFAULT_FEED = Path("public/feed.xml")

EPILOG = """\b
Exit status:
  0  no errors (warnings allowed unless --strict)
  1  errors found (or warnings, with --strict)
  2  usage error (bad option, unreadable FEED, unknown RULE)

\b
Examples:
  podcast validate                       # public/feed.xml, files in public/
  podcast validate https://example.com/feed.xml --online
  podcast validate feed.xml --previous old-feed.xml --format github
  podcast validate --explain apple-category
"""


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _read(feed: str, client: Client, max_bytes: int) -> tuple[bytes, str | None]:
    """The feed's bytes and the URL it came from (None for a local file). A file is read up to one
    byte past the cap, which is enough for the parser to refuse it: a FIFO or a device such as
    /dev/zero has no size to ask for beforehand, and never ends."""
    if _is_url(feed):
        try:
            response = client.request(feed)
        except FetchError as error:
            raise click.UsageError(f"cannot fetch {feed}: {error}") from error
        if not 200 <= response.status < 300:
            raise click.UsageError(f"cannot fetch {feed}: HTTP {response.status}")
        return response.body, feed
    try:
        with open(feed, "rb") as file:
            return file.read(max_bytes + 1), None
    except OSError as error:
        raise click.UsageError(f"cannot read {feed}: {error.strerror or error}") from error


@click.command("validate", epilog=EPILOG)
@click.argument("feeds", nargs=-1, metavar="[FEED]...")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="Output format.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line on stderr; findings only.")
@click.option("--explain", "explain_rule", metavar="RULE", help="Print what RULE checks and why, then exit.")
@click.option("--list-rules", is_flag=True, help="Print every rule id with its severity and summary, then exit.")
@click.option("--files", "files_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Check enclosures, artwork, transcripts and chapters against the files in DIR.")
@click.option("--online", is_flag=True, help="Fetch every enclosure and image (HEAD and a Range GET).")
@click.option("--previous", metavar="OLD_FEED", help="Report what would hurt subscribers since OLD_FEED.")
@click.option("--feed-url", metavar="URL", help="URL the FEED is served from, when FEED is a local file.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse feeds larger than this.")
@click.option("--max-elements", type=click.IntRange(min=1), default=DEFAULT_MAX_ELEMENTS, show_default=True,
              help="Refuse feeds with more XML elements than this.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds per HTTP request.")
def validate(feeds: tuple[str, ...], fmt: str, strict: bool, quiet: bool, explain_rule: str | None, list_rules: bool,
             files_dir: Path | None, online: bool, previous: str | None, feed_url: str | None,
             max_bytes: int, max_elements: int, timeout: float) -> None:
    """Check podcast FEEDs (paths or URLs; default public/feed.xml) against
    every rule that apps and directories enforce: XML, RSS 2.0, Apple
    Podcasts, Podcasting 2.0 and consistency."""
    if explain_rule is not None:
        if explain_rule not in RULES:
            raise click.UsageError(f"unknown rule {explain_rule!r}; see --list-rules")
        click.echo(explain(explain_rule), nl=False)
        return
    if list_rules:
        for rule in RULES.values():
            click.echo(f"{rule.rule_id}\t{rule.severity.value}\t{rule.summary}")
        return
    client = Client(timeout=timeout, max_bytes=max_bytes)
    if not feeds:
        # Under `podcast --root SHOW`, the group's context object is the show's folder.
        root = click.get_current_context().find_root().obj
        default = (root if isinstance(root, Path) else Path(".")) / DEFAULT_FEED
        feeds = (str(default),)
        if files_dir is None and default.parent.is_dir():
            files_dir = default.parent
    old = _read(previous, client, max_bytes)[0] if previous else None
    now = datetime.now(timezone.utc)
    findings: list[Finding] = []
    summaries = []
    for feed in feeds:
        data, fetched_from = _read(feed, client, max_bytes)
        checked = check_bytes(
            data, source=feed, feed_url=fetched_from or feed_url, files_dir=files_dir, previous=old,
            previous_source=previous or "previous", online=online, http_timeout=timeout, now=now,
            limits=Limits(max_bytes=max_bytes, max_elements=max_elements),
        )
        findings += checked.findings
        summaries.append(summary_line(feed, checked.items, checked.findings))
    findings = sorted_findings(findings)
    click.echo(FORMATTERS[fmt](findings), nl=False)
    if not quiet:
        for line in summaries:
            click.echo(line, err=True)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    click.get_current_context().exit(1 if any(f.severity in failing for f in findings) else 0)
