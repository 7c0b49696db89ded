"""The ``kg`` command line: a thin layer over :mod:`kg.api`, one command per API verb (the commands are
grouped by topic in this package's modules; importing it registers them all on :func:`main`)."""

from kg.cli import analyses, build, curation, query, serve
from kg.cli.group import EXIT_SKIPPED, main

__all__ = ["EXIT_SKIPPED", "analyses", "build", "curation", "main", "query", "serve"]
