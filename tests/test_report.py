"""`kg report`: the plain text report, and the full corpus report as HTML (pictures embedded) or
Markdown (pictures beside it), on the example store."""

import base64
import re

import pytest
from click.testing import CliRunner

from kg.cli import main


@pytest.fixture(scope="module")
def reports(example_store, tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    for name in ("corpus.html", "corpus.md"):
        res = CliRunner().invoke(main, ["report", "--store", str(example_store), "-o", str(d / name), "--top", "8"])
        assert res.exit_code == 0, res.output
        assert f"wrote {d / name}" in res.stderr
    return d


SECTIONS = [
    "Corpus",
    "The alliance network",
    "Blocs",
    "Bridges between blocs",
    "Top actors",
    "Strongest alliances",
    "Strongest adversaries",
    "Office holders",
    "Stances",
]


def test_html_report_is_one_file_with_its_pictures(reports):
    page = (reports / "corpus.html").read_text()
    for s in SECTIONS:
        assert f"<h2>{s}</h2>" in page
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(pngs) == 2 and all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing outside the file
    assert "14 articles" in page
    # office holders with their organisation and sentence; adversaries with the evidence sentence
    assert re.search(r"<td>John Healey</td><td>Defence Secretary</td><td>United Kingdom</td>", page)
    adversaries = page.split("<h2>Strongest adversaries</h2>")[1].split("<h2>")[0]
    first = adversaries.split("<tr>")[2]  # the strongest conflict: Russia against Ukraine, with its sentence
    cells = re.findall(r"<td>(.*?)</td>", first)
    assert {cells[0], cells[1]} == {"Russia", "Ukraine"} and float(cells[2]) < -2
    assert "Russia" in cells[4] and "Ukraine" in cells[4]
    assert adversaries.count("<tr>") == 1 + 8  # header + --top rows
    assert list((reports).glob("report-*.png")) == []  # the HTML report leaves no picture files behind


def test_markdown_report_links_pictures_written_beside_it(reports):
    text = (reports / "corpus.md").read_text()
    for s in SECTIONS:
        assert f"\n## {s}\n" in text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["corpus-network.png", "corpus-stances.png"]
    for name in links:
        assert (reports / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    holders = text.split("## Office holders")[1].split("\n## ")[0]
    assert "| John Healey | Defence Secretary | United Kingdom |" in holders
    rows = [line for line in holders.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 8 and all(line.count(" | ") == 6 for line in rows)  # pipes in text are escaped


def test_plain_report_still_prints(example_store):
    res = CliRunner().invoke(main, ["report", "--store", str(example_store)])
    assert res.exit_code == 0
    for heading in ("Top actors", "Example triples", "SPARQL: positions-held"):
        assert heading in res.output


def test_report_output_needs_html_or_md(example_store, tmp_path):
    res = CliRunner().invoke(main, ["report", "--store", str(example_store), "-o", str(tmp_path / "r.pdf")])
    assert res.exit_code == 1 and ".html or .md" in res.stderr and not (tmp_path / "r.pdf").exists()
    res = CliRunner().invoke(main, ["report", "--store", str(tmp_path / "nothing-here")])
    assert res.exit_code == 1 and "no kg store" in res.stderr
