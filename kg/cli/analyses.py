"""The analysis commands: ``kg alliances``, ``positions``, ``centrality``, ``path``, ``ego``, ``actors``,
``analyse``, ``changes`` and ``viz``."""

from __future__ import annotations

import os

import click

from kg.cli.group import main
from kg.cli.lazy import api
from kg.cli.options import (
    analysis_options,
    date_option,
    echo_summary,
    fmt_option,
    show,
    since_until,
    store_option,
    summary_option,
    to_stdout,
    with_options,
)

STATUSES = ("current", "designate", "hypothetical", "former")  # kg.analyse.positions.STATUSES, without networkx


def _ties(partners: list[dict]) -> str:
    """Allies or adversaries in one cell: "Gordon Brown -2.1 (accuses 3, criticises 1); ..."."""
    return "; ".join(
        f"{p['actor']} {p['weight']:+g} ({', '.join(f'{k} {n}' for k, n in p['relations'].items())})" for p in partners
    )


@main.command()
@with_options(analysis_options)
@summary_option
@fmt_option
@click.pass_context
def alliances(ctx, store, since, until, top, summary_only, fmt):
    """Blocs of actors (the signed partition of their acts of support and conflict, seeded by party
    membership), each actor's strongest allies and adversaries with the relations and evidence each tie
    rests on (--json: lists of {actor, weight, relations, evidence}); balance, frustration, blocs and
    bridges on stderr (--summary: those instead of the rows, typed with --json)."""
    res = api.alliances(store=store, since=since, until=until, top=top or 20)
    if fmt != "json":
        at = {c: i for i, c in enumerate(res.columns)}
        rows = [[_ties(v) if i in (at["allies"], at["adversaries"]) else v for i, v in enumerate(r)] for r in res.rows]
        res = type(res)(res.columns, rows, res.summary)
    show(ctx, res, fmt, ("balance", "frustration", "blocs", "bridges"), summary_only=summary_only)


@main.command()
@with_options(analysis_options)
@click.option("--stances", is_flag=True, help="The actor x issue stance matrix instead of office holders.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    metavar="STATUS",
    help=f"List holdings of this status: {', '.join(STATUSES)} (repeatable; default: current).",
)
@click.option("--all", "every", is_flag=True, help="List holdings of every status.")
@click.option(
    "--kb",
    is_flag=True,
    help="Also each holder's dated roles from the actor dictionaries (source column: text or dictionary).",
)
@fmt_option
@click.pass_context
def positions(ctx, store, since, until, top, stances, statuses, every, kb, fmt):
    """Office holders (post, organisation or country, status, first/last date, sentence), current ones unless
    --status or --all say otherwise; or --stances."""
    status = None if every else (statuses or "current")
    res = api.positions(store=store, since=since, until=until, top=top, stances=stances, status=status, kb=kb)
    show(ctx, res, fmt)


@main.command()
@with_options(analysis_options)
@fmt_option
@click.pass_context
def centrality(ctx, store, since, until, top, fmt):
    """Degree, evidence, PageRank, betweenness and k-core of the actors, by PageRank."""
    show(ctx, api.centrality(store=store, since=since, until=until, top=top or 20), fmt)


@main.command()
@click.argument("source")
@click.argument("target")
@with_options(analysis_options)
@fmt_option
@click.pass_context
def path(ctx, source, target, store, since, until, top, fmt):
    """The shortest chain of relations from SOURCE to TARGET (names, aliases or ids), with sentences."""
    show(ctx, api.path(source, target, store=store, since=since, until=until, top=top), fmt)


@main.command()
@click.argument("actor")
@click.option("--radius", default=1, show_default=True, type=click.IntRange(1, 3), help="Steps from ACTOR.")
@with_options(analysis_options)
@fmt_option
@click.pass_context
def ego(ctx, actor, radius, store, since, until, top, fmt):
    """The relations around ACTOR (its ego network), strongest first, with a sentence each."""
    show(ctx, api.ego(actor, store=store, since=since, until=until, radius=radius, top=top), fmt)


@main.command()
@with_options(analysis_options)
@fmt_option
@click.pass_context
def actors(ctx, store, since, until, top, fmt):
    """Actors with type, aliases, article count and first/last article date."""
    show(ctx, api.actors(store=store, since=since, until=until, top=top), fmt)


@main.command()
@with_options(analysis_options)
@click.option("--write", is_flag=True, help="Also set these as properties of the store's entity nodes (a Neo4j store).")
@fmt_option
@click.pass_context
def analyse(ctx, store, since, until, top, write, fmt):
    """Each entity's aliases, bloc, cooperation bloc, PageRank, degree, betweenness and k-core, by PageRank;
    with --write also set on its node in Neo4j (properties of the same names as the columns)."""
    res = api.analyse(store=store, since=since, until=until, top=top, write=write)
    show(ctx, res, fmt)
    if write and not ctx.obj["quiet"]:
        click.echo(f"wrote the properties of {res.summary['written']} entities", err=True)


@main.command()
@date_option("--a-since", "Window A starts on DATE (2025, 2025-03 or 2025-03-01).")
@date_option("--a-until", "Window A ends on DATE (2025-03: on 31 March).")
@date_option("--b-since", "Window B starts on DATE.")
@date_option("--b-until", "Window B ends on DATE. Articles without a date are in neither window.")
@click.option("--top", default=None, type=click.IntRange(1), help="Show the first N rows.")
@store_option
@summary_option
@fmt_option
@click.pass_context
def changes(ctx, a_since, a_until, b_since, b_until, top, store, summary_only, fmt):
    """Alliances and conflicts that are new, broken, lapsed or ended from date window A to window B,
    with a sentence each; counts, PageRank movers and the evidence
    from undated articles (in neither window) on stderr."""
    show(
        ctx,
        api.changes(a_since=a_since, a_until=a_until, b_since=b_since, b_until=b_until, store=store, top=top),
        fmt,
        ("changes", "pagerank", "undated_evidence"),
        summary_only=summary_only,
    )


@main.command()
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Interactive HTML page to write (self-contained: no network needed to view it; - for stdout); a "
    "FILE.png is the static picture.",
)
@click.option("--png", default=None, type=click.Path(dir_okay=False), help="Static PNG picture to write.")
@with_options(since_until())
@click.option("--top", default=40, show_default=True, type=click.IntRange(1), help="Draw the N most central actors.")
@store_option
@fmt_option(tabular=False)
@click.pass_context
def viz(ctx, output, png, since, until, top, store, fmt):
    """Draw the alliance network: cooperation green, conflict red, blocs grouped and coloured, nodes sized
    by PageRank, evidence sentences on hover (HTML) -- as -o FILE.html and/or --png FILE.png."""
    ext = os.path.splitext(output or "")[1].lower()
    if ext == ".png":  # the picture the name asks for, never HTML under a .png name
        if png:
            raise click.UsageError("-o FILE.png and --png both name the picture: give one")
        output, png = None, output
    elif output and output != "-" and ext not in (".html", ".htm"):
        raise click.BadParameter(f"{output!r}: give FILE.html, FILE.png or -", param_hint="'-o'")
    kwargs = {"png": png, "store": store, "since": since, "until": until, "top": top}
    if output == "-":
        if fmt:
            raise click.UsageError("-o - and --json/--nl both want stdout: write the page to a file")
        with to_stdout("viz.html") as path:
            res = api.viz(path, **kwargs)
        res["written"] = ["-" if w == path else w for w in res["written"]]
    else:
        res = api.viz(output, **kwargs)
    if fmt:
        echo_summary(res, fmt)
    elif not ctx.obj["quiet"]:
        wrote = ", ".join(res["written"])
        click.echo(f"wrote {wrote}: {res['actors']} actors, {res['ties']} ties, {res['groups']} groups", err=True)
