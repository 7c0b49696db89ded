"""The ``kg`` command line: a thin layer over :mod:`kg.api`, one command per API verb."""

from __future__ import annotations

import json
import logging
import sys

import click

from . import api, output, queries
from .stores.base import StoreError

EXIT_SKIPPED = 3  # the run completed, but some inputs were skipped


class KgGroup(click.Group):
    """Turns kg's own errors into one line on stderr (a traceback only with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except (StoreError, KeyError, OSError, RuntimeError, ValueError) as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            click.echo(f"kg: error: {msg}", err=True)
            ctx.exit(1)


def _fmt_option(f):
    f = click.option("--json", "fmt", flag_value="json", help="Output JSON.")(f)
    f = click.option("--csv", "fmt", flag_value="csv", help="Output CSV.")(f)
    f = click.option("--table", "fmt", flag_value="table", default=True, help="Output a table (default).")(f)
    return f


_store_option = click.option("--store", default=api.DEFAULT_STORE, show_default=True, type=click.Path(),
                             help="Directory of the embedded store (env KG_STORE).")
_model_options = [
    click.option("--model", "model_name", default=None, help="spaCy model package to load (env KG_SPACY_MODEL)."),
    click.option("--config", default=None, type=click.Path(exists=True), help="Pipeline config (.cfg)."),
    click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
                 help="Worker processes for the NLP (each loads the pipeline once)."),
]


def _with(options):
    def deco(f):
        for o in reversed(options):
            f = o(f)
        return f

    return deco


def _summary(counts, quiet: bool, report_path: str | None) -> None:
    if report_path:
        with open(report_path, "w", encoding="utf-8") as fh:
            for s in counts.skipped:
                fh.write(json.dumps({"source": s.source, "line": s.line, "reason": s.reason}, ensure_ascii=False) + "\n")
    if quiet:
        return
    d = counts.as_dict()
    click.echo(" ".join(f"{k} {v}" for k, v in d.items()), err=True)
    for s in counts.skipped[:20]:
        click.echo(f"  skipped {s}", err=True)
    if len(counts.skipped) > 20:
        click.echo(f"  ... and {len(counts.skipped) - 20} more (use --report FILE for all)", err=True)


def _exit(ctx, counts) -> None:
    if counts.skipped:
        ctx.exit(EXIT_SKIPPED)


@click.group(cls=KgGroup)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option("--quiet", "-q", is_flag=True, help="Print only results, no progress or summaries.")
@click.version_option(package_name="kg")
@click.pass_context
def main(ctx, debug, quiet):
    """kg: turn news articles into a knowledge graph you can query and trust."""
    ctx.obj = {"debug": debug, "quiet": quiet}
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="kg: %(levelname)s: %(message)s")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", type=click.File("w", encoding="utf-8"), help="JSONL file (default stdout).")
@click.option("--report", "report_path", default=None, type=click.Path(), help="Write skipped inputs as JSONL here.")
@_with(_model_options)
@click.pass_context
def extract(ctx, inputs, output, report_path, model_name, config, workers):
    """Extract ArticleGraphs from INPUTS (files, directories, globs, - for stdin) as JSON Lines."""
    counts = api.extract(inputs, output, model_name=model_name, config=config, stdin=sys.stdin, workers=workers)
    _summary(counts, ctx.obj["quiet"], report_path)
    _exit(ctx, counts)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_store_option
@click.option("--report", "report_path", default=None, type=click.Path(), help="Write skipped inputs as JSONL here.")
@_with(_model_options)
@click.pass_context
def build(ctx, inputs, store, report_path, model_name, config, workers):
    """Read, extract and load INPUTS into the embedded store."""
    counts = api.build(inputs, store=store, model_name=model_name, config=config, stdin=sys.stdin, workers=workers)
    _summary(counts, ctx.obj["quiet"], report_path)
    _exit(ctx, counts)


@main.command()
@click.argument("jsonl", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_store_option
@click.pass_context
def load(ctx, jsonl, store):
    """Load ArticleGraph JSON Lines (from `kg extract`) into the store."""
    counts = api.load(jsonl, store=store)
    _summary(counts, ctx.obj["quiet"], None)
    _exit(ctx, counts)


@main.command()
@click.argument("text", required=False)
@click.option("--sparql", "sparql", default=None, help="SPARQL query text.")
@click.option("--name", default=None, help=f"A named query from schemas/queries ({', '.join(queries.names())}).")
@click.option("--write", is_flag=True, help="Allow SPARQL Update (refused otherwise).")
@_store_option
@_fmt_option
def query(text, sparql, name, write, store, fmt):
    """Ask the store a SPARQL query (the catalogue's prefixes need no PREFIX lines)."""
    q = sparql or text or (queries.named(name) if name else None)
    if not q:
        raise click.UsageError("give a query: --sparql 'SELECT ...', --name NAME or TEXT")
    click.echo(output.render(api.query(queries.with_prefixes(q), store=store, write=write), fmt))


@main.command()
@click.option("--format", "fmt", required=True, type=click.Choice(api._files.FORMATS))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@_store_option
@click.pass_context
def export(ctx, fmt, output, store):
    """Export the store as a graph file (GraphML, GEXF, JSON) or RDF (Turtle, N-Triples, N-Quads, TriG)."""
    info = api.export(fmt, output, store=store)
    if not ctx.obj["quiet"]:
        click.echo(f"wrote {output}: " + " ".join(f"{k} {v}" for k, v in info.items()), err=True)


@main.command()
@_store_option
def report(store):
    """Print a short report of the store: counts, top actors, example triples, a SPARQL answer."""
    from .report import report as make_report

    with api.open_embedded(store, read_only=True) as st:
        click.echo(make_report(st))


@main.command()
@_store_option
@_fmt_option
def stats(store, fmt):
    """Counts of articles, entities, relations, quotes and quads in the store."""
    from .stores.base import Result

    s = api.stats(store=store)
    click.echo(output.render(Result(list(s), [list(s.values())]), fmt))


if __name__ == "__main__":  # pragma: no cover
    main()
