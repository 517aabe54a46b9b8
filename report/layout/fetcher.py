"""The only way WeasyPrint reaches a resource: files inside allowed folders, and nothing else.

WeasyPrint's default fetcher reads any local file and any URL, so content could pull
`/etc/passwd` into a PDF or call the network. This one serves generated resources (charts)
from memory, `file:` URLs whose real path (symlinks resolved) lies inside an allowed folder,
and small `data:` URLs; every other URL stops the build with an error naming it.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

# WeasyPrint's documented URL-fetcher API (since 68). This module is imported only for a layout,
# so after the command line checked the WeasyPrint version (internals.check_versions).
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from report.source import files, pictures


MAX_DATA_URL = 64 * 1024  # bytes; a few icons, not a smuggled file
MAX_FILE = 64_000_000  # bytes of one file: the largest font families are ~20 MB
LOGGER = logging.getLogger("weasyprint")


def show(url: str, limit: int = 160) -> str:
    """The URL for a message: whole when it is short, else its start and its end (the file name)."""
    return url if len(url) <= limit else url[: limit - 41] + "…" + url[-40:]


class RefusedURL(FatalURLFetchingError):
    """Raised to stop rendering: WeasyPrint only logs ordinary fetcher exceptions.

    WeasyPrint still swallows it in places (an SVG's `<image>` is fetched while drawing, inside
    `except BaseException`), so the refusal is also logged as a WeasyPrint warning: `pdf.py`
    turns every warning into a build error, and this one names the URL.
    """

    def __init__(self, url: str, reason: str):
        self.url, self.reason = url, reason
        super().__init__(f"refused to load '{show(url)}': {reason}")
        LOGGER.warning("%s", self)


class SafeFetcher(URLFetcher):
    def __init__(self, allowed: tuple[Path, ...], resources: dict | None = None):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.allowed = tuple(p.resolve() for p in allowed)
        self.resources = dict(resources or {})
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        if url in self.resources:
            body, mime = self.resources[url]
            self.served.append(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URL:
                raise RefusedURL(url, f"data: URLs over {MAX_DATA_URL // 1024} KB are not allowed")
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(url, "only files inside the document folder and the series can be used")
        path = Path(url2pathname(urlsplit(url).path))  # url2pathname unquotes
        real = path.resolve()
        root = next((root for root in self.allowed if real.is_relative_to(root)), None)
        if root is None:
            raise RefusedURL(url, "the file is outside the document folder and the series folders")
        # The same checks as for content: a regular file, size capped, pictures bounded in work.
        try:
            data = files.read(real, root, MAX_FILE)
            mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
            if mime.startswith("image/"):
                mime = pictures.KINDS[pictures.check(data, real.name)]
        except files.Refused as exc:
            reason = "no such file" if str(exc) == "file not found" else f"the file {exc}"
            raise RefusedURL(url, reason) from None
        self.served.append(url)
        return URLFetcherResponse(real.as_uri(), data, {"Content-Type": mime})
