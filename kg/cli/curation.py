"""``kg merge`` and ``kg split``: corrections to entity resolution, recorded in the curation file."""

from __future__ import annotations

import click

from kg.cli.group import main
from kg.cli.lazy import api
from kg.cli.options import curation_option, fmt_option, show_recorded, store_option


@main.command()
@click.argument("source")
@click.argument("target")
@store_option
@curation_option
@fmt_option
@click.pass_context
def merge(ctx, source, target, store, curation, fmt):
    """Record that SOURCE is the same actor as TARGET (names or ids); later builds and loads apply it."""
    res = api.merge(source, target, store=store, curation=curation)
    show_recorded(ctx, res, fmt)


@main.command()
@click.argument("entity")
@click.argument("names", nargs=-1)
@store_option
@curation_option
@fmt_option
@click.pass_context
def split(ctx, entity, names, store, curation, fmt):
    """Record that NAMES (every other name, if none) are not ENTITY; undoes merges into it."""
    res = api.split(entity, names, store=store, curation=curation)
    show_recorded(ctx, res, fmt)
