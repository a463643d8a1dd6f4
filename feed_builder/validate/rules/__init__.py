"""Importing this package fills the rule table (registry.RULES / registry.CHECKS)."""
from . import apple, consistency, podcasting20, rss, xml_namespaces  # noqa: F401
