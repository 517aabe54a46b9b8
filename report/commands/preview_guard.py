"""What the preview server answers: loopback names only, and only the preview's own files.

A page on any web site can make the browser ask `http://attacker.example:8000/` after pointing
that name at 127.0.0.1 (DNS rebinding); the `Host` header still says `attacker.example`, so a
request is answered only when it names the loopback address or `localhost`. And
the server shows the preview, not the output folder: the web pages from memory and the PDF of
each previewed document, nothing else of `out/`, no listing. And it stays up whatever the
clients do: the numbers below bound its threads and the time a slow or idle client holds one.
"""

from __future__ import annotations

import re
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# However many clients come: this many handler threads, and connections waiting for one (more
# are closed at once); open event streams, each holding a handler (more get 503).
WORKERS = 32
MAX_WAITING = 256
MAX_STREAMS = 16
SOCKET_SECONDS = 10  # each read or write of a connection
REQUEST_SECONDS = 10  # the whole request, however slowly it trickles in
ANSWER_SECONDS = 60  # the whole answer taken (an event stream aside)
LOGGED_ERRORS = {400, 408, 414, 431, 501}  # a malformed request: one line on the terminal
STEM_PDF = re.compile(r"^/([^/\\]+?)(\.print)?\.pdf$")


def host_allowed(host: str | None, port: int) -> bool:
    """A loopback name, with or without a port: what a rebinding page cannot send (its own name)."""
    if not host:
        return False
    host = host.strip().lower()
    name, _, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name or not given.isdigit():
        name = host
    return name in LOOPBACK_NAMES


def pdf_file(path: str, out_dir: Path, stems) -> Path | None:
    """The PDF `path` asks for, when it is that of a previewed document and a file in `out_dir`."""
    match = STEM_PDF.match(path)
    if not match or match[1] not in stems:
        return None
    file = Path(out_dir) / (match[1] + (match[2] or "") + ".pdf")
    return file if file.is_file() and not file.is_symlink() else None
