"""The cache folder: what a build keeps to go faster next time, never a reason for other bytes.

Every key is made by `fingerprint` from everything the kept value depends on: the values the
caller names (a chart's data and style, a document's HTML), the bytes of the files it names
(fonts, stylesheets, pictures: by content, not by name or date), the code of the whole `report`
package, the versions of the libraries that draw and lay out, and for a language the locale
data Babel formats it with. The code is hashed as a package, not as a list of files, so a
module that moves or is added cannot be forgotten: any change to the builder starts every
cache afresh, which costs one cold build and can never give stale bytes.

Entries are read and written by `read` and `write` only (a variable font's metrics copies,
which matplotlib opens itself, carry their digest in their name: render/charts.py). Each entry
carries a keyed digest (HMAC-SHA256) of its payload, checked when it is read. The key is a
secret of this user's, kept outside the cache folder (`secret`): so a truncated, damaged or
foreign entry — one written by anyone who could write into the folder but does not hold the
key, such as a shared or restored CI cache — is dropped and made again, and what the build
writes never depends on what the folder holds. A folder that cannot be read or written costs
speed only: one notice (`probe`, before any process forks), then the build.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import tempfile
from importlib import resources
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from report.errors import display_path

PACKAGE = Path(__file__).resolve().parent
# Libraries whose version changes what a cached value holds (layout, drawing, numbers, hyphens).
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "pyphen", "matplotlib",
             "babel", "jinja2", "markdown-it-py", "mdit-py-plugins", "segno", "pillow", "cffi")
MAGIC = b"report-cache 2 "
KEY_ENV = "REPORT_CACHE_KEY"  # a CI job that keeps its cache between runs keeps the key in a secret too


def folder() -> Path:
    """`REPORT_CACHE_DIR`, else the user's cache folder (XDG)."""
    if os.environ.get("REPORT_CACHE_DIR"):
        return Path(os.environ["REPORT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "report-builder"


_code: str | None = None
_versions: str | None = None
_files: dict[tuple, str] = {}


def code_digest() -> str:
    """The digest of every file of the `report` package (its code, catalogues, font configuration)."""
    global _code
    if _code is None:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0".encode())
                digest.update(path.read_bytes())
        _code = digest.hexdigest()
    return _code


def library_versions() -> str:
    """The installed versions of `LIBRARIES`, read once per process from their metadata."""
    global _versions
    if _versions is None:
        found = [f"{name}={installed_version(name) or 'none'}" for name in LIBRARIES]
        _versions = ";".join(found + [f"python={sys.version_info[0]}.{sys.version_info[1]}"])
    return _versions


_VERSION = re.compile(r"^Version:[ \t]*(\S[^\r\n]*?)[ \t]*\r?$", re.M)


def installed_version(name: str) -> str | None:
    """An installed distribution's version (`importlib.metadata.version`), None when it is not
    installed. Its METADATA's `Version:` line is read as it stands: `Distribution.version` parses
    the whole file as an e-mail message (about 2 ms a library, 30 ms for `LIBRARIES`)."""
    try:
        dist = distribution(name)
    except PackageNotFoundError:
        return None
    found = _VERSION.search(dist.read_text("METADATA") or "")
    return found[1] if found else dist.version


def file_digest(path: Path) -> str:
    """The digest of a file's bytes. Remembered while the file is unchanged on disk: a file
    replaced in place (a new font during --watch) has another size, date or inode, and is read again."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
    if key not in _files:
        _files[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _files[key]


def language_data(lang: str) -> str:
    """The digest of the Babel locale data a language is formatted with (and its parents')."""
    data = resources.files("babel") / "locale-data"
    names, tag = [], (lang or "en").replace("-", "_")
    while tag:
        names.append(tag)
        tag = tag.rpartition("_")[0]
    names.append("root")
    parts = []
    for name in names:
        path = Path(str(data / f"{name}.dat"))
        if path.is_file():
            parts.append(f"{name}:{file_digest(path)}")
    return ";".join(parts)


def fingerprint(kind: str, values=(), *, files=(), languages=()) -> str:
    """The key of a cached value of `kind`: made from `values` (anything JSON can write, in a
    stable order), the content of `files`, the Babel data of `languages`, the package's code
    and the library versions."""
    digest = hashlib.sha256()
    digest.update(json.dumps([kind, values], sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    for path in files:
        digest.update(f"\0file\0{file_digest(path)}".encode())
    for lang in languages:
        digest.update(f"\0lang\0{lang}\0{language_data(lang)}".encode())
    digest.update(f"\0code\0{code_digest()}\0libraries\0{library_versions()}".encode())
    return digest.hexdigest()


_told = False


def _notice(what: str, where: Path, exc: OSError) -> None:
    """Once a process: the cache folder could not be used, so the build goes on without it."""
    global _told
    if not _told:
        _told = True
        print(f"notice: cannot {what} the cache folder {display_path(where)} ({exc.strerror or exc}); "
              "building without it", file=sys.stderr)


def probe(where: Path) -> bool:
    """Whether a file can be kept in the cache folder `where`; if not, the notice, said now.

    Called once before a build starts its helpers and workers: a forked process inherits that
    the notice was given, so a folder that cannot be used is named once, not once a process.
    """
    try:
        if Path(where).exists() and not Path(where).is_dir():  # mkdir would say "File exists"
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(where))
        Path(where).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        _notice("write to", where, exc)
        return False
    return True


_key: bytes | None = None


def secret() -> bytes:
    """The key entries are signed with: `REPORT_CACHE_KEY`, else a random key made once and
    kept in the user's configuration folder, readable by this user only. Where that cannot be
    kept, a key for this process alone: its entries are then dropped by the next one (speed only)."""
    global _key
    if _key is None:
        if os.environ.get(KEY_ENV):
            _key = hashlib.sha256(os.environ[KEY_ENV].encode("utf-8")).digest()
            return _key
        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "report-builder"
        path = config / "cache-key"
        try:
            _key = bytes.fromhex(path.read_text(encoding="ascii").strip())
            if len(_key) < 32:
                raise ValueError("too short")
        except (OSError, ValueError):
            _key = secrets.token_bytes(32)
            try:
                config.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=config, prefix=".tmp-key-")  # made 0600
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(_key.hex())
                os.replace(tmp, path)
            except OSError:
                pass
    return _key


def _signature(payload: bytes) -> bytes:
    return hmac.new(secret(), payload, hashlib.sha256).hexdigest().encode("ascii")


def read(path: Path) -> bytes | None:
    """A kept entry's payload, or None: absent, unreadable, or not what was written (dropped)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if not isinstance(exc, (NotADirectoryError, IsADirectoryError)):
            _notice("read", path.parent, exc)
        return None
    head, _, payload = data.partition(b"\n")
    if head.startswith(MAGIC) and hmac.compare_digest(head[len(MAGIC):], _signature(payload)):
        return payload
    try:
        path.unlink()  # damaged or foreign: made again by this build
    except OSError:
        pass
    return None


def write(path: Path, payload: bytes) -> None:
    """Keep `payload` at `path`, atomically; a folder that cannot be written costs speed only."""
    path = Path(path)
    data = MAGIC + _signature(payload) + b"\n" + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError as exc:
        _notice("write to", path.parent, exc)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not isinstance(exc, OSError):
            raise
        _notice("write to", path.parent, exc)


def read_json(path: Path | None):
    """A kept JSON value, or None: absent, damaged or not JSON (the caller checks its shape)."""
    if path is None:
        return None
    try:
        return json.loads(read(path) or b"null")
    except ValueError:
        return None


def write_json(path: Path, value, sort_keys: bool = False) -> None:
    """Keep `value` as JSON at `path` (`write`)."""
    write(path, json.dumps(value, ensure_ascii=False, sort_keys=sort_keys).encode("utf-8"))


# -- what a process remembers ------------------------------------------------------------------

_clears: list = []  # the clear() of every in-process memo and module dict registered below


def memo(maxsize: int | None = 128):
    """`functools.lru_cache`, registered so that `forget()` clears it with every other memo.

    For what depends on files or the environment (catalogues, fonts, templates, libraries)."""
    def wrap(fn):
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _clears.append(cached.cache_clear)
        return cached
    return wrap


def remember(store):
    """Register a module-level dict (or set) for `forget()`; returns it."""
    _clears.append(store.clear)
    return store


def forget() -> None:
    """Forget everything this process remembered (file digests, code and versions, every memo
    and dict registered by `memo` and `remember`): what a new process knows is the cache folder."""
    global _code, _versions, _told, _key
    _code = _versions = _key = None
    _told = False
    _files.clear()
    for clear in _clears:
        clear()
