"""The ``kg`` command group: global options, and kg's errors as one line on stderr."""

from __future__ import annotations

import logging
import os
import sys

import click

EXIT_OK = 0
EXIT_ERROR = 1  # kg could not do it; the message says why
EXIT_USAGE = 2  # the command line is wrong (click's own code), including an input path that does not exist
EXIT_SKIPPED = 3  # the run completed, but some inputs were skipped

FROM_ENV = "\0env"  # --neo4j or --sparql-endpoint given without a value: the backend's environment variable
SERVER_OPTIONS = ("--neo4j", "--sparql-endpoint")


def server_values(args: list[str]) -> list[str]:
    """The command line with a bare ``--neo4j``/``--sparql-endpoint`` marked as taking its server from the
    environment when the next word is no URL, so that word stays an argument of its own.

    >>> server_values(["--neo4j", "MATCH (n) RETURN n", "--cypher"])
    ['--neo4j=\\x00env', 'MATCH (n) RETURN n', '--cypher']
    >>> server_values(["--neo4j", "bolt://localhost:7687", "--", "--neo4j", "x"])
    ['--neo4j', 'bolt://localhost:7687', '--', '--neo4j', 'x']
    """
    out = list(args)
    for i, arg in enumerate(out[:-1]):
        if arg == "--":
            break
        nxt = out[i + 1]
        if arg in SERVER_OPTIONS and not nxt.startswith("-") and "://" not in nxt:
            out[i] = f"{arg}={FROM_ENV}"
    return out


EPILOG = """\b
Exit codes: 0 done; 1 error (the message says why); 2 usage error (a wrong
option, or an input path that does not exist); 3 done, but some inputs were
skipped (exact duplicate files are reported, not counted as failures).
Environment: KG_STORE (the store), NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD
(--neo4j, --cypher), KG_SPARQL_ENDPOINT (--sparql-endpoint).
-h or --help on any command; -q anywhere. Shell completion: see docs/cli.md."""


def _quiet(ctx, _param, value):
    """-q/--quiet after the sub-command: the same as before it."""
    if value:
        root = ctx.find_root()
        root.ensure_object(dict)["quiet"] = True
        from kg.render import progress

        progress.configure(False)
    return value


class KgCommand(click.Command):
    """A sub-command that also takes -q/--quiet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any("--quiet" in getattr(p, "opts", ()) for p in self.params):
            self.params.append(
                click.Option(
                    ["--quiet", "-q"],
                    is_flag=True,
                    expose_value=False,
                    is_eager=True,
                    callback=_quiet,
                    help="Print only results, no progress or summaries.",
                )
            )

    def parse_args(self, ctx, args):
        # a server option's value is optional: a query or path after a bare --neo4j is not its URI
        return super().parse_args(ctx, server_values(args))


class KgGroup(click.Group):
    """Turns kg's own errors into one line on stderr (a traceback only with --debug)."""

    command_class = KgCommand

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader stopped early (| head): nothing more to say
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_ERROR)
        except (LookupError, OSError, RuntimeError, ValueError) as exc:
            import traceback

            from kg.stores.base import redact

            if ctx.obj and ctx.obj.get("debug"):  # the traceback, with any password in it masked
                click.echo(redact(traceback.format_exc()).rstrip("\n"), err=True)
                ctx.exit(EXIT_ERROR)
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            click.echo(f"kg: error: {redact(str(msg))}", err=True)
            ctx.exit(EXIT_ERROR)


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _version(ctx, _param, value):
    """kg's version, and spaCy's and the model's that it would load (without loading them)."""
    if not value or ctx.resilient_parsing:
        return
    import configparser

    from kg.resources import PIPELINES

    model = os.environ.get("KG_SPACY_MODEL")
    if not model:  # the default pipeline's base model, read from its config without spaCy
        cfg = configparser.ConfigParser(interpolation=None)
        cfg.read(PIPELINES / "kg.cfg", encoding="utf-8")
        model = cfg.get("paths", "base_model", fallback="").strip('"') or "unknown"
    lines = [
        f"kg {_dist_version('kg') or 'unknown'}",
        f"spaCy {_dist_version('spacy') or 'not installed'}",
        f"model {model} {_dist_version(model) or _dist_version(model.replace('_', '-')) or 'not installed'}",
        f"Python {sys.version.split()[0]}",
    ]
    click.echo("\n".join(lines))
    ctx.exit(EXIT_OK)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option("--quiet", "-q", is_flag=True, help="Print only results, no progress or summaries.")
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Progress bars on stderr (default: when stderr is a terminal; env KG_PROGRESS=1/0).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the versions of kg, spaCy and the spaCy model, and exit.",
)
@click.pass_context
def main(ctx, debug, quiet, show_progress):
    """kg: turn news articles into a knowledge graph you can query and trust."""
    from kg.render import progress
    from kg.stores.base import redact_logs

    ctx.obj = {"debug": debug, "quiet": quiet}
    progress.configure(False if quiet else show_progress)
    redact_logs()
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="kg: %(levelname)s: %(message)s")
    if not debug:  # the Neo4j driver logs lost connections itself; kg reports the failure in one line
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
