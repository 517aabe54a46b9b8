"""Which link targets reach the outputs.

Only `http`, `https` and `mailto` addresses and `#` anchors inside the document reach the PDF
and the web page. A relative link (`notes.txt`, `/etc/passwd`, `//host/share`) would become a
`file:` address on the reader's machine, or the editor's disk in the PDF: it is an error, at
its line (body_checks), and never written (markdown's last guard).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from report.errors import quote


def problem(href: str) -> str | None:
    """Why a link target cannot be used, or None for an anchor or an http(s) or mailto address."""
    if href.startswith("#"):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return f"link {quote(href)} is not a valid address"
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.netloc:
        return None
    if scheme == "mailto" and parts.path:
        return None
    if scheme:
        return f"link {quote(href)}: only http, https and mailto links can be used"
    if href.startswith("//"):
        return f"link {quote(href)} has no scheme: write the whole address, https://…"
    return (f"link {quote(href)} points to a file; a file is not published with the document: "
            "link an https:// address, or write the name as text")
