"""The ``kg`` command line: a thin layer over :mod:`kg.api`, one command per API verb."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys

import click

from kg import api
from kg.export import formats as _export_formats
from kg.render import tables as output
from kg.schema import queries
from kg.stores.base import StoreError, redact
from kg.stores.neo4j.rows import DEFAULT_BATCH

EXIT_SKIPPED = 3  # the run completed, but some inputs were skipped


class KgGroup(click.Group):
    """Turns kg's own errors into one line on stderr (a traceback only with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except (StoreError, LookupError, OSError, RuntimeError, ValueError) as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            click.echo(f"kg: error: {redact(str(msg))}", err=True)
            ctx.exit(1)


def _fmt_option(f):
    f = click.option("--json", "fmt", flag_value="json", help="Output JSON.")(f)
    f = click.option("--csv", "fmt", flag_value="csv", help="Output CSV.")(f)
    f = click.option("--table", "fmt", flag_value="table", default=True, help="Output a table (default).")(f)
    return f


def _store_option(f):
    """--store LOCATION (env KG_STORE), with --neo4j URI and --sparql-endpoint URL as its aliases for servers;
    the command receives one ``store``."""

    @functools.wraps(f)
    def command(*args, neo4j=None, sparql_endpoint=None, **kwargs):
        ctx = click.get_current_context()
        explicit = ctx.get_parameter_source("store") == click.core.ParameterSource.COMMANDLINE
        given = [o for o, v in (("--neo4j", neo4j), ("--sparql-endpoint", sparql_endpoint)) if v]
        if len(given) + explicit > 1:
            raise click.UsageError(
                f"{' and '.join(given + (['--store'] if explicit else []))} are mutually exclusive: give one store"
            )
        if given:
            kwargs["store"] = neo4j or sparql_endpoint
        return f(*args, **kwargs)

    command = click.option(
        "--sparql-endpoint",
        "sparql_endpoint",
        default=None,
        metavar="URL",
        help="Same as --store URL: the SPARQL 1.1 server at URL (query endpoint or server root).",
    )(command)
    command = click.option(
        "--neo4j",
        "neo4j",
        default=None,
        metavar="URI",
        help="Same as --store URI: the Neo4j server at URI (bolt://...); credentials from NEO4J_USER / NEO4J_PASSWORD.",
    )(command)
    return click.option(
        "--store",
        default=None,
        envvar="KG_STORE",
        metavar="LOCATION",
        help="The store: a directory for the embedded store (default kg-store), bolt:// or "
        "neo4j:// for Neo4j, http(s):// for a SPARQL server (env KG_STORE).",
    )(command)


_batch_option = click.option(
    "--batch-size",
    default=None,
    type=click.IntRange(1),
    help=f"Neo4j: rows per write transaction (default {DEFAULT_BATCH:,}).",
)
_model_options = [
    click.option("--model", "model_name", default=None, help="spaCy model package to load (env KG_SPACY_MODEL)."),
    click.option("--config", default=None, type=click.Path(exists=True), help="Pipeline config (.cfg)."),
    click.option(
        "--workers",
        default=None,
        type=click.IntRange(1, 256),
        help="Worker processes for the NLP, each loading the pipeline once (default: the cores; "
        "inputs with few articles to parse run in one process; 1: in this process).",
    ),
    click.option(
        "--max-chars",
        default=api.DEFAULT_MAX_CHARS,
        show_default=True,
        type=click.IntRange(1),
        help="Skip an article longer than this many characters (title and text), saying so.",
    ),
    click.option(
        "--article-timeout",
        default=api.DEFAULT_ARTICLE_TIMEOUT,
        show_default=True,
        type=click.FloatRange(0, min_open=True),
        metavar="SECONDS",
        help="Skip an article whose NLP takes longer than this, saying so (not enforced on --dask).",
    ),
    click.option(
        "--dask",
        "dask",
        default=None,
        metavar="ADDRESS",
        help="Run the NLP on Dask workers: a scheduler address (tcp://host:8786) or 'local' for a "
        "LocalCluster of --workers processes (pip install 'kg[dask]'; see docs/scaling.md).",
    ),
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
                record = {"source": s.source, "line": s.line, "reason": s.reason}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
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
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Progress bars on stderr (default: when stderr is a terminal; env KG_PROGRESS=1/0).",
)
@click.version_option(package_name="kg")
@click.pass_context
def main(ctx, debug, quiet, show_progress):
    """kg: turn news articles into a knowledge graph you can query and trust."""
    from kg.render import progress

    ctx.obj = {"debug": debug, "quiet": quiet}
    progress.configure(False if quiet else show_progress)
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="kg: %(levelname)s: %(message)s")
    if not debug:  # the Neo4j driver logs lost connections itself; kg reports the failure in one line
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="-", type=click.File("w", encoding="utf-8"), help="JSONL file (default stdout)."
)
@click.option("--report", "report_path", default=None, type=click.Path(), help="Write skipped inputs as JSONL here.")
@_with(_model_options)
@click.pass_context
def extract(ctx, inputs, output, report_path, model_name, config, max_chars, article_timeout, workers, dask):
    """Extract ArticleGraphs from INPUTS (files, directories, globs, - for stdin) as JSON Lines."""
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
    )
    _summary(counts, ctx.obj["quiet"], report_path)
    _exit(ctx, counts)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_store_option
@_batch_option
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
@_with(_model_options)
@click.pass_context
def build(
    ctx,
    inputs,
    store,
    batch_size,
    report_path,
    ledger,
    no_ledger,
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
    )
    _summary(counts, ctx.obj["quiet"], report_path)
    _exit(ctx, counts)


@main.command()
@click.argument("jsonl", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_store_option
@_batch_option
@click.pass_context
def load(ctx, jsonl, store, batch_size):
    """Load ArticleGraph JSON Lines (from `kg extract`) into the store."""
    counts = api.load(jsonl, store=store, batch_size=batch_size)
    _summary(counts, ctx.obj["quiet"], None)
    _exit(ctx, counts)


@main.command()
@click.argument("text", required=False)
@click.option("--sparql", "sparql", default=None, help="SPARQL query text.")
@click.option("--cypher", "cypher", default=None, help="Cypher query text (Neo4j: --neo4j URI or env NEO4J_URI).")
@click.option("--name", default=None, help=f"A named query from schemas/queries ({', '.join(queries.names())}).")
@click.option("--write", is_flag=True, help="Allow SPARQL Update / Cypher writes (refused otherwise).")
@_store_option
@_fmt_option
def query(text, sparql, cypher, name, write, store, fmt):
    """Ask the store a query in its language: SPARQL (the catalogue's prefixes need no PREFIX lines), or
    Cypher on Neo4j; TEXT, --sparql, --cypher or a named query."""
    texts = [t for t in (text, sparql, cypher) if t]
    if len(texts) + bool(name) > 1:
        raise click.UsageError("give one query: TEXT, --sparql, --cypher or --name")
    if not texts and not name:
        raise click.UsageError("give a query: TEXT, --sparql 'SELECT ...', --cypher 'MATCH ...' or --name NAME")
    ctx = click.get_current_context()
    if (
        cypher
        and ctx.get_parameter_source("store") != click.core.ParameterSource.COMMANDLINE
        and not (store or "").startswith(("bolt", "neo4j"))
    ):
        store = os.environ.get("NEO4J_URI")
        if not store:
            raise click.UsageError("--cypher needs a Neo4j server: --neo4j bolt://host:7687 or env NEO4J_URI")
    language = "sparql" if sparql else "cypher" if cypher else None
    click.echo(
        output.render(
            api.query(texts[0] if texts else None, name=name, store=store, write=write, language=language), fmt
        )
    )


@main.command()
@click.option("--format", "fmt", required=True, type=click.Choice(_export_formats()))
@click.option(
    "-o", "--output", required=True, type=click.Path(), help="File to write (a directory for --format neo4j-csv)."
)
@_store_option
@click.pass_context
def export(ctx, fmt, output, store):
    """Export the store as a graph file (GraphML, GEXF, JSON; with the analysis results as attributes), RDF
    (Turtle, N-Triples, N-Quads, TriG, JSON-LD) or neo4j-admin import CSV files (neo4j-csv, a directory)."""
    info = api.export(fmt, output, store=store)
    if not ctx.obj["quiet"]:
        click.echo(f"wrote {output}: " + " ".join(f"{k} {v}" for k, v in info.items()), err=True)


@main.command()
@_store_option
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the full report (blocs, top actors, alliances, adversaries, office holders, stance "
    "heatmap, network picture) to FILE.html (self-contained) or FILE.md (pictures beside it).",
)
@click.option("--top", default=15, show_default=True, type=click.IntRange(1), help="Rows per table.")
@click.pass_context
def report(ctx, store, output, top):
    """Print a short report of the store (counts, top actors, example triples, a SPARQL answer), or with
    --output write the full corpus report as HTML or Markdown with its pictures."""
    res = api.report(store=store, output=output, top=top)
    if isinstance(res, str):  # without --output: the short report itself
        click.echo(res)
    elif not ctx.obj["quiet"]:
        click.echo(f"wrote {res['report']} (pictures: {res['pictures']})", err=True)


@main.command()
@_store_option
@_fmt_option
def stats(store, fmt):
    """Counts of articles, entities, relations, quotes and quads (or nodes, relationships) in the store."""
    from kg.stores.base import Result

    s = api.stats(store=store)
    click.echo(output.render(Result(list(s), [list(s.values())]), fmt))


from kg.evaluate import datasets as _eval_datasets  # noqa: E402  (light: no spaCy until a command runs)


@main.command(name="eval")
@click.argument("dataset", type=click.Choice(_eval_datasets()))
@click.argument("path", type=click.Path(exists=True))
@click.option("--limit", default=None, type=click.IntRange(1), help="Evaluate on the first N documents only.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--model", "model_name", default=None, help="spaCy model package to load (env KG_SPACY_MODEL).")
@click.option("--config", default=None, type=click.Path(exists=True), help="Pipeline config (.cfg).")
def eval_(dataset, path, limit, as_json, model_name, config):
    """Score extraction on a gold DATASET file/folder at PATH: precision, recall, F1 (pipelines/eval/DATASET.toml)."""
    report = api.evaluate(dataset, path, limit, model_name=model_name, config=config)
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if as_json else report.table())


# -- analyses and resolution curation (thin wrappers over kg.api; see kg/analyse/commands.py) --------

_window_options = [
    click.option("--since", default=None, metavar="DATE", help="Only evidence from articles dated on/after DATE."),
    click.option("--until", default=None, metavar="DATE", help="Only evidence from articles dated on/before DATE."),
    click.option("--top", default=None, type=click.IntRange(1), help="Show the first N rows."),
]
# every analysis reads whichever store holds the graph, within an optional date window
_analysis_options = [_store_option, *_window_options]


def _show(ctx, result, fmt, summary_keys=()) -> None:
    click.echo(output.render(result, fmt))
    if fmt == "table" and not ctx.obj["quiet"]:
        for k in summary_keys:
            v = result.summary.get(k)
            if v not in (None, [], {}):
                click.echo(f"{k}: {json.dumps(v, ensure_ascii=False, default=str)}", err=True)


@main.command()
@_with(_analysis_options)
@_fmt_option
@click.pass_context
def alliances(ctx, store, since, until, top, fmt):
    """Blocs (signed partition and cooperation communities), each actor's strongest allies and adversaries
    with evidence; structural balance, frustration and bridges on stderr."""
    res = api.alliances(store=store, since=since, until=until, top=top or 20)
    _show(ctx, res, fmt, ("balance", "frustration", "blocs", "bridges"))


@main.command()
@_with(_analysis_options)
@click.option("--stances", is_flag=True, help="The actor x issue stance matrix instead of office holders.")
@_fmt_option
@click.pass_context
def positions(ctx, store, since, until, top, stances, fmt):
    """Office holders (post, organisation or country, first/last date, sentence), or --stances."""
    _show(ctx, api.positions(store=store, since=since, until=until, top=top, stances=stances), fmt)


@main.command()
@_with(_analysis_options)
@_fmt_option
@click.pass_context
def centrality(ctx, store, since, until, top, fmt):
    """Degree, evidence, PageRank, betweenness and k-core of the actors, by PageRank."""
    _show(ctx, api.centrality(store=store, since=since, until=until, top=top or 20), fmt)


@main.command()
@click.argument("source")
@click.argument("target")
@_with(_analysis_options)
@_fmt_option
@click.pass_context
def path(ctx, source, target, store, since, until, top, fmt):
    """The shortest chain of relations from SOURCE to TARGET (names, aliases or ids), with sentences."""
    _show(ctx, api.path(source, target, store=store, since=since, until=until, top=top), fmt)


@main.command()
@click.argument("actor")
@click.option("--radius", default=1, show_default=True, type=click.IntRange(1, 3), help="Steps from ACTOR.")
@_with(_analysis_options)
@_fmt_option
@click.pass_context
def ego(ctx, actor, radius, store, since, until, top, fmt):
    """The relations around ACTOR (its ego network), strongest first, with a sentence each."""
    _show(ctx, api.ego(actor, store=store, since=since, until=until, radius=radius, top=top), fmt)


@main.command()
@_with(_analysis_options)
@_fmt_option
@click.pass_context
def actors(ctx, store, since, until, top, fmt):
    """Actors with type, aliases, article count and first/last article date."""
    _show(ctx, api.actors(store=store, since=since, until=until, top=top), fmt)


@main.command()
@click.option("--a-since", default=None, metavar="DATE", help="Window A starts on DATE.")
@click.option("--a-until", default=None, metavar="DATE", help="Window A ends on DATE.")
@click.option("--b-since", default=None, metavar="DATE", help="Window B starts on DATE.")
@click.option("--b-until", default=None, metavar="DATE", help="Window B ends on DATE.")
@click.option("--top", default=None, type=click.IntRange(1), help="Show the first N rows.")
@_store_option
@_fmt_option
@click.pass_context
def changes(ctx, a_since, a_until, b_since, b_until, top, store, fmt):
    """Alliances and conflicts that are new, broken, lapsed or ended from date window A to window B,
    with a sentence each; counts and PageRank movers on stderr."""
    _show(
        ctx,
        api.changes(a_since=a_since, a_until=a_until, b_since=b_since, b_until=b_until, store=store, top=top),
        fmt,
        ("changes", "pagerank"),
    )


@main.command()
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False),
    help="Interactive HTML page to write (self-contained: no network needed to view it).",
)
@click.option("--png", default=None, type=click.Path(dir_okay=False), help="Static PNG picture to write.")
@click.option("--since", default=None, metavar="DATE", help="Only evidence from articles dated on/after DATE.")
@click.option("--until", default=None, metavar="DATE", help="Only evidence from articles dated on/before DATE.")
@click.option("--top", default=40, show_default=True, type=click.IntRange(1), help="Draw the N most central actors.")
@_store_option
@click.pass_context
def viz(ctx, output, png, since, until, top, store):
    """Draw the alliance network: cooperation green, conflict red, blocs grouped and coloured, nodes sized
    by PageRank, evidence sentences on hover (HTML) -- as -o FILE.html and/or --png FILE.png."""
    res = api.viz(output, png=png, store=store, since=since, until=until, top=top)
    if not ctx.obj["quiet"]:
        click.echo(
            f"wrote {', '.join(res['written'])}: {res['actors']} actors, {res['ties']} ties, {res['groups']} groups",
            err=True,
        )


_curation_option = click.option(
    "--curation", default=None, type=click.Path(dir_okay=False), help="Curation file (default STORE/curation.toml)."
)


def _show_recorded(ctx, res, fmt) -> None:
    _show(ctx, res, fmt)
    if not ctx.obj["quiet"]:
        click.echo(f"recorded in {res.summary['curation']}; rebuild (kg build / kg load) to apply", err=True)


@main.command()
@click.argument("source")
@click.argument("target")
@_store_option
@_curation_option
@_fmt_option
@click.pass_context
def merge(ctx, source, target, store, curation, fmt):
    """Record that SOURCE is the same actor as TARGET (names or ids); later builds and loads apply it."""
    res = api.merge(source, target, store=store, curation=curation)
    _show_recorded(ctx, res, fmt)


@main.command()
@click.argument("entity")
@click.argument("names", nargs=-1)
@_store_option
@_curation_option
@_fmt_option
@click.pass_context
def split(ctx, entity, names, store, curation, fmt):
    """Record that NAMES (every other name, if none) are not ENTITY; undoes merges into it."""
    res = api.split(entity, names, store=store, curation=curation)
    _show_recorded(ctx, res, fmt)


if __name__ == "__main__":  # pragma: no cover
    main()
