"""`--import FILE.docx --into FOLDER` where FOLDER holds a document already: what changes, first.

The Word file (typically the folder's own Word proof, edited by its author) is imported as
usual, then compared with the folder's document.md as it prints (`source.proof_diff`). Nothing
is written unless `--force` is given. With it, the folder keeps what a Word file cannot carry:
its front matter's other keys (series, number, affiliations, bios …, and its comments when no
key changed), its charts, data, pictures and library; the figures the proof showed point at
their charts and pictures again; the text becomes the Word file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from report import pipeline
from report.errors import ContentErrors, Problems
from report.source import document as content
from report.source import markdown, proof_diff

PICTURE = re.compile(r"!\[([^\]\n]*)\]\((images/[^)\s]+)\)")
FENCE = re.compile(r"^---\s*$", re.M)


@dataclass(frozen=True)
class Comparison:
    changes: tuple[str, ...]  # `document.md:14: changed: "…" → "…"`, in the order of the file
    document: str  # document.md as --force writes it
    dropped_images: frozenset[str]  # the import's pictures of figures the folder has already


def _split(text: str) -> tuple[dict, str]:
    """An imported document.md's front matter (loaded) and body."""
    _, front, body = FENCE.split(text, maxsplit=2)
    return yaml.safe_load(front) or {}, body.lstrip("\n")


def _old(folder: Path, style_roots: tuple[Path, ...]):
    """The folder's document prepared as a build would (citations formatted, cross-references
    numbered); where it does not pass its checks, its text as written."""
    try:
        prepared = pipeline.prepare(folder, pipeline.Options(style_roots=style_roots))
        return prepared.doc, prepared.tokens, prepared.env.get("crossrefs"), prepared.refs
    except ContentErrors:
        problems = Problems()
        raw = content.read(folder, problems)
        if raw is None:
            return None
        lang = raw.front.get("lang", "en") if isinstance(raw.front.get("lang"), str) else "en"
        tokens, _env = markdown.parse(raw.body, lang)
        return None, tokens, None, tuple(markdown.references(tokens, raw.body_line))


def compare(imported_text: str, folder: Path, style_roots: tuple[Path, ...] = ()) -> Comparison | None:
    """The changes the imported document.md makes to the folder's; None when the folder has none."""
    problems = Problems()
    raw = content.read(folder, problems)
    old = _old(folder, style_roots) if raw is not None else None
    if old is None:
        return None
    doc, tokens, refs, figures = old
    front, body = _split(imported_text)
    path = str(raw.path)
    lang = doc.lang if doc is not None else "en"
    new_tokens, _env = markdown.parse(body, lang)
    changes = proof_diff.front_changes(path, raw.front, doc, front, refs) if doc is not None else []
    end_line = raw.body_line + len(raw.body.rstrip("\n").split("\n"))
    changes += proof_diff.body_changes(path, proof_diff.blocks(tokens, raw.body_line, refs, lang),
                                       proof_diff.blocks(new_tokens, 1, None, lang), end_line)
    body, dropped = _figures_back(body, [r.target for r in figures])
    merged = _front(raw, front, bool(changes and any(c.field for c in changes)))
    return Comparison(tuple(str(c) for c in sorted(changes, key=lambda c: c.line or 0)),
                      merged + "\n" + body, frozenset(dropped))


def _figures_back(body: str, targets: list[str]) -> tuple[str, list[str]]:
    """The proof's pictures pointed back at the folder's charts and pictures, figure by figure,
    when the Word file shows as many figures as the folder has."""
    targets = list(dict.fromkeys(targets))
    found = PICTURE.findall(body)
    if len(found) != len(targets):
        return body, []
    it = iter(targets)
    return PICTURE.sub(lambda m: f"![{m[1]}]({next(it)})", body), [Path(src).name for _, src in found]


def _front(raw, new: dict, changed: bool) -> str:
    """The folder's front matter: as it was (comments and all) when the Word file changes none
    of its keys, else with the changed keys the Word file gives and every other key kept."""
    lines = raw.path.read_text(encoding="utf-8").split("\n")
    if not changed:
        return "\n".join(lines[:raw.body_line - 1])
    front = yaml.safe_load("\n".join(lines[1:raw.body_line - 2])) or {}
    for key in ("title", "subtitle", "summary", "recommendations"):
        if new.get(key) is not None and not content.is_placeholder(new[key]):
            front[key] = new[key]
    names = [a.get("name") for a in new.get("authors") or [] if isinstance(a, dict)]
    if names and not any(content.is_placeholder(n) for n in names):
        old = front.get("authors") or []
        front["authors"] = [{**(old[i] if i < len(old) else {}), "name": name} for i, name in enumerate(names)]
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return "---\n" + dumped + "---"


def with_comparison(folder, comparison: Comparison):
    """The import's folder as --force writes it into an existing document folder."""
    images = tuple((n, d) for n, d in folder.images if n not in comparison.dropped_images)
    return replace(folder, document=comparison.document, images=images, charts_yaml=None, references_json=None)
