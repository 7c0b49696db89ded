"""No password given to kg, in a server's URI or in NEO4J_PASSWORD / KG_SPARQL_PASSWORD, ever appears in
what any command that takes a server prints (stdout, stderr, ``--debug`` tracebacks) or logs. The
servers are unreachable (closed ports on this machine): every command fails fast, and its error text
is what is checked."""

from __future__ import annotations

import logging
import socket
import traceback
from urllib.parse import quote

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.stores.base import SECRET_ENV, redact, redact_logs

# what each command needs besides the store to get as far as opening it
EXTRA_ARGS = {
    "actors": [],
    "alliances": [],
    "analyse": [],
    "build": ["{text}"],
    "centrality": [],
    "changes": [
        "--a-since",
        "2025-01-01",
        "--a-until",
        "2025-01-31",
        "--b-since",
        "2025-02-01",
        "--b-until",
        "2025-02-28",
    ],
    "ego": ["Keir Starmer"],
    "export": ["--format", "nq", "-o", "{tmp}/out.nq"],
    "load": ["{jsonl}"],
    "merge": ["Keir Starmer", "Starmer"],
    "path": ["Keir Starmer", "Emmanuel Macron"],
    "positions": [],
    "query": ["ASK {}"],
    "rename": ["Keir Starmer", "Sir Keir Starmer"],
    "report": [],
    "serve": ["--port", "0"],
    "split": ["Keir Starmer"],
    "stats": [],
    "viz": ["-o", "{tmp}/viz.html"],
}


def server_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every command of ``kg`` (sub-groups included) that takes a store, by its name."""
    found = {}
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            found.update(server_commands(cmd, (*prefix, name)))
        elif any(p.name == "store" for p in cmd.params):
            found[" ".join((*prefix, name))] = cmd
    return found


def fill(arg: str, inputs: dict[str, str]) -> str:
    """``arg`` with ``{tmp}``, ``{text}``, ``{jsonl}`` replaced by the test's files."""
    for key, value in inputs.items():
        arg = arg.replace(f"{{{key}}}", value)
    return arg


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_command_that_takes_a_server_is_checked():
    assert set(server_commands()) == set(EXTRA_ARGS)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("secrets")
    (tmp / "a.txt").write_text("Keir Starmer met Emmanuel Macron in Paris on Monday.\n", encoding="utf-8")
    (tmp / "g.jsonl").write_text("", encoding="utf-8")
    return {"tmp": str(tmp), "text": str(tmp / "a.txt"), "jsonl": str(tmp / "g.jsonl")}


# printable passwords of any characters (reserved ones are percent-encoded in the URI), long enough
# that they cannot occur in a message by chance
passwords = st.text(
    st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc")), min_size=8, max_size=24
).filter(lambda p: len(set(p)) > 3)


@pytest.mark.parametrize("via", ["uri", "env"])
@pytest.mark.parametrize("server", ["neo4j", "sparql"])
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    # no shrinking: each example runs every command (a build loads the NLP pipeline), and any leak shows as is
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    password=passwords,
    user=st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=8),
    debug=st.booleans(),
)
def test_no_password_in_output_or_logs(inputs, caplog, monkeypatch, password, user, server, via, debug):
    port = closed_port()
    env_name = "NEO4J_PASSWORD" if server == "neo4j" else "KG_SPARQL_PASSWORD"
    for name in (*SECRET_ENV, "NEO4J_USER", "KG_SPARQL_USER", "KG_STORE", "KG_SPARQL_PRESET"):
        monkeypatch.delenv(name, raising=False)
    host = f"127.0.0.1:{port}"
    scheme, path = ("bolt", "") if server == "neo4j" else ("http", "/ds")
    if via == "uri":
        location = f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{host}{path}"
    else:
        location = f"{scheme}://{host}{path}"
        monkeypatch.setenv(env_name, password)
        monkeypatch.setenv("NEO4J_USER" if server == "neo4j" else "KG_SPARQL_USER", user)
    forms = {password, quote(password, safe=""), quote(password)}
    runner = CliRunner()
    caplog.set_level(logging.DEBUG)
    for name, extra in EXTRA_ARGS.items():
        caplog.clear()
        args = [fill(a, inputs) for a in extra]
        r = runner.invoke(main, [*(["--debug"] if debug else []), *name.split(), *args, "--store", location])
        shown = r.stdout + r.stderr + "\n".join(rec.getMessage() + (rec.exc_text or "") for rec in caplog.records)
        if r.exception is not None and not isinstance(r.exception, SystemExit):  # Python would print it
            shown += "".join(traceback.format_exception(r.exception))
        assert r.exit_code != 0, (name, shown)
        assert host in shown, (name, shown)  # the command did get as far as the server
        for form in forms:
            assert form not in shown, (name, via, shown)


def test_redact_masks_uri_passwords_query_secrets_and_secret_env_values(monkeypatch):
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "env-Secret-9")
    text = (
        "cannot reach http://admin:p@ss:w@rd@h:3030/ds/sparql?graph=g&password=qs-Secret "
        "nor bolt://neo4j:TopSecretPw@db:7687 (auth env-Secret-9)"
    )
    assert redact(text) == (
        "cannot reach http://admin:***@h:3030/ds/sparql?graph=g&password=*** nor bolt://neo4j:***@db:7687 (auth ***)"
    )
    assert redact("mail a@b.org, see http://h/x?q=a@b") == "mail a@b.org, see http://h/x?q=a@b"


def test_log_records_of_any_logger_are_redacted(caplog, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "env-Secret-9")
    redact_logs()
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError("lost bolt://neo4j:TopSecretPw@db:7687")
    except RuntimeError:
        logging.getLogger("some.library").exception(
            "connecting to %s with %s", "http://u:TopSecretPw@h/", "env-Secret-9"
        )
    (record,) = caplog.records
    assert record.getMessage() == "connecting to http://u:***@h/ with ***"
    assert "TopSecretPw" not in caplog.text and "env-Secret-9" not in caplog.text and "neo4j:***@db" in caplog.text
    caplog.clear()
    logging.getLogger("some.library").warning("a %d that does not fit", "http://u:TopSecretPw@h/")
    assert "TopSecretPw" not in caplog.text and "arguments not shown" in caplog.text
