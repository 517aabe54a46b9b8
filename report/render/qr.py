"""The online version's address as a vector QR code (segno), for the paper copy's reader."""

from __future__ import annotations

import io

# Lazy: segno (about 0.15 s), only for a document with a url.


def qr_svg(url: str, color: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    # Medium error correction survives a smudged print; no quiet-zone border: the CSS spaces it.
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", xmldecl=False, dark=color, light=None, border=0, scale=4,
        svgclass=None, lineclass=None)
    return buffer.getvalue()
