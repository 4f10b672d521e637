"""Core commands: demo, run, crawl, sources, extract, classify, stats."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
