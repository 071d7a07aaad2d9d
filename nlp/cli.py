"""The `govlint` command line: extract, analyze, serve, scan, train, evaluate, bench.

Usage errors exit 2; a bad input never stops a run (its report carries `errors`, exit code stays 0).
Sub-systems own their own argument parsing (`train`, `evaluate`, `scan`, `bench` pass the rest of the
command line through) so each can grow without touching this file.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from nlp.atomic import AtomicWriter
from nlp.inputs import expand, iter_documents
from nlp.pipeline import AnalyzeOptions, Pipeline, parse_tasks

app = typer.Typer(add_completion=False, no_args_is_help=True, help="govlint: check Chinese government web pages.")

# sub-systems parse their own options, --help included
_PASS = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}

TRAINABLE = {"genre": "training.genre", "completeness": "training.completeness", "typo": "training.typo"}


def _progress(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc", disable=total < 5 or not sys.stderr.isatty() and os.environ.get("GOVLINT_PROGRESS") != "1", file=sys.stderr)


@app.command()
def extract(inputs: Annotated[list[str], typer.Argument(help="files, directories, '-' for stdin, or .jsonl records")]):
    """Print each input's Document as one JSON line."""
    items = expand(inputs)
    for doc in iter_documents(items):
        sys.stdout.write(doc.model_dump_json() + "\n")


@app.command()
def analyze(
    inputs: Annotated[list[str], typer.Argument(help="files, directories, '-' for stdin, or .jsonl records")],
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="write reports here (JSON Lines) instead of stdout")] = None,
    tasks: Annotated[str, typer.Option("--tasks", help="comma-separated: genre,completeness,wording")] = "genre,completeness,wording",
    related: Annotated[Optional[Path], typer.Option("--document", help="the interpreted document, for completeness copy_ratio")] = None,
    include_text: Annotated[bool, typer.Option("--include-text", help="include the normalised body in each report")] = False,
    lexicon: Annotated[Optional[list[Path]], typer.Option("--lexicon", help="extra lexicon file(s) for the wording check")] = None,
    allow: Annotated[Optional[Path], typer.Option("--allow", help="allow list: terms never reported")] = None,
):
    """Write one report per input (JSON Lines)."""
    try:
        task_tuple = parse_tasks(tasks)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tasks")
    from nlp.ingest import ingest_path

    rel_doc = ingest_path(related) if related else None
    extra = {}
    if lexicon:
        extra["lexicons"] = [str(p) for p in lexicon]
    if allow:
        extra["allow"] = str(allow)
    options = AnalyzeOptions(tasks=task_tuple, related=rel_doc, include_text=include_text, extra=extra)
    pipeline = Pipeline()
    items = expand(inputs)
    sink = AtomicWriter(out) if out else None
    fh = sink.open() if sink else sys.stdout
    n = 0
    try:
        with _progress(len(items), "analyze") as bar:
            for doc in iter_documents(items):
                report = pipeline.analyze(doc, options)
                fh.write(report.model_dump_json(exclude_none=False) + "\n")
                n += 1
                bar.update(1)
        if sink:
            sink.commit()
    finally:
        if sink:
            sink.close()
    if out:
        typer.echo(f"wrote {n} reports to {out}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (each loads the models once)")] = 1,
):
    """Start the HTTP API and the web page."""
    from serve.app import run

    run(host=host, port=port, workers=workers)


def _dispatch(module: str, func: str, argv: list[str]) -> None:
    mod = importlib.import_module(module)
    code = getattr(mod, func)(argv)
    raise typer.Exit(code or 0)


@app.command(context_settings=_PASS)
def train(ctx: typer.Context, task: Annotated[str, typer.Argument(help="genre | completeness | typo")]):
    """Train a model (arguments after TASK go to the trainer; try `govlint train genre --help`)."""
    if task not in TRAINABLE:
        raise typer.BadParameter(f"choose from {', '.join(TRAINABLE)}", param_hint="TASK")
    _dispatch(TRAINABLE[task], "train_main", ctx.args)


@app.command(context_settings=_PASS)
def evaluate(ctx: typer.Context, task: Annotated[str, typer.Argument(help="genre | completeness | typo | wording | ingest")]):
    """Evaluate a model or analyser on held-out data and write its report."""
    modules = dict(TRAINABLE, wording="training.wording_eval", ingest="training.ingest_eval")
    if task not in modules:
        raise typer.BadParameter(f"choose from {', '.join(modules)}", param_hint="TASK")
    _dispatch(modules[task], "evaluate_main", ctx.args)


@app.command(context_settings=_PASS)
def scan(ctx: typer.Context):
    """Batch-scan a crawled site (try `govlint scan --help`)."""
    _dispatch("nlp.scan.cli", "main", ctx.args)


@app.command(context_settings=_PASS)
def bench(ctx: typer.Context, target: Annotated[str, typer.Argument(help="pipeline | genre | completeness | wording | api")]):
    """Benchmarks that print pages/s, p50/p99 latency and peak RSS."""
    _dispatch("training.bench", "main", [target, *ctx.args])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
