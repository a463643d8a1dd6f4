"""The site read as a browser resolves it: links made absolute from each page's own URL (and its
<base>, when it has one), so that a link that works here works when the pages are served."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urljoin

import lxml.html

RESOURCES = {("link", "href"), ("img", "src"), ("script", "src"), ("audio", "src"), ("source", "src"),
             ("video", "src"), ("iframe", "src")}


def html_pages(public: Path) -> list[str]:
    return sorted(str(p.relative_to(public)) for p in public.rglob("index.html") if ".build" not in p.parts)


def read_page(public: Path, relpath: str, base_url: str) -> lxml.html.HtmlElement:
    """The page with every link absolute, as if it were served at `base_url`."""
    doc = lxml.html.fromstring((public / relpath).read_bytes())
    url = _absolute(doc, base_url, relpath, "")
    for base in doc.xpath("//base"):  # resolved as a browser does: against the page's own URL
        base.getparent().remove(base)
    doc.make_links_absolute(url)
    return doc


def target(public: Path, base_url: str, url: str) -> Path | None:
    """The file a link under `base_url` names (a folder means its index.html), or None for others."""
    url = urldefrag(url).url
    if not url.startswith(base_url + "/"):
        return None
    path = public / url[len(base_url) + 1:]
    return path / "index.html" if url.endswith("/") else path


def broken_links(public: Path, base_url: str) -> list[str]:
    """Every link between pages, every resource and every published file a page names that is not
    there. Absolute links to elsewhere under `base_url` (the show's own support page, say) are the
    show's, not ours."""
    broken = []
    for relpath in html_pages(public):
        raw = lxml.html.fromstring((public / relpath).read_bytes())
        for element, attribute, link, _ in raw.iterlinks():
            if element.tag == "base":
                continue
            url = _absolute(raw, base_url, relpath, link)
            path = target(public, base_url, url)
            ours = "://" not in link or (element.tag, attribute) in RESOURCES or \
                url.startswith(tuple(f"{base_url}/{folder}" for folder in PUBLISHED))
            if ours and (path is None or not path.is_file()):
                broken.append(f"{relpath}: <{element.tag} {attribute}={link}>")
    return broken


PUBLISHED = ("audio/", "transcripts/", "chapters/", "images/", "feed", "episodes/", "page/")


def _absolute(raw: lxml.html.HtmlElement, base_url: str, relpath: str, link: str) -> str:
    page = f"{base_url}/{relpath}"
    base = raw.xpath("//base/@href")
    return urljoin(urljoin(page, base[0]) if base else page, link) if link or base else page
