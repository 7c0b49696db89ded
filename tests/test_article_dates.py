"""An article's date from its metadata, dateline, file name or front matter; --date for a batch; date options."""

import contextlib
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import dates, readers
from kg.analyse.graph import in_window
from kg.model import Article

from helpers import EXAMPLES

DATELINE = "Starmer to lift defence spending\n\nLONDON, 25 February 2025 – Keir Starmer announced a rise.\n"


def read_one(path, **kwargs):
    (article,) = readers.read([str(path)], **kwargs)
    assert isinstance(article, Article), article
    return article


def test_every_example_article_has_its_date():
    articles = [a for a in readers.read([str(EXAMPLES)]) if isinstance(a, Article)]
    assert len(articles) == 14
    got = {a.source.rsplit("/", 1)[-1]: a.date for a in articles}
    assert got["2025-02-25-uk-defence-spending.txt"] == "2025-02-25"  # dateline
    assert got["2025-03-18-germany-debt-brake.txt"] == "2025-03-18"  # no dateline: the file name
    assert got["2025-02-27-starmer-washington.html"] == "2025-02-27"  # the page's metadata
    assert got["wire-2025.jsonl:1"] == "2025-02-24"
    for name, day in got.items():
        if name[:4] == "2025" and name.endswith(".txt"):
            assert day == name[:10], name


@pytest.mark.parametrize(
    "opening,expected",
    [
        ("LONDON, 25 February 2025 – Keir Starmer announced", "2025-02-25"),
        ("BRUSSELS/WARSAW, 7 March 2025 – EU leaders agreed", "2025-03-07"),
        ("WASHINGTON, Feb. 27, 2025 (Reuters) - Starmer met Trump", "2025-02-27"),
        ("Kyiv, 2025-08-28 — Russia struck the city", "2025-08-28"),
        ("Keir Starmer said on 25 February 2025 – a Tuesday – that", None),
        ("LONDON, 31 February 2025 – no such day", None),
    ],
)
def test_dateline(tmp_path, opening, expected):
    f = tmp_path / "story.txt"
    f.write_text(f"A headline\n\n{opening} and more text.\n", encoding="utf-8")
    a = read_one(f)
    assert a.date == expected
    assert a.meta.get("date_from") == ("dateline" if expected else None)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("2025-02-28-dodds-resigns.txt", "2025-02-28"),
        ("bbc_20250228_dodds.txt", "2025-02-28"),
        ("20250228.txt", "2025-02-28"),
        ("2025-02-30-no-such-day.txt", None),
        ("story-12345678.txt", None),
        ("001.txt", None),
    ],
)
def test_file_name(tmp_path, name, expected):
    f = tmp_path / name
    f.write_text("Dodds quits\n\nAnneliese Dodds resigned on Friday.\n", encoding="utf-8")
    assert read_one(f).date == expected


def test_front_matter_gives_title_and_date_and_is_not_text(tmp_path):
    f = tmp_path / "dodds.md"
    f.write_text(
        "---\ntitle: Dodds quits\ndate: 2025-02-28\nauthor: 'A. Reporter'\n---\n\n"
        "Anneliese Dodds resigned on Friday.\n",
        "utf-8",
    )
    a = read_one(f)
    assert (a.title, a.date, a.text) == ("Dodds quits", "2025-02-28", "Anneliese Dodds resigned on Friday.\n")
    assert a.meta["date_from"] == "front matter" and a.meta["author"] == "A. Reporter"


def test_order_metadata_dateline_file_name_front_matter(tmp_path):
    record = {"date": "2025-03-01", "text": DATELINE.split("\n\n", 1)[1]}
    (tmp_path / "2025-01-01-wire.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    assert read_one(tmp_path / "2025-01-01-wire.jsonl").date == "2025-03-01"  # metadata first
    f = tmp_path / "2025-01-02-story.md"
    f.write_text("---\ndate: 2025-01-03\n---\n" + DATELINE, "utf-8")
    assert read_one(f).date == "2025-02-25"  # then the dateline
    f.write_text("---\ndate: 2025-01-03\n---\nHeadline\n\nNo dateline here.\n", "utf-8")
    assert read_one(f).date == "2025-01-02"  # then the file name
    f.rename(tmp_path / "story.md")
    assert read_one(tmp_path / "story.md").date == "2025-01-03"  # then the front matter


def test_metadata_dates_are_normalised_and_a_non_date_is_not_kept(tmp_path):
    lines = [
        {"id": "rss", "date": "Mon, 24 Feb 2025 10:30:00 GMT", "text": "Lammy announced sanctions."},
        {"id": "words", "date": "24 February 2025", "text": "Lammy announced more sanctions."},
        {"id": "bad", "date": "last Tuesday", "text": "LONDON, 25 February 2025 – Lammy spoke."},
    ]
    f = tmp_path / "feed.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    got = {a.id: a for a in readers.read([str(f)])}
    assert got["rss"].date == "2025-02-24T10:30:00+00:00"
    assert got["words"].date == "2025-02-24"
    assert got["bad"].date == "2025-02-25" and got["bad"].meta["date_given"] == "last Tuesday"


def test_batch_date_fills_only_undated_articles(tmp_path):
    (tmp_path / "001.txt").write_text("Blair speaks\n\nTony Blair spoke on Monday.\n", "utf-8")
    (tmp_path / "002.txt").write_text(DATELINE, "utf-8")
    got = {a.source[-7:]: a for a in readers.read([str(tmp_path)], date="2005-03-01")}
    assert got["001.txt"].date == "2005-03-01" and got["001.txt"].meta["date_from"] == "batch"
    assert got["002.txt"].date == "2025-02-25"
    with pytest.raises(ValueError, match="not a date"):
        list(readers.read([str(tmp_path)], date="01/03/2005"))


def test_a_changed_date_changes_the_content_hash():
    a = Article(id="a", text="Blair spoke on Monday.", title="t")
    b = Article(id="a", text="Blair spoke on Monday.", title="t", date="2005-03-01")
    assert a.hash != b.hash


@pytest.mark.parametrize("good", ["2025", "2025-03", "2025-03-01", "2024-02-29"])
def test_check_accepts_iso_years_months_days(good):
    assert dates.check(good) == good


@pytest.mark.parametrize("bad", ["31/03/2025", "2025-13-01", "yesterday", "2025-02-30", "2023-02-29", "25", ""])
def test_check_refuses_anything_else(bad):
    with pytest.raises(ValueError, match="ISO 8601"):
        dates.check(bad)


def test_windows_take_whole_months_and_years():
    assert in_window("2025-03-31", since="2025-03", until="2025-03")
    assert not in_window("2025-04-01", until="2025-03")
    assert in_window("2025-12-31T23:00:00", since="2025", until="2025")
    assert not in_window("2024-12-31", since="2025")
    assert not in_window("", since="2025") and not in_window(None, until="2025")


def kg(*args):
    code = "import sys; from kg.cli import main; sys.argv[0] = 'kg'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "args",
    [
        ["changes", "--a-until", "31/03/2025", "--b-since", "2025-04"],
        ["alliances", "--since", "2025-13-01"],
        ["alliances", "--since", "yesterday"],
        ["actors", "--until", "2025-02-30"],
        ["viz", "-o", "x.html", "--since", "March"],
        ["build", "-", "--date", "1 March 2025"],
        ["extract", "-", "--date", "2025-3-1"],
    ],
)
def test_date_options_refuse_non_iso_values_with_a_usage_error(args, tmp_path):
    r = kg(*args, *(["--store", str(tmp_path / "none")] if args[0] not in ("extract",) else []))
    assert r.returncode == 2, r.stderr
    assert "is not a date: give an ISO 8601 year, month or day" in r.stderr
    assert not (tmp_path / "none").exists()


def test_since_until_help_says_what_happens_to_undated_articles():
    for command in ("alliances", "positions", "centrality", "path", "ego", "actors", "viz"):
        out = " ".join(kg(command, "--help").stdout.split())
        assert "articles without a date are left out" in out, command
    assert "Articles without a date are in neither window" in " ".join(kg("changes", "--help").stdout.split())


def test_extract_counts_and_warns_about_undated_articles_and_date_fills_them(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "001.txt").write_text("Blair speaks\n\nTony Blair met Gordon Brown on Monday.\n", "utf-8")
    (inputs / "2005-03-02-howard.txt").write_text("Howard\n\nMichael Howard met Charles Kennedy.\n", "utf-8")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    r = runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    warning, counts = r.stderr.strip().splitlines()[-2:]
    assert warning.startswith("kg: warning: 1 of 2 articles have no date") and "undated 1 " in counts
    r = runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "1", "--date", "2005-03-01"])
    assert r.exit_code == 0 and "undated 0 " in r.stderr and "warning" not in r.stderr
    got = {g["article"]["source"][-7:]: g for g in map(json.loads, out.read_text("utf-8").splitlines())}
    assert got["001.txt"]["article"]["date"] == "2005-03-01"
    assert got["001.txt"]["article"]["meta"]["date_from"] == "batch"
    assert got["ard.txt"]["article"]["date"] == "2005-03-02"
    meets = [rel for rel in got["001.txt"]["relations"] if rel["predicate"] == "meets"]
    assert meets and meets[0]["attrs"]["date"] == "2005-02-28"  # "on Monday", anchored on the batch date


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60) | st.from_regex(r"[A-Z]{3,8}, \d{1,2} [A-Za-z]{3,9} \d{4} – .{0,20}", fullmatch=True))
def test_finding_a_date_never_raises_and_finds_only_real_days(text):
    from kg.readers.dating import dateline_date, file_name_date

    for found in (dates.article_date(text), dateline_date(text), file_name_date(text)):
        assert found is None or dates.day_of(found) is not None
    with contextlib.suppress(ValueError):  # anything but a year, month or day is a ValueError, nothing else
        assert dates.period(dates.check(text)) is not None
