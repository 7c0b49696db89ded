"""Shared fixtures: the real spaCy pipeline, the example corpus built into a real
on-disk Oxigraph store, and the Neo4j server. Shared helpers are in helpers.py."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from helpers import EXAMPLES, wipe

# a script run by test_fuzz.py in its own process: importing it starts atheris and loads the model
collect_ignore = ["fuzz_atheris.py", "data"]  # a script, and test data (the sample drawers are scripts too)


@pytest.fixture(scope="session", autouse=True)
def _ledger_dir(tmp_path_factory):
    """Ledgers of builds into servers go to a temp dir, not the working directory."""
    mp = pytest.MonkeyPatch()
    if "KG_LEDGER_DIR" not in os.environ:
        mp.setenv("KG_LEDGER_DIR", str(tmp_path_factory.mktemp("ledgers")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def neo4j_uri():
    """The server `make test` started (or NEO4J_URI): skipped loudly without one, failed in CI."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        msg = (
            "NEO4J_URI is not set, so the Neo4j integration tests did NOT run. `make test` starts a server; "
            "or `NEO4J_PASSWORD=... scripts/neo4j start` and export NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip("*** NEO4J TESTS SKIPPED *** " + msg)
    return uri


@pytest.fixture
def neo(neo4j_uri):
    """The Neo4j store, empty at the start of the test and wiped after it."""
    from kg.stores import open_store

    with open_store(neo4j_uri) as st:
        wipe(st)
        try:
            yield st
        finally:
            wipe(st)


@pytest.fixture(scope="session")
def nlp_model():
    """The pipeline with the relation model `make model` builds turned on (skips where it is not built)."""
    from kg.nlp import RELATION_MODEL_ENV, load_pipeline
    from kg.nlp.learned_relations import model_path

    if not (model_path("models/relations") / "config.cfg").exists():
        pytest.skip("no trained relation model in pipelines/models/relations: build it with `make model`")
    mp = pytest.MonkeyPatch()
    mp.setenv(RELATION_MODEL_ENV, "models/relations")
    try:
        return load_pipeline()
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def example_graphs(nlp):
    from kg import readers as read
    from kg.build.flow import Counts, extract

    counts = Counts()
    graphs = list(extract(read.read([str(EXAMPLES)]), nlp, counts=counts))
    return graphs, counts


@pytest.fixture(scope="session")
def example_store(tmp_path_factory, example_graphs):
    from kg.stores import open_store

    path = tmp_path_factory.mktemp("store") / "kg-store"
    with open_store(str(path)) as st:
        st.load(example_graphs[0])
    return path


@pytest.fixture
def listener():
    """A local TCP socket that records every connection made to it (accepted and closed at once)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    seen: list[tuple] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except OSError:
                continue
            seen.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], seen
    stop.set()
    thread.join()
    sock.close()
