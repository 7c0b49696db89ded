"""Options the ``kg`` commands share (the store, output formats, the NLP settings, date windows) and how
commands print summaries and exit."""

from __future__ import annotations

import contextlib
import functools
import json
import os

import click

from kg.cli.group import EXIT_SKIPPED, FROM_ENV

# kg's defaults, here without importing the modules that own them (kept equal by tests/test_cli_conventions.py)
DEFAULT_BATCH = 5000  # kg.stores.neo4j.rows.DEFAULT_BATCH
DEFAULT_MAX_CHARS = 1_000_000  # kg.readers.article.DEFAULT_MAX_CHARS
DEFAULT_ARTICLE_TIMEOUT = 60.0  # kg.build.timeouts.DEFAULT_ARTICLE_TIMEOUT
SPARQL_PRESETS = ("fuseki", "graphdb", "oxigraph")  # kg.stores.sparql_endpoints.PRESETS
SPARQL_PRESET_ENV = "KG_SPARQL_PRESET"  # kg.stores.sparql_endpoints.PRESET_ENV


class IsoDate(click.ParamType):
    """A date option's value: an ISO 8601 year, month or day (kg.dates.check); anything else is a usage
    error (exit 2)."""

    name = "date"

    def convert(self, value, param, ctx):
        try:
            from kg.dates import check

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


FORMATS = ("table", "json", "csv", "nl")


def fmt_option(f=None, *, tabular: bool = True):
    """--table, --json, --csv and --nl (newline-delimited JSON), mutually exclusive, and --wide; the command
    receives ``fmt``. ``tabular=False``: a summary, not rows (no --csv, --table or --wide)."""
    if f is None:
        return functools.partial(fmt_option, tabular=tabular)
    names = FORMATS if tabular else ("json", "nl")

    @functools.wraps(f)
    def command(*args, **kwargs):
        chosen = [n for n in names if kwargs.pop(f"fmt_{n}", False)]
        wide = kwargs.pop("wide", False) if tabular else False
        if len(chosen) > 1:
            raise click.UsageError(f"{' and '.join('--' + n for n in chosen)} are mutually exclusive: give one format")
        ctx = click.get_current_context()
        ctx.ensure_object(dict)["wide"] = wide
        kwargs["fmt"] = chosen[0] if chosen else ("table" if tabular else None)
        return f(*args, **kwargs)

    helps = {
        "table": "Output a table (default; full width when stdout is not a terminal).",
        "json": "Output JSON (typed: numbers, lists and objects as such).",
        "csv": "Output CSV.",
        "nl": "Output newline-delimited JSON, one object per line.",
    }
    if tabular:
        command = click.option("--wide", is_flag=True, help="Table: never cut cells to the terminal's width.")(command)
    for n in reversed(names):
        command = click.option(f"--{n}", f"fmt_{n}", is_flag=True, help=helps[n])(command)
    return command


def echo_result(result, fmt) -> None:
    """Print a Result in ``fmt``, its warnings and any cut by a row limit on stderr."""
    from kg.render import tables as output

    ctx = click.get_current_context()
    click.echo(output.render(result, fmt, wide=(ctx.obj or {}).get("wide", False)))
    for w in getattr(result, "warnings", ()):
        click.echo(f"kg: warning: {w}", err=True)
    if getattr(result, "truncated", False):
        click.echo(f"kg: warning: showing the first {len(result.rows):,} rows; --limit N for more (0: all)", err=True)


@contextlib.contextmanager
def to_stdout(name: str):
    """A path in a temporary directory whose file is copied to stdout once written (``-o -``)."""
    import shutil
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kg-") as tmp:
        path = os.path.join(tmp, name)
        yield path
        sys.stdout.flush()
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, sys.stdout.buffer)
        sys.stdout.buffer.flush()


def echo_summary(summary: dict, fmt) -> None:
    """A command's summary: JSON (--json), one line of JSON (--nl), else ``key value ...`` on stderr."""
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    elif fmt == "nl":
        click.echo(json.dumps(summary, ensure_ascii=False, default=str))
    elif not click.get_current_context().obj["quiet"]:
        wrote = summary.get("wrote")
        rest = " ".join(f"{k} {v}" for k, v in summary.items() if k != "wrote")
        click.echo(f"wrote {wrote}: {rest}" if wrote else rest, err=True)


def _check_backend(location: str, backend: str, problem: str, example: str) -> None:
    """An alias (--neo4j, --sparql-endpoint) names its kind of server: a location another store serves is an
    error saying so, not a silent switch to that store."""
    from kg import plugins
    from kg.stores.base import StoreError, redact, scheme

    found = plugins.find("store", scheme=scheme(location) or "file")
    if found is None or found.name != backend:
        raise StoreError(f"{problem} {redact(location)}: give {example}")


def _from_env(value: str | None, option: str, env: str) -> str | None:
    if value != FROM_ENV:
        return value
    found = os.environ.get(env)
    if not found:
        raise click.UsageError(f"{option} without a value takes the server from env {env}, which is not set")
    return found


def store_option(f):
    """--store LOCATION (env KG_STORE), with --neo4j URI and --sparql-endpoint URL as its aliases for servers;
    the command receives one ``store``."""

    @functools.wraps(f)
    def command(*args, neo4j=None, sparql_endpoint=None, sparql_preset=None, **kwargs):
        ctx = click.get_current_context()
        explicit = ctx.get_parameter_source("store") == click.core.ParameterSource.COMMANDLINE
        neo4j, sparql_endpoint = (
            _from_env(neo4j, "--neo4j", "NEO4J_URI"),
            _from_env(sparql_endpoint, "--sparql-endpoint", "KG_SPARQL_ENDPOINT"),
        )
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
        from kg.stores import sparql_endpoints

        with sparql_endpoints.preset_default(sparql_preset):
            return f(*args, **kwargs)

    command = click.option(
        "--sparql-preset",
        "sparql_preset",
        default=None,
        envvar=SPARQL_PRESET_ENV,
        metavar="NAME",
        type=click.Choice(SPARQL_PRESETS, case_sensitive=False),
        help="The SPARQL server's endpoint paths: oxigraph, fuseki or graphdb (default: read from the URL; env "
        "KG_SPARQL_PRESET). Basic auth from the URL or KG_SPARQL_USER / KG_SPARQL_PASSWORD (docs/servers.md).",
    )(command)
    command = click.option(
        "--sparql-endpoint",
        "sparql_endpoint",
        default=None,
        is_flag=False,
        flag_value=FROM_ENV,
        metavar="[URL]",
        help="Same as --store URL: the SPARQL 1.1 server at URL (server root, Fuseki dataset, GraphDB "
        "repository or query endpoint); without URL, env KG_SPARQL_ENDPOINT.",
    )(command)
    command = click.option(
        "--neo4j",
        "neo4j",
        default=None,
        is_flag=False,
        flag_value=FROM_ENV,
        metavar="[URI]",
        help="Same as --store URI: the Neo4j server at URI (bolt://...); without URI, env NEO4J_URI; credentials "
        "from NEO4J_USER / NEO4J_PASSWORD.",
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
        default=DEFAULT_MAX_CHARS,
        show_default=True,
        type=click.IntRange(1),
        help="Skip an article longer than this many characters (title and text), saying so.",
    ),
    click.option(
        "--article-timeout",
        default=DEFAULT_ARTICLE_TIMEOUT,
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


def print_summary(counts, quiet: bool, report_path: str | None, fmt: str | None = None) -> None:
    if report_path:
        with open(report_path, "w", encoding="utf-8") as fh:
            for s in counts.skipped:
                record = {"source": s.source, "line": s.line, "reason": s.reason}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    d = counts.as_dict()
    if fmt in ("json", "nl"):
        skipped = [{"source": s.source, "line": s.line, "reason": s.reason} for s in counts.skipped]
        record = {**d, "skipped_inputs": skipped}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2 if fmt == "json" else None, default=str))
    if quiet:
        return
    if counts.undated:  # before the counts, which stay the last line of a run that skipped nothing
        click.echo(
            f"kg: warning: {counts.undated} of {counts.extracted} articles have no date (none in their metadata, "
            "dateline, file name or front matter): --since/--until and `kg changes` leave them out; give them "
            "one with --date DATE",
            err=True,
        )
    if fmt not in ("json", "nl"):
        click.echo(" ".join(f"{k} {v}" for k, v in d.items()), err=True)
    for s in counts.skipped[:20]:
        click.echo(f"  skipped {s}", err=True)
    if len(counts.skipped) > 20:
        more = len(counts.skipped) - 20
        where = f"all in {report_path}" if report_path else "use --report FILE for all"
        click.echo(f"  ... and {more} more ({where})", err=True)


def exit_for(ctx, counts) -> None:
    """Exit 3 when an input was skipped; an exact duplicate (read once) is reported but is no failure."""
    from kg.readers.files import EXACT_DUPLICATE

    if any(not s.reason.startswith(EXACT_DUPLICATE) for s in counts.skipped):
        ctx.exit(EXIT_SKIPPED)


def check_inputs(inputs) -> None:
    """A named input that does not exist (and is no glob pattern or -) is a usage error (exit 2), not a
    skipped input."""
    import os
    import re

    for item in inputs:
        if item != "-" and not os.path.lexists(item) and not re.search(r"[*?[]", item):
            raise click.BadParameter(f"no such file or directory: {item}", param_hint="INPUTS")


window_options = [
    *since_until(),
    click.option("--top", default=None, type=click.IntRange(1), help="Show the first N rows."),
]


# every analysis reads whichever store holds the graph, within an optional date window
analysis_options = [store_option, *window_options]


def show(ctx, result, fmt, summary_keys=(), *, summary_only: bool = False) -> None:
    """Rows in ``fmt``, the summary's ``summary_keys`` on stderr (one ``key: JSON`` line each); with
    ``summary_only`` (--summary), those keys instead of the rows, typed, on stdout."""
    summary = {k: result.summary.get(k) for k in summary_keys if result.summary.get(k) not in (None, [], {})}
    if summary_only:
        if fmt in ("json", "nl"):
            click.echo(json.dumps(summary, ensure_ascii=False, indent=2 if fmt == "json" else None, default=str))
        else:
            for k, v in summary.items():
                click.echo(f"{k}: {v if isinstance(v, (int, float, str)) else json.dumps(v, ensure_ascii=False)}")
        return
    echo_result(result, fmt)
    if not ctx.obj["quiet"]:
        for k, v in summary.items():
            click.echo(f"{k}: {json.dumps(v, ensure_ascii=False, default=str)}", err=True)


summary_option = click.option(
    "--summary",
    "summary_only",
    is_flag=True,
    help="Print the analysis summary (with --json/--nl typed) instead of the rows.",
)


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


neo4j_import_option = click.option(
    "--neo4j-import",
    "neo4j_import",
    default=None,
    type=click.Path(file_okay=False),
    help="Instead of loading a store, write neo4j-admin import CSV files (and constraints.cypher) for an empty "
    "Neo4j database into this new directory.",
)
