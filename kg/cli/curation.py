"""``kg merge``, ``kg split`` and ``kg rename``: corrections to entity resolution, applied to the store at
once and recorded in the curation file."""

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
    """SOURCE is the same actor as TARGET (names or ids): applied to the store now (SOURCE's name becomes
    an alias of TARGET) and recorded, so later builds and loads apply it too."""
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
    """NAMES (every other name, if none) are not ENTITY: recorded, and merges into ENTITY undone (in the
    store at once where a merge was applied to whole articles)."""
    res = api.split(entity, names, store=store, curation=curation)
    show_recorded(ctx, res, fmt)


@main.command()
@click.argument("entity")
@click.argument("new_name")
@store_option
@curation_option
@fmt_option
@click.pass_context
def rename(ctx, entity, new_name, store, curation, fmt):
    """ENTITY (a name or id) goes by NEW_NAME: set in the store now (the old name becomes an alias) and
    recorded, so later builds and loads use it too."""
    res = api.rename(entity, new_name, store=store, curation=curation)
    show_recorded(ctx, res, fmt)
