import subprocess
import sys

import pytest

from kg.kb import verbs
from kg.resources import PIPELINES

from helpers import shared

GOOD = """\
&CURFEW
+CURFEW
+STATE_OF_EMERGENCY

&MILITARY
+TROOPS

####### VERB PATTERNS #######
---  IMPOSE   [170]  ---
IMPOSE
+CLAMP_DOWN {+CLAMPED_DOWN +CLAMPS_DOWN}
- * &CURFEW                                 [1723]        # IMPOSE
- * SANCTIONS (ON +)                        [163]         # IMPOSE
- &MILITARY * (ON)                          [154]         # IMPOSE
- * &UNDEFINED                              [170]         # IMPOSE
---  CALL   [041:041]  ---
TELEPHONE
"""


@pytest.fixture(scope="module")
def real():
    return verbs.parse(shared("external/petrarch2/dictionaries/CAMEO.2.0.txt"), [])


def test_reads_sets_verbs_and_patterns(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text(GOOD)
    vd = verbs.parse(path)
    assert vd.synsets["&curfew"] == ("curfew", "state_of_emergency")
    impose, call = vd.blocks
    assert (impose.name, impose.code, call.code) == ("impose", "170", "041")
    assert [v.lemma for v in impose.verbs] == ["impose", "clamp down"]
    assert [p.after for p in impose.patterns] == [("&curfew",), ("sanctions", "on:+"), ("on:",)]
    assert impose.patterns[2].before == ("&military",)  # the pattern with an undefined set is left out
    rows = verbs.table_rows(vd)
    assert ("P", "impose", "&curfew", "1723", "coerces") in rows
    assert ("P", "impose", "sanctions on:+", "163", "sanctions") in rows
    assert ("V", "telephone", "0", "call", "041", "consults") in rows
    assert not any(r[0] == "P" and r[2] == "on:" for r in rows)  # a source pattern: kg finds the source


@pytest.mark.parametrize(
    "line, message",
    [
        ("- * SANCTIONS (ON +)", "without a \\[CODE\\]"),
        ("- * (WITH VISIT) VISIT) [042]", "unbalanced brackets"),
        ("- SANCTIONS [163]", "without the verb's place"),
        ("---  BROKEN  ---", "block header"),
        ("+CLAMP_+DOWN", "one '\\+'"),
    ],
)
def test_a_malformed_line_is_an_error_naming_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.verbs.txt"
    path.write_text(GOOD + line + "\n")
    n = GOOD.count("\n") + 1
    with pytest.raises(verbs.VerbDictionaryError, match=f"bad.verbs.txt:{n}: .*{message}"):
        verbs.parse(path)
    problems: list[str] = []
    verbs.parse(path, problems)
    assert len(problems) == 1 and f":{n}:" in problems[0]


def test_the_unit_test_dictionary_loads_by_configuration_leaving_out_its_odd_lines():
    import spacy

    from kg.nlp.relations import RelationExtractor

    folder = shared("external/petrarch2/validation/PETR.Validate.verbs.txt").parent
    pipe = RelationExtractor(spacy.blank("en"), "kg_relations", verbs=str(folder))
    assert {"lash", "demand"} <= set(pipe.rules.verb_table.verbs)
    assert len(pipe.stored["verbs"]) > 500  # saved with the pipeline
    problems: list[str] = []
    verbs.parse(folder / "PETR.Validate.verbs.txt", problems)
    assert problems and all("PETR.Validate.verbs.txt:" in p for p in problems)


def test_a_missing_dictionary_says_which_and_what_to_give(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere/CAMEO\.2\.0\.txt not found: give the PETRARCH2"):
        verbs.parse(tmp_path / "nowhere" / verbs.FILENAME)
    run = subprocess.run(
        [sys.executable, "-m", "kg.kb.verbs", str(tmp_path / "nowhere"), str(tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 1 and "not found" in run.stderr


def test_the_real_dictionary_gives_the_issue_verbs(real):
    rows = verbs.table_rows(real)
    verb_rel = {r[1]: r[5] for r in rows if r[0] == "V"}
    assert verb_rel["demand"] == "demands"
    assert verb_rel["telephone"] == "consults"
    assert verb_rel["demonstrate"] == "protests_against"
    assert verb_rel["mobilize"] == "mobilises_against"
    assert verb_rel["release"] == "releases"
    pats = {(r[1], r[2]): r[4] for r in rows if r[0] == "P"}
    assert pats[("impose", "curfew")] == "coerces"
    assert len(real.blocks) > 350 and sum(len(b.patterns) for b in real.blocks) > 4000


def test_the_committed_table_is_what_the_generator_writes(real, tmp_path):
    out = verbs.write(real.path.parent, tmp_path)
    assert out.read_text("utf-8") == (PIPELINES / "kb" / verbs.TABLE).read_text("utf-8"), (
        "run `python -m kg.kb.verbs <petrarch2>/dictionaries pipelines/kb`"
    )
