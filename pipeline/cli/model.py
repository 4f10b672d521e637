"""Model commands: train, evaluate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

err = Console(stderr=True)
out = Console()


def _progress_display() -> tuple[Progress, object]:
    """A rich progress bar plus a callback ``(stage, done, total)`` that drives it."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    tasks: dict[str, int] = {}

    def callback(stage: str, done: int, total: int) -> None:
        # "group: detail" stages share one bar whose label follows the current detail.
        group = stage.split(":", 1)[0]
        if group not in tasks:
            tasks[group] = bar.add_task(stage, total=total)
        bar.update(tasks[group], description=stage, completed=done, total=total)

    return bar, callback


def train(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Folder with labels.jsonl and texts.jsonl.gz (default: models/data)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Model file to write (default: models/artifacts/topic_model.skops)."
        ),
    ] = None,
    synthetic: Annotated[
        bool, typer.Option("--synthetic/--no-synthetic", help="Train with the authored examples.")
    ] = True,
    uncertain: Annotated[
        bool, typer.Option("--uncertain/--no-uncertain", help="Train with items marked uncertain.")
    ] = True,
    thresholds: Annotated[
        str,
        typer.Option(
            "--thresholds",
            help="'cv+regional': out-of-fold scores over real train+dev pooled with the "
            "authored regional_dev set; 'cv': real train+dev only; 'cv-all': real and "
            "synthetic items; 'dev': the dev split only.",
        ),
    ] = "cv+regional",
    card: Annotated[
        bool | None,
        typer.Option(
            "--card/--no-card",
            help="Update models/MODEL_CARD.md (default: only when installing, i.e. without --out).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Train a new topic-model version from the labelled data and write it with its model card.

    Fits TF-IDF over Sastrawi-stemmed tokens + one calibrated logistic regression per topic,
    chooses per-topic thresholds without touching the test split, and saves a version-checked
    skops file. Installs it as the default model when --out is not given.

    Example: pantau train --no-synthetic --out /tmp/model.skops --no-card
    """
    from models import train as trainer
    from pipeline.classify import DEFAULT_MODEL_PATH, clear_cache

    if thresholds not in trainer.THRESHOLD_PROCEDURES:
        choices = ", ".join(f"'{t}'" for t in trainer.THRESHOLD_PROCEDURES)
        err.print(f"[red]--thresholds must be one of {choices}[/]")
        raise typer.Exit(2)
    cfg = trainer.TrainConfig(synthetic=synthetic, uncertain=uncertain, thresholds=thresholds)
    bar, callback = _progress_display()
    with bar:
        result = trainer.train(
            data_dir=data or trainer.DATA_DIR,
            out=output or DEFAULT_MODEL_PATH,
            cfg=cfg,
            progress=callback,  # type: ignore[arg-type]
            card=trainer.CARD_PATH if (card if card is not None else output is None) else None,
        )
    clear_cache()
    table = Table(title=f"model {result.version} → {result.path}")
    table.add_column("topic")
    table.add_column("threshold", justify="right")
    table.add_column("F1 on threshold data", justify="right")
    for topic, thr in result.thresholds.items():
        table.add_row(topic, f"{thr:.4f}", f"{result.dev_f1[topic]:.3f}")
    out.print(table)


def _scores_table(title: str, scores: list) -> Table:
    from pipeline.classify import TOPICS

    table = Table(title=title, show_lines=False)
    table.add_column("system")
    for t in TOPICS:
        table.add_column(f"{t}\nP / R / F1 (tp fp fn)", justify="right")
    table.add_column("macro-F1", justify="right")
    for s in scores:
        cells = [s.cell(t, strong="[bold]{}[/]") for t in TOPICS]
        table.add_row(s.name, *cells, f"[bold]{s.macro_f1:.3f}[/]")
    return table


def evaluate(
    model: Annotated[
        Path | None, typer.Option("--model", help="Model file (default: the installed model).")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Labelled data folder (default: models/data).")
    ] = None,
    variants: Annotated[
        bool,
        typer.Option(
            "--variants/--no-variants",
            help="Also retrain without synthetic / uncertain / weak-negative data (slower).",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    write_card: Annotated[
        bool, typer.Option("--write-card", help="Write the figures into models/MODEL_CARD.md.")
    ] = False,
) -> None:
    """Evaluate the topic model on real held-out articles next to a keyword-rule baseline.

    Prints per-topic precision/recall/F1, confusion counts and macro-F1 on the test split
    (all items, and certain items only), false positives on unread weak negatives, variants
    retrained with/without synthetic and uncertain data, and the five seed articles.

    Example: pantau evaluate --no-variants
    """
    from models import evaluate as ev
    from models import train as trainer

    bar, callback = _progress_display()
    with bar:
        report = ev.evaluate(
            data_dir=data or trainer.DATA_DIR,
            model_path=model,
            variants=variants,
            progress=callback,  # type: ignore[arg-type]
        )
    if write_card:
        ev.write_card(report)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    for note in report.notes:
        out.print(f"[dim]{note}[/]")
    n_all, n_cert = report.test_all[0].n, report.test_certain[0].n
    out.print(_scores_table(f"real held-out test, all {n_all} items", report.test_all))
    out.print(_scores_table(f"real held-out test, {n_cert} certain items", report.test_certain))
    if report.regional_test:
        n_reg = report.regional_test[0].n
        title = f"authored regional test set (synthetic), {n_reg} items"
        out.print(_scores_table(title, report.regional_test))
    if report.agreement:
        agree = Table(title="agreement of two independent annotations (test split)")
        for col in ("topic", "items", "positives (1st / 2nd)", "agreement", "Cohen's kappa"):
            agree.add_column(col, justify="left" if col == "topic" else "right")
        for topic, a in report.agreement.items():
            agree.add_row(topic, *ev.agreement_cells(a))
        out.print(agree)
    weak = Table(title=f"false positives on {report.n_weak} weak negatives (unread)")
    weak.add_column("system")
    topics = list(next(iter(report.weak_fp.values())).keys()) if report.weak_fp else []
    for t in topics:
        weak.add_column(t, justify="right")
    for name, fps in report.weak_fp.items():
        weak.add_row(name, *(str(fps[t]) for t in topics))
    out.print(weak)
    if report.seeds:
        seeds = Table(title="seed articles (gold from GUIDELINE.md)")
        for col in ("file", "gold", "model", "keywords", "scores"):
            seeds.add_column(col)
        for s in report.seeds:
            seeds.add_row(
                s["file"],
                ", ".join(s["gold"]) or "-",
                ", ".join(s["model"]) or "-",
                ", ".join(s["keywords"]) or "-",
                " ".join(f"{k}={v:.2f}" for k, v in s["scores"].items()),
            )
        out.print(seeds)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    for fn in (train, evaluate):
        app.command()(fn)
