"""``kg query``, ``kg export``, ``kg report``, ``kg stats`` and ``kg eval``."""

from __future__ import annotations

import json
import os
import re

import click

from kg.cli.group import main
from kg.cli.lazy import api
from kg.cli.options import echo_result, echo_summary, fmt_option, store_option, to_stdout
from kg.resources import SCHEMAS


def _query_text(text, query_file, sparql, cypher, name):
    """The one query given, as (text, language); a TEXT that is - or names an existing file is read."""
    given = [o for o, v in (("TEXT", text), ("-f", query_file), ("--sparql", sparql), ("--cypher", cypher)) if v]
    given += ["--name"] if name else []
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} are mutually exclusive: give one query")
    if not given:
        raise click.UsageError(
            "give a query: TEXT, -f FILE, --sparql 'SELECT ...', --cypher 'MATCH ...' or --name NAME"
        )
    language = "sparql" if sparql else "cypher" if cypher else None
    path = query_file or (text if text == "-" or (text and "\n" not in text and os.path.isfile(text)) else None)
    if not path and text and re.fullmatch(r"\S+\.(rq|sparql|cypher|cql)", text, re.I):
        raise click.BadParameter(f"no such file: {text}", param_hint="TEXT")
    if path:
        with click.open_file(path, encoding="utf-8") as fh:
            text = fh.read()
        if str(path).lower().endswith((".cypher", ".cql")):
            language = "cypher"
        elif str(path).lower().endswith((".rq", ".sparql")):
            language = "sparql"
    return text or sparql or cypher, language


_NAMED = sorted(p.stem for p in (SCHEMAS / "queries").glob("*.rq"))  # kg.schema.queries.names(), for --help
DEFAULT_LIMIT = 10_000  # kg.api.queries.DEFAULT_LIMIT, without importing the API for --help
DEFAULT_TIMEOUT = 60.0  # kg.api.queries.DEFAULT_TIMEOUT


@main.command()
@click.argument("text", required=False)
@click.option(
    "-f", "--file", "query_file", default=None, metavar="FILE", help="Read the query from FILE (- for stdin)."
)
@click.option("--sparql", "sparql", default=None, help="SPARQL query text.")
@click.option("--cypher", "cypher", default=None, help="Cypher query text (Neo4j: --neo4j URI or env NEO4J_URI).")
@click.option("--name", default=None, help=f"A named query from schemas/queries ({', '.join(_NAMED)}).")
@click.option("--write", is_flag=True, help="Allow SPARQL Update / Cypher writes (refused otherwise).")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow a query to reach other machines or files: SPARQL SERVICE and LOAD, Cypher LOAD CSV "
    "(refused otherwise).",
)
@click.option(
    "--limit",
    default=DEFAULT_LIMIT,
    show_default=True,
    type=click.IntRange(0),
    metavar="N",
    help="Return at most N rows, saying so when there are more (0: all).",
)
@click.option(
    "--timeout",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="Stop a query that runs longer (0: no limit).",
)
@store_option
@fmt_option
def query(text, query_file, sparql, cypher, name, write, allow_service, limit, timeout, store, fmt):
    """Ask the store a query in its language: SPARQL (the catalogue's prefixes need no PREFIX lines), or
    Cypher on Neo4j; TEXT (a query, a file holding one, or - for stdin), -f FILE, --sparql, --cypher or a
    named query. Read-only, local, at most --limit rows within --timeout unless told otherwise."""

    text, language = _query_text(text, query_file, sparql, cypher, name)
    ctx = click.get_current_context()
    if (
        language == "cypher"
        and ctx.get_parameter_source("store") != click.core.ParameterSource.COMMANDLINE
        and not (store or "").startswith(("bolt", "neo4j"))
    ):
        store = os.environ.get("NEO4J_URI")
        if not store:
            raise click.UsageError("--cypher needs a Neo4j server: --neo4j bolt://host:7687 or env NEO4J_URI")
    res = api.query(
        text,
        name=name,
        store=store,
        write=write,
        language=language,
        limit=limit,
        timeout=timeout,
        allow_service=allow_service,
    )
    echo_result(res, fmt)


EXTENSIONS = {
    ".gexf": "gexf",
    ".graphml": "graphml",
    ".json": "json",
    ".jsonld": "jsonld",
    ".nq": "nq",
    ".nt": "nt",
    ".trig": "trig",
    ".ttl": "ttl",
}


def _export_format(fmt: str | None, output: str) -> str:
    """The export format: --format (any case), else the output file's extension."""
    from kg.export import formats

    known = formats()
    if fmt:
        found = {f.lower(): f for f in known}.get(fmt.lower())
        if not found:
            raise click.BadParameter(f"{fmt!r} is not one of {', '.join(known)}", param_hint="--format")
        return found
    ext = os.path.splitext(output)[1].lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    raise click.UsageError(
        f"give --format ({', '.join(known)}): the output {output!r} does not say it by its extension"
    )


@main.command()
@click.option(
    "--format",
    "export_format",
    default=None,
    metavar="FORMAT",
    help="gexf, graphml, json, jsonld, neo4j-csv, nq, nt, trig or ttl, in any case (default: from the "
    "output file's extension).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="File to write (- for stdout; a directory for --format neo4j-csv).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="GraphML, GEXF, JSON: every entity and relation (offices, quantities, events...), not only the actor network.",
)
@store_option
@fmt_option(tabular=False)
@click.pass_context
def export(ctx, export_format, output, everything, store, fmt):
    """Export the store as a graph file (GraphML, GEXF, JSON: the actor network with the analysis results,
    party, country, and kg viz's colours, sizes and positions; a dynamic GEXF for Gephi's timeline), RDF
    (Turtle, N-Triples, N-Quads, TriG, JSON-LD) or neo4j-admin import CSV files (neo4j-csv, a directory)."""

    fmt, summary_fmt = _export_format(export_format, output), fmt
    if output == "-":
        if fmt == "neo4j-csv":
            raise click.UsageError("--format neo4j-csv writes a directory of files: give one with -o DIR")
        if summary_fmt:
            raise click.UsageError("-o - and --json/--nl both want stdout: write the export to a file")
        with to_stdout(f"export.{fmt}") as path:
            info = api.export(fmt, path, store=store, everything=everything)
    else:
        info = api.export(fmt, output, store=store, everything=everything)
    echo_summary({"wrote": output, "format": fmt, **info}, summary_fmt)


@main.command()
@store_option
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the full report (blocs, top actors, alliances, adversaries, office holders, stance "
    "heatmap, network picture) to FILE.html (self-contained), FILE.md (pictures beside it) or - (the "
    "HTML report on stdout).",
)
@click.option("--top", default=15, show_default=True, type=click.IntRange(1), help="Rows per table.")
@fmt_option(tabular=False)
@click.pass_context
def report(ctx, store, output, top, fmt):
    """Print a short report of the store (counts, top actors, example triples, a SPARQL answer), or with
    --output write the full corpus report as HTML or Markdown with its pictures."""

    if output == "-":
        if fmt:
            raise click.UsageError("-o - and --json/--nl both want stdout: write the report to a file")
        with to_stdout("report.html") as path:
            api.report(store=store, output=path, top=top)
        return
    res = api.report(store=store, output=output, top=top)
    if isinstance(res, str):  # without --output: the short report itself
        if fmt:
            raise click.UsageError("--json/--nl describe a written report: give -o FILE")
        click.echo(res)
    else:
        echo_summary({"wrote": res["report"], "pictures": res["pictures"]}, fmt)


@main.command()
@store_option
@fmt_option
def stats(store, fmt):
    """Counts of articles, entities, relations, quotes and quads (or nodes, relationships) in the store."""
    from kg.stores.base import Result

    s = api.stats(store=store)
    echo_result(Result(list(s), [list(s.values())]), fmt)


class Dataset(click.ParamType):
    """A gold dataset's name, checked against the dataset plugins when the command runs (not for --help)."""

    name = "dataset"

    def convert(self, value, param, ctx):
        from kg import plugins

        known = plugins.names("dataset")
        if value not in known:
            self.fail(f"{value!r} is not one of {', '.join(known)}", param, ctx)
        return value


@main.command(name="eval")
@click.argument("dataset", type=Dataset())
@click.argument("path", type=click.Path(exists=True))
@click.option("--limit", default=None, type=click.IntRange(1), help="Evaluate on the first N documents only.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--model", "model_name", default=None, help="spaCy model package to load (env KG_SPACY_MODEL).")
@click.option("--config", default=None, type=click.Path(exists=True), help="Pipeline config (.cfg).")
@click.option(
    "--dictionaries",
    default=None,
    type=click.Path(exists=True, file_okay=False),
    help="Folder of PETRARCH-format dictionaries (actors, agents, verbs) to load instead of kg's own tables.",
)
@click.option("--show", is_flag=True, help="Also print the misses and false positives, with their sentences.")
def eval_(dataset, path, limit, as_json, model_name, config, dictionaries, show):
    """Score extraction on a gold DATASET file/folder at PATH: precision, recall, F1 (pipelines/eval/DATASET.toml)."""
    report = api.evaluate(dataset, path, limit, model_name=model_name, config=config, dictionaries=dictionaries)
    if as_json:
        click.echo(json.dumps(report.as_dict(errors=show), ensure_ascii=False, indent=2))
        return
    click.echo(report.table())
    if show:
        click.echo("\n" + report.show())
