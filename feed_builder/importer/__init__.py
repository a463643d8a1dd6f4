"""`podcast import`: another host's feed into this repository's layout, keeping every GUID.

source (fetch or read, parse with the validator's hardened parser) -> feed (what the feed says, as
frozen values) -> files (downloads: resumable, capped) -> write (podcast.toml, one folder per episode,
each written whole or not at all) -> run (what was carried over, what could not be, what to do next).
"""
