"""Tags inside published audio files, from the same models as the feed.

Podcast apps, car stereos and music players read the tags inside the file, not the feed: every
published file carries the episode's metadata, artwork, transcript and chapters. `build_tagset` is
the one mapping from the models; one writer per container family puts it into the file;
`write_tagged_copy` produces the published file without ever touching the master.
"""
from feed_builder.media.artwork import scaled_jpeg
from feed_builder.media.tagging.tagset import TagChapter, TagSet, build_tagset
from feed_builder.media.tagging.write import tag_in_place, write_tagged_copy

__all__ = ["TagChapter", "TagSet", "build_tagset", "scaled_jpeg", "tag_in_place", "write_tagged_copy"]
