"""The first document folder against its source text (no PDF builder needed).

The source is a plain-text copy kept in tests/fixtures/source/. Its first line (the series
line), its "Executive Summary" heading and its last line (which belongs to another document)
are not part of the document; every other word must appear, in the same order, in
summary + body + recommendations of document.md.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC_DIR = ROOT / "data" / "sceeus-guest-commentary-2024-08"
SOURCE = ROOT / "tests" / "fixtures" / "source" / "sceeus-guest-commentary-8-2024.txt"

CHART_REF = re.compile(r"!\[[^\]]*\]\(chart:([^)\s]+)\)")


def read_document() -> tuple[dict, str]:
    """Split document.md into (front matter, body) on its `---` lines."""
    lines = (DOC_DIR / "document.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "---", "document.md must start with front matter"
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end])), "\n".join(lines[end + 1:])


def words(text: str) -> list[str]:
    return text.split()


def body_text(body: str) -> str:
    """The body's words: heading markers and chart reference lines dropped."""
    kept = []
    for line in body.splitlines():
        if CHART_REF.fullmatch(line.strip()):
            continue
        kept.append(re.sub(r"^#{2,3} ", "", line))
    return "\n".join(kept)


def source_lines() -> list[str]:
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("SCEEUS Guest Commentary No. 8")
    assert lines[1] == "Executive Summary"
    assert lines[-1].startswith("In lieu of an audience-friendly poem")
    return lines[2:-1]


def test_every_source_word_in_order():
    meta, body = read_document()
    source = [re.sub(r"^- ", "", line) for line in source_lines()]
    document = "\n".join([meta["summary"], body_text(body), *meta["recommendations"]])
    expected, got = words("\n".join(source)), words(document)
    for i, (want, have) in enumerate(zip(expected, got)):
        assert want == have, f"word {i}: source {_near(expected, i)!r}, document {_near(got, i)!r}"
    assert len(got) == len(expected)


def _near(seq: list[str], i: int) -> str:
    return " ".join(seq[max(0, i - 5):i + 5])


def test_summary_and_recommendations_verbatim():
    meta, _ = read_document()
    lines = source_lines()
    assert meta["summary"].split() == lines[0].split()
    bullets = [line[2:] for line in lines if line.startswith("- ")]
    assert [r.split() for r in meta["recommendations"]] == [b.split() for b in bullets]


def test_front_matter():
    meta, _ = read_document()
    assert meta["series"] == "sceeus-guest-commentary"
    assert meta["number"] == 8
    assert meta["year"] == 2024
    assert meta["lang"] == "en"
    assert meta["title"] and len(meta["title"]) <= 70
    assert len(meta["authors"]) == 1
    assert "to be confirmed" in meta["authors"][0]["name"]


def test_chart_references_match_charts_yaml():
    _, body = read_document()
    referenced = CHART_REF.findall(body)
    charts = yaml.safe_load((DOC_DIR / "charts.yaml").read_text(encoding="utf-8"))
    assert len(referenced) == len(set(referenced)), "a chart is referenced twice"
    assert set(referenced) == set(charts)


def test_csv_has_header_row():
    charts = yaml.safe_load((DOC_DIR / "charts.yaml").read_text(encoding="utf-8"))
    path = DOC_DIR / charts["monthly-turnover"]["data"]
    assert path.name == "monthly-turnover.csv" and path.is_file()
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    assert len(header) >= 2 and all(h.strip() for h in header)
    assert not any(_is_number(h) for h in header[1:]), "the first row must name the series"
    assert data and all(len(row) == len(header) for row in data)
    assert all(_is_number(v) for row in data for v in row[1:])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
