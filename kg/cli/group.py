"""The ``kg`` command group: global options, and kg's errors as one line on stderr."""

from __future__ import annotations

import logging
import traceback

import click

from kg.stores.base import StoreError, redact, redact_logs

EXIT_SKIPPED = 3  # the run completed, but some inputs were skipped


class KgGroup(click.Group):
    """Turns kg's own errors into one line on stderr (a traceback only with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except (StoreError, LookupError, OSError, RuntimeError, ValueError) as exc:
            if ctx.obj and ctx.obj.get("debug"):  # the traceback, with any password in it masked
                click.echo(redact(traceback.format_exc()).rstrip("\n"), err=True)
                ctx.exit(1)
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            click.echo(f"kg: error: {redact(str(msg))}", err=True)
            ctx.exit(1)


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
    redact_logs()
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="kg: %(levelname)s: %(message)s")
    if not debug:  # the Neo4j driver logs lost connections itself; kg reports the failure in one line
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)


# -- analyses and resolution curation (thin wrappers over kg.api; see kg/analyse/commands.py) --------
