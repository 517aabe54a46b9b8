"""What a series' templates and stylesheets refer to, checked before anything is built.

- every template the main template extends, includes or imports is on the series' template
  path (else `file:line: includes 'x', not found in …`), so a missing one is the series
  author's error, never a crash while rendering;
- every `url(…)` of a series stylesheet names a file that exists in the series folders;
- a stylesheet's plain `@page` rule does not set the margins or the size: those are series.yaml
  keys (`margins`, `page_size`), from which the masthead band is placed (report/series/geometry.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

from report.errors import Problems, display_path, quote
from report.source import files as contentfile

# `{% include "x" %}`, `{% extends 'x' %}`, `{% import "x" as y %}`, `{% from "x" import y %}`
REFERENCE = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")
BASE_PREFIX = "base/"
# Variables made from series.yaml (report/series/geometry.py): a stylesheet that set one would move
# the text without moving the band or the charts, so each is refused with the key to set.
GEOMETRY_VARS = {"--rail": "rail", "--margin-top": "margins", "--margin-right": "margins",
                 "--margin-bottom": "margins", "--margin-left": "margins", "--page-width": "page_size",
                 "--page-height": "page_size", "--column": "margins and rail"}


def check(template_dirs: tuple[Path, ...], main: str, stylesheets: tuple[Path, ...], problems: Problems) -> None:
    _templates(template_dirs, main, problems)
    for sheet in stylesheets:
        _stylesheet(sheet, problems)


def find_template(template_dirs: tuple[Path, ...], name: str) -> Path | None:
    if name.startswith(BASE_PREFIX):
        candidate = template_dirs[-1] / name[len(BASE_PREFIX):]
        return candidate if candidate.is_file() else None
    return next((d / name for d in template_dirs if (d / name).is_file()), None)


def _templates(template_dirs: tuple[Path, ...], main: str, problems: Problems) -> None:
    seen: set[Path] = set()
    waiting = [find_template(template_dirs, main)]
    searched = ", ".join(display_path(d) for d in template_dirs)
    while waiting:
        path = waiting.pop()
        if path is None or path in seen:
            continue
        seen.add(path)
        folder = next((d for d in template_dirs if path.is_relative_to(d)), path.parent)
        source = contentfile.read_text(path, problems, folder, contentfile.MAX_TEMPLATE_BYTES, "the series folder")
        if source is None:  # its size (checked before reading), a link outside, not UTF-8: reported
            continue
        for match in REFERENCE.finditer(source):
            name = match[1]
            found = find_template(template_dirs, name)
            if found is None:
                line = source.count("\n", 0, match.start()) + 1
                where = display_path(template_dirs[-1]) if name.startswith(BASE_PREFIX) else searched
                problems.add(path, f"template {quote(name)} not found; searched: {where}", line)
            else:
                waiting.append(found)


def _stylesheet(path: Path, problems: Problems) -> None:
    text = contentfile.read_text(path, problems, path.parent, contentfile.MAX_CSS_BYTES, "the series folders")
    if text is None:  # its size (checked before reading), a link outside, not UTF-8: reported
        return
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "page" and not tinycss2.serialize(rule.prelude).strip():
            _page_rule(path, rule, problems)
        elif rule.type == "qualified-rule":
            for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                if decl.type == "declaration" and decl.name in GEOMETRY_VARS:
                    problems.add(path, f"sets {decl.name}, which series.yaml `{GEOMETRY_VARS[decl.name]}` "
                                 "gives; set it there", decl.source_line, decl.source_column)
    _urls(path, rules, problems)


def _page_rule(path: Path, rule, problems: Problems) -> None:
    """Named pages (`@page cover`) and `:first` may set their own margins; the plain rule may not."""
    for decl in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True, skip_whitespace=True):
        if decl.type != "declaration":
            continue
        value = tinycss2.serialize(decl.value).strip()
        if decl.lower_name.startswith("margin"):
            problems.add(path, f"@page sets {decl.lower_name}: {value}; set the page margins in series.yaml "
                         "instead (margins: top right bottom left), so that the masthead band and the running "
                         "header and footer follow them", decl.source_line, decl.source_column)
        elif decl.lower_name == "size":
            problems.add(path, f"@page sets size: {value}; set page_size in series.yaml instead",
                         decl.source_line, decl.source_column)


def _urls(path: Path, nodes, problems: Problems) -> None:
    """Each `url(file)` names a file beside the stylesheet (or below it)."""
    for node in nodes:
        if not hasattr(node, "type"):
            continue
        target = None
        if node.type == "url":
            target = node.value
        elif node.type == "function" and node.lower_name == "url" and node.arguments:
            first = next((a for a in node.arguments if a.type == "string"), None)
            target = first.value if first is not None else None
        if target is not None:
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) and not target.startswith("#"):
                if not (path.parent / target).is_file():
                    problems.add(path, f"url({quote(target)}): no such file in {display_path(path.parent)}",
                                 node.source_line, node.source_column)
            continue
        for attr in ("prelude", "content", "value", "arguments"):
            children = getattr(node, attr, None)
            if isinstance(children, list):
                _urls(path, children, problems)
