"""``kg extract``, ``kg build`` and ``kg load``: articles into a store."""

from __future__ import annotations

import json
import sys

import click

from kg.cli.group import main
from kg.cli.lazy import api
from kg.cli.options import (
    batch_date_option,
    batch_option,
    check_inputs,
    exit_for,
    fmt_option,
    model_options,
    neo4j_import_option,
    print_summary,
    store_option,
    with_options,
)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="-", type=click.File("w", encoding="utf-8"), help="JSONL file (default stdout)."
)
@click.option("--report", "report_path", default=None, type=click.Path(), help="Write skipped inputs as JSONL here.")
@click.option(
    "--summary",
    "summary_path",
    default=None,
    type=click.File("w", encoding="utf-8"),
    help="Write the run's counts as JSON to FILE (- for stdout when -o is a file).",
)
@batch_date_option
@with_options(model_options)
@click.pass_context
def extract(
    ctx, inputs, output, report_path, summary_path, date, model_name, config, max_chars, article_timeout, workers, dask
):
    """Extract ArticleGraphs from INPUTS (files, directories, globs, - for stdin) as JSON Lines."""
    check_inputs(inputs)
    counts = api.extract(
        inputs,
        output,
        model_name=model_name,
        config=config,
        stdin=sys.stdin,
        workers=workers,
        dask=dask,
        max_chars=max_chars,
        article_timeout=article_timeout,
        date=date,
    )
    print_summary(counts, ctx.obj["quiet"], report_path)
    if summary_path:
        record = {**counts.as_dict(), "skipped_inputs": [vars(s) for s in counts.skipped]}
        summary_path.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    exit_for(ctx, counts)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@store_option
@batch_option
@click.option("--report", "report_path", default=None, type=click.Path(), help="Write skipped inputs as JSONL here.")
@click.option(
    "--ledger",
    "ledger",
    default=None,
    type=click.Path(dir_okay=False),
    help="The build ledger that makes builds resumable (default STORE/ledger.sqlite; for a server "
    ".kg-ledger/HOST-HASH.sqlite).",
)
@click.option("--no-ledger", is_flag=True, help="Build without a ledger: parse every article, no resume.")
@neo4j_import_option
@batch_date_option
@with_options(model_options)
@fmt_option(tabular=False)
@click.pass_context
def build(
    ctx,
    fmt,
    inputs,
    store,
    batch_size,
    report_path,
    ledger,
    no_ledger,
    neo4j_import,
    date,
    model_name,
    config,
    max_chars,
    article_timeout,
    workers,
    dask,
):
    """Read, extract and load INPUTS into the store (embedded by default; Neo4j or a SPARQL server by URI).
    Resumable: run it again after an interruption and it continues where it stopped; unchanged articles are
    not parsed again."""
    check_inputs(inputs)
    counts = api.build(
        inputs,
        store=store,
        model_name=model_name,
        config=config,
        stdin=sys.stdin,
        workers=workers,
        batch_size=batch_size,
        dask=dask,
        ledger=False if no_ledger else ledger,
        max_chars=max_chars,
        article_timeout=article_timeout,
        date=date,
        neo4j_import=neo4j_import,
    )
    print_summary(counts, ctx.obj["quiet"], report_path, fmt)
    exit_for(ctx, counts)


@main.command()
@click.argument("jsonl", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@store_option
@batch_option
@neo4j_import_option
@fmt_option(tabular=False)
@click.pass_context
def load(ctx, jsonl, store, batch_size, neo4j_import, fmt):
    """Load ArticleGraph JSON Lines (from `kg extract`; - for stdin) into the store."""
    counts = api.load(jsonl, store=store, batch_size=batch_size, neo4j_import=neo4j_import, stdin=sys.stdin)
    print_summary(counts, ctx.obj["quiet"], None, fmt)
    exit_for(ctx, counts)
