"""The citations formatted by Pandoc's citeproc: one `pandoc` process per document that cites.

Pandoc sees a small synthetic Markdown file that holds only the clusters and stand-ins for the
author's own footnotes, in document order, so that it numbers notes as the document does (a source
cited again gets the style's short form, "Ibid." where the style says so). The writer
`citations.lua` sends back JSON: each cluster's in-text HTML and note HTML, the reference list and
the cited entries as CSL JSON. Pandoc runs with --sandbox (it reads the files named on its command
line, nothing else, and fetches nothing), on copies of the checked library and style bytes, with a
time limit, a heap limit and a cap on what it may print. The result is kept in the cache by the
clusters, the library and style bytes, the language and Pandoc's version.

Why Pandoc (not citeproc-py): it gets note styles right (short forms, ibid., locator labels,
author-in-text), reads BibLaTeX, and links DOIs; measured in docs/guides/sources.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from markdown_it.token import Token

from report import cache as kept
from report import languages as i18n
from report.errors import BuildError, display_path, quote
from report.source import library as lib
from report.source.citations import Citations, Cluster, is_cross_reference

WRITER = Path(__file__).with_name("citations.lua")
READER = "markdown-raw_html-raw_tex-raw_attribute"
TIMEOUT = 120  # seconds: a 10,000-entry library formats in a few
MAX_OUTPUT = 20_000_000  # bytes of JSON: far beyond any document's notes
HEAP = "1500m"  # Pandoc's heap (+RTS -M): a runaway input stops here, not in the machine's memory
# A CSL locale per language: the builder's languages; Belarusian has none, so Russian's terms.
LOCALES = {"en": "en-US", "sv": "sv-SE", "uk": "uk-UA", "ru": "ru-RU", "be": "ru-RU", "pl": "pl-PL",
           "de": "de-DE", "fr": "fr-FR"}
# English locator labels authors write in any language; Pandoc reads labels in the document's
# language only, and a bare number is a page in every language.
ENGLISH_PAGE = re.compile(r"(,\s*)(?:pp?\.|pages?)\s*(?=\d)")
INSTALL = ("citations need Pandoc, which the pypandoc-binary package ships; install the project "
           "again (pip install -e .)")


@dataclass(frozen=True)
class Formatted:
    slots: list  # Pandoc's answer per slot (see citations.lua)
    bibliography: tuple[tuple[str, str], ...]  # (key, HTML), in the style's order
    csl: str  # CSL JSON of the cited entries


def pandoc_path() -> Path:
    """The pandoc program inside the pypandoc-binary package, found without importing pypandoc."""
    spec = importlib.util.find_spec("pypandoc")
    if spec is None or spec.origin is None:
        raise BuildError(INSTALL)
    path = Path(spec.origin).parent / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
    if not path.is_file():
        raise BuildError(INSTALL + " (pypandoc is installed but has no pandoc program)")
    return path


def _pandoc_version() -> str:
    """The pypandoc-binary version: the pandoc it ships (hashing the 155 MB program would cost more)."""
    return kept.installed_version("pypandoc-binary") or "unknown"


def csl_locale(lang: str) -> str:
    code = lang.replace("_", "-").split("-")[0].lower()
    if code == "be":
        return LOCALES["be"]
    return lang if "-" in lang else LOCALES.get(code, lang)


def source_text(cluster: Cluster, lang: str) -> str:
    """The cluster as Pandoc reads it: on one line, English page labels as bare numbers."""
    text = " ".join(cluster.source.split())
    if not lang.lower().startswith("en"):
        text = ENGLISH_PAGE.sub(r"\1", text)
    return text


def synthetic(citations: Citations, lang: str) -> str:
    paragraphs, definitions = [], []
    for k, slot in enumerate(citations.slots):
        if slot.cluster is not None:
            paragraphs.append(source_text(slot.cluster, lang))
        else:
            paragraphs.append(f"x[^n{k}]")
            inside = "\n\n    ".join(f"x {source_text(c, lang)} x" for c in slot.inside) or "x"
            definitions.append(f"[^n{k}]: {inside}")
    return "\n\n".join(paragraphs + definitions) + "\n"


def format_citations(citations: Citations, libraries, style, lang: str, bibliography: bool,
                     cache: Path | None) -> Formatted:
    """Pandoc's formatting of every cluster (kept in the cache). Raises BuildError if Pandoc fails."""
    text = synthetic(citations, lang)
    locale = csl_locale(lang)
    program = pandoc_path()
    key = kept.fingerprint("citations", [text, locale, bibliography, style.name, _pandoc_version(),
                                         [hashlib.sha256(lib.data).hexdigest() for lib in libraries],
                                         hashlib.sha256(style.data).hexdigest()]) if cache else None
    stored = kept.read(cache / "citations" / key) if key else None
    if stored is None:
        stored = _run(program, text, libraries, style, locale, bibliography)
        if key:
            kept.write(cache / "citations" / key, stored)
    answer = json.loads(stored)
    slots = answer.get("slots", [])
    if len(slots) != len(citations.slots) or any(
            len(got.get("cites", [])) != len(slot.inside) for got, slot in zip(slots, citations.slots)
            if slot.cluster is None):
        raise BuildError("Pandoc read the citations differently than they were written; "
                         "check the brackets around each citation")
    return Formatted(slots, tuple((b["key"], clean(b["html"])) for b in answer.get("bibliography", [])),
                     answer.get("csl", "[]"))


def format_entry(item: dict, style, lang: str, cache: Path | None) -> str:
    """One CSL JSON entry as the style's reference list prints it (HTML, cleaned), in `lang`:
    the "Cite as" of a document. One Pandoc run, kept in the cache like the citations."""
    data = json.dumps([item], ensure_ascii=False, sort_keys=True)
    locale = csl_locale(lang)
    text = f"---\nnocite: '[@{item['id']}]'\n---\n"
    key = kept.fingerprint("cite-as", [data, locale, style.name, _pandoc_version(),
                                       hashlib.sha256(style.data).hexdigest()]) if cache else None
    stored = kept.read(cache / "citations" / key) if key else None
    if stored is None:
        stored = _run(pandoc_path(), text, [_Entries(data.encode("utf-8"))], style, locale, True)
        if key:
            kept.write(cache / "citations" / key, stored)
    entries = json.loads(stored).get("bibliography", [])
    return clean(entries[0]["html"]) if entries else ""


@dataclass(frozen=True)
class _Entries:
    """CSL JSON made here (not a user's file) in the shape `_run` reads a library in."""

    data: bytes
    kind: str = "json"


def _run(program: Path, text: str, libraries, style, locale: str, bibliography: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="report-cite-") as tmp:
        folder = Path(tmp)
        names = []
        for i, library in enumerate(libraries):  # the checked bytes, never the file again
            name = f"library{i}.{library.kind}"
            (folder / name).write_bytes(library.data)
            names.append(name)
        (folder / "style.csl").write_bytes(style.data)
        (folder / "input.md").write_text(text, encoding="utf-8")
        args = [str(program), "+RTS", f"-M{HEAP}", "-RTS", "--sandbox", "--citeproc", "--csl=style.csl",
                *(f"--bibliography={n}" for n in names), "-f", READER, "-t", str(WRITER),
                "-M", f"lang={locale}", "-o", "output.json", "input.md"]
        if not bibliography:
            args += ["-M", "suppress-bibliography=true"]
        try:
            done = subprocess.run(args, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=TIMEOUT, env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
        except subprocess.TimeoutExpired:
            raise BuildError(f"formatting the citations took more than {TIMEOUT} s; is the library "
                             "very large?") from None
        except OSError as exc:
            raise BuildError(f"{INSTALL} ({exc.strerror or exc})") from None
        output = folder / "output.json"
        if done.returncode != 0 or not output.is_file():
            raise PandocFailed(done.stderr.decode("utf-8", "replace"))
        if output.stat().st_size > MAX_OUTPUT:
            raise BuildError(f"the formatted citations are more than {MAX_OUTPUT:,} bytes")
        return output.read_bytes()


class PandocFailed(BuildError):
    """Pandoc refused the library or the style: which file (`style`, a library's index or None),
    the line it names, and its message in words about the user's files."""

    def __init__(self, stderr: str):
        lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("[WARNING]")]
        text = " ".join(lines) or "Pandoc stopped without a message"
        library = re.search(r"library(\d+)\.\w+", text)
        style = "style.csl" in text or "Citeproc" in text or "CSL" in text  # CiteprocXMLError: no file named
        self.file = "style" if style else int(library[1]) if library else None
        at = re.search(r"line (\d+)", text)
        self.line = int(at[1]) if at else None
        text = re.sub(r"library\d+\.\w+", "the library", text.replace("style.csl", "the style"))
        self.message = text.replace("input.md", "the citations")[:300]
        super().__init__(self.message)


# -- HTML -----------------------------------------------------------------------------------

ALLOWED = {"em", "i", "strong", "b", "sup", "sub", "span", "a"}
BLOCKS = {"div", "p"}  # a numeric style's columns: kept as spans, notes are lines of text


class _Clean(HTMLParser):
    """Pandoc's HTML through an allow-list: emphasis, small capitals, super- and subscript, and
    links to http(s) addresses only (marked `address` when the text is the address, as in the body)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str | None] = []
        self.link: tuple[int, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS:
            tag = "span"
        if tag not in ALLOWED:
            self.stack.append(None)
            return
        if tag == "a":
            href = attrs.get("href") or ""
            if not re.match(r"https?://[^\s\"<>]+$", href, re.I) or self.link is not None:
                self.stack.append(None)
                return
            self.link = (len(self.out), href)
            self.out.append(f'<a href="{escape(href)}">')
        else:
            classes = " ".join(c for c in (attrs.get("class") or "").split()
                               if c == "smallcaps" or c.startswith("csl-"))
            self.out.append(f'<{tag} class="{escape(classes)}">' if classes else f"<{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack:
            return
        opened = self.stack.pop()
        if opened is None:
            return
        if opened == "a" and self.link is not None:
            at, href = self.link
            shown = "".join(self.out[at + 1:])
            if shown.rstrip("/") in (escape(href).rstrip("/"), escape(href.split("://", 1)[-1]).rstrip("/")):
                self.out[at] = f'<a href="{escape(href)}" class="address">'
            self.link = None
        self.out.append(f"</{opened}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.stack:
            self.handle_endtag("")
        return "".join(self.out).strip()


def clean(html: str) -> str:
    parser = _Clean()
    parser.feed(html)
    parser.close()
    return parser.result()


# -- into the document -------------------------------------------------------------------------

def apply(citations: Citations, formatted: Formatted) -> None:
    """The formatted text into the tokens: in the text, in each cluster's note, in the author's notes."""
    for slot, got in zip(citations.slots, formatted.slots):
        if slot.cluster is not None:
            slot.cluster.token.meta["html"] = clean(got.get("text") or "")
            if slot.cluster.note is not None:
                slot.cluster.note.meta["html"] = clean(got.get("note") or "")
        else:
            for cluster, cite in zip(slot.inside, got.get("cites", [])):
                cluster.token.meta["html"] = clean(cite.get("text") or "")


# A hanging indent, as reference lists are set; inline, so that no series' stylesheet (and no
# document without citations) changes. A series may restyle `.reference` with !important.
HANGING = "padding-left: 1.5em; text-indent: -1.5em"


def reference_list(formatted: Formatted) -> str:
    items = "".join(f'<p class="reference" id="ref-{escape(key)}" style="{HANGING}">{html}</p>\n'
                    for key, html in formatted.bibliography)
    return f'<div class="references">\n{items}</div>\n' if items else ""


# -- the whole step, for the pipeline --------------------------------------------------------------

@dataclass(frozen=True)
class Cited:
    """A document's citations, formatted: what the outputs need besides the tokens."""

    formatted: Formatted
    unused: tuple[str, ...]  # `path:line: note: …` of each library entry never cited (for --check)
    warnings: tuple[str, ...]  # `path:line: warning: …` of cited entries a style cannot format well


def cite(raw, doc, series, env: dict, problems, cache: Path | None, first_line: int) -> Cited | None:
    """Check every citation of the body against the library and format them all; None when the
    body cites nothing (nothing is read, no Pandoc) or a problem was found (added to `problems`)."""
    found = env.get("citations")
    if found is None or not found.clusters:
        return None
    before = len(problems)
    front_pos = raw.front.value_pos.get("references") if doc is not None else None
    style = lib.style(series, problems)
    files = lib.files_of(raw.folder, getattr(doc, "references", None), series, problems, front_pos)
    libraries = [f for f in (lib.read(path, root, where, problems, cache) for path, root, where in files)
                 if f is not None]
    if not files and len(problems) == before:
        problems.add(raw.path, "the text cites sources but there is no library: put references.bib (or "
                     "references.json, references.yaml) in the document folder", first_line + found.clusters[0].line)
    if len(problems) > before:
        return None
    entries = {}
    for library in libraries:  # the document's own, listed last, wins
        entries.update({entry.key: (library, entry) for entry in library.entries})
    lines = raw.body.split("\n")
    cited: dict[str, None] = {}
    for cluster in found.clusters:
        line = first_line + cluster.line
        text = lines[cluster.line] if cluster.line < len(lines) else ""
        at = text.find(cluster.source.split("\n")[0])
        for item in cluster.items:
            key_at = text.find(f"@{item.key}", at) if at >= 0 else -1
            column = key_at + 1 if key_at >= 0 else (at + 1 if at >= 0 else None)
            if item.key in entries:
                cited[item.key] = None
            elif is_cross_reference(item.key):
                problems.add(raw.path, f"'@{item.key}' is a cross-reference, not a source: write it outside "
                             "the citation's brackets", line, column)
            else:
                problems.add(raw.path, f"no entry {quote(item.key)} in the library"
                             f"{lib.did_you_mean(item.key, entries)}", line, column, "citation")
    if len(problems) > before:
        return None
    warnings = []
    for key in cited:
        library, entry = entries[key]
        missing = [name for name, has in (("title", entry.has_title), ("year or date", entry.has_date)) if not has]
        if missing:
            warnings.append(f"{display_path(library.path)}:{entry.line}: warning: entry {quote(key)} has no "
                            f"{' and no '.join(missing)}; the {style.name} style prints it without")
    desk = {path for path, _, where in files if where == "the series folder"}  # shared: its unused are many
    unused = tuple(f"{display_path(library.path)}:{entry.line}: note: entry {quote(key)} is never cited"
                   for key, (library, entry) in entries.items() if key not in cited and library.path not in desk)
    if problems:  # reported: nothing is formatted for a document that cannot build
        return None
    try:
        formatted = format_citations(found, libraries, style, doc.lang, bool(series.bibliography), cache)
    except PandocFailed as exc:
        where = (style.path if exc.file == "style" else libraries[exc.file].path
                 if isinstance(exc.file, int) and exc.file < len(libraries) else raw.path)
        problems.add(where, f"Pandoc cannot use this file: {exc.message}", exc.line if where != raw.path else None)
        return None
    for cluster in misread(found, formatted):  # a guard: our rule and Pandoc's reader must agree
        problems.add(raw.path, f"Pandoc does not read {quote(cluster.source)} as the citation of "
                     f"{', '.join(cluster.keys)}; check its brackets, semicolons and keys",
                     first_line + cluster.line)
    if problems:
        return None
    apply(found, formatted)
    return Cited(formatted, unused, tuple(warnings))


def misread(citations: Citations, formatted: Formatted) -> list[Cluster]:
    """The clusters whose keys Pandoc read otherwise (they would print wrong or not at all)."""
    pairs = []
    for slot, got in zip(citations.slots, formatted.slots):
        if slot.cluster is not None:
            pairs.append((slot.cluster, got))
        else:
            pairs += list(zip(slot.inside, got.get("cites", [])))
    return [cluster for cluster, got in pairs if list(got.get("keys") or []) != list(cluster.keys)]



def reference_list_into(tokens: list, cited: Cited, series, lang: str) -> None:
    """The reference list (`bibliography: true`) at the end of the body: a heading in the
    document's language (in the contents and bookmarks like any section), then the entries."""
    if not series.bibliography or not cited.formatted.bibliography:
        return
    label = i18n.labels_for(series, lang).get("references")
    heading = [Token("heading_open", "h2", 1), Token("inline", "", 0), Token("heading_close", "h2", -1)]
    heading[1].content = label
    heading[1].children = [Token("text", "", 0, content=label)]
    block = Token("html_block", "", 0)
    block.content = reference_list(cited.formatted)
    at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    tokens[at:at] = heading + [block]
