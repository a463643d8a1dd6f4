"""feed_builder: publish a podcast from a git repository of episode folders."""

__version__ = "0.1.0"
