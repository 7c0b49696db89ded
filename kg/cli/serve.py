"""``kg serve``: the local web app over a store (:func:`kg.serve.make_app`), run by uvicorn."""

from __future__ import annotations

import click

from kg.cli.group import main
from kg.cli.options import curation_option, store_option

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@main.command()
@store_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine only by default)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--write",
    is_flag=True,
    help="Show the curation buttons (merge, split, rename) and allow updates on the query page.",
)
@curation_option
def serve(store, host, port, write, curation):
    """Browse and check the graph in a web browser: actors, their ties with the sentences behind them,
    articles with entities and relations marked, the alliance network, queries. Read-only unless
    --write; needs the serve extra (pip install 'kg[serve]')."""
    try:
        import uvicorn

        from kg.serve import make_app
    except ImportError as exc:
        raise click.ClickException(
            f"kg serve needs the serve extra: pip install 'kg[serve]' ({exc.name} is missing)"
        ) from None
    if host not in LOCAL_HOSTS:
        click.echo(
            f"warning: listening on {host}: other machines can reach this graph"
            + (" and change it (--write)" if write else ""),
            err=True,
        )
    app = make_app(store, write=write, curation=curation, hosts=() if host in LOCAL_HOSTS else ("*",))
    # the graph is read before listening: a missing store or an unreachable server is said now, and the
    # first page does not wait for it
    app.state.site.graphs.get()
    where = f"[{host}]" if ":" in host else host
    click.echo(f"kg serve: http://{where}:{port}/ ({'read-write' if write else 'read-only'})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
