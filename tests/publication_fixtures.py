"""Document folders with the publication fields, and a series with an ISSN and a Crossref
depositor, for the tests of citation, discovery and registration files."""

from __future__ import annotations

from pathlib import Path

from conftest import run, write_doc

SERIES = """\
extends: sceeus-guest-commentary
issn: 2004-7835
license: CC-BY-4.0
crossref:
  depositor_name: SCEEUS desk
  depositor_email: desk@example.org
  registrant: Swedish Institute of International Affairs
"""

FRONT = """
series: cited-series
number: 8
year: 2024
date: 2024-03-01
title: Ukraine and Belarus after the Election
authors:
  - name: Jane Doe
    affiliation: Stockholm University
  - name: Олег Петренко
doi: 10.5555/sceeus-gc-2024-08
url: https://sceeus.se/en/publications/ukraine-and-belarus/
keywords: [Belarus, Ukraine]
summary: |
  Belarus and Ukraine drifted apart.

  A second paragraph.
editions:
  - lang: sv
    url: https://sceeus.se/sv/publikationer/ukraina-och-belarus/
"""


def project(tmp_path: Path, front: str = FRONT, series: str = SERIES) -> Path:
    """tmp_path/doc with the series `cited-series` in tmp_path/styles."""
    folder = tmp_path / "styles" / "cited-series"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "series.yaml").write_text(series, encoding="utf-8")
    return write_doc(tmp_path / "doc", front)


def build(tmp_path: Path, fmt: str, *more: str):
    return run("doc", "--styles", "styles", "-o", "out", "--format", fmt, *more, cwd=tmp_path)
