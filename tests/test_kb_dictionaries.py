"""The PETRARCH dictionary parsers and kg's actor tables built from them."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kg.kb import actors, agents
from kg.kb.actors import generate
from kg.kb.dictionary import DictionaryError
from kg.kb.table import KB, KB_DIR

PHOENIX = Path("/work/shared/data/external/petrarch2/dictionaries")


def test_dated_roles_open_ranges_and_aliases():
    text = """
    # a comment line
    DAVID_CAMERON_  # CountryInfo.txt
    +PRIME_MINISTER_DAVID_CAMERON_
    \t[GBRGOV >100511]
    \t[GBRELI <100510]
    LORIEN  [ELR/GAL]
    """
    cameron, lorien = actors.parse(text.splitlines(), "x.actors.txt")
    assert cameron.names == ["david cameron", "prime minister david cameron"]
    assert [(r.code, r.start, r.end) for r in cameron.roles] == [
        ("GBRGOV", "20100511", None),
        ("GBRELI", None, "20100510"),
    ]
    assert lorien.default == "ELR" and [r.code for r in lorien.roles] == ["GAL"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("\t[GBRGOV 970502-070627]", "x.actors.txt:2: a role before any actor"),
        ("TONY_BLAIR_ [GBR GOV 97-07]", "x.actors.txt:2: a role is [CODE]"),
        ("TONY_BLAIR_ [GBRGOV 970230-070627]", "x.actors.txt:2: bad date '970230'"),
        ("TONY_BLAIR_ [GBR$GOV]", "x.actors.txt:2: bad code 'GBR$GOV'"),
        ("+FAEROYENE]_", "x.actors.txt:2: expected PHRASE [CODE]"),
    ],
)
def test_malformed_actor_line_names_file_and_line(line, message):
    with pytest.raises(DictionaryError) as err:
        actors.parse(["# header", line], "x.actors.txt")
    assert str(err.value).startswith(message)
    assert err.value.line == 2


def test_malformed_agent_lines_are_errors_or_skipped_when_asked():
    lines = ["POLICE {} [~COP]", "ISLAMIC_EXTREMIST", "DEPARMENT_OF_ENVIRONMENT [~ENV}", "!X!_OF_WALKS [~GOV]"]
    with pytest.raises(DictionaryError, match=r"y.agents.txt:2: an agent needs a code"):
        agents.parse(lines, "y.agents.txt")
    problems: list[DictionaryError] = []
    found = agents.parse(lines, "y.agents.txt", problems)
    assert [a.phrases for a in found] == [["police"]]
    assert [p.line for p in problems] == [2, 3, 4]


def test_missing_dictionary_says_which_and_how(tmp_path):
    with pytest.raises(DictionaryError) as err:
        actors.read(tmp_path / "nothing.actors.txt")
    assert "nothing.actors.txt" in str(err.value)
    assert "components.kg_actor_kb.dictionaries=" in str(err.value)
    with pytest.raises(DictionaryError, match=r"missing Phoenix\.Countries\.actors\.txt"):
        generate(tmp_path, tmp_path / "out")


def test_committed_tables_are_what_the_generator_writes(tmp_path):
    n_actors, n_phrases, problems = generate(PHOENIX, tmp_path)
    assert n_actors > 25000 and n_phrases > 5000
    assert len(problems) < 20  # the upstream files' own typos, each named
    assert all(p.line > 0 and "Phoenix." in p.source for p in problems)
    for name in ("actors.tsv.gz", "agents.tsv"):
        assert (tmp_path / name).read_bytes() == (KB_DIR / name).read_bytes(), f"regenerate {name}"
    with gzip.open(tmp_path / "actors.tsv.gz", "rt") as f:
        header = f.readline()
    assert "676801cd9cb2924bbbad09f86d15c9323e7097bf" in header and "MIT" in header


def test_roles_by_article_date():
    kb = KB.load()
    blair = kb.actor("Tony Blair")
    assert blair is not None and blair.kind == "P"
    assert kb.attrs(blair, "2005-05-06")["role"] == "GOV"
    assert kb.attrs(blair, "2008-01-01")["role"] == "ELI"  # the government role had ended
    assert "role" not in kb.attrs(blair, None)  # no date: no role, the country still known
    assert kb.attrs(blair, None)["country"] == "GBR"
    assert kb.attrs(kb.actor("Moscow"), None) == {"kb": "RUSSIAN_FEDERATION_", "country": "RUS"}
    assert kb.attrs(kb.actor("United Nations"), None)["country"] == "UNO"
    assert kb.agents["police"] == ("COP", False)
