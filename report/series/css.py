"""A series' stylesheets under the fetcher's rules in every output, the web page included.

In a PDF every `url()` of a stylesheet goes through `SafeFetcher`. The web page carries the
stylesheets' text to the browser, which would fetch whatever they name: so here each
address (`url()`, `src()`, a string in `image-set()` and its kin) must name a file of the
series' folders (inlined as a `data:` URL, checked like any picture or font) or be a small
`data:` URL; `@import` is refused (a series cascades through `extends`, not imports). The text
is read by tinycss2, WeasyPrint's own parser, which undoes escapes (`\\75rl(` is `url(`,
`@\\69mport` is `@import`), and checked token by token; the page gets the parser's writing of
it, so what a browser reads is what was checked. `check()` runs the same rules for `--check`.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from report import cache as kept
from report.source import files, pictures
from report.source.css_addresses import addresses, parse
from report.errors import ContentError, Problems, quote
from report.series import resolve

MAX_CSS_BYTES = files.MAX_CSS_BYTES
MAX_DATA_URL = 64 * 1024
def _problems(path: Path, rules: list, folders: tuple[Path, ...]) -> list[tuple[int, str]]:
    return _problems_of(path, [(target, line, message) for _, target, line, message in addresses(rules)], folders)


def _problems_of(path: Path, found, folders: tuple[Path, ...]) -> list[tuple[int, str]]:
    """The problems of a stylesheet's addresses, (address, line, message) as `addresses` gives them."""
    problems = []
    for target, line, message in found:
        problem = message or _url_problem(path, target, folders)
        if problem:
            problems.append((line, problem))
    return problems


# A stylesheet's addresses, by its text: parsing it (tinycss2, token by token) is most of a
# check, and the text rarely changes between builds. Kept in this process (every --watch
# rebuild) and, as data, in the cache folder (each new process).
_kept_addresses: dict = kept.remember({})


def _addresses(text: str, cache: Path | None) -> tuple:
    """(address, line, message) for each address of a stylesheet's text (`addresses`)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest in _kept_addresses:
        return _kept_addresses[digest]
    stored = cache / f"{kept.fingerprint('css-addresses', [digest])[:24]}.json" if cache is not None else None
    found = kept.read_json(stored)
    if not (isinstance(found, list) and all(_entry(e) for e in found)):
        found = [(target, line, message) for _, target, line, message in addresses(parse(text))]
        if stored is not None:
            kept.write_json(stored, found)
    _kept_addresses[digest] = tuple(tuple(e) for e in found)
    return _kept_addresses[digest]


def _entry(entry) -> bool:
    """A kept (address, line, message) as `addresses` makes it."""
    return (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], (str, type(None)))
            and isinstance(entry[1], (int, type(None))) and isinstance(entry[2], (str, type(None))))


def _url_problem(path: Path, target: str, folders: tuple[Path, ...]) -> str | None:
    target = target.strip()
    if target.startswith("#"):
        return None
    scheme = urlsplit(target).scheme.lower() if ":" in target else ""
    if scheme == "data":
        return None if len(target) <= MAX_DATA_URL else f"url({quote(target)}): data: URLs over 64 KB are not allowed"
    if scheme or target.startswith(("/", "\\")):
        return (f"url({quote(target)}): only files of the series can be used; nothing is loaded from "
                "another host or from elsewhere on the disk")
    return _file_problem(path, target, folders)


def _file_problem(path: Path, target: str, folders) -> str | None:
    file = path.parent / unquote(urlsplit(target).path)
    root = next((f for f in folders if file.resolve().is_relative_to(f.resolve())), None)
    if root is None:
        return f"url({quote(target)}) is outside the series folders"
    try:
        _data(file, root)
    except files.Refused as exc:
        return f"url({quote(target)}): the file {exc}"
    return None


def _data(file: Path, root: Path) -> tuple[bytes, str]:
    data = files.read(file, root, resolve.MAX_FONT_BYTES, "the series folders")
    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if mime.startswith("image/"):
        mime = pictures.KINDS[pictures.check(data, file.name)]
    return data, mime


def check(stylesheets: tuple[Path, ...], folders: tuple[Path, ...], problems: Problems,
          cache: Path | None = None) -> None:
    """Every stylesheet's addresses (`url()`, `image-set()`, `@import`, …), read token by token
    after the parser has undone escapes, each problem at its line. `cache`: a folder where the
    addresses of each stylesheet's text are kept."""
    for path in stylesheets:
        text = files.read_text(path, problems, _root(path, folders), MAX_CSS_BYTES, "the series folders")
        if text is not None:
            for line, message in _problems_of(path, _addresses(text, cache), folders):
                problems.add(path, message, line)


def _root(path: Path, folders) -> Path:
    return next((f for f in folders if path.resolve().is_relative_to(f.resolve())), path.parent)


def inline(path: Path, folders: tuple[Path, ...]) -> str:
    """A stylesheet for the web page as the parser writes it back (never the text as read, whose
    escapes a browser would undo), each file it names inlined as a `data:` URL. Raises
    `ContentError` at the first address the rules refuse."""
    import tinycss2
    from tinycss2.serializer import serialize_string_value

    problems = Problems()
    text = files.read_text(path, problems, _root(path, folders), MAX_CSS_BYTES, "the series folders")
    if text is None:
        raise problems[0]
    rules = parse(text)
    for line, message in _problems(path, rules, folders):
        raise ContentError(str(path), message, line)
    for node, target, _, _ in addresses(rules):
        target = target.strip()
        if target.startswith("#") or target.lower().startswith("data:"):
            continue
        file = path.parent / unquote(urlsplit(target).path)
        data, mime = _data(file, _root(file, folders))
        node.value = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        # the parser writes a token from its representation (made from the value when read)
        quoted = f'"{serialize_string_value(node.value)}"'
        node.representation = f"url({quoted})" if node.type == "url" else quoted
    return tinycss2.serialize(rules)
