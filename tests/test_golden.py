"""Golden page images: a layout change that moves a line fails here.

Every page of the Guest Commentary and page 1 of the Guest Commentary in each shipped series
are rasterised at 100 dpi (pypdfium2, pinned with WeasyPrint and the fonts in the repository)
and compared with the images in tests/golden/. A pixel counts as changed when its grey level
moves by more than NOISE (anti-aliasing stays below that); a page fails when more than
MAX_CHANGED pixels change — one moved word changes several hundred. On failure the new image
and a difference image are written to tests/golden/_failed/.

When a change is meant, refresh the goldens and look at them before committing:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds many PDFs, or drives a browser: the full suite runs it
from PIL import Image, ImageChops

from conftest import ROOT, SERIES_SHIPPED

GOLDEN = ROOT / "tests" / "golden"
FAILED = GOLDEN / "_failed"
DPI = 100
NOISE = 48
MAX_CHANGED = 40
SERIES = SERIES_SHIPPED
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def rasterise(pdf_path: Path, pages=None) -> list[Image.Image]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        wanted = range(len(pdf)) if pages is None else pages
        # Kept in colour (the README shows them); compared in grey levels.
        return [pdf[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in wanted]
    finally:
        pdf.close()


def compare(image: Image.Image, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE or not golden.exists():
        if not UPDATE:
            pytest.fail(f"no golden image {golden.relative_to(ROOT)}; run UPDATE_GOLDEN=1 pytest {__file__}")
        golden.parent.mkdir(parents=True, exist_ok=True)
        image.save(golden, optimize=True)
        return
    expected = Image.open(golden).convert("L")
    image = image.convert("L")
    if expected.size != image.size:
        changed = image.size[0] * image.size[1]
    else:
        diff = ImageChops.difference(expected, image)
        changed = sum(diff.point(lambda v: 255 if v > NOISE else 0).histogram()[255:])
    if changed > MAX_CHANGED:
        FAILED.mkdir(parents=True, exist_ok=True)
        stem = name.replace("/", "--").removesuffix(".png")
        image.save(FAILED / f"{stem}.new.png")
        if expected.size == image.size:
            ImageChops.invert(ImageChops.difference(expected, image)).save(FAILED / f"{stem}.diff.png")
        pytest.fail(f"{name}: {changed} pixels changed (new image and difference in {FAILED.relative_to(ROOT)})")


def test_every_page_of_the_guest_commentary(guest_pdf):
    pages = rasterise(guest_pdf)
    if not UPDATE:
        expected = sorted((GOLDEN / "guest-commentary").glob("page-*.png"))
        assert len(pages) == len(expected), f"{len(pages)} pages now, {len(expected)} in the goldens"
    for n, image in enumerate(pages, 1):
        compare(image, f"guest-commentary/page-{n}.png")


@pytest.mark.parametrize("series", SERIES)
def test_page_one_in_each_series(series, series_builds):
    (image,) = rasterise(series_builds[series].pdf, [0])
    compare(image, f"series/{series}-page-1.png")
