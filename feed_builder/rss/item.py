"""One episode as an RSS <item>, with the iTunes, Podcasting 2.0 and psc elements apps read."""
from __future__ import annotations

from feedgen.entry import FeedEntry
from lxml import etree

from feed_builder.core.model import AudioInfo, Container, PublishedEpisode, PublishedFile, Show
from feed_builder.formats.chapters import psc_entries
from feed_builder.formats.notes import plain_summary
from feed_builder.rss.extension import (
    ITUNES_NS,
    NAMESPACES,
    AlternateEnclosure,
    ItemExtras,
    Podcast_indexEntryExtension,
    PscChapter,
    TranscriptLink,
)

_ITEM_NSMAP = {"itunes": ITUNES_NS, "content": "http://purl.org/rss/1.0/modules/content/", **NAMESPACES}


def render_item(show: Show, pe: PublishedEpisode) -> bytes:
    """One <item>, indented as it sits in the feed, ending with a newline."""
    e = pe.episode
    fe = FeedEntry()
    fe.load_extension("podcast", atom=False)
    fe.register_extension("podcast_index", Podcast_indexEntryExtension, atom=False)
    fe.title(e.title)
    fe.guid(e.guid, permalink=e.guid_permalink)
    fe.pubDate(e.date)
    fe.description(e.summary or plain_summary(e.notes, as_html=e.notes_format == "html"))
    fe.content(pe.notes_html, type="CDATA")
    fe.enclosure(pe.audio.url, str(pe.audio.size), pe.audio.mime)
    fe.podcast.itunes_duration(str(round(pe.audio_info.duration)))
    fe.podcast.itunes_episode_type(e.type.value)
    if e.number is not None:
        fe.podcast.itunes_episode(e.number)
    if e.season is not None:
        fe.podcast.itunes_season(e.season.number)
    if pe.image is not None:
        fe.podcast.itunes_image(pe.image.url)
    fe.podcast_index.extras = ItemExtras(
        explicit=e.explicit,
        season=(e.season.number, e.season.name) if e.season else None,
        episode=e.number,
        transcripts=tuple(TranscriptLink(f.url, f.mime, show.language, captions) for f, captions in pe.transcripts),
        chapters_url=pe.chapters_file.url if pe.chapters_file else None,
        psc_chapters=tuple(PscChapter(*entry) for entry in psc_entries(pe.chapters)),
        people=e.people,
        alternates=_alternates(pe),
    )
    holder = etree.Element("channel", nsmap=_ITEM_NSMAP)
    holder.append(fe.rss_entry())
    etree.indent(holder, space="  ", level=1)
    text = etree.tostring(holder, encoding="UTF-8", xml_declaration=False)
    return b"    " + text[text.index(b"<item>"):text.rindex(b"</item>") + len(b"</item>")] + b"\n"


def _alternates(pe: PublishedEpisode) -> tuple[AlternateEnclosure, ...]:
    """Every rendition, the enclosure's marked default, when there is more than one: apps that
    play none of the others use the enclosure."""
    if not pe.alternates:
        return ()
    return tuple(_alternate(f, info, default) for (f, info), default
                 in zip(((pe.audio, pe.audio_info), *pe.alternates), (True, *[False] * len(pe.alternates))))


def _alternate(f: PublishedFile, info: AudioInfo, default: bool) -> AlternateEnclosure:
    opus = info.container is Container.OPUS
    return AlternateEnclosure(f.url, f"{f.mime}; codecs=opus" if opus else f.mime, f.size, info.bitrate,
                              "Opus" if opus else info.container.value.upper(), default)
