"""Text-normalisation commands: normalize."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline import textnorm


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("normalize")
    def normalize_cmd(
        text: Annotated[
            str | None, typer.Argument(help="Text to normalise; omit to read --file or stdin.")
        ] = None,
        file: Annotated[
            Path | None, typer.Option("--file", "-f", help="Read the text from a file.")
        ] = None,
        explain: Annotated[
            bool, typer.Option("--explain", "-e", help="Show each surface word and its token.")
        ] = False,
        keep_numbers: Annotated[bool, typer.Option(help="Keep all-digit tokens.")] = False,
    ) -> None:
        """Show the tokens the topic classifier sees (phrases joined, stop words dropped, stemmed).

        Example: pantau normalize --explain "Pemkab Pulpis menandatangani nota kesepahaman"
        """
        if text is None:
            text = file.read_text(encoding="utf-8") if file else sys.stdin.read()
        if explain:
            for surface, token in textnorm.explain(text, keep_numbers=keep_numbers):
                typer.echo(f"{surface}\t{token}")
        else:
            typer.echo(" ".join(textnorm.normalize(text, keep_numbers=keep_numbers)))
