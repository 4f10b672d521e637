"""Extraction commands: ``pantau extract`` and ``pantau eval-extract``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def extract(
    files: Annotated[list[Path], typer.Argument(help="Saved HTML pages (.html or .html.gz).")],
    url: Annotated[
        str | None, typer.Option("--url", help="Original URL of the page(s) (helps dates).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per input on stdout (JSON Lines).")
    ] = False,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds allowed per page.")
    ] = 10.0,
) -> None:
    """Extract title, date, author, location, credit and clean story text from saved pages.

    Prints one JSON object per input (title, date as YYYY-MM-DD or null, author, text,
    is_article, language, location, credit, reporter, editor, captions, error...). A page
    that is not an article or fails to extract still gets its object, with is_article false
    and error set. Exit code 1 only if some file could not be read at all.

    Example: pantau extract page.html --url https://mmc.kalteng.go.id/berita/read/1/x --json
    """
    from pipeline.extract import ExtractOptions, extract_file

    options = ExtractOptions(time_limit_s=time_limit)
    unreadable = 0
    for path in files:
        try:
            result = extract_file(str(path), url=url, options=options)
        except OSError as exc:
            unreadable += 1
            print(f"cannot read {path}: {exc}", file=sys.stderr)
            continue
        data = {"file": str(path), **result.to_dict()}
        if as_json:
            print(json.dumps(data, ensure_ascii=False))
        else:
            flag = "article" if result.is_article else f"not article ({result.error or 'listing'})"
            print(
                f"== {path}: {flag}\n{result.title or ''} | {result.date or '-'} | {result.author or '-'}"
            )
            print(result.text)
    if unreadable:
        raise typer.Exit(1)


def eval_extract(
    datasets: Annotated[
        list[str] | None,
        typer.Argument(help="Data sets: indonesian, aeb, replicas (default: all three)."),
    ] = None,
    per_site: Annotated[
        bool, typer.Option("--per-site/--summary", help="Per-site rows or only totals.")
    ] = True,
) -> None:
    """Score Pantau's extraction and plain trafilatura on the gold pages, in the same run.

    Token precision/recall/F1, title and date exactness, boilerplate leaks and article
    decisions on ../shared/data/extraction_gold (indonesian, aeb) and the demo replicas.

    Example: pantau eval-extract indonesian replicas --summary
    """
    from models.eval_extract import main

    main(tuple(datasets or ("indonesian", "aeb", "replicas")), per_site=per_site)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("extract")(extract)
    app.command("eval-extract")(eval_extract)
