"""Options the ``kg`` commands share (the store, output formats, the NLP settings, date windows) and how
commands print summaries and exit."""

from __future__ import annotations

import functools
import json

import click

from kg import api, plugins
from kg.cli.group import EXIT_SKIPPED
from kg.dates import check
from kg.render import tables as output
from kg.stores import sparql_endpoints
from kg.stores.base import StoreError, redact, scheme
from kg.stores.neo4j.rows import DEFAULT_BATCH


class IsoDate(click.ParamType):
    """A date option's value: an ISO 8601 year, month or day (kg.dates.check); anything else is a usage
    error (exit 2)."""

    name = "date"

    def convert(self, value, param, ctx):
        try:
            return check(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = IsoDate()


def date_option(name: str, text: str, **kwargs):
    """An option taking an ISO 8601 year, month or day."""
    return click.option(name, default=None, type=DATE, metavar="DATE", help=text, **kwargs)


def since_until(what: str = "evidence"):
    """--since and --until: a date window, inclusive; a month or year --until reaches its last day."""
    return [
        date_option("--since", f"Only {what} from articles dated on/after DATE (2025, 2025-03 or 2025-03-01)."),
        date_option(
            "--until",
            f"Only {what} from articles dated on/before DATE (2025-03 means to 31 March). With --since or "
            f"--until, articles without a date are left out (`kg build` counts them).",
        ),
    ]


batch_date_option = date_option(
    "--date",
    "The date (2025-03-01) of every article that has none of its own in its metadata, dateline, file name or "
    "front matter.",
)


def fmt_option(f):
    f = click.option("--json", "fmt", flag_value="json", help="Output JSON.")(f)
    f = click.option("--csv", "fmt", flag_value="csv", help="Output CSV.")(f)
    f = click.option("--table", "fmt", flag_value="table", default=True, help="Output a table (default).")(f)
    return f


def _check_backend(location: str, backend: str, problem: str, example: str) -> None:
    """An alias (--neo4j, --sparql-endpoint) names its kind of server: a location another store serves is an
    error saying so, not a silent switch to that store."""
    found = plugins.find("store", scheme=scheme(location) or "file")
    if found is None or found.name != backend:
        raise StoreError(f"{problem} {redact(location)}: give {example}")


def store_option(f):
    """--store LOCATION (env KG_STORE), with --neo4j URI and --sparql-endpoint URL as its aliases for servers;
    the command receives one ``store``."""

    @functools.wraps(f)
    def command(*args, neo4j=None, sparql_endpoint=None, sparql_preset=None, **kwargs):
        ctx = click.get_current_context()
        explicit = ctx.get_parameter_source("store") == click.core.ParameterSource.COMMANDLINE
        given = [o for o, v in (("--neo4j", neo4j), ("--sparql-endpoint", sparql_endpoint)) if v]
        if len(given) + explicit > 1:
            raise click.UsageError(
                f"{' and '.join(given + (['--store'] if explicit else []))} are mutually exclusive: give one store"
            )
        if neo4j:
            _check_backend(neo4j, "neo4j", "cannot connect to Neo4j at", "bolt://host:7687 or neo4j://host:7687")
        if sparql_endpoint:
            _check_backend(sparql_endpoint, "sparql", "not a SPARQL endpoint:", "http(s)://host:port")
        if given:
            kwargs["store"] = neo4j or sparql_endpoint
        with sparql_endpoints.preset_default(sparql_preset):
            return f(*args, **kwargs)

    command = click.option(
        "--sparql-preset",
        "sparql_preset",
        default=None,
        envvar=sparql_endpoints.PRESET_ENV,
        metavar="NAME",
        type=click.Choice(sorted(sparql_endpoints.PRESETS), case_sensitive=False),
        help="The SPARQL server's endpoint paths: oxigraph, fuseki or graphdb (default: read from the URL; env "
        "KG_SPARQL_PRESET). Basic auth from the URL or KG_SPARQL_USER / KG_SPARQL_PASSWORD (docs/servers.md).",
    )(command)
    command = click.option(
        "--sparql-endpoint",
        "sparql_endpoint",
        default=None,
        metavar="URL",
        help="Same as --store URL: the SPARQL 1.1 server at URL (server root, Fuseki dataset, GraphDB "
        "repository or query endpoint).",
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


batch_option = click.option(
    "--batch-size",
    default=None,
    type=click.IntRange(1),
    help=f"Neo4j: rows per write transaction (default {DEFAULT_BATCH:,}).",
)


model_options = [
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


def with_options(options):
    def deco(f):
        for o in reversed(options):
            f = o(f)
        return f

    return deco


def print_summary(counts, quiet: bool, report_path: str | None) -> None:
    if report_path:
        with open(report_path, "w", encoding="utf-8") as fh:
            for s in counts.skipped:
                record = {"source": s.source, "line": s.line, "reason": s.reason}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    if quiet:
        return
    d = counts.as_dict()
    if counts.undated:  # before the counts, which stay the last line of a run that skipped nothing
        click.echo(
            f"kg: warning: {counts.undated} of {counts.extracted} articles have no date (none in their metadata, "
            "dateline, file name or front matter): --since/--until and `kg changes` leave them out; give them "
            "one with --date DATE",
            err=True,
        )
    click.echo(" ".join(f"{k} {v}" for k, v in d.items()), err=True)
    for s in counts.skipped[:20]:
        click.echo(f"  skipped {s}", err=True)
    if len(counts.skipped) > 20:
        click.echo(f"  ... and {len(counts.skipped) - 20} more (use --report FILE for all)", err=True)


def exit_for(ctx, counts) -> None:
    if counts.skipped:
        ctx.exit(EXIT_SKIPPED)


window_options = [
    *since_until(),
    click.option("--top", default=None, type=click.IntRange(1), help="Show the first N rows."),
]


# every analysis reads whichever store holds the graph, within an optional date window
analysis_options = [store_option, *window_options]


def show(ctx, result, fmt, summary_keys=()) -> None:
    click.echo(output.render(result, fmt))
    if fmt == "table" and not ctx.obj["quiet"]:
        for k in summary_keys:
            v = result.summary.get(k)
            if v not in (None, [], {}):
                click.echo(f"{k}: {json.dumps(v, ensure_ascii=False, default=str)}", err=True)


curation_option = click.option(
    "--curation", default=None, type=click.Path(dir_okay=False), help="Curation file (default STORE/curation.toml)."
)


def show_recorded(ctx, res, fmt) -> None:
    show(ctx, res, fmt)
    if not ctx.obj["quiet"]:
        applied = res.summary.get("applied")
        done = f"applied to {applied} articles in the store" if isinstance(applied, int) else applied
        click.echo(f"recorded in {res.summary['curation']}; {done}", err=True)
        if res.summary.get("rebuild"):
            click.echo(f"{res.summary['rebuild']} articles need a rebuild (kg build) to tell the names apart", err=True)
