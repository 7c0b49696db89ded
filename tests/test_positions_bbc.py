"""`kg positions` on the BBC politics articles (2004-05 UK politics): the posts of the main figures with
their owner and status, as an analyst reads them. Built once per module into an embedded store; skipped
without ../shared/data."""

import csv
import io

import pytest
from click.testing import CliRunner

from kg.cli import main

from helpers import shared

pytestmark = pytest.mark.slow  # corpus-scale: the 417 BBC politics articles through the pipeline

# holder -> (post, owner, status) of the holder's best-evidenced current row
POSTS = {
    "Tony Blair": ("Prime Minister", "United Kingdom", "current"),
    "Gordon Brown": ("Chancellor of the Exchequer", "United Kingdom", "current"),
    "Michael Howard": ("Leader of the Conservative Party", "Conservative Party", "current"),
    "Charles Kennedy": ("Leader of the Liberal Democrats", "Liberal Democrats", "current"),
    "Tim Collins": ("Shadow Education Secretary", "Conservative Party", "current"),
}
LORD_CHANCELLORS = ("Lord Falconer", "Lord Irvine")


@pytest.fixture(scope="module")
def bbc_store(tmp_path_factory):
    from kg import api

    folder = shared("external/bbc/politics")
    store = tmp_path_factory.mktemp("bbc") / "store"
    counts = api.build([str(folder)], store=str(store), ledger=False)
    assert counts.read == 417 and counts.loaded >= 390  # the BBC set repeats some articles: each loaded once
    return store


def rows(store, *flags) -> list[list[str]]:
    res = CliRunner().invoke(main, ["positions", "--store", str(store), "--csv", *flags])
    assert res.exit_code == 0, res.output
    out = [r for r in csv.reader(io.StringIO(res.stdout)) if r]
    assert out[0][:4] == ["holder", "office", "of", "status"]
    return out[1:]


def test_the_main_figures_hold_their_posts_with_owner_and_status(bbc_store):
    current = rows(bbc_store)
    for holder, post in POSTS.items():
        theirs = [tuple(r[1:4]) for r in current if r[0] == holder]
        assert theirs and theirs[0] == post, (holder, theirs[:3])  # rows come most evidenced first
    # the shadow post is not the real one, and a bare "Chancellor" of Brown's is the Exchequer's
    assert not [r for r in current if r[0] == "Tim Collins" and r[1] == "Education Secretary"]
    assert not [r for r in current if r[0] == "Gordon Brown" and r[1] == "Chancellor"]
    # "leader Michael Howard" with no party named is the party leadership the corpus gives him
    assert not [r for r in current if r[0] in ("Michael Howard", "Charles Kennedy") and r[1] == "Party Leader"]


def test_lord_chancellors_are_never_a_bare_chancellor(bbc_store):
    every = rows(bbc_store, "--all")
    for holder in LORD_CHANCELLORS:
        posts = {r[1] for r in every if r[0] == holder}
        assert "Lord Chancellor" in posts and "Chancellor" not in posts and "Chancellor of the Exchequer" not in posts
    # the German chancellor stays Germany's
    assert ("Gerhard Schroeder", "Chancellor", "Germany") in {tuple(r[:3]) for r in every}
