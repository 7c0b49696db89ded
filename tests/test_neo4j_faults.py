"""Neo4j faults and hostile input, against real Neo4j servers.

The tests that kill the server start one of their own with ``scripts/neo4j`` on a
free port, in a temporary home, keeping its data across restarts
(``KG_NEO4J_KEEP_DATA=1``), so it can be killed without disturbing anybody's
server; the others use the server ``make test`` starts (the ``neo`` fixture):

- killed with SIGKILL in the middle of ``kg load``: the load fails with one clear
  line, and after a restart a re-run completes and the graph is identical, by
  :meth:`Neo4jStore.canonical_dump`, to a load that was never interrupted;
- unreachable or wrong password: one line naming the URI and the cause, exit 1,
  no traceback without ``--debug``, the password nowhere in the output;
- transient errors: retried a bounded number of times with growing waits (real
  driver exception classes), and concurrent loads that deadlock in the server
  are retried until both complete;
- hostile text (hypothesis): names, ids, titles and quotes from hostile alphabets
  are stored and read back equal, and nothing else changes.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation, write_jsonl
from kg.schema import ids
from kg.stores import StoreError, open_store
from kg.stores.neo4j import retry as neo4j_retry
from kg.stores.neo4j import store as neo4j_store

from helpers import wipe

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j"
KG = [sys.executable, "-m", "kg.cli"]
PASSWORD = "Fault-Pw-q7Zx3kV9-unique"  # distinctive: must never show up in any output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnNeo4j:
    """A Neo4j server of this module's own, started and stopped (or killed) through scripts/neo4j."""

    def __init__(self, home: Path):
        self.home = home
        self.port = _free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "NEO4J_USER")}
        self.env.update(
            NEO4J_PASSWORD=PASSWORD,
            NEO4J_BOLT_PORT=str(self.port),
            NEO4J_HTTP_PORT="off",
            KG_NEO4J_HOME=str(home),
            KG_NEO4J_KEEP_DATA="1",
            PYTHON=sys.executable,
        )

    def start(self) -> None:
        r = subprocess.run([str(SCRIPT), "start"], env=self.env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"scripts/neo4j start failed: {r.stderr[-2000:]}")

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop"], env=self.env, capture_output=True, text=True, timeout=120)

    def kill(self) -> None:
        """SIGKILL the server process (no shutdown, no checkpoint) and wait until it is gone."""
        pid = int((self.home / "neo4j.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        while Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
            time.sleep(0.05)

    def store(self, **kw):
        return open_store(self.uri, user="neo4j", password=PASSWORD, **kw)

    def cli_env(self, **extra) -> dict:
        return cli_env(**extra)


def cli_env(**extra) -> dict:
    """The environment for a ``kg`` subprocess: the test's own credentials, no other NEO4J_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(NEO4J_USER="neo4j", NEO4J_PASSWORD=PASSWORD, **extra)
    return env


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if shutil.which("java") is None:
        msg = "java not found: the Neo4j fault tests (own server, SIGKILL, restart) did NOT run"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip("*** NEO4J FAULT TESTS SKIPPED *** " + msg)
    srv = OwnNeo4j(tmp_path_factory.mktemp("neo4j-faults"))
    srv.start()
    yield srv
    srv.stop()


# -- a corpus whose articles share entities and aggregated relationships ---------------------------------


def corpus(n_articles: int, seed: int = 3, prefix: str = "art") -> list[ArticleGraph]:
    rnd = random.Random(seed)
    types = ["Person", "Organization", "GPE"]
    pool = [(f"Actor {i}", types[i % 3]) for i in range(300)]
    weights = [1.0 / (i + 1) for i in range(len(pool))]  # a few hubs, shared by many articles
    preds = ["meets", "criticises", "supports", "cooperates_with", "member_of"]
    graphs = []
    for a in range(n_articles):
        aid = f"{prefix}-{a:05d}"
        picked = {name: t for name, t in rnd.choices(pool, weights, k=8)}
        # the same entity under different names in different articles: the node's name must not depend on order
        ents = [
            Entity(ids.entity_id(name, t), name if rnd.random() < 0.8 else name.upper(), t, [name.lower()])
            for name, t in picked.items()
        ]
        g = ArticleGraph(
            Article(aid, f"Text of {aid}.", title=f"Title {a}", date=f"2025-01-{a % 28 + 1:02d}"), entities=ents
        )
        for i in range(6):
            s, o = rnd.sample(ents, 2) if len(ents) > 1 else (ents[0], ents[0])
            sent = f"{s.name} and {o.name}, sentence {i}."
            g.relations.append(
                Relation(
                    s.id,
                    rnd.choice(preds),
                    o.id,
                    Evidence(aid, sent, i * 40, i * 40 + len(sent), "test", 0.5),
                    confidence=round(rnd.uniform(0.3, 1.0), 2),
                )
            )
        g.quotes = [Quote(ents[0].id, f"Quote of {aid}", "said", Evidence(aid, "q", 500, 520), about=[ents[-1].id])]
        graphs.append(g)
    return graphs


def _count_articles(srv) -> int:
    try:
        with srv.store() as st:
            return st.stats()["articles"]
    except StoreError:
        return -1


# -- (a) SIGKILL in the middle of a load ----------------------------------------------------------------------


@pytest.mark.slow  # about 3 minutes: two loads of 2,000 articles, a restart with recovery, two dumps
def test_neo4j_killed_mid_load_then_rerun_gives_the_uninterrupted_graph(server, tmp_path):
    graphs = corpus(2000)
    jsonl = tmp_path / "corpus.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        write_jsonl(graphs, fh)

    with server.store() as st:  # the reference: one uninterrupted load
        wipe(st)
        st.load(graphs)
        reference = st.canonical_dump()
        wipe(st)

    # kg load in its own process, small batches (many transactions); kill the server once some have committed
    proc = subprocess.Popen(
        [*KG, "load", str(jsonl), "--neo4j", server.uri, "--batch-size", "200"],
        env=server.cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 240
    while _count_articles(server) < 100:
        assert proc.poll() is None, "kg load finished before it could be interrupted: " + proc.stderr.read()
        assert time.monotonic() < deadline, "kg load made no progress"
        time.sleep(0.2)
    server.kill()
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"kg: error: Neo4j at {server.uri} unavailable:"), err
    assert "refused" in lines[0].lower() and "attempts" in lines[0] and "a re-run skips them" in lines[0]
    assert "Traceback" not in err and PASSWORD not in out + err

    server.start()  # recovery from the transaction log (data kept)
    partial = _count_articles(server)
    assert 100 <= partial < len(graphs), partial  # the kill came mid-load, committed batches survived

    r = subprocess.run(
        [*KG, "load", str(jsonl), "--neo4j", server.uri],  # batches do not change the graph
        env=server.cli_env(),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert f"unchanged {partial}" in r.stderr and f"loaded {len(graphs) - partial}" in r.stderr
    assert PASSWORD not in r.stdout + r.stderr

    with server.store() as st:
        resumed = st.canonical_dump()
    assert len(resumed) == len(reference)
    assert resumed == reference


def test_canonical_dump_ignores_write_order_but_sees_every_difference(neo):
    graphs = corpus(30, seed=11)
    neo.load(graphs)
    forward = neo.canonical_dump()
    wipe(neo)
    neo.load(list(reversed(graphs)), batch_size=7)
    assert neo.canonical_dump() == forward  # names, sorted lists and counts do not depend on the order
    neo.query("MATCH (e:Entity) WITH e LIMIT 1 SET e.name = e.name + '!'", write=True)
    changed = neo.canonical_dump()
    assert changed != forward and len(changed) == len(forward)
    assert sum(a != b for a, b in zip(sorted(changed), forward)) >= 1


@pytest.mark.slow  # a server of its own with a small transaction memory limit
def test_a_batch_over_the_transaction_memory_limit_is_written_in_halves(server, tmp_path_factory, caplog):
    graphs = corpus(40, seed=5)
    with server.store() as st:
        wipe(st)
        st.load(graphs)
        reference = st.canonical_dump()
    small = OwnNeo4j(tmp_path_factory.mktemp("neo4j-small-tx"))
    # a per-transaction limit well under one 40-article batch, above one article's rows
    small.env["KG_NEO4J_SETTINGS"] = "db.memory.transaction.max=4m"
    small.start()
    try:
        with small.store() as st, caplog.at_level("INFO", logger="kg.stores.neo4j.store"):
            stats = st.load(graphs, batch_size=100_000)
            halves = sum("two halves" in r.getMessage() for r in caplog.records)
            # replacing articles in one big batch takes the same road
            st.load([*corpus(40, seed=6)[:10], *graphs[10:]], batch_size=100_000)
            st.load(graphs[:10], batch_size=100_000)
            dump = st.canonical_dump()
    finally:
        small.stop()
    assert stats.articles_loaded == 40 and halves >= 1
    assert dump == reference


# -- (b) unreachable server, wrong password ---------------------------------------------------------------------


def _kg_build(tmp_path, uri: str, env: dict, *extra: str) -> subprocess.CompletedProcess:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "a.txt").write_text("Ministers meet\n\nKeir Starmer met Emmanuel Macron in Paris.", encoding="utf-8")
    return subprocess.run(
        KG + list(extra) + ["build", str(src), "--neo4j", uri, "--ledger", str(tmp_path / "ledger.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_unreachable_server_is_one_line_naming_uri_and_cause(tmp_path):
    uri = f"bolt://127.0.0.1:{_free_port()}"  # nothing listens there
    r = _kg_build(tmp_path, uri, cli_env())
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"kg: error: cannot connect to Neo4j at {uri}: ")
    assert "refused" in lines[0].lower() or "couldn't connect" in lines[0].lower()
    assert "Traceback" not in r.stderr and PASSWORD not in r.stdout + r.stderr


def _wait_until_login_works(uri: str, within: float = 15) -> None:
    """Neo4j locks a user for 5 s after repeated failed logins; later tests log in again."""
    deadline = time.monotonic() + within
    while True:
        try:
            with open_store(uri) as st:
                st.stats()
            return
        except StoreError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_wrong_password_is_one_line_without_the_password(neo4j_uri, tmp_path):
    wrong = "Wrong-Pw-8Hq2mZr4-unique"
    right = os.environ.get("NEO4J_PASSWORD", "")
    env = cli_env()
    env.update(NEO4J_USER=os.environ.get("NEO4J_USER", "neo4j"), NEO4J_PASSWORD=wrong)
    try:
        r = _kg_build(tmp_path, neo4j_uri, env)
        assert r.returncode == 1
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert lines[0].startswith(f"kg: error: cannot connect to Neo4j at {neo4j_uri}: ")
        assert "authentication failure" in lines[0].lower() or "unauthorized" in lines[0].lower()
        assert "Traceback" not in r.stderr
        # with --debug: the traceback, and still no password (neither the wrong one nor the right one)
        r = _kg_build(tmp_path, neo4j_uri, env, "--debug")
        assert r.returncode != 0 and "Traceback" in r.stderr
        for pw in (wrong, PASSWORD, right):
            assert not pw or pw not in r.stdout + r.stderr
    finally:
        _wait_until_login_works(neo4j_uri)


# -- (c) transient errors ---------------------------------------------------------------------------------------


def _transient(code: str = "Neo.TransientError.Transaction.DeadlockDetected"):
    from neo4j.exceptions import Neo4jError

    return Neo4jError._hydrate_neo4j(code=code, message="simulated by the test")


@pytest.mark.parametrize(
    "make_error",
    [
        _transient,
        lambda: __import__("neo4j.exceptions").exceptions.ServiceUnavailable("connection lost"),
        lambda: __import__("neo4j.exceptions").exceptions.SessionExpired("session expired"),
        lambda: __import__("neo4j.exceptions").exceptions.IncompleteCommit("commit answer lost"),
    ],
)
def test_transient_errors_are_retried_with_growing_waits_up_to_a_bound(make_error):
    calls, waits = [], []

    def work():
        calls.append(1)
        raise make_error()

    with pytest.raises(type(make_error())):
        neo4j_retry.retry(work, attempts=4, backoff=0.5, max_backoff=1.5, sleep=waits.append)
    assert len(calls) == 4 and len(waits) == 3
    for wait, nominal in zip(waits, [0.5, 1.0, 1.5]):  # doubling, capped, +-20% jitter
        assert 0.8 * nominal <= wait <= 1.2 * nominal

    calls.clear()
    waits.clear()

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise make_error()
        return "done"

    assert neo4j_retry.retry(flaky, attempts=4, sleep=waits.append) == "done" and len(waits) == 2


def test_permanent_errors_are_not_retried():
    from neo4j.exceptions import ClientError, Neo4jError

    calls = []

    def work():
        calls.append(1)
        raise Neo4jError._hydrate_neo4j(code="Neo.ClientError.Statement.SyntaxError", message="bad")

    with pytest.raises(ClientError):
        neo4j_retry.retry(work, attempts=5, sleep=lambda s: pytest.fail("waited for a permanent error"))
    assert calls == [1]
    # a user terminating the transaction is final, not transient
    assert not neo4j_retry.is_transient(_transient("Neo.TransientError.Transaction.Terminated"))


@pytest.mark.slow  # starts a Neo4j server of its own (15 s), kills it and starts it again
def test_server_down_during_load_fails_after_bounded_retries(server, tmp_path, monkeypatch):
    """A real outage: the loader's retries find no server, give up after max_attempts, say so in one line."""
    with server.store(max_attempts=3) as st:
        wipe(st)
        st.ensure_schema()
        monkeypatch.setattr(neo4j_store, "BACKOFF", 0.2)
        server.kill()
        try:
            t = time.monotonic()
            with pytest.raises(StoreError) as err:
                st.load(corpus(5, seed=5))
            assert f"Neo4j at {server.uri} unavailable" in str(err.value) and "3 attempts" in str(err.value)
            assert time.monotonic() - t < 60
        finally:
            server.start()
    with server.store() as st:
        assert st.stats()["articles"] == 0


def test_concurrent_loads_that_deadlock_are_retried_and_agree(neo, neo4j_uri, caplog):
    """Two loaders write overlapping articles in opposite orders at once: the server detects deadlocks and
    fails one transaction (a transient error); it is retried and both loads complete, with the graph one
    load alone gives."""
    graphs = corpus(200, seed=21)  # two batches per loader: several deadlocks a run
    neo.load(graphs)
    reference = neo.canonical_dump()
    wipe(neo)
    neo.ensure_schema()

    errors: list[BaseException] = []

    def load(gs):
        try:
            with open_store(neo4j_uri, batch_size=150, max_attempts=20) as st:
                st.load(gs)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    caplog.set_level("WARNING", logger="kg.stores.neo4j.store")
    threads = [threading.Thread(target=load, args=(gs,)) for gs in (graphs, list(reversed(graphs)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert neo.canonical_dump() == reference
    retried = [r for r in caplog.records if "transient Neo4j error" in r.getMessage()]
    print(f"transient errors retried during the concurrent loads: {len(retried)}")


# -- hostile text (hypothesis) ----------------------------------------------------------------------------------

HOSTILE = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *list("`'\"{}()[]$\\/;:-_ \n\r\t\x00"),
                *["}) DETACH DELETE n //", "*/", "/*", "${x}", "`Entity`", "' OR 1=1 --", "\u202e", "\ufeff"],
            ]
        ),
        st.characters(blacklist_categories=("Cs",)),  # any character but lone surrogates (those are replaced)
    ),
    min_size=1,
    max_size=12,
).map("".join)


@pytest.fixture
def sentinel_store(neo):
    neo.query("CREATE (:Sentinel {id: 'keep'})-[:GUARDS]->(:Sentinel {id: 'me'})", write=True)
    return neo


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(aid=HOSTILE, title=HOSTILE, names=st.lists(HOSTILE, min_size=2, max_size=4), quote=HOSTILE, cue=HOSTILE)
def test_hostile_text_is_stored_literally_and_changes_nothing_else(sentinel_store, aid, title, names, quote, cue):
    st_ = sentinel_store
    people = [Entity(f"person/{n}#{i}", n, "Person", [n + " alias"]) for i, n in enumerate(names)]
    sentence = " / ".join(names)
    g = ArticleGraph(Article(aid, "text " + sentence, title=title, url=quote), entities=people)
    g.relations = [
        Relation(people[i].id, "meets", people[i + 1].id, Evidence(aid, sentence, i, i + 1, cue, 0.9))
        for i in range(len(people) - 1)
    ]
    g.quotes = [Quote(people[0].id, quote, cue, Evidence(aid, sentence, 0, 5), about=[people[-1].id])]
    try:
        st_.load([g])
        q = st_.query
        assert q("MATCH (a:Article) RETURN a.id, a.title, a.url").rows == [[aid, title, quote]]
        assert sorted(q("MATCH (e:Entity) RETURN e.id, e.name").rows) == sorted([e.id, e.name] for e in people)
        assert sorted(r[0] for r in q("MATCH (:Article)-[m:MENTIONS]->() RETURN m.aliases").rows) == sorted(
            [e.name + " alias"] for e in people
        )
        assert q("MATCH (x:Quote) RETURN x.text, x.cue, x.article_id").rows == [[quote, cue, aid]]
        assert q("MATCH (x:Assertion) RETURN DISTINCT x.sentence, x.article_id, x.extractor").rows == [
            [sentence, aid, cue]
        ]
        got = q("MATCH (s:Entity)-[r:MEETS]->(o:Entity) RETURN s.id, o.id, r.articles").rows
        assert sorted(got) == sorted([p.id, o.id, [aid]] for p, o in itertools.pairwise(people))
        # a parameter finds exactly the node; nothing else was created, changed or deleted
        assert q("MATCH (e:Entity {name: $n}) RETURN count(e)", params={"n": names[0]}).rows[0][0] == names.count(
            names[0]
        )
        n = len(people)
        assert st_.stats() == {
            "articles": 1,
            "entities": n,
            "relations": n - 1,
            "quotes": 1,
            "nodes": 2 + 1 + n + (n - 1) + 1,
            "relationships": 1 + n + (n - 1) + 3 + 3 * (n - 1),  # with each assertion's SUBJECT, OBJECT, IN_ARTICLE
        }
        assert q("MATCH (a:Sentinel)-[:GUARDS]->(b:Sentinel) RETURN a.id, b.id").rows == [["keep", "me"]]
    finally:
        st_.query("MATCH (n) WHERE NOT n:Sentinel DETACH DELETE n", write=True)
