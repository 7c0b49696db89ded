"""``kg query``, ``kg export``, ``kg report``, ``kg stats`` and ``kg eval``."""

from __future__ import annotations

import json
import os

import click

from kg import api
from kg.cli.group import main
from kg.cli.options import fmt_option, store_option
from kg.evaluate import datasets as _eval_datasets
from kg.export import formats as _export_formats
from kg.render import tables as output
from kg.schema import queries


@main.command()
@click.argument("text", required=False)
@click.option("--sparql", "sparql", default=None, help="SPARQL query text.")
@click.option("--cypher", "cypher", default=None, help="Cypher query text (Neo4j: --neo4j URI or env NEO4J_URI).")
@click.option("--name", default=None, help=f"A named query from schemas/queries ({', '.join(queries.names())}).")
@click.option("--write", is_flag=True, help="Allow SPARQL Update / Cypher writes (refused otherwise).")
@store_option
@fmt_option
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
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="GraphML, GEXF, JSON: every entity and relation (offices, quantities, events...), not only the actor network.",
)
@store_option
@click.pass_context
def export(ctx, fmt, output, everything, store):
    """Export the store as a graph file (GraphML, GEXF, JSON: the actor network with the analysis results,
    party, country, and kg viz's colours, sizes and positions; a dynamic GEXF for Gephi's timeline), RDF
    (Turtle, N-Triples, N-Quads, TriG, JSON-LD) or neo4j-admin import CSV files (neo4j-csv, a directory)."""
    info = api.export(fmt, output, store=store, everything=everything)
    if not ctx.obj["quiet"]:
        click.echo(f"wrote {output}: " + " ".join(f"{k} {v}" for k, v in info.items()), err=True)


@main.command()
@store_option
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
@store_option
@fmt_option
def stats(store, fmt):
    """Counts of articles, entities, relations, quotes and quads (or nodes, relationships) in the store."""
    from kg.stores.base import Result

    s = api.stats(store=store)
    click.echo(output.render(Result(list(s), [list(s.values())]), fmt))


@main.command(name="eval")
@click.argument("dataset", type=click.Choice(_eval_datasets()))
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
