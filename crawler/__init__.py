"""Pantau's Scrapy project: source registry, spiders and polite crawl settings.

This package knows nothing of NLP or DuckDB: spiders yield raw page items and the
caller (the ``pantau`` CLI) decides what to do with them.
"""

__version__ = "0.1"
