"""The Podcasting 2.0 namespace as a table (podcastindex-org/podcast-namespace, docs/tags/*.md).

Each tag lists where it may appear, whether it may repeat, and what its node
value ("" key) and attributes must hold. The checks in podcasting20.py only
interpret this table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CHANNEL, ITEM, LIVE = "channel", "item", "liveItem"
EPISODIC = frozenset({ITEM, LIVE})
TEXT = ""  # key for the node value in the attribute-keyed tables below

_MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course")
MEDIUMS = frozenset(_MEDIUMS) | frozenset(m + "L" for m in _MEDIUMS) | {"mixed"}
YES_NO = frozenset({"yes", "no"})
TRUE_FALSE = frozenset({"true", "false"})


@dataclass(frozen=True)
class TagSpec:
    parents: frozenset[str]
    single: bool = False
    required: tuple[str, ...] = ()  # attributes; TEXT means the node value must not be blank
    urls: tuple[str, ...] = ()  # attributes holding URLs (the spec demands https)
    enums: dict[str, frozenset[str]] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()  # decimal numbers
    integers: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    max_len: dict[str, int] = field(default_factory=dict)  # "do not exceed N characters"


def _p(*names: str) -> frozenset[str]:
    return frozenset(names)


TAGS: dict[str, TagSpec] = {
    "guid": TagSpec(_p(CHANNEL), single=True, required=(TEXT,)),
    "locked": TagSpec(_p(CHANNEL), single=True, enums={TEXT: YES_NO}, emails=("owner",)),
    "funding": TagSpec(_p(CHANNEL, ITEM, LIVE), required=("url",), urls=("url",), max_len={TEXT: 128}),
    "medium": TagSpec(_p(CHANNEL), single=True, enums={TEXT: MEDIUMS}),
    "person": TagSpec(_p(CHANNEL, ITEM, LIVE), required=(TEXT,), urls=("img", "href"), max_len={TEXT: 128}),
    "season": TagSpec(EPISODIC, single=True, required=(TEXT,), integers=(TEXT,), max_len={"name": 128}),
    "episode": TagSpec(EPISODIC, single=True, required=(TEXT,), numbers=(TEXT,), max_len={"display": 32}),
    "transcript": TagSpec(EPISODIC, required=("url", "type"), urls=("url",)),
    "chapters": TagSpec(EPISODIC, single=True, required=("url", "type"), urls=("url",)),
    "trailer": TagSpec(_p(CHANNEL), required=(TEXT, "url", "pubdate"), urls=("url",), numbers=("length",),
                       integers=("season",), max_len={TEXT: 128}),
    "license": TagSpec(_p(CHANNEL, ITEM), single=True, required=(TEXT,), urls=("url",), max_len={TEXT: 128}),
    "location": TagSpec(_p(CHANNEL, ITEM, LIVE), required=(TEXT,), enums={"rel": _p("subject", "creator")},
                        max_len={TEXT: 128}),
    "soundbite": TagSpec(EPISODIC, required=("startTime", "duration"), numbers=("startTime", "duration"),
                         max_len={TEXT: 128}),
    "image": TagSpec(_p(CHANNEL, ITEM, LIVE), required=("href",), urls=("href",), numbers=("width", "height"),
                     max_len={"purpose": 128}),
    "txt": TagSpec(_p(CHANNEL, ITEM), required=(TEXT,), max_len={TEXT: 4000, "purpose": 128}),
    "block": TagSpec(_p(CHANNEL), enums={TEXT: YES_NO}),
    "updateFrequency": TagSpec(_p(CHANNEL), single=True, enums={"complete": TRUE_FALSE}, max_len={TEXT: 128}),
    "podping": TagSpec(_p(CHANNEL), single=True, enums={"usesPodping": TRUE_FALSE}),
    "podroll": TagSpec(_p(CHANNEL), single=True),
    "publisher": TagSpec(_p(CHANNEL), single=True),
    "remoteItem": TagSpec(_p(CHANNEL, "podroll", "valueTimeSplit", "publisher"), required=("feedGuid",),
                          urls=("feedUrl",), enums={"medium": MEDIUMS}),
    "value": TagSpec(_p(CHANNEL, ITEM, LIVE), required=("type", "method"), numbers=("suggested",)),
    "valueRecipient": TagSpec(_p("value", "valueTimeSplit"), required=("type", "address", "split"),
                              numbers=("split",), enums={"fee": TRUE_FALSE}),
    "valueTimeSplit": TagSpec(_p("value"), required=("startTime", "duration"),
                              numbers=("startTime", "duration", "remoteStartTime", "remotePercentage")),
    "socialInteract": TagSpec(_p(CHANNEL, ITEM, LIVE), required=("protocol",), integers=("priority",)),
    "alternateEnclosure": TagSpec(EPISODIC, required=("type",), numbers=("length", "bitrate", "height"),
                                  enums={"default": TRUE_FALSE}, max_len={"title": 32}),
    "source": TagSpec(_p("alternateEnclosure"), required=("uri",)),
    "integrity": TagSpec(_p("alternateEnclosure"), single=True, required=("type", "value"),
                         enums={"type": _p("sri", "pgp-signature")}),
    "chat": TagSpec(_p(CHANNEL, ITEM, LIVE), single=True, required=("server", "protocol")),
    "contentLink": TagSpec(EPISODIC, required=("href",), urls=("href",)),
    "liveItem": TagSpec(_p(CHANNEL), required=("status", "start"), enums={"status": _p("pending", "live", "ended")}),
}

DEPRECATED = {"images": "podcast:images is deprecated; use podcast:image"}

TRANSCRIPT_TYPES = frozenset(
    {"text/plain", "text/html", "text/vtt", "application/json", "application/x-subrip", "application/srt"}
)
CHAPTERS_TYPE = "application/json+chapters"

# Podcast Taxonomy Project (taxonomy.json), lower-cased because role and group are case-insensitive.
PERSON_ROLES: dict[str, frozenset[str]] = {
    "creative direction": _p("director", "assistant director", "executive producer", "senior producer",
                             "producer", "associate producer", "development producer", "creative director"),
    "cast": _p("host", "co-host", "guest host", "guest", "voice actor", "narrator", "announcer", "reporter"),
    "writing": _p("author", "editorial director", "co-writer", "writer", "songwriter", "guest writer",
                  "story editor", "managing editor", "script editor", "script coordinator", "researcher",
                  "editor", "fact checker", "translator", "transcriber", "logger"),
    "audio production": _p("studio coordinator", "technical director", "technical manager", "audio engineer",
                           "remote recording engineer", "post production engineer"),
    "audio post-production": _p("audio editor", "sound designer", "foley artist", "composer", "theme music",
                                "music production", "music contributor"),
    "administration": _p("production coordinator", "booking coordinator", "production assistant",
                         "content manager", "marketing manager", "sales representative", "sales manager"),
    "visuals": _p("graphic designer", "cover art designer"),
    "community": _p("social media manager"),
    "misc.": _p("consultant", "intern"),
    "video production": _p("camera operator", "lighting designer", "camera grip", "assistant camera"),
    "video post-production": _p("editor", "assistant editor"),
}
