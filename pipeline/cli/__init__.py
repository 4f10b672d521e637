"""The ``pantau`` command line: thin typer commands over library functions.

This package is the only place where the crawler and the NLP/storage pipeline meet.
Each area registers its commands from its own module (``register(app)``).
"""

from __future__ import annotations

import typer

from pipeline.cli import core, db, extract, model, textnorm

app = typer.Typer(
    name="pantau",
    help="Pantau: crawl Indonesian regional news, extract, classify by topic, store in DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (core, extract, model, db, textnorm):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
